"""Reads of the shared core, always scoped by the user."""

from django.db.models import Count, QuerySet

from dinsos.access import scope_wilayah
from dinsos.models import AuditEvent, User, Wilayah


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
