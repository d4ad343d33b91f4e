"""Issue 21: a verification re-recorded marks the pendamping performance summary stale.

RHK 3 (`verifikasi.selectors.komitmen.rhk_komitmen`) counts verifications by the account
that recorded them, on the day they were first recorded (`created_at`, WIB). Re-recording a
member's component for a month keeps that day but takes the new recorder, so the figure
moves, in the month of that day, from the earlier recorder to the new one: a closed month's
summary row that nothing marks keeps the old figure. verifikasi sits beside pendamping in
the layers, so it hands the rows to `hooks.RINGKASAN_BASI` (one statement).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db.models import F, Value
from django.db.models.functions import TruncDate

from dinsos import hooks
from dinsos.bulan import awal_bulan
from dinsos.formatting import JAKARTA
from dinsos.models import User
from dinsos.pengaturan import today
from verifikasi.models import Komitmen


def komitmen_kinerja_basi(
    *,
    bulan: datetime.date,
    anggota_ids: Collection[int],
    komponen: Collection[str],
    oleh: User,
) -> None:
    """Before `komitmen_record` upserts: the verifications of these members, components and
    month first recorded by someone else before this month (a running month is computed
    again by age anyway) move to `oleh`; both accounts' rows of the day's month and year
    are marked out of date. One UPDATE, whatever the number of entries."""
    penyedia = hooks.registry.providers(hooks.RINGKASAN_BASI)
    if not penyedia or not anggota_ids:
        return
    diambil = (
        Komitmen.objects.filter(
            bulan=bulan,
            anggota_id__in=list(anggota_ids),
            komponen__in=list(komponen),
            created_at__lt=datetime.datetime.combine(
                awal_bulan(today()), datetime.time.min, tzinfo=JAKARTA
            ),
        )
        .exclude(recorded_by=oleh)
        .order_by()
    )
    hari = TruncDate("created_at", tzinfo=JAKARTA)
    lama = diambil.filter(recorded_by__isnull=False).values(
        pendamping_user_id=F("recorded_by_id"), awal=hari, akhir=hari
    )
    baru = diambil.values(pendamping_user_id=Value(oleh.pk), awal=hari, akhir=hari)
    for tandai in penyedia:
        tandai(baris=lama.union(baru))
