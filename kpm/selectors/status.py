"""A family's status at a past date, replayed from its status history (kpm.RiwayatStatus)."""

from __future__ import annotations

import datetime

from django.db.models import Case, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce

from dinsos.formatting import JAKARTA
from kpm.models import RiwayatStatus


def status_akhir(hari: datetime.date) -> Coalesce:
    """A family's status at the start of `hari` (office time), replayed from the status
    history: the status just before its first change from then on (a registration row's
    own status), or its status now when it has not changed since. The rakor report counts
    the month-end statuses the same way (laporan.selectors.registri.sesudah_cte)."""
    mulai = datetime.datetime.combine(hari, datetime.time(tzinfo=JAKARTA))
    sebelum = (
        RiwayatStatus.objects.filter(keluarga_id=OuterRef("pk"), created_at__gte=mulai)
        .order_by("created_at", "pk")
        .annotate(status_sebelum=Case(When(dari="", then=F("ke")), default=F("dari")))
        .values("status_sebelum")[:1]
    )
    return Coalesce(Subquery(sebelum), F("status"))
