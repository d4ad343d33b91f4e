"""One partition of the DTSEN record table per snapshot (issue 21).

`dtsen_dtsenrecord` is partitioned by LIST (snapshot_id) (migration 0009). The loader does
not write into the table others read: it COPYs a snapshot's rows into a table of their own
that has the partition's columns and CHECK constraints but no index, builds the indexes once
every row is in (a sorted build, far cheaper than keeping three B-trees up to date row by row:
COPY into the indexed table cost ~3,5× COPY into a bare one), and attaches the table as the
snapshot's partition in the transaction that makes the snapshot ready for review.

- Until then the rows are invisible to every query on the record table, so a worker killed
  mid-load leaves a loose table that the re-run drops (`hapus`), never half a partition.
- ATTACH takes a SHARE UPDATE EXCLUSIVE lock on the parent: readers and writers go on. The
  CHECK (snapshot_id = id) created with the table lets PostgreSQL skip the validation scan.
  There is no default partition (attaching beside one would lock and scan it).
- A snapshot's queries name their snapshot_id, so the planner reads one partition.
- Code that writes records another way (tests, benchmarks) calls `siapkan` first.

Partition names are `<table>_s<snapshot id>`; ids are integers, so names need no quoting
beyond the table name's own.
"""

from __future__ import annotations

from django.db import connection

from dtsen.models import DtsenRecord, Jenis, Snapshot

# The parent's indexes, as DtsenRecord.Meta.indexes declares them (a partition's index is
# matched to the parent's by its columns when attached).
INDEKS = (
    ("nik", ("snapshot_id", "nik")),
    ("no_kk", ("snapshot_id", "no_kk")),
    ("kelurahan", ("snapshot_id", "kelurahan_id")),
)
# The primary key of a partitioned table must hold the partition key.
KUNCI_UTAMA = ("id", "snapshot_id")
# Sorting a million rows per index in memory rather than in temporary files.
MEMORI_INDEKS = "256MB"
# Planner statistics of a loaded snapshot: the columns its queries filter, join and group
# on, from a sample of 300 × STATISTIK_TARGET rows (PostgreSQL's rule).
KOLOM_STATISTIK = (
    "snapshot_id",
    "baris",
    "nik",
    "no_kk",
    "tanggal_lahir",
    "kelurahan_id",
    "desil_nasional",
)
STATISTIK_TARGET = 10


def induk() -> str:
    return DtsenRecord._meta.db_table


def nama(snapshot_id: int) -> str:
    """The snapshot's partition (and loading table), unquoted: `dtsen_dtsenrecord_s42`."""
    return f"{induk()}_s{int(snapshot_id)}"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def ada(snapshot_id: int) -> tuple[bool, bool]:
    """(the table exists, it is attached as a partition)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relispartition FROM pg_class c WHERE c.oid = to_regclass(%(nama)s)",
            {"nama": _q(nama(snapshot_id))},
        )
        row = cursor.fetchone()
    return (row is not None, bool(row and row[0]))


def hapus(snapshot_id: int) -> None:
    """Drop the snapshot's loading table (or partition) with its rows, if any."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(nama(snapshot_id))}")


def tabel_muat_buat(snapshot_id: int) -> str:
    """A fresh table for the snapshot's rows, shaped like a partition, without indexes;
    returns its quoted name. Ids come from the parent's sequence, as an insert through the
    parent would take them."""
    sid = int(snapshot_id)
    tabel = _q(nama(sid))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%(induk)s, 'id')", {"induk": _q(induk())})
        urutan = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE IF EXISTS {tabel}")
        cursor.execute(
            f"CREATE TABLE {tabel} (LIKE {_q(induk())} INCLUDING DEFAULTS INCLUDING CONSTRAINTS,"
            f" CONSTRAINT {_q(nama(sid) + '_snapshot')} CHECK (snapshot_id = {sid}))"
        )
        cursor.execute(
            f"ALTER TABLE {tabel} ALTER COLUMN id SET DEFAULT nextval(%(urutan)s::regclass)",
            {"urutan": urutan},
        )
    return tabel


def statistik(snapshot_id: int) -> None:
    """Planner statistics of the loaded rows, before the duplicate checks read them: without
    any, PostgreSQL took the new table for a few hundred rows and joined it to itself in
    nested loops (18 s for 100.000 rows). A sample of 300 × STATISTIK_TARGET rows of the columns
    queries filter, join and group on is enough to plan them, and costs ~10 ms at any size;
    the impact preview, the apply and reconciliation then plan with them too."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL default_statistics_target = {STATISTIK_TARGET}")
        cursor.execute(f"ANALYZE {_q(nama(snapshot_id))} ({', '.join(KOLOM_STATISTIK)})")


def indeks_bangun(snapshot_id: int) -> None:
    """Build the loading table's indexes and primary key."""
    dasar = nama(snapshot_id)
    tabel = _q(dasar)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{MEMORI_INDEKS}'")
        for akhiran, kolom in INDEKS:
            cursor.execute(
                f"CREATE INDEX {_q(f'{dasar}_{akhiran}')} ON {tabel} ({', '.join(kolom)})"
            )
        cursor.execute(
            f"ALTER TABLE {tabel} ADD CONSTRAINT {_q(dasar + '_pkey')}"
            f" PRIMARY KEY ({', '.join(KUNCI_UTAMA)})"
        )


def pasang(snapshot_id: int) -> None:
    """Attach the loaded table as the snapshot's partition (in the caller's transaction)."""
    sid = int(snapshot_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {_q(induk())} ATTACH PARTITION {_q(nama(sid))} FOR VALUES IN ({sid})"
        )


def siapkan(snapshot_id: int) -> None:
    """An empty partition for a snapshot whose records are written through the parent
    (tests, benchmarks); nothing when it exists."""
    sid = int(snapshot_id)
    if ada(sid)[1]:
        return
    hapus(sid)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {_q(nama(sid))} PARTITION OF {_q(induk())} FOR VALUES IN ({sid})"
        )


def kosongkan(snapshot_id: int) -> None:
    """Remove the snapshot's rows: a loose loading table is dropped; an attached partition is
    emptied and kept (dropping it would lock the parent against every reader meanwhile)."""
    sid = int(snapshot_id)
    ada_tabel, terpasang = ada(sid)
    if not ada_tabel:
        return
    if not terpasang:
        hapus(sid)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_q(induk())} WHERE snapshot_id = {sid}")  # noqa: S608


def siapkan_semua() -> int:
    """`siapkan` for every DTSEN snapshot without a partition (benchmarks that create
    snapshots in SQL); returns how many were made. A loose table of an unfinished load is
    dropped first, as a re-run of that load would."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id FROM {_q(Snapshot._meta.db_table)} s"  # noqa: S608
            " WHERE s.jenis = %(jenis)s AND NOT EXISTS ("
            "  SELECT 1 FROM pg_inherits i WHERE i.inhparent = %(induk)s::regclass"
            "  AND i.inhrelid = to_regclass(%(prefix)s || s.id))",
            {"jenis": Jenis.DTSEN, "induk": _q(induk()), "prefix": f"{induk()}_s"},
        )
        ids = [row[0] for row in cursor.fetchall()]
    for sid in ids:
        siapkan(sid)
    return len(ids)
