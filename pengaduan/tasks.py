"""Background entry points of the complaint app (thin: one service each)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from dinsos.pengaturan import today
from pengaduan import services


@shared_task(bind=True, max_retries=5)
def pengaduan_eskalasi_task(self: Any) -> int:
    """Escalate the complaints past their deadline (daily by beat); safe to run twice."""
    try:
        return services.pengaduan_eskalasi(hari_ini=today())
    except OperationalError as exc:  # transient: DB restart or lock timeout
        raise self.retry(exc=exc, countdown=60) from exc
