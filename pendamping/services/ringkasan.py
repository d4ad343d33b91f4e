"""Writes of the performance summary (`RingkasanKinerja`, issue 21).

- `ringkasan_kinerja_segarkan`: compute the out-of-date rows of some pendamping and periods
  (the pages call it before reading; the beat task for the running year);
- `ringkasan_kinerja_basi`: called in the same transaction by every service that writes a
  record the indicators count (visits, cases, referrals, scores, assignments, P2K2
  attendance), so the next read computes those rows again and shows the write.
Sources read by time of writing (audit events, komitmen, status history) only touch running
periods, which are computed again once older than `ringkasan_umur_menit`.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos.pengaturan import today
from pendamping.models import Pendamping, RingkasanKinerja
from pendamping.models.ringkasan import BULAN_SETAHUN
from pendamping.periode import Periode
from pendamping.selectors.ringkasan import nilai_list, periode_tahun_berjalan, perlu_dihitung


def _umur_menit() -> int:
    return int(dinsos_selectors.pengaturan_get("ringkasan_umur_menit"))


def ringkasan_kinerja_segarkan(
    *, pendamping_ids: Collection[int], periodes: Sequence[Periode], semua: bool = False
) -> int:
    """Compute and store the rows of these pendamping and periods that are missing or out of
    date (all of them with `semua`): one statement per period that needs it, one upsert.
    Returns the number of rows written."""
    if not pendamping_ids or not periodes:
        return 0
    if semua:
        perlu = {periode: sorted(set(pendamping_ids)) for periode in periodes}
    else:
        perlu = perlu_dihitung(pendamping_ids, periodes, umur_menit=_umur_menit())
    if not perlu:
        return 0
    user_ids = dict(
        Pendamping.objects.filter(pk__in={pk for ids in perlu.values() for pk in ids}).values_list(
            "pk", "user_id"
        )
    )
    pengaturan = dinsos_selectors.pengaturan_semua()
    sekarang = timezone.now()
    # Periods that need the same pendamping share one transaction (one statement each).
    kelompok: dict[tuple[int, ...], list[Periode]] = {}
    for periode, ids in perlu.items():
        kelompok.setdefault(tuple(pk for pk in ids if pk in user_ids), []).append(periode)
    baris: list[RingkasanKinerja] = []
    for sama, periode_list in kelompok.items():
        nilai_periode = nilai_list([(pk, user_ids[pk]) for pk in sama], periode_list, pengaturan)
        for periode, nilai in zip(periode_list, nilai_periode, strict=True):
            baris.extend(
                RingkasanKinerja(
                    pendamping_id=pk,
                    tahun=periode.tahun,
                    bulan=periode.bulan or BULAN_SETAHUN,
                    nilai=figures,
                    is_basi=False,
                    dihitung_pada=sekarang,
                )
                for pk, figures in nilai.items()
            )
    with transaction.atomic():
        RingkasanKinerja.objects.bulk_create(
            baris,
            update_conflicts=True,
            unique_fields=["pendamping", "tahun", "bulan"],
            update_fields=["nilai", "is_basi", "dihitung_pada"],
        )
    return len(baris)


def ringkasan_kinerja_basi(
    *,
    sejak: datetime.date,
    pendamping_ids: Collection[int] = (),
    user_ids: Collection[int | None] = (),
) -> int:
    """Mark the rows of these pendamping (by profile or by account) whose period ends on or
    after `sejak` as out of date (one UPDATE). Call it in the writing transaction."""
    siapa = Q(pendamping_id__in=list(pendamping_ids)) | Q(
        pendamping__user_id__in=[pk for pk in user_ids if pk is not None]
    )
    periode = Q(tahun__gt=sejak.year) | Q(tahun=sejak.year, bulan=BULAN_SETAHUN)
    periode |= Q(tahun=sejak.year, bulan__gte=sejak.month)
    return RingkasanKinerja.objects.filter(siapa, periode, is_basi=False).update(is_basi=True)


def ringkasan_kinerja_berkala(*, on: datetime.date | None = None) -> int:
    """Beat: bring the running year's rows of every pendamping in service up to date (rows
    marked by writes and running periods older than the setting). Returns rows written."""
    day = on or today()
    ids = list(
        Pendamping.objects.filter(mulai__lte=day)
        .exclude(selesai__lt=datetime.date(day.year, 1, 1))
        .values_list("pk", flat=True)
    )
    return ringkasan_kinerja_segarkan(pendamping_ids=ids, periodes=periode_tahun_berjalan(day))


_TANGGAL_CATATAN = (
    "tanggal",
    "tanggal_lapor",
    "tanggal_ditangani",
    "tanggal_kirim",
    "tanggal_selesai",
)


def ringkasan_kinerja_basi_catatan(catatan: Any) -> int:
    """A field record (visit, case, referral, score) was written: its pendamping's rows from
    its earliest date on are out of date."""
    hari = [d for d in (getattr(catatan, name, None) for name in _TANGGAL_CATATAN) if d]
    return ringkasan_kinerja_basi(
        pendamping_ids=[catatan.pendamping_id], sejak=min(hari, default=today())
    )
