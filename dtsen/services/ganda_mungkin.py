"""The import's check for one person twice in a file under two NIKs (issue #23): a warning
on a row naming its best match, never a rejection (two people may share a birth date, a
kelurahan and a name).

Set-based like the rest of the loader, and linear in the file: the rows are put into blocks
of birth date + kelurahan + the sound of the name's last word by one vectorised group-by of
the keys gathered while the rows streamed (dtsen.importers.kunci_ganda; the sound is
PostgreSQL's soundex, dtsen.importers.bunyi), one query streams the rows of the blocks in
block order, and Python scores the pairs inside each block with the shared rule
(`dinsos.kecocokan`), then one COPY of the warnings. (The blocks used to be formed in SQL over
the loaded table: a sort or hash of a million text keys, ~3 s of a million-row import.)

Record-linkage practice bounds the blocks: a block of more than `BLOK_MAKS` rows (a
synthetic file, a default birth date typed for a whole village) is not compared pair by pair
(it would cost its size squared and warn every row about every other), and the review page
says once how many blocks and rows were left out. Each row keeps only its best match, so a
row carries at most one such warning.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import polars as pl
from django.db import connection

from dinsos import kecocokan
from dinsos.kecocokan import Aturan, Hasil, Orang
from dinsos.raw_sql import db_table
from dinsos.selectors import pengaturan_semua
from dtsen.importers.kunci_ganda import berulang
from dtsen.models import MasalahBaris

# Rows in one block that are compared pair by pair: at most BLOK_MAKS²/2 pairs per block and
# BLOK_MAKS/2 per row, so the work grows with the file, not its square. Fifty people born
# on one day in one kelurahan whose last names sound alike is already far past real data.
BLOK_MAKS = 50
FETCH = 10_000

# The rows of the blocks with 2..BLOK_MAKS rows, block by block (ganda_blok: row → block).
_BLOK = """
    SELECT r.baris, r.nik, r.nama, r.tanggal_lahir, r.jenis_kelamin, r.kelurahan_id, r.no_kk,
        b.blok, b.ukuran
    FROM {table} r JOIN pg_temp.ganda_blok b USING (baris)
    WHERE r.snapshot_id = %(id)s
    ORDER BY b.blok, r.baris
