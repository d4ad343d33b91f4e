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


def _masalah(
    snapshot_id: int, kolom: str, ganda: pl.DataFrame, kelompok: dict[int, tuple[int, list[int]]]
) -> Iterator[tuple[object, ...]]:
    bersama: dict[int, str] = {}  # the message of the rows past a group's first ones
    for baris, nik in ganda.select("baris", "nik").iter_rows():
        jumlah, awal = kelompok[nik]
        if baris in awal:
            pesan = pesan_ganda(awal, jumlah, baris)
        else:
            pesan = bersama.get(nik) or bersama.setdefault(nik, pesan_ganda(awal, jumlah, -1))
        yield (snapshot_id, baris, kolom, pesan, False, f"{nik:016d}")


def mark_duplicates(
    *, snapshot_id: int, record_table: str, kolom: str, kunci: pl.DataFrame
) -> tuple[int, pl.Series]:
    """Reject every copy of a NIK on more than one row; returns the loaded copies removed and
    the rows of all copies (left out of the probable-duplicate check)."""
    ganda = berulang(kunci["nik"], baris=kunci["baris"], dimuat=kunci["dimuat"])
    if ganda.is_empty():
        return 0, pl.Series("baris", [], dtype=pl.Int32)
    kelompok = {
        nik: (jumlah, awal)
        for nik, jumlah, awal in ganda.group_by("nik")
        .agg(pl.len(), pl.col("baris").sort().head(GANDA_TAMPIL + 1))
        .iter_rows()
    }
    rows = _masalah(snapshot_id, kolom, ganda.sort("baris"), kelompok)
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, COPY_BATCH)):
            with cursor.copy(
                f"COPY {db_table(MasalahBaris)} ({MASALAH_COLUMNS}) FROM STDIN"
            ) as copy:
                for row in chunk:
                    copy.write_row(row)
        dimuat = ganda.filter(pl.col("dimuat"))["baris"].to_list()
        cursor.execute(
            f"DELETE FROM {record_table} WHERE snapshot_id = %(id)s"  # noqa: S608
            " AND baris = ANY(%(baris)s)",
            {"id": snapshot_id, "baris": dimuat},
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
