"""The comparison SQL of a reconciliation run, one set-based statement per step.

Each step of a chunk (the whole area, or one kecamatan) writes the findings it computes into
the staging table `dtsen_temuanhasil`; `gabung.rekonsiliasi_merge` folds them into
Temuan. The rules these statements encode are written down in the docstring of
dtsen/services/rekonsiliasi.py (DOMAIN.md §10: dataset matching is documented).

Temporary tables (`rk_*`) live in the worker's own database session: one chunk runs on one
connection, and `drop_temp_tables` clears them whatever happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from dinsos.models import Wilayah
from dinsos.raw_sql import db_table
from dtsen.models import (
    PBIJK_NONAKTIF_REGEX,
    DtsenRecord,
    PbiJkRecord,
    Rekonsiliasi,
    Snapshot,
    TemuanHasil,
)
from dtsen.services import kemungkinan_cocok
from kpm.models import Anggota, Keluarga

J = Rekonsiliasi.Jenis

NONAKTIF_REGEX = PBIJK_NONAKTIF_REGEX


def _insert_sql(select: str) -> str:
    """Every step inserts (kategori, subjek, nilai, …) rows through this wrapper. `kunci`
    names the subject in its category; `sidik` adds the compared values (DOMAIN.md §10,
    matching rules)."""
    return f"""
    INSERT INTO {db_table(TemuanHasil)} (rekonsiliasi_id, kategori, kunci, sidik, nik, no_kk, nama,
        keluarga_id, anggota_id, kelurahan_id, kecamatan_id, skor, rincian)
    SELECT %(run)s, x.kategori, %(jenis)s || '|' || x.kategori || '|' || x.subjek,
        md5(%(wilayah)s::text || '|' || %(jenis)s || '|' || x.kategori || '|' || x.subjek
            || '|' || x.nilai),
        coalesce(x.nik, ''), coalesce(x.no_kk, ''), left(coalesce(x.nama, ''), 200),
        x.keluarga_id, x.anggota_id, x.kelurahan_id, x.kecamatan_id, x.skor, x.rincian
    FROM ({select}) x(kategori, subjek, nilai, nik, no_kk, nama, keluarga_id, anggota_id,
        kelurahan_id, kecamatan_id, skor, rincian)
"""  # noqa: S608 (table names from model metadata only)


TEMP_TABLES = ("rk_kpm", "rk_pasangan", "rk_desil", "rk_pbi", *kemungkinan_cocok.TEMP_TABLES)

# --- Sources --------------------------------------------------------------------------------
# KPM members of current participants in the chunk's kelurahan.
_KPM = f"""
    CREATE TEMP TABLE rk_kpm AS
    SELECT a.id AS anggota_id, a.nik, a.nama,
        coalesce(nullif(a.nama_cari, ''), dtsen_nama_baku(a.nama)) AS nama_baku,
        a.tanggal_lahir, a.jenis_kelamin, k.id AS keluarga_id, k.no_kk, k.pengurus_id,
        k.kelurahan_id, w.parent_id AS kecamatan_id
    FROM {db_table(Keluarga)} k
    JOIN {db_table(Anggota)} a ON a.keluarga_id = k.id
    JOIN {db_table(Wilayah)} w ON w.id = k.kelurahan_id
    WHERE k.kelurahan_id = ANY(%(kelurahan)s) AND k.status = ANY(%(status_kpm)s)
"""  # noqa: S608 (table names from model metadata only)

# KPM members joined by exact NIK to the other source (DTSEN or PBI-JK), one row per member.
_PASANGAN_KPM = """
    CREATE TEMP TABLE rk_pasangan AS
    SELECT m.*, s.nik IS NOT NULL AS ada, {aktif} AS aktif, s.nama AS s_nama,
        s.tanggal_lahir AS s_lahir, s.jenis_kelamin AS s_jk, s.no_kk AS s_no_kk, {desil} AS s_desil,
        {noka} AS s_noka,
        (s.nik IS NOT NULL AND lower(s.nama) <> lower(m.nama)
            AND dtsen_nama_baku(s.nama) <> m.nama_baku) AS nama_beda
    FROM rk_kpm m
    LEFT JOIN {table} s ON s.snapshot_id = %({snapshot})s AND s.nik = m.nik
