"""P2K2 recap pages: attendance rates, consecutive alfa (with its XLSX) and curriculum."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from dinsos import ekspor
from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.http import AuthedRequest
from dinsos.models import AuditEvent
from p2k2 import exporters, forms, selectors

KELOMPOK_PER_HALAMAN = 50  # rows of the recap's per-group table
# Issue 21: what "diperbarui HH.MM" under a figure from the P2K2 summaries guarantees.
KETERANGAN_RINGKASAN = (
    "Pertemuan dan kehadiran yang dicatat di portal langsung terhitung; seluruh ringkasan "
    "dihitung ulang setiap malam."
)


def _tahun(request: AuthedRequest) -> tuple[forms.RekapForm, int]:
    pilihan = selectors.tahun_pilihan(user=request.user)
    form = forms.RekapForm(request.GET or None, tahun_pilihan=pilihan)
    tahun = form.cleaned_data["tahun"] if form.is_bound and form.is_valid() else pilihan[0]
    return form, tahun


def rekap_kehadiran(request: AuthedRequest) -> HttpResponse:
    form, tahun = _tahun(request)
    # Issue 21: the per-group table one page at a time (a province has 12.000 groups), the
    # page chosen by the statement that counts them.
    data = selectors.rekap_kehadiran(
        user=request.user,
        tahun=tahun,
        halaman=request.GET.get("page"),
        per_halaman=KELOMPOK_PER_HALAMAN,
    )
    page = Paginator(range(data.jumlah_kelompok), KELOMPOK_PER_HALAMAN).get_page(data.halaman)
    context = {
        "form": form,
        "rekap": data,
        "page": page,
        "query_string": urlencode({"tahun": tahun}),
        "grafik_bulan": selectors.grafik_bulan(data.bulan, tahun),
        "grafik_kecamatan": selectors.grafik_kecamatan(data.kecamatan, tahun),
        "diperbarui": data.diperbarui,
        "keterangan_ringkasan": KETERANGAN_RINGKASAN,
    }
    return render(request, "p2k2/rekap.html", context)


def rekap_alfa(request: AuthedRequest) -> HttpResponse:
    form = forms.RekapAlfaForm(
        request.GET or None, kelurahan=selectors.kelurahan_pilihan(user=request.user)
    )
    aturan = dinsos_selectors.pengaturan_semua()  # the threshold and the D13 reading: 1 query
    batas = int(aturan["p2k2_alfa_berturut"])
    jeda_memutus = bool(aturan["runtun_jeda_berketerangan_memutus"])
    if request.GET.get("format") == "xlsx":  # every run, without the meetings
        semua = selectors.runtun_alfa_rekap(
            user=request.user,
            batas=batas,
            filter=form.filter(),
            jeda_memutus=jeda_memutus,
            dengan_pertemuan=False,
        )
        dinsos_services.audit_record(
            user=request.user,
            action=AuditEvent.Action.EXPORT,
            object_type="p2k2.alfaberturut",
            reason="Daftar alfa P2K2 berturut-turut",
            jumlah=len(semua),
        )
        content = exporters.runtun_alfa_xlsx(semua, batas=batas)
        return ekspor.download_response(content, name="alfa-p2k2", fmt=ekspor.XLSX)
    # Issue 21: one page of runs (a province has hundreds), the count over all of them.
    page, runs = selectors.runtun_alfa_halaman(
        user=request.user,
        batas=batas,
        jeda_memutus=jeda_memutus,
        filter=form.filter(),
        halaman=request.GET.get("page"),
    )
    if runs:
        dinsos_services.audit_record(
            user=request.user,
            action=AuditEvent.Action.VIEW,
            object_type="p2k2.alfaberturut",
            reason="Daftar alfa P2K2 berturut-turut",
            jumlah=len(runs),
        )
    query = request.GET.copy()
    query.pop("page", None)
    query_string = query.urlencode()
    query["format"] = "xlsx"
    context = {
        "runs": runs,
        "page": page,
        "query_string": query_string,
        "batas": batas,
        "form": form,
        "query_xlsx": query.urlencode(),
        "jeda_memutus": jeda_memutus,
        "diperbarui": max((r.dihitung_pada for r in runs if r.dihitung_pada), default=None),
        "keterangan_ringkasan": KETERANGAN_RINGKASAN,
    }
    return render(request, "p2k2/rekap_alfa.html", context)


def rekap_kurikulum(request: AuthedRequest) -> HttpResponse:
    hanya_tertinggal = request.GET.get("tertinggal") == "on"
    # Issue 21: one page of groups (a province has 12.000), the count over all of them.
    data = selectors.kemajuan_kurikulum_halaman(
        user=request.user, halaman=request.GET.get("page"), hanya_tertinggal=hanya_tertinggal
    )
    context = {
        "kemajuan": data.kemajuan,
        "page": data.page,
        "query_string": "tertinggal=on" if hanya_tertinggal else "",
        "jumlah_tertinggal": data.jumlah_tertinggal,
        "hanya_tertinggal": hanya_tertinggal,
        "diperbarui": data.diperbarui,
        "keterangan_ringkasan": KETERANGAN_RINGKASAN,
    }
    return render(request, "p2k2/rekap_kurikulum.html", context)
