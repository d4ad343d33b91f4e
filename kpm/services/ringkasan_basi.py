"""Issue 21: kpm's writes that the pendamping performance summary counts mark it stale.

kpm sits below pendamping, so it hands the affected (account, first day, last day) rows to
`hooks.RINGKASAN_BASI` as querysets, and pendamping marks the overlapping rows in one UPDATE
each, inside the writing transaction:
- a payout list applied: RHK 1 (`kpm.selectors.penyaluran`) counts a payout in every period
  that overlaps its tahap's quarter, for the pendamping recorded on it;
- a family registered with a pendamping, or its pendamping or enrolment date changed on its
  form: the families served (a family with no assignment row counts for its current
  pendamping from its enrolment date), the caseload and graduations of both pendamping.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from django.db.models import DateField, Exists, F, Func, OuterRef, QuerySet, Value
from django.db.models.functions import TruncDate

from dinsos import hooks
from dinsos.formatting import JAKARTA
from dinsos.models import User
from kpm.models import BarisUnggahanPenyaluran, Keluarga, Penyaluran, RiwayatPerubahan

# The last day of a tahap's quarter: the first day of its last month, one month on, less a day.
_AKHIR_KUARTAL = "(make_date(%(expressions)s) + interval '1 month' - interval '1 day')::date"


def _kuartal(qs: QuerySet[Any], pendamping: str) -> QuerySet[Any]:
    """Rows `pendamping_user_id`, `awal`, `akhir`: the days of each payout's tahap (a quarter,
    DOMAIN.md §2), which is what RHK 1 counts in a period (kpm.selectors.penyaluran)."""
    return (
        qs.values(
            pendamping_user_id=F(pendamping),
            awal=Func(
                F("tahun"), F("tahap") * 3 - 2, 1, function="make_date", output_field=DateField()
            ),
            akhir=Func(
                F("tahun"),
                F("tahap") * 3,
                1,
                template=_AKHIR_KUARTAL,
                output_field=DateField(),
            ),
        )
        .order_by()
        .distinct()
    )


def penyaluran_ringkasan_basi(*, unggahan_id: int) -> None:
    """Issue 21: the payouts this list writes change RHK 1 of the pendamping they credit,
    before (a changed payout moves to the family's pendamping of now) and after; the
    summaries of those accounts for the tahap's months and year are marked out of date
    (hooks.RINGKASAN_BASI, pendamping). Runs before the upsert, which overwrites the old
    pendamping; rows already recorded with the same values are left out, as the upsert leaves
    them. Two statements whatever the size of the list."""
    penyedia = hooks.registry.providers(hooks.RINGKASAN_BASI)
    if not penyedia:
        return
    sama = Penyaluran.objects.filter(
        keluarga_id=OuterRef("keluarga_id"),
        tahun=OuterRef("tahun"),
        tahap=OuterRef("tahap"),
        nominal=OuterRef("nominal"),
        status=OuterRef("status"),
        alasan_gagal=OuterRef("alasan_gagal"),
        sumber=OuterRef("sumber"),
    )
    baru = BarisUnggahanPenyaluran.objects.filter(
        unggahan_id=unggahan_id, keluarga__pendamping__isnull=False
    ).exclude(Exists(sama))
    berubah = BarisUnggahanPenyaluran.objects.filter(
        unggahan_id=unggahan_id,
        keluarga_id=OuterRef("keluarga_id"),
        tahun=OuterRef("tahun"),
        tahap=OuterRef("tahap"),
    ).exclude(
        nominal=OuterRef("nominal"),
        status=OuterRef("status"),
        alasan_gagal=OuterRef("alasan_gagal"),
        sumber=OuterRef("sumber"),
    )
    lama = Penyaluran.objects.filter(Exists(berubah), pendamping__isnull=False)
    for tandai in penyedia:
        tandai(baris=_kuartal(baru, "keluarga__pendamping_id"))
        tandai(baris=_kuartal(lama, "pendamping_id"))


def keluarga_ringkasan_basi(*, user_ids: Collection[int | None], sejak: datetime.date) -> None:
    """A family's pendamping or enrolment date changed: the summaries of these accounts from
    `sejak` on are out of date (one statement)."""
    ids = [pk for pk in user_ids if pk is not None]
    penyedia = hooks.registry.providers(hooks.RINGKASAN_BASI)
    if not ids or not penyedia:
        return
    baris = User.objects.filter(pk__in=ids).values(
        pendamping_user_id=F("pk"),
        awal=Value(sejak, output_field=DateField()),
        akhir=Value(datetime.date.max, output_field=DateField()),
    )
    for tandai in penyedia:
        tandai(baris=baris)


def pembatasan_ringkasan_basi(*, keluarga_id: int) -> None:
    """A restriction request on this family was recorded, refused or lifted: the figures
    that count the family or its records change (pendamping.selectors.indikator leaves a
    restricted family out). Marked out of date, in the writing transaction: the rows of its
    current pendamping from its enrolment date on, of the pendamping its payouts credit for
    their quarters, and of the accounts that recorded changes to it for those days. One
    statement (a union handed to hooks.RINGKASAN_BASI)."""
    penyedia = hooks.registry.providers(hooks.RINGKASAN_BASI)
    if not penyedia:
        return
    akhir = Value(datetime.date.max, output_field=DateField())
    pendamping = (
        Keluarga.objects.filter(pk=keluarga_id, pendamping__isnull=False)
        .values(pendamping_user_id=F("pendamping_id"), awal=F("tanggal_terdaftar"), akhir=akhir)
        .order_by()
    )
    bayar = _kuartal(
        Penyaluran.objects.filter(keluarga_id=keluarga_id, pendamping__isnull=False),
        "pendamping_id",
    )
    hari = TruncDate("created_at", tzinfo=JAKARTA)
    ubah = (
        RiwayatPerubahan.objects.filter(keluarga_id=keluarga_id)
        .values(pendamping_user_id=F("oleh_id"), awal=hari, akhir=hari)
        .order_by()
        .distinct()
    )
    for tandai in penyedia:
        tandai(baris=pendamping.union(bayar, ubah))
