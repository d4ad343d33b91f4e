"""Extension-point sources registered by tests, as the p2k2 app registers its own."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet

from pendamping.models import Kasus, SkorKepuasan


def kontak_skor(start: datetime.date, end: datetime.date) -> QuerySet[SkorKepuasan]:
    """A satisfaction score given in person counts as a contact (test source)."""
    return SkorKepuasan.objects.filter(tanggal__range=(start, end))


def rhk_kasus(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """Cases reported per pendamping account (test RHK source)."""
    return (
        Kasus.objects.filter(tanggal_lapor__range=(start, end))
        .values(pendamping_user_id=F("pendamping__user_id"))
        .annotate(jumlah=Count("pk"))
        .order_by()
    )