"""

# Active PBI-JK participants in the chunk joined by exact NIK to DTSEN.
_PASANGAN_PBI = f"""
    CREATE TEMP TABLE rk_pasangan AS
    SELECT p.nik, p.nama, p.no_kk, p.tanggal_lahir, p.jenis_kelamin, p.noka, p.segmen,
        p.kelurahan_id, w.parent_id AS kecamatan_id, a.id AS anggota_id, a.keluarga_id,
        d.nik IS NOT NULL AS ada, d.nama AS s_nama, d.tanggal_lahir AS s_lahir,
        d.jenis_kelamin AS s_jk, d.no_kk AS s_no_kk, d.desil_nasional AS s_desil,
        (d.nik IS NOT NULL AND lower(d.nama) <> lower(p.nama)
            AND dtsen_nama_baku(d.nama) <> dtsen_nama_baku(p.nama)) AS nama_beda
    FROM {db_table(PbiJkRecord)} p
    JOIN {db_table(Wilayah)} w ON w.id = p.kelurahan_id
    LEFT JOIN {db_table(DtsenRecord)} d ON d.snapshot_id = %(dtsen)s AND d.nik = p.nik
    LEFT JOIN {db_table(Anggota)} a ON a.nik = p.nik
    WHERE p.snapshot_id = %(pbijk)s AND p.kelurahan_id = ANY(%(kelurahan)s)
      AND p.status_kepesertaan !~ %(nonaktif)s
"""  # noqa: S608 (table names from model metadata only)

# --- KPM against DTSEN -------------------------------------------------------------------------
_KPM_TIDAK_DI_DTSEN = """
    SELECT 'kpm_tidak_di_dtsen' AS kategori, 'nik:' || nik AS subjek, '' AS nilai, nik, no_kk,
        nama, keluarga_id, anggota_id, kelurahan_id, kecamatan_id, NULL::float AS skor,
        jsonb_build_object('tanggal_lahir', tanggal_lahir, 'no_kk', no_kk) AS rincian
    FROM rk_pasangan WHERE NOT ada
"""

# A family's desil in a snapshot: the lowest desil of the DTSEN rows under its No KK or under
# its members' NIKs (a family that moved to a new KK keeps its desil).
_DESIL_SNAPSHOT = """
    SELECT k.keluarga_id, min(x.desil) AS desil, count(x.keluarga_id) AS n
    FROM keluarga k LEFT JOIN (
        SELECT k2.keluarga_id, d.desil_nasional AS desil
        FROM keluarga k2
        JOIN {dtsen_record} d ON d.snapshot_id = %({snapshot})s AND d.no_kk = k2.no_kk
        UNION ALL
        SELECT m.keluarga_id, d.desil_nasional
        FROM rk_kpm m
        JOIN {dtsen_record} d ON d.snapshot_id = %({snapshot})s AND d.nik = m.nik
    ) x USING (keluarga_id)
    GROUP BY k.keluarga_id
"""
# Built from constants of this module only (no user input).
_DESIL = f"""
    CREATE TEMP TABLE rk_desil AS
    WITH keluarga AS (
        SELECT keluarga_id, no_kk, kelurahan_id, kecamatan_id,
            max(nama) FILTER (WHERE anggota_id = pengurus_id) AS nama
        FROM rk_kpm GROUP BY keluarga_id, no_kk, kelurahan_id, kecamatan_id
    ),
    baru AS ({_DESIL_SNAPSHOT.format(snapshot="dtsen", dtsen_record=db_table(DtsenRecord))}),
    lama AS ({_DESIL_SNAPSHOT.format(snapshot="dtsen_lama", dtsen_record=db_table(DtsenRecord))})
    SELECT k.*, b.desil, b.n, l.desil AS desil_lama, l.n AS n_lama
    FROM keluarga k JOIN baru b USING (keluarga_id) JOIN lama l USING (keluarga_id)
