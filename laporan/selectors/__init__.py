"""Reads of the laporan app: the report's figures (one module per group of sections), the
stored reports a user may see, and the navigation entry."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_wilayah
from dinsos.bulan import akhir_bulan, awal_bulan
from dinsos.hooks import ItemMenu
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.selectors.penyaluran import penyaluran_per_tahap
from laporan.access import KANTOR, scope_laporan
from laporan.models import LaporanBulanan
from laporan.selectors.data import bagian_dtsen, bagian_pengaduan
from laporan.selectors.graduasi import bagian_graduasi, bagian_sekolah_rakyat
from laporan.selectors.konteks import RUPIAH, TEKS, Konteks, angka, kolom, tabel
from laporan.selectors.program import bagian_komitmen, bagian_p2k2
from laporan.selectors.registri import bagian_bansos, bagian_kpm
from laporan.selectors.sdm import bagian_sdm

__all__ = [
    "BULAN_MUNDUR",
    "Konteks",
    "bulan_pilihan",
    "konteks_buat",
    "laporan_list",
    "laporan_riwayat",
    "laporan_susun",
    "menu_items",
    "wilayah_pilihan",
]

BULAN_MUNDUR = 24  # months offered by the picker: two years of rakor
VERSI_DATA = 1  # the shape of `LaporanBulanan.data`; a template reads older shapes by it
WORK_MEM = "64MB"  # per sort of one report's statements; bench/laporan.py at 100.000 families


def menu_items() -> list[ItemMenu]:
    """The app's navigation entry (`menu` hook)."""
    return [ItemMenu("Laporan", "Laporan rakor bulanan", "laporan:laporan-list", KANTOR)]


def wilayah_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """The areas `user` may make a report for: the city for the admin and the operator,
    the kecamatan under a koordinator's areas (current codes only)."""
    areas = scope_wilayah(user).filter(berlaku_sampai__isnull=True)
    if user.role == User.Role.KOORDINATOR:
        return areas.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("nama")
    return areas.filter(tingkat=Wilayah.Tingkat.KABUPATEN_KOTA).order_by("nama")


def bulan_pilihan(*, hari_ini: datetime.date | None = None) -> list[datetime.date]:
    """Months a report may be made for, newest first: this month (so far) and before."""
    awal = awal_bulan(hari_ini or today())
    return [awal_bulan(awal, geser=-i) for i in range(BULAN_MUNDUR)]


def laporan_list(*, user: User) -> QuerySet[LaporanBulanan]:
    """Stored reports `user` may see, newest month first, the latest version first."""
    return (
        scope_laporan(user, LaporanBulanan.objects.all())
        .select_related("wilayah", "dibuat_oleh")
        .defer("data")
        .order_by("-bulan", "wilayah__kode", "-versi")
    )


def laporan_riwayat(*, laporan: LaporanBulanan) -> QuerySet[LaporanBulanan]:
    """Every version of the same month and area (the caller checked access)."""
    return (
        LaporanBulanan.objects.filter(bulan=laporan.bulan, wilayah=laporan.wilayah)
        .select_related("dibuat_oleh")
        .defer("data")
        .order_by("-versi")
    )


def konteks_buat(*, wilayah: Wilayah, bulan: datetime.date) -> Konteks:
    """The report's area and month: the kelurahan and kecamatan under the area (2 queries)
    and the settings in force at the month's end."""
    prefix = f"{wilayah.kode}."
    under = Wilayah.objects.filter(kode__startswith=prefix).order_by()
    if wilayah.tingkat == Wilayah.Tingkat.KECAMATAN:
        kecamatan = [(wilayah.pk, wilayah.nama)]
    else:
        kecamatan = list(
            under.filter(tingkat=Wilayah.Tingkat.KECAMATAN, berlaku_sampai__isnull=True)
            .order_by("kode")
            .values_list("pk", "nama")
        )
    kelurahan = list(under.filter(tingkat=Wilayah.Tingkat.KELURAHAN).values_list("pk", flat=True))
    return Konteks(
        wilayah=wilayah,
        bulan=awal_bulan(bulan),
        kelurahan_ids=kelurahan,
        kecamatan=kecamatan,
        pengaturan=dinsos_selectors.pengaturan_semua(on=akhir_bulan(bulan)),
    )


def _penyaluran(k: Konteks) -> dict[str, Any] | None:
    """Tersalur and gagal per tahap of the report's year, from the bank/Pos distribution
    lists imported into kpm (issue 20); None when the year has no payout recorded."""
    per_tahap = penyaluran_per_tahap(tahun=k.bulan.year, kelurahan_ids=k.kelurahan_ids)
    if not per_tahap:
        return None
    tersalur = sum(t.tersalur for t in per_tahap)
    return {
        "angka": [
            angka(f"Penyaluran tersalur tahun {k.bulan.year}", tersalur),
            angka(f"Penyaluran gagal tahun {k.bulan.year}", sum(t.gagal for t in per_tahap)),
            angka(
                f"Nominal tersalur tahun {k.bulan.year}",
                sum(t.nominal_tersalur for t in per_tahap),
                fmt=RUPIAH,
            ),
        ],
        "tabel": [
            tabel(
                f"Penyaluran per tahap tahun {k.bulan.year}",
                [
                    kolom("Tahap", TEKS),
                    kolom("Tersalur"),
                    kolom("Gagal"),
                    kolom("Nominal tersalur", RUPIAH),
                ],
                [[f"Tahap {t.tahap}", t.tersalur, t.gagal, t.nominal_tersalur] for t in per_tahap],
            )
        ],
    }


Progres = Callable[[str, int], None]


def laporan_susun(
    *, wilayah: Wilayah, bulan: datetime.date, progres: Progres | None = None
) -> dict[str, Any]:
    """Every section's figures for the month and the area, JSON-ready (aggregates only;
    names of pendamping only in the workforce section). `progres(tahap, persen)` is told
    before each section."""
    k = konteks_buat(wilayah=wilayah, bulan=bulan)
    langkah: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("KPM", lambda: bagian_kpm(k)),
        ("Bansos", lambda: bagian_bansos(k, _penyaluran(k))),
        ("P2K2", lambda: bagian_p2k2(k)),
        ("Verifikasi komitmen", lambda: bagian_komitmen(k)),
        ("Graduasi", lambda: bagian_graduasi(k)),
        ("Sekolah Rakyat", lambda: bagian_sekolah_rakyat(k)),
        ("DTSEN dan PBI-JK", lambda: bagian_dtsen(k)),
        ("Pengaduan", lambda: bagian_pengaduan(k)),
        ("SDM PSKS", lambda: bagian_sdm(k)),
    ]
    bagian = []
    for index, (nama, hitung) in enumerate(langkah):
        if progres:  # outside the section's transaction, so the page's poll sees it
            progres(f"Menghitung {nama}", round(100 * index / len(langkah)))
        with transaction.atomic(), connection.cursor() as cursor:
            # PostgreSQL's JIT spends seconds compiling these one-off aggregate plans, and
            # the entitlement's window sorts spill to disk with the default 4 MB (bench).
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            bagian.append(hitung())
    return {
        "versi_data": VERSI_DATA,
        "bulan": k.bulan.isoformat(),
        "wilayah": {
            "id": wilayah.pk,
            "nama": wilayah.nama,
            "kode": wilayah.kode,
            "tingkat": wilayah.tingkat,
        },
        "bagian": bagian,
    }
