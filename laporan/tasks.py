"""Background entry points of the laporan app (thin: one service each)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError

from dinsos.bulan import awal_bulan
from dinsos.celery import DinsosTask
from dinsos.pengaturan import today
from laporan import services
from laporan.models import LaporanBulanan

logger = logging.getLogger(__name__)
ANTREAN_MATI = "Antrean tugas tidak tersedia; coba buat ulang beberapa saat lagi."
GAGAL_SISTEM = "Terjadi kesalahan sistem saat menyusun laporan; coba buat ulang."


class LaporanTask(DinsosTask):
    """Marks the report failed when the build ends in an error it does not retry, so the
    page stops waiting and offers "Buat ulang"."""

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        if args:
            services.laporan_gagal(laporan_id=int(args[0]), pesan=GAGAL_SISTEM)


def laporan_antrekan(*, laporan_id: int) -> None:
    """Queue the report's build after the current transaction commits; with Redis down the
    report is marked failed at once, so the page says so (and "Buat ulang" retries)."""

    def send() -> None:
        try:
            laporan_proses_task.delay(laporan_id)
        except BrokerError as exc:
            logger.warning("laporan %s tidak bisa diantrekan: %s", laporan_id, exc)
            services.laporan_gagal(laporan_id=laporan_id, pesan=ANTREAN_MATI)

    transaction.on_commit(send)


@shared_task(bind=True, base=LaporanTask, max_retries=3, soft_time_limit=600, time_limit=660)
def laporan_proses_task(self: Any, laporan_id: int) -> None:
    """Build and store one report; a second delivery leaves a built report as it is."""
    laporan = LaporanBulanan.objects.select_related("wilayah").get(pk=laporan_id)
    try:
        services.laporan_proses(laporan=laporan)
    except OperationalError as exc:  # transient: DB restart or lock timeout
        raise self.retry(exc=exc, countdown=30) from exc


@shared_task(bind=True, max_retries=5)
def laporan_bulanan_terjadwal_task(self: Any) -> int:
    """On the 1st (beat): last month's reports for the city and each kecamatan; safe to run
    twice (services.laporan_terjadwal)."""
    try:
        dibuat = services.laporan_terjadwal(bulan=awal_bulan(today(), geser=-1))
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=60) from exc
    for laporan in dibuat:
        laporan_antrekan(laporan_id=laporan.pk)
    return len(dibuat)
