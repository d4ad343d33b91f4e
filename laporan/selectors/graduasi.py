"""Sections 5 and 6 of the rakor report: graduasi against the yearly target, and the
Sekolah Rakyat candidates, home visits and consents.

Aggregate statements over the area and the month (FILTER for the month before and the year
to date): never a query per family or pendamping.
"""

from __future__ import annotations

from typing import Any

from dinsos.raw_sql import db_table
from kpm.models import Keluarga
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
from pendamping.models import Pendamping
from verifikasi.models import Graduasi, KandidatSekolahRakyat

KELUARGA = db_table(Keluarga)
DAFTAR_GRADUASI = "verifikasi:graduasi-lulus-list"
DAFTAR_KUNJUNGAN = "verifikasi:sekolah-rakyat-kunjungan-list"


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
                url=url(DAFTAR_GRADUASI, bulan=bulan_param(k.bulan), **k.area_filter()),
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
                tautan=[
                    [
                        "",
                        *[
                            url(
                                DAFTAR_GRADUASI,
                                bulan=bulan_param(b),
                                jenis=j.value,
                                **k.area_filter(),
                            )
                            for b in (k.bulan, k.awal_lalu)
                        ],
                        "",
                    ]
                    for j in Graduasi.Jenis
                ],
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
    area = k.area_filter()

    def kunjungan_url(**params: Any) -> str:
        return url(DAFTAR_KUNJUNGAN, **params, **area)

    return bagian(
        "sekolah_rakyat",
        "Sekolah Rakyat",
        angka_list=[
            angka(
                f"Kandidat tercatat tahun ajaran {tahun_ajaran}",
                sum(n for n, _ in per_status.values()),
                url=kunjungan_url(tahun_ajaran=tahun_ajaran),
            ),
            angka(
                "Kunjungan rumah",
                kunjungan[0],
                lalu=kunjungan[2],
                tahun=kunjungan[3],
                url=kunjungan_url(bulan=bulan_param(k.bulan)),
            ),
            angka(
                "Orang tua setuju (kunjungan bulan ini)",
                kunjungan[1],
                url=kunjungan_url(bulan=bulan_param(k.bulan), setuju=1),
            ),
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
                tautan=[
                    [
                        "",
                        *[
                            kunjungan_url(
                                tahun_ajaran=tahun_ajaran, status=s.value, jenjang=j.value
                            )
                            for j in jenjang
                        ],
                        kunjungan_url(tahun_ajaran=tahun_ajaran, status=s.value),
                    ]
                    for s in status
                ],
            )
        ],
    )
