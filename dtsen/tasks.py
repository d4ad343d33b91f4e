"""Celery entry points of the dtsen app (routed to the heavy queue "berat" by settings)."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.db import OperationalError
from django.utils import timezone

from dtsen import services
from dtsen.models import Snapshot

logger = logging.getLogger(__name__)
RETRY_DELAY = 30  # seconds: long enough for a database restart or a lock to clear
PESAN_GAGAL_SISTEM = (
    "Terjadi kesalahan sistem saat memproses file ({error}). Coba proses ulang; bila tetap "
    "gagal, hubungi pengelola sistem."
)


class SnapshotTask(Task):  # type: ignore[type-arg]
    """Marks the snapshot failed when the task ends in an error it does not retry."""

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        snapshot_id = args[0] if args else kwargs.get("snapshot_id")
        if not isinstance(snapshot_id, int):
            return
        Snapshot.objects.filter(pk=snapshot_id, status__in=Snapshot.SEDANG_DIPROSES).update(
            status=Snapshot.Status.GAGAL,
            pesan_gagal=PESAN_GAGAL_SISTEM.format(error=type(exc).__name__),
            tahap="",
            updated_at=timezone.now(),
        )
        logger.error("snapshot %s gagal: %s", snapshot_id, type(exc).__name__)


@shared_task(bind=True, base=SnapshotTask, max_retries=5)
def snapshot_load_rows_task(self: SnapshotTask, snapshot_id: int) -> None:
    """Stream a DTSEN/PBI-JK file into its snapshot's rows; safe to re-run."""
    try:
        services.snapshot_load_rows(snapshot_id=snapshot_id)
    except OperationalError as exc:  # transient: database restart or lock timeout
        raise self.retry(exc=exc, countdown=RETRY_DELAY) from exc
