"""The monthly complaint figures for the office, on the page and in XLSX."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from dinsos.charts import Entri, Grafik, Warna, batang_mendatar
from dinsos.ekspor import XLSX, download_response
from dinsos.formatting import angka, persen
from dinsos.http import AuthedRequest, require_role
from dinsos.models import User
from pengaduan import exporters, forms, selectors

R = User.Role
KANTOR = (R.ADMIN, R.OPERATOR, R.KOORDINATOR)


def _grafik_list(hasil: selectors.Rekap) -> list[Grafik]:
    """Received complaints by category and by kecamatan, and the share answered in time."""

    def diterima(baris: list[selectors.BarisRekap], judul: str) -> Grafik:
        entri = [
            Entri(
                b.label, b.diterima, angka(b.diterima), f"{b.label}: {angka(b.diterima)} diterima"
            )
            for b in baris
        ]
        return batang_mendatar(judul, entri)

    tepat = [
        Entri(
            b.label,
            100 * b.dijawab_tepat / b.diterima if b.diterima else None,
            persen(b.dijawab_tepat / b.diterima) if b.diterima else "—",
            f"{b.label}: {angka(b.dijawab_tepat)} dari {angka(b.diterima)} dijawab tepat waktu",
            Warna.BERHASIL,
        )
        for b in hasil.per_kategori
    ]
    return [
        diterima(hasil.per_kategori, "Diterima per kategori"),
        diterima(hasil.per_kecamatan, "Diterima per kecamatan"),
        batang_mendatar("Dijawab tepat waktu per kategori", tepat, maks=100),
    ]


@require_role(*KANTOR)
def rekap(request: AuthedRequest) -> HttpResponse:
    bulan = forms.BulanForm(request.GET).bulan_dipilih()
    hasil = selectors.pengaduan_rekap(user=request.user, bulan=bulan)
    context = {
        "rekap": hasil,
        "tabel": [
            ("Kategori", hasil.per_kategori),
            ("Saluran", hasil.per_kanal),
            ("Kecamatan", hasil.per_kecamatan),
        ],
        "bulan_pilihan": selectors.bulan_pilihan(),
        "grafik_list": _grafik_list(hasil),
    }
    return render(request, "pengaduan/rekap.html", context)


@require_role(*KANTOR)
def rekap_xlsx(request: AuthedRequest) -> HttpResponse:
    bulan = forms.BulanForm(request.GET).bulan_dipilih()
    hasil = selectors.pengaduan_rekap(user=request.user, bulan=bulan)
    nama = f"rekap-pengaduan-{bulan:%Y-%m}"
    return download_response(exporters.rekap_xlsx(hasil), name=nama, fmt=XLSX)
