"""Celery entry points of the dtsen app (routed to the heavy queue "berat" by settings).

Orchestration lives here, not in services: queueing after commit, the per-kecamatan chord
of a reconciliation, and what a failed task marks (through a service). Services do the
work and return; they never import this module (`make lint` holds it with import-linter).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import chord, shared_task
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError

from dinsos.celery import DinsosTask
from dtsen import services
from dtsen.models import Rekonsiliasi

logger = logging.getLogger(__name__)
RETRY_DELAY = 30  # seconds: long enough for a database restart or a lock to clear
PESAN_GAGAL_SISTEM = (
    "Terjadi kesalahan sistem saat memproses file ({error}). Coba proses ulang; bila tetap "
    "gagal, hubungi pengelola sistem."
)


# --- Snapshot loading -------------------------------------------------------------------
def snapshot_queue_load(*, snapshot_id: int) -> None:
    """Queue the snapshot's load after the current transaction commits.

    With Redis down the snapshot is failed at once (re-runnable) and AntreanTidakTersedia is
    raised, so the page says so instead of answering 500.
    """

    def send() -> None:
        try:
            snapshot_load_rows_task.delay(snapshot_id)
        except BrokerError as exc:
            logger.warning("snapshot %s tidak bisa diantrekan: %s", snapshot_id, exc)
            services.snapshot_fail_unqueued(snapshot_id=snapshot_id)

    transaction.on_commit(send)


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
        services.snapshot_fail(
            snapshot_id=snapshot_id, pesan=PESAN_GAGAL_SISTEM.format(error=type(exc).__name__)
        )
        logger.error("snapshot %s gagal: %s", snapshot_id, type(exc).__name__)


@shared_task(bind=True, base=SnapshotTask, max_retries=5)
def snapshot_load_rows_task(self: SnapshotTask, snapshot_id: int) -> None:
    """Stream a DTSEN/PBI-JK file into its snapshot's rows; safe to re-run."""
    try:
        services.snapshot_load_rows(snapshot_id=snapshot_id)
    except OperationalError as exc:  # transient: database restart or lock timeout
        raise self.retry(exc=exc, countdown=RETRY_DELAY) from exc


# --- Desil changes between snapshots (issue 21) -----------------------------------------
def perubahan_desil_queue(*, snapshot_id: int) -> None:
    """After an apply commits, count the summary page's default pair in the background.
    With Redis down nothing is lost: the page counts the pair on its first view."""

    def send() -> None:
        try:
            perubahan_desil_siapkan_task.delay(snapshot_id)
        except BrokerError as exc:
            logger.warning("perubahan desil %s tidak bisa diantrekan: %s", snapshot_id, exc)

    transaction.on_commit(send)


@shared_task(bind=True, base=DinsosTask, max_retries=3)
def perubahan_desil_siapkan_task(self: DinsosTask, snapshot_id: int) -> None:
    """Count the desil changes of the pair the summary page opens with; safe to re-run."""
    try:
        services.perbandingan_desil_siapkan(snapshot_id=snapshot_id)
    except OperationalError as exc:  # transient: database restart or lock timeout
        raise self.retry(exc=exc, countdown=RETRY_DELAY) from exc


# --- Reconciliation ---------------------------------------------------------------------
PESAN_REKONSILIASI_GAGAL = (
    "Terjadi kesalahan sistem saat rekonsiliasi ({error}). Temuan lama tidak berubah; "
    "jalankan ulang, dan bila tetap gagal hubungi pengelola sistem."
)


def rekonsiliasi_queue(*, rekonsiliasi_id: int) -> None:
    """Queue a recorded run after the current transaction commits; with Redis down the run
    is closed as failed (a new one may start at once) and a DomainError says so."""

    def send() -> None:
        try:
            rekonsiliasi_run_task.delay(rekonsiliasi_id)
        except BrokerError as exc:
            logger.warning("rekonsiliasi %s tidak bisa diantrekan: %s", rekonsiliasi_id, exc)
            services.rekonsiliasi_fail_unqueued(rekonsiliasi_id=rekonsiliasi_id)

    transaction.on_commit(send)


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
    """Run a queued reconciliation here (mode "tunggal") or fan it out per kecamatan as a
    chord whose callback merges (mode "chord"); a duplicate delivery does nothing."""
    try:
        mulai = services.rekonsiliasi_begin(rekonsiliasi_id=rekonsiliasi_id)
        if mulai is None:
            return
        if mulai.run.mode == Rekonsiliasi.Mode.CHORD:
            run_id = mulai.run.pk
            header = [
                rekonsiliasi_chunk_task.si(run_id, p.kelurahan, p.label) for p in mulai.potongan
            ]
            chord(header)(rekonsiliasi_merge_task.si(run_id))
            return
        services.rekonsiliasi_compare_all(mulai=mulai)
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