"""  # noqa: S608
_DESIL_KELUARGA = """
    SELECT CASE WHEN desil IS NULL THEN 'kpm_tanpa_desil' ELSE 'desil_di_atas_pkh' END,
        'kk:' || no_kk,
        coalesce(desil::text, CASE WHEN n = 0 THEN 'tidak_ada' ELSE 'kosong' END),
        NULL, no_kk, nama, keluarga_id, NULL::bigint, kelurahan_id, kecamatan_id, NULL::float,
        jsonb_build_object('desil', desil, 'batas', %(pkh)s, 'ada_di_dtsen', n > 0)
    FROM rk_desil WHERE desil IS NULL OR desil > %(pkh)s
"""
_DESIL_BERUBAH = """
    SELECT 'desil_berubah', 'kk:' || no_kk,
        coalesce(desil_lama::text, '-') || '>' || coalesce(desil::text, '-'),
        NULL, no_kk, nama, keluarga_id, NULL::bigint, kelurahan_id, kecamatan_id, NULL::float,
        jsonb_build_object('desil_lama', desil_lama, 'desil_baru', desil)
    FROM rk_desil WHERE n > 0 AND n_lama > 0 AND desil IS DISTINCT FROM desil_lama
"""

# The fields that disagree between the two sources of one exact-NIK pair, and both values.
_BEDA = """
    WITH beda AS (
        SELECT p.*, array_remove(ARRAY[
            CASE WHEN nama_beda THEN 'nama' END,
            CASE WHEN s_lahir IS NOT NULL AND tanggal_lahir IS NOT NULL
                AND s_lahir <> tanggal_lahir THEN 'tanggal_lahir' END,
            CASE WHEN s_jk <> '' AND jenis_kelamin <> '' AND s_jk <> jenis_kelamin
                THEN 'jenis_kelamin' END,
            CASE WHEN s_no_kk <> '' AND no_kk <> '' AND s_no_kk <> no_kk THEN 'no_kk' END
        ], NULL) AS kolom
        FROM rk_pasangan p WHERE ada
    )
    SELECT 'data_berbeda', 'nik:' || nik,
        concat_ws(';',
            CASE WHEN 'nama' = ANY(kolom)
                THEN 'nama=' || dtsen_nama_baku(nama) || '>' || dtsen_nama_baku(s_nama) END,
            CASE WHEN 'tanggal_lahir' = ANY(kolom)
                THEN 'lahir=' || tanggal_lahir || '>' || s_lahir END,
            CASE WHEN 'jenis_kelamin' = ANY(kolom)
                THEN 'jk=' || jenis_kelamin || '>' || s_jk END,
            CASE WHEN 'no_kk' = ANY(kolom) THEN 'kk=' || no_kk || '>' || s_no_kk END),
        nik, no_kk, nama, keluarga_id, anggota_id, kelurahan_id, kecamatan_id, NULL::float,
        jsonb_build_object('kolom', to_jsonb(kolom), 'sumber', %(sumber)s, 'pembanding',
            %(pembanding)s,
            'nilai', jsonb_strip_nulls(jsonb_build_object(
                'nama', CASE WHEN 'nama' = ANY(kolom) THEN jsonb_build_array(nama, s_nama) END,
                'tanggal_lahir', CASE WHEN 'tanggal_lahir' = ANY(kolom)
                    THEN jsonb_build_array(tanggal_lahir, s_lahir) END,
                'jenis_kelamin', CASE WHEN 'jenis_kelamin' = ANY(kolom)
                    THEN jsonb_build_array(jenis_kelamin, s_jk) END,
                'no_kk', CASE WHEN 'no_kk' = ANY(kolom)
                    THEN jsonb_build_array(no_kk, s_no_kk) END)))
    FROM beda WHERE cardinality(kolom) > 0
