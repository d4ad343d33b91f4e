"""Background jobs of verifikasi komitmen and Sekolah Rakyat."""

from celery import shared_task

from verifikasi import services


@shared_task
def epkh_unggahan_hapus_kedaluwarsa_task() -> int:
    """Hourly: delete e-PKH uploads whose preview has expired (they hold full NIKs)."""
    return services.epkh_unggahan_hapus_kedaluwarsa()


@shared_task
def sekolah_rakyat_ringkasan_task() -> int:
    """Every 5 minutes (issue 21): the next intake's Sekolah Rakyat candidates computed
    again, so the list and its export read a summary at most that old."""
    return services.sekolah_rakyat_ringkasan_berkala()
