"""Payouts per tahap (issue 20): the RHK 1 sources per pendamping and the counts per tahap
the rakor report's Bansos section shows.

A tahap is one quarter of its year (DOMAIN.md §2: 4 quarterly tahap), so a period [start,
end] covers every tahap whose quarter overlaps it; a monthly period therefore shows the
tahap of its quarter. A payout counts for the pendamping recorded on it (the family's
pendamping when the list was recorded), so the sources read the payout table alone.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from dinsos.models import User
from kpm.access import keluarga_dibatasi_ids, scope_keluarga, scope_unggahan_penyaluran
from kpm.models import TAHAP_PER_TAHUN, Keluarga, Penyaluran, UnggahanPenyaluran


def tahap_dalam(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    """The (tahun, tahap) pairs whose quarter overlaps [start, end]."""
    pairs = []
    for tahun in range(start.year, end.year + 1):
        for tahap in range(1, TAHAP_PER_TAHUN + 1):
            awal = datetime.date(tahun, 3 * tahap - 2, 1)
            akhir = datetime.date(tahun + (tahap == 4), (3 * tahap) % 12 + 1, 1)
            if awal <= end and akhir > start:
                pairs.append((tahun, tahap))
    return pairs


def _periode(pairs: Iterable[tuple[int, int]]) -> Q:
    return functools.reduce(operator.or_, (Q(tahun=y, tahap=t) for y, t in pairs))


def _per_pendamping(start: datetime.date, end: datetime.date, **filters: Any) -> QuerySet[Any]:
    # A family under a restriction in force is not processed, so not counted (UU 27/2022).
    return (
        Penyaluran.objects.filter(
            _periode(tahap_dalam(start, end)), pendamping__isnull=False, **filters
        )
        .exclude(keluarga_id__in=keluarga_dibatasi_ids())
        .values(pendamping_user_id=F("pendamping_id"))
        .annotate(jumlah=Count("pk"))
        .order_by()
    )


def rhk_penyaluran(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 1: payouts tersalur to each pendamping's families in the period's tahap."""
    return _per_pendamping(start, end, status=Penyaluran.Status.TERSALUR)


def rhk_penyaluran_gagal(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 1: payouts that failed. Recorded = tersalur + gagal (the only two statuses): two
    passes over the payouts of the period, one of them over the few failed ones (the
    `penyaluran_periode` index), instead of two over all of them (issue 20: the indicator
    bench's year took 100 ms more with a `penyaluran_dicatat` source)."""
    return _per_pendamping(start, end, status=Penyaluran.Status.GAGAL)


@dataclass(frozen=True)
class PenyaluranTahap:
    tahap: int
    tersalur: int
    gagal: int
    nominal_tersalur: int


def penyaluran_per_tahap(*, tahun: int, kelurahan_ids: Iterable[int]) -> list[PenyaluranTahap]:
    """Tersalur and gagal per tahap of the year for families in the kelurahan (one query);
    only tahap with a recorded payout."""
    rows = (
        Penyaluran.objects.filter(tahun=tahun, keluarga__kelurahan_id__in=list(kelurahan_ids))
        .values("tahap")
        .annotate(
            tersalur=Count("pk", filter=Q(status=Penyaluran.Status.TERSALUR)),
            gagal=Count("pk", filter=Q(status=Penyaluran.Status.GAGAL)),
            nominal_tersalur=Sum("nominal", filter=Q(status=Penyaluran.Status.TERSALUR), default=0),
        )
        .order_by("tahap")
    )
    return [PenyaluranTahap(**row) for row in rows]


def penyaluran_list(
    *, user: User, tahun: int | None, tahap: int | None, status: str
) -> QuerySet[Penyaluran]:
    """The payouts of the families `user` may see (kpm.access), newest tahap first."""
    rows = Penyaluran.objects.filter(
        keluarga__in=scope_keluarga(user, Keluarga.objects.all())
    ).select_related("keluarga")
    if tahun:
        rows = rows.filter(tahun=tahun)
    if tahap:
        rows = rows.filter(tahap=tahap)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-tahun", "-tahap", "keluarga__no_kk", "pk")


# --- Uploaded lists -------------------------------------------------------------------------
RIWAYAT_TAMPIL = 20  # recent uploads on the upload page


def unggahan_penyaluran_list(*, user: User) -> list[UnggahanPenyaluran]:
    """The latest lists `user` may see (kpm.access), newest first."""
    rows = scope_unggahan_penyaluran(user, UnggahanPenyaluran.objects.all())
    return list(
        rows.select_related("diunggah_oleh").order_by("-created_at", "-pk")[:RIWAYAT_TAMPIL]
    )


def unggahan_penyaluran_sama(*, unggahan: UnggahanPenyaluran) -> UnggahanPenyaluran | None:
    """An earlier upload of the very same file that was applied (so applying this one
    changes nothing the other did not), for the preview's notice."""
    return (
        UnggahanPenyaluran.objects.filter(
            sha256=unggahan.sha256, status=UnggahanPenyaluran.Status.DITERAPKAN
        )
        .exclude(pk=unggahan.pk)
        .select_related("diterapkan_oleh")
        .order_by("-diterapkan_at")
        .first()
    )
