"""RHK 7, 8 and 9 per pendamping from their records (DOMAIN.md §11; issue 20, D9).

Each source is a set-based queryset with rows `pendamping_user_id`, `jumlah`, registered
under `hooks.RHK_PENDAMPING` by this app's AppConfig, so `pendamping.selectors.indikator`
compiles it into its one aggregate statement like the p2k2 and komitmen sources:
- `laporan`: monthly reports of the months in the period; `laporan_terlambat`: of those,
  sent after the deadline setting (`laporan_bulanan_batas_hari`);
- `arahan_diterima`: directives dated in the period addressed to the pendamping; `arahan`:
  of those, acknowledged by them;
- `sosialisasi`: sosialisasi activities held in the period.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet

from pendamping.models import ArahanPenerima, LaporanBulanan, Sosialisasi


def _per_pendamping(qs: QuerySet[Any]) -> QuerySet[Any]:
    return (
        qs.filter(pendamping__user__isnull=False)
        .values(pendamping_user_id=F("pendamping__user_id"))
        .annotate(jumlah=Count("pk"))
        .order_by()
    )


def rhk_laporan(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 7: monthly reports of the months in [start, end], per pendamping."""
    return _per_pendamping(LaporanBulanan.objects.filter(bulan__range=(start, end)))


def rhk_laporan_terlambat(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 7: of those reports, the ones sent after the deadline."""
    return _per_pendamping(
        LaporanBulanan.objects.filter(bulan__range=(start, end), is_terlambat=True)
    )


def rhk_arahan_diterima(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 8: directives dated in [start, end] addressed to each pendamping."""
    return _per_pendamping(ArahanPenerima.objects.filter(arahan__tanggal__range=(start, end)))


def rhk_arahan(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 8: of those directives, the ones the pendamping acknowledged."""
    return _per_pendamping(
        ArahanPenerima.objects.filter(
            arahan__tanggal__range=(start, end), diterima_pada__isnull=False
        )
    )


def rhk_sosialisasi(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 9: sosialisasi activities held in [start, end]."""
    return _per_pendamping(Sosialisasi.objects.filter(tanggal__range=(start, end)))


SUMBER_RHK = {
    "laporan": rhk_laporan,
    "laporan_terlambat": rhk_laporan_terlambat,
    "arahan": rhk_arahan,
    "arahan_diterima": rhk_arahan_diterima,
    "sosialisasi": rhk_sosialisasi,
}
