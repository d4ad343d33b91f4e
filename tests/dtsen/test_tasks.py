"""The load runs in a real Celery worker; a worker killed mid-load leaves a re-runnable job."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.gen_dtsen import generate
from dinsos.celery import app as celery_app
from dtsen import services, tasks
from dtsen.models import DtsenRecord, Jenis, Snapshot
from dtsen.services import partisi
from dtsen.tasks import snapshot_load_rows_task
from kpm.models import Keluarga
from tests.conftest import _database_url_for_worker, spawn_celery_worker, wait_until
from tests.dtsen.conftest import make_no_kk, orang, write_csv
from tests.factories import KeluargaFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
KILL_ROWS = 300_000


def test_upload_is_loaded_by_the_worker_and_applied(
    celery_worker, client, admin, kota_metro, tmp_path
):
    # given
    keluarga = KeluargaFactory(no_kk=make_no_kk(1), kelurahan=kota_metro["Hadimulyo Barat"])
    path = write_csv(tmp_path / "dtsen.csv", [orang(1, kk=1, desil="2"), orang(2, desil="x")])
    client.force_login(admin)
    data = {"jenis": "dtsen", "tanggal_data": "2025-06-30", "wilayah": kota_metro["Kota Metro"].pk}
    # when: upload; the worker loads it
    with path.open("rb") as f:
        client.post(reverse("dtsen:snapshot-create"), {**data, "file": f})
    snapshot = Snapshot.objects.get()
    wait_until(lambda: Snapshot.objects.get(pk=snapshot.pk).status == Snapshot.Status.SIAP_DITINJAU)
    client.post(reverse("dtsen:snapshot-apply", args=[snapshot.pk]), {"konfirmasi": "on"})
    # then
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.baris_valid, snapshot.baris_ditolak) == (
        Snapshot.Status.DITERAPKAN,
        1,
        1,
    )
    assert snapshot.laporan.name.endswith(f"masalah-dtsen-{snapshot.pk}.xlsx")
    keluarga.refresh_from_db()
    assert (keluarga.desil, keluarga.desil_per) == (2, datetime.date(2025, 6, 30))


def test_an_unexpected_error_in_the_worker_marks_the_snapshot_failed(
    celery_worker, admin, kota_metro, tmp_path
):
    # given: the stored file disappeared (disk restored from an old backup, say)
    path = write_csv(tmp_path / "dtsen.csv", [orang(1)])
    with path.open("rb") as f:
        snapshot = services.snapshot_create(
            jenis=Jenis.DTSEN,
            tanggal_data=datetime.date(2025, 6, 30),
            wilayah=kota_metro["Kota Metro"],
            file=File(f, name="dtsen.csv"),
            nama_file="dtsen.csv",
            created_by=admin,
        )
    snapshot.file.delete(save=False)
    # when
    snapshot_load_rows_task.delay(snapshot.pk)
    # then
    wait_until(lambda: Snapshot.objects.get(pk=snapshot.pk).status == Snapshot.Status.GAGAL)
    snapshot.refresh_from_db()
    assert snapshot.pesan_gagal == (
        "Terjadi kesalahan sistem saat memproses file (FileNotFoundError). Coba proses ulang; "
        "bila tetap gagal, hubungi pengelola sistem."
    )


def _start_worker(name: str, queues: str) -> subprocess.Popen[bytes]:
    process = spawn_celery_worker(
        name=name,
        database_url=_database_url_for_worker(),
        redis_url=settings.REDIS_URL,
        queues=queues,
        pool=("--pool", "solo"),
        own_session=True,  # its own process group: SIGKILL takes every child with it
    )
    wait_until(lambda: bool(celery_app.control.ping(timeout=0.5)), timeout=60)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _loaded_rows(snapshot: Snapshot, table: str = "dtsen_dtsenrecord") -> tuple[int, int]:
    """Rows of the snapshot in the record table (or in its loading table, `partisi.nama`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(DISTINCT baris) FROM {table} WHERE snapshot_id = %s",  # noqa: S608
            [snapshot.pk],
        )
        return cursor.fetchone()


def test_a_worker_killed_mid_load_leaves_a_rerunnable_snapshot(admin, kota_metro, tmp_path):
    # given: a big file being loaded by a worker of its own, and a family with a desil
    keluarga = KeluargaFactory(
        no_kk=make_no_kk(1), kelurahan=kota_metro["Hadimulyo Barat"], desil=7
    )
    path = generate(rows=KILL_ROWS, out=tmp_path / "besar.csv", dirty=0.01)
    with path.open("rb") as f:
        snapshot = services.snapshot_create(
            jenis=Jenis.DTSEN,
            tanggal_data=datetime.date(2025, 6, 30),
            wilayah=kota_metro["Kota Metro"],
            file=File(f, name="besar.csv"),
            nama_file="besar.csv",
            created_by=admin,
        )
    queue = f"uji-mati-{os.getpid()}"
    worker = _start_worker("mati", queue)
    try:
        snapshot_load_rows_task.apply_async((snapshot.pk,), queue=queue)
        wait_until(
            lambda: Snapshot.objects.get(pk=snapshot.pk).baris_dibaca >= 20_000, interval=0.05
        )
        # when: the worker dies without warning (OOM killer, power cut)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        _stop(worker)
    # then: half-loaded rows are in the snapshot's loading table, none in the record table
    # others read; nothing is applied and nothing else changed
    snapshot.refresh_from_db()
    partial, _ = _loaded_rows(snapshot, table=partisi.nama(snapshot.pk))
    assert snapshot.status == Snapshot.Status.DIBACA
    assert 0 < partial < KILL_ROWS
    assert _loaded_rows(snapshot) == (0, 0)
    assert not snapshot.is_aktif
    assert Keluarga.objects.get(pk=keluarga.pk).desil == 7

    # given: the page shows it stalled after a while, and the admin runs it again
    Snapshot.objects.filter(pk=snapshot.pk).update(
        progres_pada=timezone.now() - timedelta(minutes=20)
    )
    snapshot.refresh_from_db()
    assert snapshot.is_terhenti
    second = _start_worker("kedua", f"berat,{queue}")
    try:
        services.snapshot_requeue(snapshot=snapshot, user=admin)
        tasks.snapshot_queue_load(snapshot_id=snapshot.pk)
        wait_until(
            lambda: Snapshot.objects.get(pk=snapshot.pk).status == Snapshot.Status.SIAP_DITINJAU,
            timeout=180,
        )
    finally:
        _stop(second)
    # then: every row once, counts that add up
    snapshot.refresh_from_db()
    loaded, distinct = _loaded_rows(snapshot)
    assert loaded == distinct == snapshot.baris_valid
    assert snapshot.baris_dibaca == KILL_ROWS
    assert snapshot.baris_valid + snapshot.baris_ditolak == KILL_ROWS
    # and a late redelivery of the dead worker's message changes nothing
    services.snapshot_load_rows(snapshot_id=snapshot.pk)
    assert _loaded_rows(snapshot) == (loaded, distinct)
    assert DtsenRecord.objects.filter(snapshot=snapshot).count() == snapshot.baris_valid
