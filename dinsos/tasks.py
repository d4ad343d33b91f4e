"""Periodic jobs of the shared core."""

from celery import shared_task

from dinsos import services

HEARTBEAT_BEAT = "beat"


@shared_task
def heartbeat_record_task(name: str = HEARTBEAT_BEAT) -> None:
    """Record that beat scheduled this and a worker ran it (read by the health checks)."""
    services.heartbeat_record(name=name)


@shared_task
def retensi_hapus_task() -> dict[str, int]:
    """Nightly: remove history rows past their retention period."""
    return services.retensi_hapus()
