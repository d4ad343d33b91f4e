"""Background jobs of the pendamping app (thin: each calls one service)."""

from celery import shared_task

from pendamping import services


@shared_task
def rekap_akses_harian_task() -> int:
    """Nightly: summarise yesterday's (and any missed day's) audit log; idempotent."""
    return services.rekap_akses_harian()