"""

# The member's NIK sits in DTSEN under another No KK that is itself a current KPM family:
# one person counted in two families.
_NIK_DUA_KK = f"""
    SELECT 'nik_dua_kk', 'nik:' || p.nik, p.s_no_kk, p.nik, p.no_kk, p.nama, p.keluarga_id,
        p.anggota_id, p.kelurahan_id, p.kecamatan_id, NULL::float,
        jsonb_build_object('no_kk_kpm', p.no_kk, 'no_kk_dtsen', p.s_no_kk,
            'keluarga_lain_id', k2.id)
    FROM rk_pasangan p
    JOIN {db_table(Keluarga)} k2 ON k2.no_kk = p.s_no_kk
    WHERE p.ada AND p.s_no_kk <> p.no_kk AND k2.status = ANY(%(status_kpm)s)
"""  # noqa: S608 (table names from model metadata only)

# A KPM family whose No KK is in DTSEN with another set of NIKs.
_KK_ANGGOTA_BERBEDA = f"""
    WITH kpm_kk AS (
        SELECT keluarga_id, no_kk, kelurahan_id, kecamatan_id,
            max(nama) FILTER (WHERE anggota_id = pengurus_id) AS nama,
            array_agg(nik ORDER BY nik) AS niks
        FROM rk_kpm GROUP BY keluarga_id, no_kk, kelurahan_id, kecamatan_id
    ),
    dtsen_kk AS (
        SELECT d.no_kk, array_agg(d.nik ORDER BY d.nik) AS niks
        FROM kpm_kk k
        JOIN {db_table(DtsenRecord)} d ON d.snapshot_id = %(dtsen)s AND d.no_kk = k.no_kk
        GROUP BY d.no_kk
    )
    SELECT 'kk_anggota_berbeda', 'kk:' || k.no_kk,
        array_to_string(x.hanya_kpm, ',') || '>' || array_to_string(x.hanya_dtsen, ','),
        NULL, k.no_kk, k.nama, k.keluarga_id, NULL::bigint, k.kelurahan_id, k.kecamatan_id,
        NULL::float,
        jsonb_build_object('hanya_kpm', to_jsonb(x.hanya_kpm),
            'hanya_dtsen', to_jsonb(x.hanya_dtsen))
    FROM kpm_kk k
    JOIN dtsen_kk d USING (no_kk)
    CROSS JOIN LATERAL (
        SELECT ARRAY(SELECT unnest(k.niks) EXCEPT SELECT unnest(d.niks) ORDER BY 1) AS hanya_kpm,
            ARRAY(SELECT unnest(d.niks) EXCEPT SELECT unnest(k.niks) ORDER BY 1) AS hanya_dtsen
    ) x
    WHERE k.niks <> d.niks
"""  # noqa: S608 (table names from model metadata only)

# --- PBI-JK against DTSEN ----------------------------------------------------------------------
_PBIJK_NONAKTIF = """
    SELECT CASE WHEN NOT ada THEN 'pbijk_tidak_di_dtsen' ELSE 'pbijk_desil_tidak_layak' END,
        'nik:' || nik, CASE WHEN NOT ada THEN '' ELSE coalesce(s_desil::text, 'kosong') END,
        nik, coalesce(nullif(s_no_kk, ''), no_kk), nama, keluarga_id, anggota_id,
        kelurahan_id, kecamatan_id, NULL::float,
        jsonb_strip_nulls(jsonb_build_object('noka', noka, 'segmen', segmen,
            'tanggal_lahir', tanggal_lahir, 'desil', s_desil, 'batas', %(pbijk_maks)s))
    FROM rk_pasangan
    WHERE NOT ada OR s_desil IS NULL OR s_desil > %(pbijk_maks)s
