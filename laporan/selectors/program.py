"""Sections 3 and 4 of the rakor report: P2K2 and verifikasi komitmen.

Aggregate statements over the area and the month (FILTER for the month before and the year
to date): never a query per group, family or pendamping.
"""

from __future__ import annotations

from typing import Any

from dinsos.raw_sql import db_table
from kpm.models import Keluarga, Komponen
from laporan.selectors.konteks import (
    PERSEN,
    TEKS,
    Konteks,
    angka,
    bagian,
    bulan_param,
    grafik,
    kolom,
    rasio,
    rows,
    tabel,
    url,
)
from p2k2.models import Kehadiran, Kelompok, Modul, Pertemuan, Sesi
from verifikasi.models import KOMPONEN_KOMITMEN, Komitmen, Usulan

KELUARGA = db_table(Keluarga)
TERLAKSANA = Pertemuan.Status.TERLAKSANA.value
DAFTAR_PERTEMUAN = "p2k2:pertemuan-list"
DAFTAR_USULAN = "verifikasi:usulan-list"
SEMUA_STATUS = "semua"  # the proposal list's "every status" (verifikasi.forms)


def _usulan_url(k: Konteks, **params: str) -> str:
    return url(DAFTAR_USULAN, **params, **k.area_filter())


def bagian_p2k2(k: Konteks) -> dict[str, Any]:
    """Groups, meetings held against those planned, attendance, sessions per module and the
    families proposed for suspension after consecutive alfa (DOMAIN.md §4, §6)."""
    p = {**k.params(), "terlaksana": TERLAKSANA}
    kelompok = rows(
        f"SELECT count(*) FROM {db_table(Kelompok)} WHERE kelurahan_id = ANY(%(kel)s)",  # noqa: S608
        p,
    )[0][0]
    pertemuan = rows(
        f"""
        SELECT
            count(*) FILTER (WHERE pt.tanggal >= %(awal)s),
            count(*) FILTER (WHERE pt.tanggal >= %(awal)s AND pt.status = %(terlaksana)s),
            count(*) FILTER (
                WHERE pt.tanggal < %(awal)s AND pt.tanggal >= %(awal_lalu)s
                    AND pt.status = %(terlaksana)s
            ),
            count(*) FILTER (WHERE pt.tanggal >= %(awal_tahun)s AND pt.status = %(terlaksana)s)
        FROM {db_table(Pertemuan)} pt JOIN {db_table(Kelompok)} g ON g.id = pt.kelompok_id
        WHERE g.kelurahan_id = ANY(%(kel)s)
            AND pt.tanggal >= least(%(awal_lalu)s, %(awal_tahun)s) AND pt.tanggal < %(akhir)s
        """,  # noqa: S608 (table names from model metadata only)
        p,
    )[0]
    hadir = dict(
        rows(
            f"""
            SELECT h.status, count(*)
            FROM {db_table(Kehadiran)} h
            JOIN {db_table(Pertemuan)} pt ON pt.id = h.pertemuan_id
            JOIN {db_table(Kelompok)} g ON g.id = pt.kelompok_id
            WHERE g.kelurahan_id = ANY(%(kel)s) AND pt.status = %(terlaksana)s
                AND pt.tanggal >= %(awal)s AND pt.tanggal < %(akhir)s
            GROUP BY h.status
            """,  # noqa: S608 (table names from model metadata only)
            p,
        )
    )
    modul = rows(
        f"""
        SELECT m.nama, count(*), count(DISTINCT pt.kelompok_id)
        FROM {db_table(Pertemuan)} pt
        JOIN {db_table(Kelompok)} g ON g.id = pt.kelompok_id
        JOIN {db_table(Sesi)} s ON s.id = pt.sesi_id
        JOIN {db_table(Modul)} m ON m.id = s.modul_id
        WHERE g.kelurahan_id = ANY(%(kel)s) AND pt.status = %(terlaksana)s
            AND pt.tanggal >= %(awal)s AND pt.tanggal < %(akhir)s
        GROUP BY m.nama, m.urutan ORDER BY m.urutan, m.nama
        """,  # noqa: S608 (table names from model metadata only)
        p,
    )
    alfa = _usulan_dibuat(k, Usulan.Jenis.P2K2_ALFA)
    bulan = bulan_param(k.bulan)
    total_hadir = sum(hadir.values())
    status_hadir = list(Kehadiran.Status)
    return bagian(
        "p2k2",
        "P2K2",
        angka_list=[
            angka("Kelompok P2K2", kelompok),
            angka(
                "Pertemuan direncanakan",
                pertemuan[0],
                url=url(DAFTAR_PERTEMUAN, bulan=bulan, **k.area_filter()),
            ),
            angka(
                "Pertemuan terlaksana",
                pertemuan[1],
                lalu=pertemuan[2],
                tahun=pertemuan[3],
                url=url(
                    DAFTAR_PERTEMUAN,
                    bulan=bulan,
                    status=TERLAKSANA,
                    **k.area_filter(),
                ),
            ),
            angka(
                "Tingkat kehadiran",
                rasio(hadir.get(Kehadiran.Status.HADIR, 0), total_hadir),
                fmt=PERSEN,
            ),
            angka(
                "Usulan penangguhan karena alfa berturut-turut",
                alfa[0],
                lalu=alfa[1],
                tahun=alfa[2],
                url=_usulan_url(
                    k,
                    status=SEMUA_STATUS,
                    jenis=Usulan.Jenis.P2K2_ALFA,
                    dibuat=bulan,
                ),
            ),
        ],
        tabel_list=[
            tabel(
                "Kehadiran keluarga pada pertemuan terlaksana",
                [kolom("Status", TEKS), kolom("Keluarga"), kolom("Persen", PERSEN)],
                [
                    [s.label, hadir.get(s.value, 0), rasio(hadir.get(s.value, 0), total_hadir)]
                    for s in status_hadir
                ],
            ),
            tabel(
                "Sesi terlaksana per modul",
                [kolom("Modul", TEKS), kolom("Pertemuan"), kolom("Kelompok")],
                modul,
                kosong="Belum ada pertemuan terlaksana bulan ini.",
            ),
        ],
        grafik_list=[
            grafik(
                "Kehadiran P2K2",
                [(s.label, rasio(hadir.get(s.value, 0), total_hadir)) for s in status_hadir],
                fmt=PERSEN,
            )
        ],
    )


