"""Background jobs of the pendamping app (thin: each calls one service)."""

from celery import shared_task

from pendamping import services


@shared_task
def rekap_akses_harian_task() -> int:
    """Nightly: summarise yesterday's (and any missed day's) audit log; idempotent."""
    return services.rekap_akses_harian()


@shared_task
def ringkasan_kinerja_task() -> int:
    """Every 5 minutes: refresh the running year's performance summary (issue 21)."""
    return services.ringkasan_kinerja_berkala()
