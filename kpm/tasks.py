"""Background jobs of the KPM registry: thin, one service each (the payout lists' check and
application run on the heavy queue, settings.CELERY_TASK_ROUTES)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from dinsos.celery import TugasBaris, antrekan_setelah_commit
from kpm import services

RETRY_DELAY = 30  # seconds: long enough for a database restart or a lock to clear


@shared_task
def keluarga_komponen_refresh_task() -> int:
    """Nightly: recompute components, which change as members grow older (idempotent)."""
    return services.keluarga_komponen_refresh()


# --- Payout lists (issue 20, RHK 1) ---------------------------------------------------------
class PenyaluranTask(TugasBaris):
    """A payout list's job: an error it does not retry fails the check, or returns the list
    to "siap" when applying it (services.penyaluran_gagal)."""

    def tandai_gagal(self, objek_id: int, exc: BaseException) -> None:
        services.penyaluran_gagal(unggahan_id=objek_id, pesan=services.PESAN_GAGAL_SISTEM)


def _tidak_tersedia(unggahan_id: int) -> None:
    services.penyaluran_gagal(unggahan_id=unggahan_id, pesan=services.PESAN_ANTREAN)


def penyaluran_periksa_antrekan(*, unggahan_id: int) -> None:
    """Check a large list in the background once the upload is committed."""
    antrekan_setelah_commit(penyaluran_periksa_task, unggahan_id, tidak_tersedia=_tidak_tersedia)


def penyaluran_terapkan_antrekan(*, unggahan_id: int) -> None:
    """Apply a large list in the background once it is taken for applying."""
    antrekan_setelah_commit(penyaluran_terapkan_task, unggahan_id, tidak_tersedia=_tidak_tersedia)


@shared_task(bind=True, base=PenyaluranTask, max_retries=5, soft_time_limit=1800, time_limit=1860)
def penyaluran_periksa_task(self: Any, unggahan_id: int) -> None:
    """Check an uploaded payout list; safe to re-run (it starts from a clean staging)."""
    try:
        services.penyaluran_periksa(unggahan_id=unggahan_id)
    except OperationalError as exc:  # transient: database restart or lock timeout
        raise self.retry(exc=exc, countdown=RETRY_DELAY) from exc


@shared_task(bind=True, base=PenyaluranTask, max_retries=5, soft_time_limit=1800, time_limit=1860)
def penyaluran_terapkan_task(self: Any, unggahan_id: int) -> None:
    """Apply a checked payout list in one transaction; a second delivery does nothing."""
    try:
        services.penyaluran_terapkan(unggahan_id=unggahan_id)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=RETRY_DELAY) from exc


@shared_task
def penyaluran_kedaluwarsa_task() -> int:
    """Daily: close the payout lists left unapplied for a week (their rows and files go)."""
    return services.penyaluran_kedaluwarsa()
