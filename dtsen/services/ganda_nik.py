"""The import's duplicate-NIK rejection and the snapshot's final counts (dtsen.services.load
calls them in one transaction once every row is in).

The NIKs come from the keys gathered while the rows streamed (dtsen.importers.kunci_ganda):
one vectorised pass finds the NIKs on more than one row, loaded or rejected for another
reason. Every copy gets a rejection naming the first GANDA_TAMPIL other rows and counting the
rest, built from the group's first GANDA_TAMPIL + 1 rows (never the whole list per row: one
NIK on 100.000 rows would have cost 100.000² steps; rows past those share one message), and
the loaded copies leave the record table in one statement. Work and memory grow with the
file, never with the square of a group.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import polars as pl
from django.db import connection
from django.db.backends.utils import CursorWrapper

from dinsos.raw_sql import db_table
from dtsen.importers.kunci_ganda import berulang
from dtsen.models import MasalahBaris

GANDA_TAMPIL = 10  # other rows named in a duplicate-NIK message
# The counts' and the probable-duplicate check's queries over a million rows stay in memory
# (PostgreSQL's default 4 MB spilled them to temporary files).
WORK_MEM = "64MB"
COPY_BATCH = 10_000
MASALAH_COLUMNS = "snapshot_id, baris, kolom, pesan, is_peringatan, nik"

# A row is rejected when one of its problems is, warned when all of them are warnings.
_HITUNG = """
    SELECT count(*) FILTER (WHERE ditolak), count(*) FILTER (WHERE NOT ditolak)
    FROM (
        SELECT bool_or(NOT is_peringatan) AS ditolak FROM {masalah}
        WHERE snapshot_id = %(id)s GROUP BY baris
    ) m
"""


def siapkan_sesi() -> None:
    """This transaction's settings for whole-file statements: memory for their aggregates,
    no JIT (compiling took longer than running them), and no parallel workers (they repeated
    the hash builds per worker on two cores, and their CPU escapes the import's figures)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def pesan_ganda(awal: list[int], jumlah: int, baris: int) -> str:
    """The message of one copy: `awal` the group's first rows, `jumlah` all its rows."""
    lain = [b for b in awal if b != baris][:GANDA_TAMPIL]
    teks = "NIK ganda dalam file: juga di baris " + ", ".join(map(str, lain))
    if jumlah - 1 > GANDA_TAMPIL:
        teks += f" dan {jumlah - 1 - GANDA_TAMPIL} baris lain"
    return teks


def _masalah(snapshot_id: int, kolom: str, ganda: pl.DataFrame) -> Iterator[tuple[object, ...]]:
    """The copies' messages, one group after another: `ganda` is sorted by NIK, then row,
    with each group's size in `jumlah`. A group's first GANDA_TAMPIL + 1 rows are held until
    all are seen (each names the others); the rest share one message. Memory: one group's
    first rows, however many groups and copies."""
    nik_kini: int | None = None
    awal: list[int] = []
    jumlah = 0
    bersama = ""
    for nik, baris, n in ganda.select("nik", "baris", "jumlah").iter_rows():
        if nik != nik_kini:
            nik_kini, awal, jumlah, bersama = nik, [], n, ""
        teks_nik = f"{nik:016d}"
        if len(awal) <= GANDA_TAMPIL:
            awal.append(baris)
            if len(awal) == min(jumlah, GANDA_TAMPIL + 1):
                for b in awal:
                    yield (snapshot_id, b, kolom, pesan_ganda(awal, jumlah, b), False, teks_nik)
            continue
        bersama = bersama or pesan_ganda(awal, jumlah, -1)
        yield (snapshot_id, baris, kolom, bersama, False, teks_nik)


def _copy(cursor: CursorWrapper, sql: str, rows: Iterator[tuple[object, ...]]) -> None:
    """COPY rows in chunks of COPY_BATCH (memory: one chunk)."""
    while chunk := list(islice(rows, COPY_BATCH)):
        with cursor.copy(sql) as copy:
            for row in chunk:
                copy.write_row(row)


def mark_duplicates(
    *, snapshot_id: int, record_table: str, kolom: str, kunci: pl.DataFrame
) -> tuple[int, pl.Series]:
    """Reject every copy of a NIK on more than one row; returns the loaded copies removed and
    the rows of all copies (left out of the probable-duplicate check)."""
    ganda = berulang(kunci["nik"], lalu=("baris",), baris=kunci["baris"], dimuat=kunci["dimuat"])
    if ganda.is_empty():
        return 0, pl.Series("baris", [], dtype=pl.Int32)
    with connection.cursor() as cursor:
        _copy(
            cursor,
            f"COPY {db_table(MasalahBaris)} ({MASALAH_COLUMNS}) FROM STDIN",
            _masalah(snapshot_id, kolom, ganda),
        )
        # The loaded copies leave the record table, named through a temporary table (a
        # million copies would be a million-element array parameter).
        cursor.execute("DROP TABLE IF EXISTS pg_temp.ganda_hapus")
        cursor.execute("CREATE TEMP TABLE ganda_hapus (baris integer) ON COMMIT DROP")
        dimuat = ganda.filter(pl.col("dimuat")).select("baris").iter_rows()
        _copy(cursor, "COPY pg_temp.ganda_hapus (baris) FROM STDIN", dimuat)
        cursor.execute("ANALYZE pg_temp.ganda_hapus")
        cursor.execute(
            f"DELETE FROM {record_table} r USING pg_temp.ganda_hapus h"  # noqa: S608
            " WHERE r.snapshot_id = %(id)s AND r.baris = h.baris",
            {"id": snapshot_id},
        )
        dihapus = cursor.rowcount
    return dihapus, ganda["baris"]


def hitung(*, snapshot_id: int) -> tuple[int, int]:
    """(rejected, warned) rows, exact from the problems once duplicates are marked."""
    sql = _HITUNG.format(masalah=db_table(MasalahBaris))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"id": snapshot_id})
        rejected, warned = cursor.fetchone()
    return int(rejected), int(warned)