"""
# DTSEN people of the chunk in desil 1–5 without active PBI-JK cover (candidates to propose,
# or to reactivate when the list still carries them as nonaktif).
_DTSEN_BELUM_PBIJK = f"""
    SELECT 'dtsen_belum_pbijk', 'nik:' || d.nik,
        d.desil_nasional || '|' || CASE WHEN p.nik IS NULL THEN 'tidak_terdaftar'
            ELSE 'nonaktif' END,
        d.nik, d.no_kk, d.nama, a.keluarga_id, a.id, d.kelurahan_id, w.parent_id, NULL::float,
        jsonb_strip_nulls(jsonb_build_object('desil', d.desil_nasional,
            'tanggal_lahir', d.tanggal_lahir, 'jenis_kelamin', d.jenis_kelamin,
            'status_pbijk', CASE WHEN p.nik IS NULL THEN 'tidak_terdaftar' ELSE 'nonaktif' END,
            'noka', nullif(p.noka, '')))
    FROM {db_table(DtsenRecord)} d
    JOIN {db_table(Wilayah)} w ON w.id = d.kelurahan_id
    LEFT JOIN {db_table(PbiJkRecord)} p ON p.snapshot_id = %(pbijk)s AND p.nik = d.nik
    LEFT JOIN {db_table(Anggota)} a ON a.nik = d.nik
    WHERE d.snapshot_id = %(dtsen)s AND d.kelurahan_id = ANY(%(kelurahan)s)
      AND d.desil_nasional <= %(pbijk_maks)s
      AND (p.nik IS NULL OR p.status_kepesertaan ~ %(nonaktif)s)
"""  # noqa: S608 (table names from model metadata only)

# --- KPM against PBI-JK ------------------------------------------------------------------------
# When the person was last active on an applied PBI-JK list of the area, and the date of the
# next list (the removal, DOMAIN.md §7 reactivation window).
_KPM_TANPA_PBIJK = f"""
    WITH tanpa AS (SELECT * FROM rk_pasangan WHERE NOT ada OR NOT aktif),
    daftar AS (
        SELECT id, tanggal_data FROM {db_table(Snapshot)}
        WHERE jenis = 'pbijk' AND wilayah_id = %(wilayah)s
          AND status IN ('diterapkan', 'riwayat') AND tanggal_data <= %(tanggal_pbijk)s
    ),
    riwayat AS (
        SELECT r.nik, max(s.tanggal_data) AS aktif_terakhir
        FROM daftar s JOIN {db_table(PbiJkRecord)} r ON r.snapshot_id = s.id
        WHERE r.nik IN (SELECT nik FROM tanpa) AND r.status_kepesertaan !~ %(nonaktif)s
        GROUP BY r.nik
    )
    SELECT 'kpm_tanpa_pbijk', 'nik:' || t.nik,
        CASE WHEN t.ada THEN 'nonaktif' ELSE 'tidak_terdaftar' END,
        t.nik, t.no_kk, t.nama, t.keluarga_id, t.anggota_id, t.kelurahan_id, t.kecamatan_id,
        NULL::float,
        jsonb_strip_nulls(jsonb_build_object(
            'status_pbijk', CASE WHEN t.ada THEN 'nonaktif' ELSE 'tidak_terdaftar' END,
            'noka', nullif(t.s_noka, ''), 'tanggal_lahir', t.tanggal_lahir,
            'aktif_terakhir', r.aktif_terakhir,
            'nonaktif_sejak', (SELECT min(s.tanggal_data) FROM daftar s
                               WHERE s.tanggal_data > r.aktif_terakhir)))
    FROM tanpa t LEFT JOIN riwayat r USING (nik)