"""
_BLOK_SIAPKAN = (
    "DROP TABLE IF EXISTS pg_temp.ganda_blok",
    "CREATE TEMP TABLE ganda_blok (baris integer, blok integer, ukuran integer) ON COMMIT DROP",
)
PESAN = "Mungkin orang yang sama dengan baris {baris} (NIK lain; {pita}): {alasan}"


@dataclass(frozen=True)
class HasilGanda:
    """What the check found: rows warned, and the oversized blocks it left out."""

    baris_diperingatkan: int
    blok_dilewati: int
    baris_dilewati: int

    def ringkasan(self) -> dict[str, int]:
        """The note for `Snapshot.pembacaan`, shown once on the review page."""
        return {
            "blok_dilewati": self.blok_dilewati,
            "baris_dilewati": self.baris_dilewati,
            "blok_maks": BLOK_MAKS,
        }


def _orang(row: Sequence[Any]) -> Orang:
    return Orang(row[1], row[2], row[3], row[4] or "", row[5], row[6] or "")


def _blok(rows: Iterable[Sequence[Any]]) -> Iterable[list[Sequence[Any]]]:
    for _, blok in itertools.groupby(rows, key=itemgetter(7)):
        yield list(blok)


def _anggota_blok(kunci: pl.DataFrame, ganda: pl.Series) -> tuple[pl.DataFrame, int, int]:
    """(row, block, block size) of the blocks to compare, in the order of their keys, and
    the blocks and rows left out for their size. Candidates: the loaded rows with a birth
    date, but the copies of a duplicate NIK (rejected, `ganda`)."""
    calon = pl.col("dimuat") & ~pl.col("baris").is_in(ganda.implode())
    blok = kunci.select(pl.when(calon).then(pl.col("blok")).alias("blok")).to_series()
    rows = berulang(blok, baris=kunci["baris"])
    rows = rows.select(  # blocks numbered in the order of their keys
        "baris",
        blok=pl.col("awal").cum_sum().cast(pl.Int32),
        ukuran=pl.col("jumlah").cast(pl.Int32),
    )
    besar = rows.filter(pl.col("ukuran") > BLOK_MAKS)
    return (
        rows.filter(pl.col("ukuran") <= BLOK_MAKS),
        besar["blok"].n_unique(),
        besar.height,
    )


def _terbaik(
    blok: list[Sequence[Any]], *, aturan: Aturan, usulan: set[str]
) -> dict[int, tuple[Hasil, int]]:
    """Each row's best match in its block (highest score, then the earlier row), among the
    pairs in a band the office proposes for a check: {row: (result, other row)}."""
    orang = [_orang(r) for r in blok]
    best: dict[int, tuple[Hasil, int]] = {}
    for i, j in itertools.combinations(range(len(blok)), 2):
        if orang[i].nik == orang[j].nik:
            continue  # one NIK twice is the duplicate-NIK rejection's business
        hasil = kecocokan.nilai(orang[i], orang[j], aturan=aturan)
        if hasil.pita not in usulan:
            continue
        for this, other in ((i, j), (j, i)):
            baris = blok[this][0]
            held = best.get(baris)
            if held is None or hasil.skor > held[0].skor:
                best[baris] = (hasil, blok[other][0])
    return best


def mark_probable_duplicates(
    *, snapshot_id: int, record_table: str, kolom: str, kunci: pl.DataFrame, ganda: pl.Series
) -> HasilGanda:
    """Warn on every row that is probably the same person as another row under another NIK,
    naming its best match, in the bands the office proposes for a check. `kunci` are the
    file's keys (dtsen.importers.kunci_ganda), `ganda` the rows the duplicate-NIK rejection
    took out."""
    pengaturan = pengaturan_semua()
    aturan = Aturan.dari(pengaturan["pencocokan_bobot"], pengaturan["pencocokan_ambang"])
    usulan = set(pengaturan["pencocokan_pita_usulan"])
    warnings: list[tuple[object, ...]] = []
    anggota, blok_dilewati, baris_dilewati = _anggota_blok(kunci, ganda)
    if anggota.is_empty():
        return HasilGanda(0, blok_dilewati, baris_dilewati)
    with connection.cursor() as cursor:
        for sql in _BLOK_SIAPKAN:
            cursor.execute(sql)
        with cursor.copy("COPY pg_temp.ganda_blok (baris, blok, ukuran) FROM STDIN") as copy:
            for row in anggota.iter_rows():
                copy.write_row(row)
        cursor.execute("ANALYZE pg_temp.ganda_blok")
    diperingatkan = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(_BLOK.format(table=record_table), {"id": snapshot_id})
        rows = itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(FETCH), []))
        for blok in _blok(rows):
            nik = {r[0]: r[1] for r in blok}
            for baris, (hasil, other) in _terbaik(blok, aturan=aturan, usulan=usulan).items():
                alasan = "; ".join(hasil.teks) or "nama dan tanggal lahir sama"
                pita = kecocokan.PITA_LABEL[hasil.pita].lower()
                pesan = PESAN.format(baris=other, pita=pita, alasan=alasan)
                warnings.append((snapshot_id, baris, kolom, pesan, True, nik[baris]))
            if len(warnings) >= FETCH:  # written as they come: memory one chunk
                diperingatkan += _tulis(warnings)
    diperingatkan += _tulis(warnings)
    return HasilGanda(diperingatkan, blok_dilewati, baris_dilewati)


def _tulis(warnings: list[tuple[object, ...]]) -> int:
    """COPY the warnings gathered so far and empty the list; returns how many."""
    if not warnings:
        return 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {db_table(MasalahBaris)} (snapshot_id, baris, kolom, pesan, is_peringatan,"
            " nik) FROM STDIN"
        ) as copy,
    ):
        for warning in warnings:
            copy.write_row(warning)
    jumlah = len(warnings)
    warnings.clear()
    return jumlah
