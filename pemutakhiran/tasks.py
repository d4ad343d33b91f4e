"""Background entry points of the monthly update cycle (thin: one service each)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from dinsos.pengaturan import today
from pemutakhiran import services


@shared_task(bind=True, max_retries=5)
def usulan_geser_bulan_task(self: Any) -> int:
    """Carry the unsent proposals of a closed month to the open batch (daily by beat); safe
    to run twice."""
    try:
        return services.usulan_geser_bulan(hari_ini=today())
    except OperationalError as exc:  # transient: DB restart or lock timeout
        raise self.retry(exc=exc, countdown=60) from exc
