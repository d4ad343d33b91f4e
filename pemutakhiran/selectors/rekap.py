"""The cycle's figures per kelurahan and batch month: proposed, verified, sent, reflected
in DTSEN, and the median months from the batch to the snapshot that showed the change."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Aggregate, Count, FloatField

from dinsos.bulan import awal_bulan
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from pemutakhiran.models import Status
from pemutakhiran.selectors.usulan import (
    Q_TAHAP,
    TAHAP_DIKIRIM,
    TAHAP_DITERIMA_URUT,
    UsulanFilter,
    usulan_list,
)

BULAN_MUNDUR = 24  # months offered in the month picker


class Median(Aggregate):
    """PostgreSQL's `percentile_cont(0.5)`: the median of a column (NULL for no rows)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class BarisRekap:
    """One kelurahan's (or the total's) figures for a month; each links to its list."""

    label: str
    diusulkan: int
    diverifikasi: int
    dikirim: int
    tercermin: int
    median_bulan: float | None
    filters: UsulanFilter

    def url(self, tahap: str) -> str:
        return replace(self.filters, tahap=tahap).url()

    @property
    def tautan(self) -> list[tuple[int, str]]:
        """(figure, link) in the table's column order."""
        angka = (self.diusulkan, self.diverifikasi, self.dikirim, self.tercermin)
        return [(n, self.url(t)) for n, t in zip(angka, TAHAP_DITERIMA_URUT, strict=True)]


_ANGKA: dict[str, Any] = {
    **{tahap: Count("pk", filter=q) for tahap, q in Q_TAHAP.items()},
    "median_bulan": Median("bulan_tunggu", filter=Q_TAHAP["tercermin"]),
}


def _baris(label: str, row: Mapping[str, Any], filters: UsulanFilter) -> BarisRekap:
    return BarisRekap(
        label=label,
        diusulkan=row["diusulkan"],
        diverifikasi=row["diverifikasi"],
        dikirim=row[TAHAP_DIKIRIM],
        tercermin=row["tercermin"],
        median_bulan=row["median_bulan"],
        filters=filters,
    )


@dataclass(frozen=True)
class Rekap:
    bulan: datetime.date
    total: BarisRekap
    per_kelurahan: list[BarisRekap]


def usulan_rekap(*, user: User, bulan: datetime.date) -> Rekap:
    """One batch month's figures per kelurahan the user may see, over the same scoped list
    the figures link to (2 queries: grouped, and the total)."""
    dasar = UsulanFilter(bulan=awal_bulan(bulan))
    qs = usulan_list(user=user, filters=dasar).order_by().exclude(status=Status.DRAF)
    rows = {r["kelurahan_id"]: r for r in qs.values("kelurahan_id").annotate(**_ANGKA)}
    nama = dict(Wilayah.objects.filter(pk__in=list(rows)).values_list("pk", "nama").order_by())
    per_kelurahan = sorted(
        (_baris(nama[pk], row, replace(dasar, kelurahan_id=pk)) for pk, row in rows.items()),
        key=lambda b: b.label,
    )
    return Rekap(
        bulan=awal_bulan(bulan),
        total=_baris("Jumlah", qs.aggregate(**_ANGKA), dasar),
        per_kelurahan=per_kelurahan,
    )


def bulan_pilihan(*, hari_ini: datetime.date | None = None) -> list[datetime.date]:
    """First days of the months offered by the picker (next month's batch first)."""
    awal = awal_bulan(hari_ini or today(), geser=1)
    return [awal_bulan(awal, geser=-i) for i in range(BULAN_MUNDUR)]