"""  # noqa: S608 (table names from model metadata only)


@dataclass(frozen=True)
class Langkah:
    """One step of a chunk: a label for the progress line and the SQL it runs."""

    label: str
    run: Callable[[dict[str, Any]], None]


def _execute(sql: str, params: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _create(sql: str, table: str) -> Callable[[dict[str, Any]], None]:
    def run(params: dict[str, Any]) -> None:
        _execute(sql, params)
        _execute(f"ANALYZE {table}", {})  # temp tables have no statistics for the planner

    return run


def _insert(*selects: str, **extra: str) -> Callable[[dict[str, Any]], None]:
    def run(params: dict[str, Any]) -> None:
        for select in selects:
            _execute(_insert_sql(select), {**params, **extra})

    return run


def _pasangan_kpm(jenis: str) -> str:
    if jenis == J.KPM_DTSEN:
        return _PASANGAN_KPM.format(
            table=db_table(DtsenRecord),
            snapshot="dtsen",
            aktif="s.nik IS NOT NULL",
            desil="s.desil_nasional",
            noka="''",
        )
    return _PASANGAN_KPM.format(
        table=db_table(PbiJkRecord),
        snapshot="pbijk",
        aktif="(s.nik IS NOT NULL AND s.status_kepesertaan !~ %(nonaktif)s)",
        desil="s.desil_nasional",
        noka="s.noka",
    )


def langkah_list(jenis: str, *, has_dtsen_lama: bool) -> list[Langkah]:
    """The steps one chunk of a run of kind `jenis` goes through, in order."""
    if jenis == J.KPM_DTSEN:
        desil = [_DESIL_KELUARGA, _DESIL_BERUBAH] if has_dtsen_lama else [_DESIL_KELUARGA]
        return [
            Langkah("Menyiapkan data KPM", _create(_KPM, "rk_kpm")),
            Langkah("Mencocokkan NIK dengan DTSEN", _create(_pasangan_kpm(jenis), "rk_pasangan")),
            Langkah("Anggota tidak ada di DTSEN", _insert(_KPM_TIDAK_DI_DTSEN)),
            Langkah("Mencari kemungkinan cocok", _kemungkinan_cocok),
            Langkah("Desil keluarga", _desil_steps(desil)),
            Langkah("Data berbeda", _insert(_BEDA, sumber="kpm", pembanding="dtsen")),
            Langkah("NIK di dua KK", _insert(_NIK_DUA_KK)),
            Langkah("Anggota KK berbeda", _insert(_KK_ANGGOTA_BERBEDA)),
        ]
    if jenis == J.PBIJK_DTSEN:
        return [
            Langkah("Mencocokkan PBI-JK dengan DTSEN", _create(_PASANGAN_PBI, "rk_pasangan")),
            Langkah("Calon penonaktifan PBI-JK", _insert(_PBIJK_NONAKTIF)),
            Langkah("Calon usulan PBI-JK", _insert(_DTSEN_BELUM_PBIJK)),
            Langkah("Data berbeda", _insert(_BEDA, sumber="pbijk", pembanding="dtsen")),
        ]
    return [
        Langkah("Menyiapkan data KPM", _create(_KPM, "rk_kpm")),
        Langkah("Mencocokkan NIK dengan PBI-JK", _create(_pasangan_kpm(jenis), "rk_pasangan")),
        Langkah("Anggota tanpa PBI-JK", _insert(_KPM_TANPA_PBIJK)),
        Langkah("Data berbeda", _insert(_BEDA, sumber="kpm", pembanding="pbijk")),
    ]


def _kemungkinan_cocok(params: dict[str, Any]) -> None:
    kemungkinan_cocok.kemungkinan_cocok_hitung(params)
    _execute(_insert_sql(kemungkinan_cocok.KEMUNGKINAN_COCOK), params)


def _desil_steps(selects: list[str]) -> Callable[[dict[str, Any]], None]:
    create = _create(_DESIL, "rk_desil")
    insert = _insert(*selects)

    def run(params: dict[str, Any]) -> None:
        # Without an earlier snapshot, compare the current one with itself (no change found).
        create({**params, "dtsen_lama": params["dtsen_lama"] or params["dtsen"]})
        insert(params)

    return run


def drop_temp_tables() -> None:
    """Drop this session's work tables (a worker's connection outlives its task)."""
    _execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}", {})
