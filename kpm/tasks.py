"""Background jobs of the KPM registry."""

from celery import shared_task

from kpm import services


@shared_task
def keluarga_komponen_refresh_task() -> int:
    """Nightly: recompute components, which change as members grow older (idempotent)."""
    return services.keluarga_komponen_refresh()
