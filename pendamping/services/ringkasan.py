"""Writes of the performance summary (`RingkasanKinerja`, issue 21).

- `ringkasan_kinerja_segarkan`: compute the out-of-date rows of some pendamping and periods
  (the pages call it before reading; the beat task for the running year);
- the `ringkasan_kinerja_basi*` functions mark rows out of date (one UPDATE each), in the
  transaction of the write, so the next read computes them again and shows the write. Who
  calls them, by the sources of `pendamping.selectors.indikator`:
  - this app's services: visits, cases and their status, referrals and their result,
    scores, assignments (and `penugasan_lengkapi`), PMKS clients (a client handed to
    another worker: from the month they were registered), monthly reports, directives,
    sosialisasi (`ringkasan_kinerja_basi`, `ringkasan_kinerja_basi_catatan`);
  - this app's admin pages, for the records they let the office edit or delete (field
    records, reports, directives, sosialisasi, assignment rows, a profile's account);
  - p2k2 (above this app): attendance submitted or synced, a conflict resolved, a held
    meeting moved to another date (`ringkasan_kinerja_basi_keluarga`: the month of the
    meeting and its year, for the group's pendamping and the families' pendamping then);
  - kpm (below this app, through `hooks.RINGKASAN_BASI`, `ringkasan_kinerja_basi_rentang`):
    a payout list applied (RHK 1: the months of the tahap and the year, for the payouts'
    pendamping before and after), a family registered with a pendamping or its pendamping
    or enrolment date changed on its form (both pendamping, from the enrolment date);
  - verifikasi (beside this app, through the same hook): a verification re-recorded by
    another account (RHK 3: the month it was first recorded, both recorders).
Sources read by time of writing (audit events, komitmen, status history, data updates) only
touch running periods, which are computed again once older than `ringkasan_umur_menit`.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table, queryset_sql
from kpm.models import Keluarga
from pendamping.models import Pendamping, Penugasan, RingkasanKinerja
from pendamping.models.ringkasan import BULAN_SETAHUN
from pendamping.periode import Periode
from pendamping.selectors.ringkasan import nilai_list, periode_tahun_berjalan, perlu_dihitung

# A mark stamps the writing transaction, also on a row already marked: a computation
# running meanwhile read that row as marked by an earlier transaction, and must see that a
# later one marked it again (see `ringkasan_kinerja_segarkan`).
_XID_SEKARANG = "pg_current_xact_id()::text::bigint"
_TANDA_BASI = {"is_basi": True, "basi_xid": RawSQL(_XID_SEKARANG, [])}  # noqa: S611 (constant)


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
    # What the computation below is sure to see: every transaction committed before this
    # snapshot (each later statement sees at least as much).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        (snapshot,) = cursor.fetchone()
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
        _tandai_lagi(baris, snapshot)
    return len(baris)


def _tandai_lagi(baris: list[RingkasanKinerja], snapshot: str) -> int:
    """Rows just stored that a write marked in a transaction the computation could not see
    (committed after `snapshot`, or still running when the upsert reached the row: the upsert
    waited for it) stay marked, so the next read computes them again with that write. A mark
    by this same transaction was seen. The upsert holds these rows' locks until commit, so a
    later mark cannot slip in between."""
    sql = f"""
        UPDATE {db_table(RingkasanKinerja)} r SET is_basi = true
        FROM unnest(%(pendamping)s::bigint[], %(tahun)s::int[], %(bulan)s::int[])
             AS b (pendamping_id, tahun, bulan)
        WHERE r.pendamping_id = b.pendamping_id AND r.tahun = b.tahun AND r.bulan = b.bulan
          AND r.basi_xid IS NOT NULL AND r.basi_xid <> {_XID_SEKARANG}
          AND NOT pg_visible_in_snapshot(r.basi_xid::text::xid8, %(snapshot)s::pg_snapshot)
    """  # noqa: S608 (table name from the model; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "pendamping": [b.pendamping_id for b in baris],
                "tahun": [b.tahun for b in baris],
                "bulan": [b.bulan for b in baris],
                "snapshot": snapshot,
            },
        )
        return int(cursor.rowcount)


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
    return RingkasanKinerja.objects.filter(siapa, periode).update(**_TANDA_BASI)


def ringkasan_kinerja_basi_keluarga(
    *,
    keluarga_ids: Collection[int] | QuerySet[Any],
    tanggal: datetime.date,
    user_ids: Collection[int | None] | QuerySet[Any] = (),
) -> int:
    """A contact of these families on `tanggal` was written (P2K2 attendance), or a record
    of the accounts `user_ids` dated then (a meeting held by a group's pendamping): the rows
    of the month of `tanggal` and of its year are out of date for those accounts and for
    every pendamping the families had on that day (an assignment row covering it, or the
    current pendamping). One UPDATE; `keluarga_ids` may be a subquery of ids."""
    if not isinstance(keluarga_ids, QuerySet):
        keluarga_ids = list(keluarga_ids)
    ditugaskan = Penugasan.objects.filter(
        Q(selesai__isnull=True) | Q(selesai__gte=tanggal),
        keluarga_id__in=keluarga_ids,
        mulai__lte=tanggal,
    ).values("pendamping_id")
    sekarang = Keluarga.objects.filter(pk__in=keluarga_ids, pendamping__isnull=False).values(
        "pendamping_id"
    )
    siapa = Q(pendamping__user_id__in=ditugaskan) | Q(pendamping__user_id__in=sekarang)
    if isinstance(user_ids, QuerySet):
        siapa |= Q(pendamping__user_id__in=user_ids)
    elif akun := [pk for pk in user_ids if pk is not None]:
        siapa |= Q(pendamping__user_id__in=akun)
    return RingkasanKinerja.objects.filter(
        siapa, tahun=tanggal.year, bulan__in=[tanggal.month, BULAN_SETAHUN]
    ).update(**_TANDA_BASI)


def ringkasan_kinerja_basi_rentang(*, baris: QuerySet[Any]) -> int:
    """`hooks.RINGKASAN_BASI`: `baris` has rows `pendamping_user_id`, `awal`, `akhir` (dates;
    a union of such querysets is taken as it is, its columns in that order);
    the rows of each account's periods that overlap [awal, akhir] (the months and the year)
    are out of date. One UPDATE whatever the number of rows: the pairs are collected in SQL
    (a payout list of 30.000 families is a few hundred distinct accounts and tahap)."""
    if baris.query.combinator is None:
        baris = baris.values_list("pendamping_user_id", "awal", "akhir").order_by()
    sub, params = queryset_sql(baris, prefix="basi")
    r_awal = "make_date(r.tahun::int, GREATEST(r.bulan, 1)::int, 1)"
    r_akhir = (
        f"CASE WHEN r.bulan = {BULAN_SETAHUN} THEN make_date(r.tahun::int, 12, 31) "
        f"ELSE ({r_awal} + interval '1 month' - interval '1 day')::date END"
    )
    sql = f"""
        UPDATE {db_table(RingkasanKinerja)} r SET is_basi = true, basi_xid = {_XID_SEKARANG}
        FROM {db_table(Pendamping)} p,
             (SELECT DISTINCT b.user_id, b.awal, b.akhir
              FROM ({sub}) AS b (user_id, awal, akhir)
              WHERE b.user_id IS NOT NULL) d
        WHERE p.id = r.pendamping_id AND p.user_id = d.user_id
          AND {r_awal} <= d.akhir AND {r_akhir} >= d.awal
    """  # noqa: S608 (table names from the models; values are named parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def ringkasan_kinerja_basi_semua(catatan: QuerySet[Any]) -> int:
    """Records of the kind above are about to be deleted (the admin's bulk delete): their
    pendamping's rows from the earliest of their dates on are out of date (one query for
    the dates, one UPDATE)."""
    fields = [f.name for f in catatan.model._meta.get_fields() if f.name in _TANGGAL_CATATAN]
    rows = list(catatan.order_by().values_list("pendamping_id", *fields).distinct())
    hari = [d for row in rows for d in row[1:] if d]
    if not rows:
        return 0
    return ringkasan_kinerja_basi(
        pendamping_ids={row[0] for row in rows}, sejak=min(hari, default=today())
    )


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
    "bulan",  # a monthly report (its first day)
    "tanggal",
    "tanggal_lapor",
    "tanggal_ditangani",
    "tanggal_kirim",
    "tanggal_selesai",
)


def ringkasan_kinerja_basi_catatan(catatan: Any) -> int:
    """A field record (visit, case, referral, score, monthly report, sosialisasi) was
    written: its pendamping's rows from its earliest date on are out of date."""
    hari = [d for d in (getattr(catatan, name, None) for name in _TANGGAL_CATATAN) if d]
    return ringkasan_kinerja_basi(
        pendamping_ids=[catatan.pendamping_id], sejak=min(hari, default=today())
    )
