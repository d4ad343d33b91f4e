"""The probable-match step of a KPM-vs-DTSEN run: members whose NIK is not in DTSEN, paired
with the DTSEN person they probably are (issue #23; rules in dtsen/services/rekonsiliasi.py).

Two passes, both set-based:
1. SQL blocking (`_CALON`): one statement collects, for every member not found by NIK, the
   DTSEN people (not themselves KPM members) who share at least one of: the birth date, the
   birth date with day and month swapped, the NIK's region and birth segment (first 12
   digits, the women's +40 on the day allowed on either side), the No KK, the No KK under
   which other members of the same family are found by NIK, or the kelurahan with the
   birth year and the sound (`dmetaphone`) of the name's last word.
2. One pass over the fetched candidates (no query inside it) scores every pair with the
   shared rule `dinsos.kecocokan.nilai`, keeps the best candidate per member when it reaches
   a band, and COPYs the winners into a work table that the finding INSERT reads.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from dinsos import kecocokan
from dinsos.kecocokan import Aturan, Hasil, Orang
from dinsos.raw_sql import db_table
from dtsen.models import DtsenRecord
from kpm.models import Anggota

TEMP_TABLES = ("rk_kunci", "rk_calon", "rk_cocok")
FETCH = 20_000

# The sound of a name's last word (blocking only: soundex of the raw last word is cheap
# enough for a million rows, where normalising each name would cost seconds).
_KUNCI_NAMA = "soundex(reverse(split_part(reverse(btrim({kolom})), ' ', 1)))"

# The block keys of the members not found by NIK: L birth date (as is, and with day and
# month swapped), N the NIK's first 12 digits (as is, and with the women's +40 on the day
# added or taken off), K a No KK (the member's, and — `is_rumah` — the KKs under which the
# other members of the family are found by NIK), R kelurahan + birth year + name sound.
_KUNCI = f"""
    CREATE TEMP TABLE rk_kunci AS
    WITH m AS (
        SELECT anggota_id, nik, no_kk, keluarga_id, kelurahan_id, tanggal_lahir,
            CASE WHEN extract(day FROM tanggal_lahir) <= 12 THEN make_date(
                extract(year FROM tanggal_lahir)::int, extract(day FROM tanggal_lahir)::int,
                extract(month FROM tanggal_lahir)::int) END AS lahir_tukar,
            left(nik, 6) || lpad((CASE WHEN substr(nik, 7, 2)::int > 40
                THEN substr(nik, 7, 2)::int - 40 ELSE substr(nik, 7, 2)::int + 40 END)::text,
                2, '0') || substr(nik, 9, 4) AS nik12_lain,
            {_KUNCI_NAMA.format(kolom="nama")} AS kunci_nama
        FROM rk_pasangan WHERE NOT ada AND nik ~ '^[0-9]{{16}}$'
    )
    SELECT anggota_id, 'L' || tanggal_lahir AS kunci, false AS is_rumah
    FROM m WHERE tanggal_lahir IS NOT NULL
    UNION SELECT anggota_id, 'L' || lahir_tukar, false FROM m WHERE lahir_tukar IS NOT NULL
    UNION SELECT anggota_id, 'N' || left(nik, 12), false FROM m
    UNION SELECT anggota_id, 'N' || nik12_lain, false FROM m
    UNION SELECT anggota_id, 'K' || no_kk, false FROM m
    UNION SELECT m.anggota_id, 'K' || q.s_no_kk, true
        FROM m JOIN rk_pasangan q ON q.keluarga_id = m.keluarga_id AND q.ada
            AND q.anggota_id <> m.anggota_id AND q.s_no_kk <> m.no_kk
    UNION SELECT anggota_id, 'R' || kelurahan_id || '|' || extract(year FROM tanggal_lahir)
            || '|' || kunci_nama, false
        FROM m WHERE tanggal_lahir IS NOT NULL AND kunci_nama <> ''
"""  # noqa: S608 (constants of this module only)

# The candidates: each kind of key a hash join of the snapshot with the members' keys (the
# planner sees the small analysed key table). DTSEN people who are KPM members under their
# own NIK are left out, and so are pairs found only by birth date or name sound whose first
# and last words sound nothing alike (such a pair cannot reach a band: see the weights).
_BLOK = f"""
    SELECT k.anggota_id, k.is_rumah, '{{jenis}}' AS jenis, d.nik, d.nama, d.no_kk,
        d.tanggal_lahir, d.jenis_kelamin, d.kelurahan_id
    FROM {db_table(DtsenRecord)} d JOIN rk_kunci k ON k.kunci = {{kunci}}
    WHERE d.snapshot_id = %(dtsen)s
