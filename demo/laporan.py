"""A demo rakor report for `seed_demo`: last month's report of Kota Metro, built and stored
like the beat's, so the Laporan page of a fresh `make run` shows one (issue 19).

Demo data only. Built in the seeding process (no worker needed): figures, PDF and XLSX, 2,3 s for
the demo's 6.000 families at load average 6. A no-op once any report is stored.
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


def generate_laporan(*, tulis: Callable[[str], object]) -> LaporanBulanan | None:
    """Last month's city report, asked by the demo admin; None when one already exists."""
    if LaporanBulanan.objects.exists():
        return None
    kota = Wilayah.objects.filter(kode=KOTA, berlaku_sampai__isnull=True).first()
    admin = User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("pk").first()
    if kota is None or admin is None:
        return None
    bulan = awal_bulan(today(), geser=-1)
    laporan = services.laporan_proses(
        laporan=services.laporan_minta(wilayah=kota, bulan=bulan, oleh=admin)
    )
    tulis(
        f"Laporan rakor demo: {bulan_tahun(bulan)} Kota Metro disusun dalam "
        f"{sum(laporan.durasi.values()):.1f} detik."
    )
    return laporan
