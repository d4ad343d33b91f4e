"""Background jobs of verifikasi komitmen."""

from celery import shared_task

from verifikasi import services


@shared_task
def epkh_unggahan_hapus_kedaluwarsa_task() -> int:
    """Hourly: delete e-PKH uploads whose preview has expired (they hold full NIKs)."""
    return services.epkh_unggahan_hapus_kedaluwarsa()
