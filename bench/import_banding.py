"""Side by side on one DTSEN CSV: PostgreSQL COPY, the portal's import, django-import-export.

    python bench/import_banding.py [--rows 100000] [--file var/bench/x.csv] [--tanpa-iie]

On the same file (generated once by bench/gen_dtsen.py, 2% problem rows), in one run:

1. **COPY** — the load limit: PostgreSQL `COPY … (FORMAT csv, DELIMITER '|', HEADER)` of the
   raw file into a table of text columns, one per header, without any check;
2. **portal** — what an upload costs until the snapshot is ready for review: store + SHA-256
   (`snapshot_create`), then `snapshot_load_rows` (stream, every check with its per-row
   messages, COPY into the record table, duplicate NIKs, probable duplicates, error report);
3. **django-import-export** — what an office would reach for: a `ModelResource` of the record
   table with three columns (NIK, nama, No KK), bulk mode, no validation
   (`use_bulk`, `force_init_instance`, `skip_diff`), reading the same file with tablib.

Prints each time, the two ratios (portal ÷ COPY, django-import-export ÷ portal), the machine's
load and the portal's peak RSS. Uses DATABASE_URL (migrated here) and cleans up after itself.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.gen_dtsen import generate  # noqa: E402
from bench.import_dtsen import BENCH_USER, cleanup  # noqa: E402
from dinsos import services as dinsos_services  # noqa: E402
from dinsos.management.commands.load_wilayah import DEFAULT_CSV  # noqa: E402
from dinsos.models import User, Wilayah  # noqa: E402
from dtsen import services  # noqa: E402
from dtsen.models import DtsenRecord, Jenis, Snapshot  # noqa: E402

TABEL_COPY = "bench_copy_mentah"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BackendCpu:
    """CPU seconds of this database's PostgreSQL backends, sampled from /proc every 20 ms.

    The portal writes its batches on a connection of its own (dtsen.services.penulis) and
    PostgreSQL may build an index with parallel workers: reading only this connection's
    backend would leave their CPU out. Every backend of this database (and its parallel
    workers) is sampled while the bench runs; a backend's last sample stands for its total,
    so a backend that ends between samples loses at most 20 ms. The database is the bench's
    own, so the backends are this process's (autovacuum excepted)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        ours = {str(pid) for pid in self.seen}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
                if not cmdline.startswith("postgres:"):
                    continue
                mine = f" {self.database} " in cmdline and "autovacuum" not in cmdline
                parallel = "parallel worker for PID" in cmdline and cmdline.split()[-1] in ours
                if not (mine or parallel):
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLK_TCK

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._sample()

    def total(self) -> float:
        self._sample()
        return sum(self.seen.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


BACKENDS: BackendCpu | None = None


def cpu_seconds() -> float:
    """CPU seconds used so far by this process (all threads) and the PostgreSQL backends
    working for it (BackendCpu).

    On a shared, loaded machine wall-clock time mostly measures the queue for the cores; CPU
    time measures the work."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    backends = BACKENDS.total() if BACKENDS is not None else 0.0
    return usage.ru_utime + usage.ru_stime + backends


def time_copy(path: Path) -> tuple[float, int]:
    """COPY the raw file into a table of text columns; (seconds, rows)."""
    with path.open(encoding="utf-8", newline="") as handle:
        headers = next(csv.reader(handle, delimiter="|"))
    columns = ", ".join(f"k{i} text" for i in range(len(headers)))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABEL_COPY}")
        cursor.execute(f"CREATE UNLOGGED TABLE {TABEL_COPY} ({columns})")
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        path.open("rb") as handle,
        cursor.copy(
            f"COPY {TABEL_COPY} FROM STDIN (FORMAT csv, DELIMITER '|', HEADER true)"
        ) as copy,
    ):
        while chunk := handle.read(1 << 20):
            copy.write(chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABEL_COPY}")  # noqa: S608
        rows = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {TABEL_COPY}")
    return seconds, rows


def time_portal(path: Path, user: User, kota: Wilayah) -> tuple[float, Snapshot]:
    started = time.perf_counter()
    with path.open("rb") as handle:
        snapshot = services.snapshot_create(
            jenis=Jenis.DTSEN,
            tanggal_data=datetime.date(2025, 6, 30),
            wilayah=kota,
            file=File(handle, name=path.name),
            nama_file=path.name,
            created_by=user,
        )
    services.snapshot_load_rows(snapshot_id=snapshot.pk)
    seconds = time.perf_counter() - started
    snapshot.refresh_from_db()
    return seconds, snapshot


def time_import_export(path: Path, snapshot: Snapshot) -> tuple[float, int]:
    """django-import-export, bulk mode, three columns, no validation, into the record table."""
    import tablib
    from import_export import fields, resources

    kelurahan_id = DtsenRecord.objects.filter(snapshot=snapshot).values_list(
        "kelurahan_id", flat=True
    )[0]

    class RecordResource(resources.ModelResource):
        nik = fields.Field(attribute="nik", column_name="nomor_induk_kependudukan")
        nama = fields.Field(attribute="nama", column_name="nama")
        no_kk = fields.Field(attribute="no_kk", column_name="nomor_kartu_keluarga")

        class Meta:
            model = DtsenRecord
            fields = ("nik", "nama", "no_kk")
            use_bulk = True
            batch_size = 1000
            force_init_instance = True
            skip_diff = True
            skip_unchanged = False
            clean_model_instances = False
            use_transactions = True

        def init_instance(self, row: object = None) -> DtsenRecord:
            return DtsenRecord(snapshot_id=snapshot.pk, kelurahan_id=kelurahan_id, baris=0)

    DtsenRecord.objects.filter(snapshot=snapshot).delete()
    # "No validation": the table's NIK check would refuse the file's bad NIKs, so it is
    # dropped for this run inside a transaction that is rolled back with the rows.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE dtsen_dtsenrecord DROP CONSTRAINT dtsen_record_nik")
        started = time.perf_counter()
        dataset = tablib.Dataset().load(
            path.read_text(encoding="utf-8"), format="csv", delimiter="|"
        )
        result = RecordResource().import_data(dataset, dry_run=False, raise_errors=True)
        seconds = time.perf_counter() - started
        assert not result.has_errors()
        rows = DtsenRecord.objects.filter(snapshot=snapshot).count()
        transaction.set_rollback(True)
    return seconds, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path, help="an existing DTSEN CSV (pipe-separated)")
    parser.add_argument("--tanpa-iie", action="store_true", help="skip django-import-export")
    args = parser.parse_args(argv)

    path = args.file or ROOT / "var" / "bench" / f"dtsen-{args.rows}-0.02.csv"
    if not path.exists():
        generate(rows=args.rows, out=path, fmt="csv", dirty=0.02)
    call_command("migrate", verbosity=0)
    if not Wilayah.objects.filter(kode="18.72").exists():
        dinsos_services.wilayah_load_csv(path=DEFAULT_CSV)
    user = User.objects.filter(username=BENCH_USER).first() or dinsos_services.user_create(
        username=BENCH_USER,
        password="bench-only-sandi",  # noqa: S106
        role=User.Role.ADMIN,
        nama="Bench",
    )
    cleanup(user)
    kota = Wilayah.objects.get(kode="18.72", berlaku_sampai__isnull=True)
    load_before = os.getloadavg()[0]

    global BACKENDS
    BACKENDS = BackendCpu(connection.settings_dict["NAME"])
    c0 = cpu_seconds()
    t_copy, copied = time_copy(path)
    c1 = cpu_seconds()
    t_portal, snapshot = time_portal(path, user, kota)
    c2 = cpu_seconds()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_iie = iie_rows = None
    cpu_iie = 0.0
    if not args.tanpa_iie:
        c3 = cpu_seconds()
        t_iie, iie_rows = time_import_export(path, snapshot)
        cpu_iie = cpu_seconds() - c3
    cpu_copy, cpu_portal = c1 - c0, c2 - c1
    load_after = os.getloadavg()[0]
    BACKENDS.stop()
    cleanup(user)

    print(f"== {path.name}: {copied:,} baris data ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"  COPY berkas mentah ke tabel teks       {t_copy:7.2f} s")
    print(
        f"  portal (simpan, baca, periksa, muat)   {t_portal:7.2f} s  "
        f"({snapshot.baris_valid:,} valid, {snapshot.baris_ditolak:,} ditolak; "
        f"tahap {snapshot.durasi})"
    )
    if t_iie is not None:
        print(f"  django-import-export (bulk, 3 kolom)   {t_iie:7.2f} s  ({iie_rows:,} baris)")
    print(
        f"  waktu CPU (proses + backend PostgreSQL): COPY {cpu_copy:.2f} s, portal "
        f"{cpu_portal:.2f} s" + (f", django-import-export {cpu_iie:.2f} s" if t_iie else "")
    )
    print(
        f"  rasio portal ÷ COPY                    {t_portal / t_copy:7.1f}× waktu, "
        f"{cpu_portal / cpu_copy:.1f}× CPU"
    )
    if t_iie is not None:
        print(
            f"  rasio django-import-export ÷ portal    {t_iie / t_portal:7.1f}× waktu, "
            f"{cpu_iie / cpu_portal:.1f}× CPU"
        )
    print(
        f"  RSS puncak: {rss:.0f} MB; beban mesin (1 menit): {load_before:.2f} → {load_after:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
