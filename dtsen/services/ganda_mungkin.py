"""The import's check for one person twice in a file under two NIKs (issue #23): a warning
on a row naming its best match, never a rejection (two people may share a birth date, a
kelurahan and a name).

Set-based like the rest of the loader, and linear in the file: one query sorts the
snapshot's rows into blocks of birth date + kelurahan + the sound of the name's last word (a
cheap block that keeps a million-row file to a few seconds), and Python scores the pairs
inside each block with the shared rule (`dinsos.kecocokan`), then one COPY of the warnings.

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
from typing import Any

from django.db import connection

from dinsos import kecocokan
from dinsos.kecocokan import Aturan, Hasil, Orang
from dinsos.raw_sql import db_table
from dinsos.selectors import pengaturan_semua
from dtsen.models import MasalahBaris

# Rows in one block that are compared pair by pair: at most BLOK_MAKS²/2 pairs per block and
# BLOK_MAKS/2 per row, so the work grows with the file, not its square. Fifty people born
# on one day in one kelurahan whose last names sound alike is already far past real data.
BLOK_MAKS = 50
FETCH = 10_000

# Rows of blocks with 2..BLOK_MAKS rows, in block order; a larger block sends only its first
# row with its size, so it is counted without being read.
_BLOK = """
    WITH t AS (
        SELECT baris, nik, nama, tanggal_lahir, jenis_kelamin, kelurahan_id, no_kk,
            soundex(reverse(split_part(reverse(btrim(nama)), ' ', 1))) AS bunyi
        FROM {table} WHERE snapshot_id = %(id)s AND tanggal_lahir IS NOT NULL
    ), u AS (
        SELECT t.*,
            count(*) OVER blok AS ukuran,
            row_number() OVER (blok ORDER BY baris) AS urutan
        FROM t
        WINDOW blok AS (PARTITION BY tanggal_lahir, kelurahan_id, bunyi)
    )
    SELECT baris, nik, nama, tanggal_lahir, jenis_kelamin, kelurahan_id, no_kk, bunyi, ukuran
    FROM u
    WHERE ukuran BETWEEN 2 AND %(maks)s OR (ukuran > %(maks)s AND urutan = 1)
    ORDER BY tanggal_lahir, kelurahan_id, bunyi, baris
"""
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
    for _, blok in itertools.groupby(rows, key=lambda r: (r[3], r[5], r[7])):
        yield list(blok)


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


def mark_probable_duplicates(*, snapshot_id: int, record_table: str, kolom: str) -> HasilGanda:
    """Warn on every row that is probably the same person as another row under another NIK,
    naming its best match, in the bands the office proposes for a check."""
    pengaturan = pengaturan_semua()
    aturan = Aturan.dari(pengaturan["pencocokan_bobot"], pengaturan["pencocokan_ambang"])
    usulan = set(pengaturan["pencocokan_pita_usulan"])
    warnings: list[tuple[object, ...]] = []
    blok_dilewati = baris_dilewati = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(_BLOK.format(table=record_table), {"id": snapshot_id, "maks": BLOK_MAKS})
        rows = itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(FETCH), []))
        for blok in _blok(rows):
            ukuran = blok[0][8]
            if ukuran > BLOK_MAKS:
                blok_dilewati += 1
                baris_dilewati += ukuran
                continue
            nik = {r[0]: r[1] for r in blok}
            for baris, (hasil, other) in _terbaik(blok, aturan=aturan, usulan=usulan).items():
                alasan = "; ".join(hasil.teks) or "nama dan tanggal lahir sama"
                pita = kecocokan.PITA_LABEL[hasil.pita].lower()
                pesan = PESAN.format(baris=other, pita=pita, alasan=alasan)
                warnings.append((snapshot_id, baris, kolom, pesan, True, nik[baris]))
    if warnings:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {db_table(MasalahBaris)} (snapshot_id, baris, kolom, pesan, is_peringatan,"
                " nik) FROM STDIN"
            ) as copy,
        ):
            for warning in warnings:
                copy.write_row(warning)
    return HasilGanda(len(warnings), blok_dilewati, baris_dilewati)
