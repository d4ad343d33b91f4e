"""The import's check for one person twice in a file under two NIKs (issue #23): a warning
on both rows, never a rejection (two people may share a birth date, a kelurahan and a name).

Set-based like the rest of the loader: one self-join of the snapshot's rows on birth date +
kelurahan + the sound of the name's last word (a cheap block that keeps a million-row file
to a few seconds), then one pass scoring each pair with the shared rule
(`dinsos.kecocokan`) and one COPY of the warnings.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from dinsos import kecocokan
from dinsos.kecocokan import Aturan, Orang
from dinsos.raw_sql import db_table
from dinsos.selectors import pengaturan_semua
from dtsen.models import MasalahBaris

_PASANGAN = """
    WITH t AS MATERIALIZED (
        SELECT baris, nik, nama, tanggal_lahir, jenis_kelamin, kelurahan_id, no_kk,
            soundex(reverse(split_part(reverse(btrim(nama)), ' ', 1))) AS bunyi
        FROM {table} WHERE snapshot_id = %(id)s AND tanggal_lahir IS NOT NULL
    )
    SELECT a.baris, a.nik, a.nama, a.tanggal_lahir, a.jenis_kelamin, a.kelurahan_id, a.no_kk,
        b.baris, b.nik, b.nama, b.tanggal_lahir, b.jenis_kelamin, b.kelurahan_id, b.no_kk
    FROM t a JOIN t b ON a.tanggal_lahir = b.tanggal_lahir AND a.kelurahan_id = b.kelurahan_id
        AND a.bunyi = b.bunyi AND a.nik < b.nik
"""
PESAN = "Mungkin orang yang sama dengan baris {baris} (NIK lain; {pita}): {alasan}"


def _orang(row: tuple[Any, ...]) -> Orang:
    return Orang(row[1], row[2], row[3], row[4] or "", row[5], row[6] or "")


def mark_probable_duplicates(*, snapshot_id: int, record_table: str, kolom: str) -> int:
    """Warn on both rows of every pair in the file that is probably one person under two
    NIKs, in the bands the office proposes for a check; returns the number of pairs."""
    pengaturan = pengaturan_semua()
    aturan = Aturan.dari(pengaturan["pencocokan_bobot"], pengaturan["pencocokan_ambang"])
    usulan = set(pengaturan["pencocokan_pita_usulan"])
    warnings: list[tuple[object, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(_PASANGAN.format(table=record_table), {"id": snapshot_id})
        for row in cursor.fetchall():
            a, b = row[:7], row[7:]
            hasil = kecocokan.nilai(_orang(a), _orang(b), aturan=aturan)
            if hasil.pita not in usulan:
                continue
            alasan = "; ".join(hasil.teks) or "nama dan tanggal lahir sama"
            pita = kecocokan.PITA_LABEL[hasil.pita].lower()
            for this, other in ((a, b), (b, a)):
                pesan = PESAN.format(baris=other[0], pita=pita, alasan=alasan)
                warnings.append((snapshot_id, this[0], kolom, pesan, True, this[1]))
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
    return len(warnings) // 2
