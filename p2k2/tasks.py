"""Background jobs of the P2K2 app (thin: each calls one service)."""

from celery import shared_task

from p2k2.services import ringkasan


@shared_task
def ringkasan_bangun_ulang_task() -> dict[str, int]:
    """Nightly: rebuild every P2K2 summary row from the records (issue 21); idempotent."""
    return ringkasan.ringkasan_bangun_ulang()
