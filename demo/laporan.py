"""Demo rakor reports for `seed_demo`: last month's report of Kota Metro and of Metro Pusat,
built and stored like the beat's, so the Laporan page of a fresh `make run` shows one to the
office and one to the koordinator (issues 19 and 21).

Demo data only. Built in the seeding process (no worker needed): figures, PDF and XLSX, 2,3 s for
the demo's 6.000 families at load average 6 (the city's). An area's report is made once.
"""

from __future__ import annotations

from collections.abc import Callable

from dinsos.bulan import awal_bulan
from dinsos.formatting import bulan_tahun
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from laporan import services
from laporan.models import LaporanBulanan

KOTA = "18.72"  # Kota Metro
KECAMATAN = "18.72.01"  # Metro Pusat: the demo koordinator's own report (issue 21)


def generate_laporan(*, tulis: Callable[[str], object]) -> list[LaporanBulanan]:
    """Last month's report of the city, asked by the demo admin, and of Metro Pusat, asked by
    its koordinator; an area that already has a stored report is left alone. Returns the
    reports made."""
    bulan = awal_bulan(today(), geser=-1)
    dibuat = []
    for kode, role in ((KOTA, User.Role.ADMIN), (KECAMATAN, User.Role.KOORDINATOR)):
        wilayah = Wilayah.objects.filter(kode=kode, berlaku_sampai__isnull=True).first()
        if wilayah is None or LaporanBulanan.objects.filter(wilayah=wilayah).exists():
            continue
        oleh = (
            User.objects.filter(role=role, is_active=True, wilayah=wilayah).order_by("pk").first()
        )
        if oleh is None:
            continue
        laporan = services.laporan_proses(
            laporan=services.laporan_minta(wilayah=wilayah, bulan=bulan, oleh=oleh)
        )
        tulis(
            f"Laporan rakor demo: {bulan_tahun(bulan)} {wilayah.nama} disusun dalam "
            f"{sum(laporan.durasi.values()):.1f} detik."
        )
        dibuat.append(laporan)
    return dibuat
