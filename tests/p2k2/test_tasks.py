"""The nightly rebuild of the P2K2 summaries runs in a real Celery worker (issue 21)."""

import datetime

import pytest

from p2k2.models import Kehadiran, Pertemuan, RingkasanKelompokBulan, RingkasanRuntunAlfa
from p2k2.tasks import ringkasan_bangun_ulang_task
from tests.conftest import wait_until
from tests.p2k2.conftest import buat_kelompok, buat_keluarga

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_the_nightly_task_counts_records_written_outside_the_services(
    celery_worker, kurikulum, kota_metro, pendamping_hadimulyo
):
    # given meetings and marks loaded by SQL-like bulk inserts (no service kept the summary)
    keluarga = buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 3, "Muat")
    kelompok = buat_kelompok(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], keluarga)
    pertemuan = Pertemuan.objects.bulk_create(
        Pertemuan(
            kelompok=kelompok,
            tanggal=datetime.date(2025, bulan, 5),
            topik="Muat massal",
            status=Pertemuan.Status.TERLAKSANA,
            dibuat_oleh=pendamping_hadimulyo,
        )
        for bulan in (1, 2, 3)
    )
    Kehadiran.objects.bulk_create(
        Kehadiran(pertemuan=p, keluarga=k, status="alfa", recorded_by=pendamping_hadimulyo)
        for p in pertemuan
        for k in keluarga
    )
    assert not RingkasanKelompokBulan.objects.exists()
    # when beat starts the nightly rebuild
    ringkasan_bangun_ulang_task.delay()
    # then the months and the runs of three alfa are there
    wait_until(lambda: RingkasanRuntunAlfa.objects.filter(jumlah=3).count() == 6)
    bulan = RingkasanKelompokBulan.objects.filter(kelompok=kelompok).order_by("bulan")
    assert [(r.bulan, r.tercatat, r.alfa) for r in bulan] == [
        (0, 3, 9),
        (1, 1, 3),
        (2, 1, 3),
        (3, 1, 3),
    ]