def _usulan_dibuat(k: Konteks, jenis: str) -> tuple[int, int, int]:
    """Suspension proposals of one kind made this month, the month before, the year."""
    return rows(
        f"""
        SELECT
            count(*) FILTER (WHERE u.created_at >= %(awal_w)s),
            count(*) FILTER (WHERE u.created_at >= %(awal_lalu_w)s AND u.created_at < %(awal_w)s),
            count(*) FILTER (WHERE u.created_at >= %(awal_tahun_w)s)
        FROM {db_table(Usulan)} u JOIN {KELUARGA} k ON k.id = u.keluarga_id
        WHERE k.kelurahan_id = ANY(%(kel)s) AND u.jenis = %(jenis)s
            AND u.created_at >= least(%(awal_lalu_w)s, %(awal_tahun_w)s)
            AND u.created_at < %(akhir_w)s
        """,  # noqa: S608 (table names from model metadata only)
        {**k.params(), "jenis": jenis},
    )[0]


def bagian_komitmen(k: Konteks) -> dict[str, Any]:
    """Compliance by component for the month (patuh among those verified), and the
    suspension proposals made and decided in the month (DOMAIN.md §4)."""
    p = k.params()
    per: dict[tuple[str, str], int] = {}
    lalu: dict[str, int] = {}
    for bulan, c, s, n in rows(
        f"""
        SELECT m.bulan, m.komponen, m.status, count(*)
        FROM {db_table(Komitmen)} m JOIN {KELUARGA} k ON k.id = m.keluarga_id
        WHERE k.kelurahan_id = ANY(%(kel)s) AND m.bulan IN (%(awal)s, %(awal_lalu)s)
        GROUP BY 1, 2, 3
        """,  # noqa: S608 (table names from model metadata only)
        p,
    ):
        if bulan == k.bulan:
            per[(c, s)] = n
        else:
            lalu[s] = lalu.get(s, 0) + n
    keputusan = dict(
        rows(
            f"""
            SELECT u.status, count(*)
            FROM {db_table(Usulan)} u JOIN {KELUARGA} k ON k.id = u.keluarga_id
            WHERE k.kelurahan_id = ANY(%(kel)s)
                AND u.diputuskan_at >= %(awal_w)s AND u.diputuskan_at < %(akhir_w)s
            GROUP BY 1
            """,  # noqa: S608 (table names from model metadata only)
            p,
        )
    )
    S = Komitmen.Status
    baris: list[list[Any]] = []
    for c in KOMPONEN_KOMITMEN:
        patuh, tidak = per.get((c, S.PATUH), 0), per.get((c, S.TIDAK_PATUH), 0)
        belum = per.get((c, S.TIDAK_DAPAT_DIVERIFIKASI), 0)
        baris.append([Komponen(c).label, patuh, tidak, belum, rasio(patuh, patuh + tidak)])
    patuh = sum(b[1] for b in baris)
    tidak = sum(b[2] for b in baris)
    patuh_lalu, tidak_lalu = lalu.get(S.PATUH, 0), lalu.get(S.TIDAK_PATUH, 0)
    dibuat = _usulan_dibuat(k, Usulan.Jenis.KOMITMEN)
    bulan_ini = bulan_param(k.bulan)
    return bagian(
        "komitmen",
        "Verifikasi komitmen",
        angka_list=[
            angka("Komitmen diverifikasi", patuh + tidak + sum(b[3] for b in baris)),
            angka(
                "Tingkat kepatuhan",
                rasio(patuh, patuh + tidak),
                fmt=PERSEN,
                lalu=rasio(patuh_lalu, patuh_lalu + tidak_lalu),
            ),
            angka(
                "Usulan penangguhan (tidak patuh berturut-turut)",
                dibuat[0],
                lalu=dibuat[1],
                tahun=dibuat[2],
                url=_usulan_url(
                    k, status=SEMUA_STATUS, jenis=Usulan.Jenis.KOMITMEN, dibuat=bulan_ini
                ),
            ),
            *[
                angka(
                    f"Usulan diputuskan: {label}",
                    keputusan.get(status, 0),
                    url=_usulan_url(k, status=status, diputuskan=bulan_ini),
                )
                for status, label in (
                    (Usulan.Status.DITERIMA, "diterima"),
                    (Usulan.Status.DITOLAK, "ditolak"),
                )
            ],
        ],
        tabel_list=[
            tabel(
                "Kepatuhan per komponen",
                [
                    kolom("Komponen", TEKS),
                    kolom("Patuh"),
                    kolom("Tidak patuh"),
                    kolom("Tidak dapat diverifikasi"),
                    kolom("Kepatuhan", PERSEN),
                ],
                baris,
                # The non-compliant records of a component are the flag list's rows.
                tautan=[
                    [
                        "",
                        "",
                        _usulan_url(k, tampil="tanda", bulan=bulan_ini, komponen=c),
                        "",
                        "",
                    ]
                    for c in KOMPONEN_KOMITMEN
                ],
            )
        ],
        grafik_list=[grafik("Kepatuhan per komponen", [(b[0], b[4]) for b in baris], fmt=PERSEN)],
        catatan=[
            "Kepatuhan = patuh ÷ (patuh + tidak patuh); yang tidak dapat diverifikasi "
            "tidak dihitung."
        ],
    )
