"""Sections 3–6 of the rakor report: P2K2, verifikasi komitmen, graduasi, Sekolah Rakyat.

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
    grafik,
    kolom,
    rasio,
    rows,
    tabel,
)
from p2k2.models import Kehadiran, Kelompok, Modul, Pertemuan, Sesi
from pendamping.models import Pendamping
from verifikasi.models import (
    KOMPONEN_KOMITMEN,
    Graduasi,
    KandidatSekolahRakyat,
    Komitmen,
    Usulan,
)

KELUARGA = db_table(Keluarga)
TERLAKSANA = Pertemuan.Status.TERLAKSANA.value


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
    total_hadir = sum(hadir.values())
    status_hadir = list(Kehadiran.Status)
    return bagian(
        "p2k2",
        "P2K2",
        angka_list=[
            angka("Kelompok P2K2", kelompok),
            angka("Pertemuan direncanakan", pertemuan[0]),
            angka("Pertemuan terlaksana", pertemuan[1], lalu=pertemuan[2], tahun=pertemuan[3]),
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
            ),
            angka("Usulan diputuskan: diterima", keputusan.get(Usulan.Status.DITERIMA, 0)),
            angka("Usulan diputuskan: ditolak", keputusan.get(Usulan.Status.DITOLAK, 0)),
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
            )
        ],
        grafik_list=[grafik("Kepatuhan per komponen", [(b[0], b[4]) for b in baris], fmt=PERSEN)],
        catatan=[
            "Kepatuhan = patuh ÷ (patuh + tidak patuh); yang tidak dapat diverifikasi "
            "tidak dihitung."
        ],
    )


def jumlah_pendamping_pkh(k: Konteks) -> int:
    """Pendamping PKH in service at some time in the year up to the month, with a duty area
    inside the report's area: the base of the office's graduation target (DOMAIN.md §5)."""
    return rows(
        f"""
        SELECT count(DISTINCT p.id)
        FROM {db_table(Pendamping)} p
        JOIN {db_table(Pendamping.wilayah.through)} pw ON pw.pendamping_id = p.id
        WHERE p.jenis = %(pkh)s AND p.mulai < %(akhir)s
            AND (p.selesai IS NULL OR p.selesai >= %(awal_tahun)s)
            AND (pw.wilayah_id = ANY(%(kel)s) OR pw.wilayah_id = ANY(%(kec)s))
        """,  # noqa: S608 (table names from model metadata only)
        {**k.params(), "pkh": Pendamping.Jenis.PKH},
    )[0][0]


def bagian_graduasi(k: Konteks) -> dict[str, Any]:
    """Graduations decided by kind in the month and the year to date, against the yearly
    target of DOMAIN.md §5 (the setting per pendamping × pendamping PKH in the area)."""
    per = {
        jenis: (bulan, lalu, tahun)
        for jenis, bulan, lalu, tahun in rows(
            f"""
            SELECT g.jenis,
                count(*) FILTER (WHERE g.tanggal_graduasi >= %(awal)s),
                count(*) FILTER (
                    WHERE g.tanggal_graduasi >= %(awal_lalu)s AND g.tanggal_graduasi < %(awal)s
                ),
                count(*) FILTER (WHERE g.tanggal_graduasi >= %(awal_tahun)s)
            FROM {db_table(Graduasi)} g JOIN {KELUARGA} k ON k.id = g.keluarga_id
            WHERE k.kelurahan_id = ANY(%(kel)s) AND g.status = %(diterima)s
                AND g.tanggal_graduasi >= least(%(awal_lalu)s, %(awal_tahun)s)
                AND g.tanggal_graduasi < %(akhir)s
            GROUP BY g.jenis
            """,  # noqa: S608 (table names from model metadata only)
            {**k.params(), "diterima": Graduasi.Status.DITERIMA},
        )
    }
    nol = (0, 0, 0)
    tahun = sum(v[2] for v in per.values())
    pendamping = jumlah_pendamping_pkh(k)
    target = pendamping * int(k.pengaturan["graduasi_target_tahunan"])
    target_berjalan = round(target * k.bulan.month / 12)
    return bagian(
        "graduasi",
        "Graduasi",
        angka_list=[
            angka(
                "Graduasi bulan ini",
                sum(v[0] for v in per.values()),
                lalu=sum(v[1] for v in per.values()),
                tahun=tahun,
            ),
            angka("Target tahunan kantor", target),
            angka("Capaian terhadap target tahunan", rasio(tahun, target), fmt=PERSEN),
            angka("Target sampai bulan ini (proporsional)", target_berjalan),
        ],
        tabel_list=[
            tabel(
                "Graduasi per jenis",
                [kolom("Jenis", TEKS), kolom("Bulan ini"), kolom("Bulan lalu"), kolom("Tahun ini")],
                [[j.label, *per.get(j.value, nol)] for j in Graduasi.Jenis],
            )
        ],
        grafik_list=[
            grafik(
                "Graduasi tahun ini per jenis",
                [(j.label, per.get(j.value, nol)[2]) for j in Graduasi.Jenis],
            )
        ],
        catatan=[
            f"Target: {k.pengaturan['graduasi_target_tahunan']} graduasi per pendamping PKH "
            f"per tahun (DOMAIN.md §5) × {pendamping} pendamping PKH. Capaian per pendamping "
            "ada di bagian SDM PSKS."
        ],
    )


def bagian_sekolah_rakyat(k: Konteks) -> dict[str, Any]:
    """Candidates recorded for the coming intake (July), home visits and parents' consents
    in the month (DOMAIN.md §9)."""
    tahun_ajaran = k.bulan.year if k.bulan.month < 7 else k.bulan.year + 1
    p = {**k.params(), "tahun_ajaran": tahun_ajaran}
    per_status = {
        (status, jenjang): (n, setuju)
        for status, jenjang, n, setuju in rows(
            f"""
            SELECT s.status, s.jenjang, count(*), count(*) FILTER (WHERE s.is_persetujuan_ortu)
            FROM {db_table(KandidatSekolahRakyat)} s JOIN {KELUARGA} k ON k.id = s.keluarga_id
            WHERE k.kelurahan_id = ANY(%(kel)s) AND s.tahun_ajaran = %(tahun_ajaran)s
            GROUP BY 1, 2
            """,  # noqa: S608 (table names from model metadata only)
            p,
        )
    }
    kunjungan = rows(
        f"""
        SELECT
            count(*) FILTER (WHERE s.tanggal_kunjungan >= %(awal)s),
            count(*) FILTER (WHERE s.tanggal_kunjungan >= %(awal)s AND s.is_persetujuan_ortu),
            count(*) FILTER (
                WHERE s.tanggal_kunjungan >= %(awal_lalu)s AND s.tanggal_kunjungan < %(awal)s
            ),
            count(*) FILTER (WHERE s.tanggal_kunjungan >= %(awal_tahun)s)
        FROM {db_table(KandidatSekolahRakyat)} s JOIN {KELUARGA} k ON k.id = s.keluarga_id
        WHERE k.kelurahan_id = ANY(%(kel)s)
            AND s.tanggal_kunjungan >= least(%(awal_lalu)s, %(awal_tahun)s)
            AND s.tanggal_kunjungan < %(akhir)s
        """,  # noqa: S608 (table names from model metadata only)
        p,
    )[0]
    jenjang = list(KandidatSekolahRakyat.Jenjang)
    status = list(KandidatSekolahRakyat.Status)
    return bagian(
        "sekolah_rakyat",
        "Sekolah Rakyat",
        angka_list=[
            angka(
                f"Kandidat tercatat tahun ajaran {tahun_ajaran}",
                sum(n for n, _ in per_status.values()),
            ),
            angka("Kunjungan rumah", kunjungan[0], lalu=kunjungan[2], tahun=kunjungan[3]),
            angka("Orang tua setuju (kunjungan bulan ini)", kunjungan[1]),
        ],
        tabel_list=[
            tabel(
                f"Kandidat tahun ajaran {tahun_ajaran} per hasil kunjungan",
                [kolom("Hasil", TEKS), *[kolom(j.label) for j in jenjang], kolom("Jumlah")],
                [
                    [
                        s.label,
                        *[per_status.get((s.value, j.value), (0, 0))[0] for j in jenjang],
                        sum(per_status.get((s.value, j.value), (0, 0))[0] for j in jenjang),
                    ]
                    for s in status
                ],
            )
        ],
    )