"""  # noqa: S608 (table names from model metadata only)
_BUNYI = (
    "ARRAY[soundex(split_part(btrim({kolom}), ' ', 1)), "
    "soundex(reverse(split_part(reverse(btrim({kolom})), ' ', 1)))]"
)
_KUNCI_R = (
    "'R' || d.kelurahan_id || '|' || extract(year FROM d.tanggal_lahir) || '|' || "
    + _KUNCI_NAMA.format(kolom="d.nama")
)
_CALON = f"""
    CREATE TEMP TABLE rk_calon AS
    SELECT b.anggota_id, b.nik, b.nama, b.no_kk, b.tanggal_lahir, b.jenis_kelamin,
        b.kelurahan_id, bool_or(b.is_rumah) AS serumah
    FROM (
        {_BLOK.format(jenis="L", kunci="'L' || d.tanggal_lahir")}
        UNION ALL {_BLOK.format(jenis="N", kunci="'N' || left(d.nik, 12)")}
        UNION ALL {_BLOK.format(jenis="K", kunci="'K' || d.no_kk")}
        UNION ALL {_BLOK.format(jenis="R", kunci=_KUNCI_R)}
    ) b
    JOIN rk_pasangan p ON p.anggota_id = b.anggota_id
    WHERE NOT EXISTS (SELECT 1 FROM {db_table(Anggota)} a WHERE a.nik = b.nik)
    GROUP BY b.anggota_id, b.nik, b.nama, b.no_kk, b.tanggal_lahir, b.jenis_kelamin,
        b.kelurahan_id, p.nama
    HAVING bool_or(b.jenis IN ('N', 'K'))
        OR {_BUNYI.format(kolom="b.nama")} && {_BUNYI.format(kolom="p.nama")}
"""  # noqa: S608 (table names from model metadata only)

_AMBIL = """
    SELECT c.anggota_id, p.nik, p.nama, p.tanggal_lahir, p.jenis_kelamin, p.kelurahan_id,
        p.no_kk, c.nik, c.nama, c.tanggal_lahir, c.jenis_kelamin, c.kelurahan_id, c.no_kk,
        c.serumah
    FROM rk_calon c JOIN rk_pasangan p USING (anggota_id)
    ORDER BY c.anggota_id
"""

_COCOK = """
    CREATE TEMP TABLE rk_cocok (anggota_id bigint PRIMARY KEY, c_nik text, c_nama text,
        skor float, rincian jsonb)
"""

# The findings, from the winners of the scoring pass (rk_cocok).
KEMUNGKINAN_COCOK = """
    SELECT 'kemungkinan_cocok', 'nik:' || p.nik, c.c_nik || '|' || dtsen_nama_baku(c.c_nama),
        p.nik, p.no_kk, p.nama, p.keluarga_id, p.anggota_id, p.kelurahan_id, p.kecamatan_id,
        c.skor, c.rincian
    FROM rk_cocok c JOIN rk_pasangan p USING (anggota_id)
"""


@dataclass(frozen=True)
class Calon:
    anggota_id: int
    anggota: Orang
    dtsen: Orang
    serumah: bool


def _execute(sql: str, params: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _calon() -> Iterator[Calon]:
    with connection.cursor() as cursor:
        cursor.execute(_AMBIL)
        while rows := cursor.fetchmany(FETCH):
            for row in rows:
                yield Calon(
                    anggota_id=row[0],
                    anggota=Orang(row[1], row[2], row[3], row[4] or "", row[5], row[6] or ""),
                    dtsen=Orang(row[7], row[8], row[9], row[10] or "", row[11], row[12] or ""),
                    serumah=row[13],
                )


def _urutan(calon: Calon, hasil: Hasil) -> tuple[float, int, str]:
    # Highest score first; on a tie the NIK with fewer differing digits, then the lowest NIK
    # (a stable choice from run to run).
    beda = sum(x != y for x, y in zip(calon.anggota.nik, calon.dtsen.nik, strict=False))
    return (-hasil.skor, beda, calon.dtsen.nik)


def _rincian(calon: Calon, hasil: Hasil) -> dict[str, Any]:
    a, d = calon.anggota, calon.dtsen
    return {
        "tanggal_lahir": _iso(a.tanggal_lahir),
        "nik_lain": d.nik,
        "nama_lain": d.nama,
        "no_kk_lain": d.no_kk,
        "lahir_lain": _iso(d.tanggal_lahir),
        "jk_lain": d.jenis_kelamin,
        "skor": kecocokan.kemiripan_nama(a.nama, d.nama),
        "nik_beda": sum(x != y for x, y in zip(a.nik, d.nik, strict=False)),
        "skor_cocok": hasil.skor,
        "pita": hasil.pita,
        "sinyal": hasil.sinyal,
        "alasan": hasil.alasan,
    }


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def kemungkinan_cocok_hitung(params: dict[str, Any]) -> None:
    """Block, score and keep the best candidate per member into `rk_cocok` (one chunk) when
    its band is one the office proposes for a field check (`pencocokan_pita_usulan`)."""
    aturan = Aturan.dari(params["bobot"], params["ambang"])
    usulan = list(params["pita_usulan"])
    _execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}", {})
    _execute(_KUNCI, params)
    _execute("ANALYZE rk_kunci", {})
    _execute(_CALON, params)
    _execute("ANALYZE rk_calon", {})
    _execute(_COCOK, {})
    terbaik: dict[int, tuple[tuple[float, int, str], Calon, Hasil]] = {}
    for calon in _calon():
        hasil = kecocokan.nilai(calon.anggota, calon.dtsen, aturan=aturan, serumah=calon.serumah)
        if not hasil.pita:
            continue
        urutan = _urutan(calon, hasil)
        current = terbaik.get(calon.anggota_id)
        if current is None or urutan < current[0]:
            terbaik[calon.anggota_id] = (urutan, calon, hasil)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY rk_cocok (anggota_id, c_nik, c_nama, skor, rincian) FROM STDIN"
        ) as copy,
    ):
        for _, calon, hasil in terbaik.values():
            if hasil.pita not in usulan:
                continue  # the best candidate is only weak: not proposed by default
            copy.write_row(
                (
                    calon.anggota_id,
                    calon.dtsen.nik,
                    calon.dtsen.nama,
                    hasil.skor,
                    json.dumps(_rincian(calon, hasil)),
                )
            )
