"""Celery entry points of the dtsen app (routed to the heavy queue "berat" by settings)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from dinsos.celery import DinsosTask
from dtsen import services
from dtsen.models import Snapshot

logger = logging.getLogger(__name__)
RETRY_DELAY = 30  # seconds: long enough for a database restart or a lock to clear
PESAN_GAGAL_SISTEM = (
    "Terjadi kesalahan sistem saat memproses file ({error}). Coba proses ulang; bila tetap "
    "gagal, hubungi pengelola sistem."
)


class SnapshotTask(DinsosTask):
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


# --- Reconciliation (issue #7) ----------------------------------------------------------------
PESAN_REKONSILIASI_GAGAL = (
    "Terjadi kesalahan sistem saat rekonsiliasi ({error}). Temuan lama tidak berubah; "
    "jalankan ulang, dan bila tetap gagal hubungi pengelola sistem."
)


class RekonsiliasiTask(DinsosTask):
    """Marks the run failed (findings untouched) when a step ends in an unretried error."""

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        run_id = args[0] if args else kwargs.get("rekonsiliasi_id")
        if not isinstance(run_id, int):
            return
        services.rekonsiliasi_fail(
            rekonsiliasi_id=run_id, pesan=PESAN_REKONSILIASI_GAGAL.format(error=type(exc).__name__)
        )
        logger.error("rekonsiliasi %s gagal: %s", run_id, type(exc).__name__)


@shared_task(bind=True, base=RekonsiliasiTask, max_retries=3)
def rekonsiliasi_run_task(self: RekonsiliasiTask, rekonsiliasi_id: int) -> None:
    """Run (or fan out) a queued reconciliation; a duplicate delivery does nothing."""
    try:
        services.rekonsiliasi_run(rekonsiliasi_id=rekonsiliasi_id)
    except OperationalError as exc:  # transient: database restart or lock timeout
        raise self.retry(exc=exc, countdown=RETRY_DELAY) from exc


# A chord's header must store its result (the backend counts the parts that returned).
@shared_task(bind=True, base=RekonsiliasiTask, max_retries=3, ignore_result=False)
def rekonsiliasi_chunk_task(
    self: RekonsiliasiTask, rekonsiliasi_id: int, kelurahan: list[int], label: str
) -> None:
    """Compare one kecamatan of a chord run into the staging table; safe to re-run."""
    try:
        services.rekonsiliasi_chunk(
            rekonsiliasi_id=rekonsiliasi_id, kelurahan=kelurahan, label=label
        )
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=RETRY_DELAY) from exc


@shared_task(bind=True, base=RekonsiliasiTask, max_retries=3)
def rekonsiliasi_merge_task(self: RekonsiliasiTask, rekonsiliasi_id: int) -> None:
    """Merge a chord run's staging rows into findings (the chord's callback); idempotent."""
    try:
        services.rekonsiliasi_merge(rekonsiliasi_id=rekonsiliasi_id)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=RETRY_DELAY) from exc
