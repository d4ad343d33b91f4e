"""Reads of the shared core, always scoped by the user."""

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from dinsos.access import scope_wilayah
from dinsos.models import AuditEvent, Pengaturan, User, Wilayah
from dinsos.pengaturan import DEFAULTS, today


def wilayah_list(*, user: User) -> QuerySet[Wilayah]:
    """Current areas the user may see, with their parent and number of children."""
    return (
        scope_wilayah(user)
        .filter(berlaku_sampai__isnull=True)
        .select_related("parent")
        .annotate(jumlah_anak=Count("children"))
        .order_by("kode")
    )


def audit_list(*, action: str = "", username: str = "") -> QuerySet[AuditEvent]:
    """The audit log, newest first, optionally filtered (admins only; checked by the view)."""
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if username:
        events = events.filter(username__iexact=username)
    return events.order_by("-created_at", "-id")


def pengaturan_semua(*, on: datetime.date | None = None) -> dict[str, Any]:
    """Every programme setting in force on `on` (default today), defaults filled in; 1 query."""
    day = on or today()
    rows = (
        Pengaturan.objects.filter(berlaku_mulai__lte=day)
        .order_by("kunci", "-berlaku_mulai")
        .distinct("kunci")
        .values_list("kunci", "nilai")
    )
    values = {kunci: definisi.default for kunci, definisi in DEFAULTS.items()}
    values.update({kunci: nilai for kunci, nilai in rows if kunci in DEFAULTS})
    return values


def pengaturan_get(kunci: str, *, on: datetime.date | None = None) -> Any:
    """One programme setting in force on `on` (default today)."""
    if kunci not in DEFAULTS:
        raise KeyError(kunci)
    nilai = (
        Pengaturan.objects.filter(kunci=kunci, berlaku_mulai__lte=on or today())
        .order_by("-berlaku_mulai")
        .values_list("nilai", flat=True)
        .first()
    )
    return DEFAULTS[kunci].default if nilai is None else nilai


def otp_has_device(*, user: User) -> bool:
    """Whether the user has a confirmed TOTP device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
