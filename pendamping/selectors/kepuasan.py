"""Reads for the family's own satisfaction answer (issue 20, D10)."""

from __future__ import annotations

from pendamping.models import TautanKepuasan


def tautan_get(*, token: str) -> TautanKepuasan | None:
    """The link with this token, or None (the public page is the only reader: no scope,
    the unguessable token is the key)."""
    return TautanKepuasan.objects.select_related("pendamping").filter(token=token).first()
