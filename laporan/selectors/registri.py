"""Sections 1 and 2 of the rakor report: the KPM registry and the aid it is entitled to.

Each section is a handful of aggregate statements over the whole area (GROUP BY, FILTER):
never a query per family, kecamatan or component.
"""

from __future__ import annotations

from typing import Any

from dinsos.models import Wilayah
from dinsos.raw_sql import db_table
from kpm.komponen import TAHAP_PER_TAHUN
from kpm.models import Anggota, Keluarga, Komponen, NominalKomponen, RiwayatStatus
from kpm.selectors import STATUS_DIDAMPINGI
from laporan.selectors.konteks import (
    RUPIAH,
    TEKS,
    Konteks,
    angka,
    bagian,
    grafik,
    kolom,
    rows,
    tabel,
    url,
)

DAFTAR_KELUARGA = "kpm:keluarga-list"
KELUARGA = db_table(Keluarga)
ANGGOTA = db_table(Anggota)
RIWAYAT = db_table(RiwayatStatus)
WILAYAH = db_table(Wilayah)
NOMINAL = db_table(NominalKomponen)
# The flows of the month: a family counted once per kind even when it moved twice.
PERPINDAHAN = (
    Keluarga.Status.DITANGGUHKAN,
    Keluarga.Status.DIBATALKAN,
    Keluarga.Status.GRADUASI,
)
# DOMAIN.md §2: aid is paid to participants; a suspended (ditangguhkan) family is not paid.
STATUS_DIBAYAR = (Keluarga.Status.AKTIF, Keluarga.Status.CALON_GRADUASI)


def _per_kecamatan_status(k: Konteks) -> dict[tuple[int, str], tuple[int, int]]:
    """(kecamatan, status) → (families, members)."""
    sql = f"""
        SELECT w.parent_id, k.status, count(*), coalesce(sum(a.n), 0)::int
        FROM {KELUARGA} k
        JOIN {WILAYAH} w ON w.id = k.kelurahan_id
        LEFT JOIN (
            SELECT keluarga_id, count(*) AS n FROM {ANGGOTA} GROUP BY keluarga_id
        ) a ON a.keluarga_id = k.id
        WHERE k.kelurahan_id = ANY(%(kel)s)
        GROUP BY 1, 2
    """  # noqa: S608 (table names from model metadata only)
    return {(kec, status): (n, m) for kec, status, n, m in rows(sql, k.params())}


def bagian_kpm(k: Konteks) -> dict[str, Any]:
    """Families and members by status and component, the month's new, suspended, cancelled
    and graduated families (with the month before and the year to date), per kecamatan."""
    p = k.params()
    area = k.area_filter()
    per = _per_kecamatan_status(k)
    status_list = list(Keluarga.Status)
    total = {s: sum(n for (_, st), (n, _) in per.items() if st == s) for s in status_list}
    anggota = {s: sum(m for (_, st), (_, m) in per.items() if st == s) for s in status_list}
    semua = sum(total.values())

    komponen = dict(
        rows(
            f"""
            SELECT c, count(*) FROM {KELUARGA}, unnest(komponen) AS c
            WHERE kelurahan_id = ANY(%(kel)s) AND status = ANY(%(didampingi)s)
            GROUP BY c
            """,  # noqa: S608 (table names from model metadata only)
            {**p, "didampingi": list(Keluarga.DIDAMPINGI)},
        )
    )
    baru = rows(
        f"""
        SELECT
            count(*) FILTER (WHERE tanggal_terdaftar >= %(awal)s AND tanggal_terdaftar < %(akhir)s),
            count(*) FILTER (
                WHERE tanggal_terdaftar >= %(awal_lalu)s AND tanggal_terdaftar < %(awal)s
            ),
            count(*) FILTER (
                WHERE tanggal_terdaftar >= %(awal_tahun)s AND tanggal_terdaftar < %(akhir)s
            )
        FROM {KELUARGA} WHERE kelurahan_id = ANY(%(kel)s)
        """,  # noqa: S608 (table names from model metadata only)
        p,
    )[0]
    pindah = {
        ke: (bulan, lalu, tahun)
        for ke, bulan, lalu, tahun in rows(
            f"""
            SELECT r.ke,
                count(DISTINCT r.keluarga_id) FILTER (WHERE r.created_at >= %(awal_w)s),
                count(DISTINCT r.keluarga_id) FILTER (
                    WHERE r.created_at >= %(awal_lalu_w)s AND r.created_at < %(awal_w)s
                ),
                count(DISTINCT r.keluarga_id) FILTER (WHERE r.created_at >= %(awal_tahun_w)s)
            FROM {RIWAYAT} r JOIN {KELUARGA} k ON k.id = r.keluarga_id
            WHERE k.kelurahan_id = ANY(%(kel)s) AND r.ke = ANY(%(ke)s)
                AND r.created_at >= least(%(awal_lalu_w)s, %(awal_tahun_w)s)
                AND r.created_at < %(akhir_w)s
            GROUP BY r.ke
            """,  # noqa: S608 (table names from model metadata only)
            {**p, "ke": list(PERPINDAHAN)},
        )
    }
    nol = (0, 0, 0)
    angka_list = [
        angka("Keluarga terdaftar", semua, url=url(DAFTAR_KELUARGA, **area)),
        angka(
            "Keluarga masih didampingi",
            sum(total[s] for s in Keluarga.DIDAMPINGI),
            url=url(DAFTAR_KELUARGA, status=STATUS_DIDAMPINGI, **area),
        ),
        angka("Anggota keluarga (jiwa)", sum(anggota.values())),
        angka("Keluarga baru", baru[0], lalu=baru[1], tahun=baru[2]),
    ]
    for ke, label in (
        (Keluarga.Status.DITANGGUHKAN, "Ditangguhkan"),
        (Keluarga.Status.DIBATALKAN, "Dibatalkan"),
        (Keluarga.Status.GRADUASI, "Graduasi"),
    ):
        bulan, lalu, tahun = pindah.get(ke, nol)
        link = ""
        if ke == Keluarga.Status.GRADUASI:
            link = url(
                DAFTAR_KELUARGA, graduasi_tahun=k.bulan.year, graduasi_bulan=k.bulan.month, **area
            )
        angka_list.append(angka(label, bulan, lalu=lalu, tahun=tahun, url=link))

    status_tabel = tabel(
        "Keluarga dan anggota per status",
        [kolom("Status", TEKS), kolom("Keluarga"), kolom("Anggota")],
        [[s.label, total[s], anggota[s]] for s in status_list],
        tautan=[["", url(DAFTAR_KELUARGA, status=s.value, **area), ""] for s in status_list],
    )
    komponen_tabel = tabel(
        "Keluarga didampingi per komponen",
        [kolom("Komponen", TEKS), kolom("Keluarga")],
        [[c.label, komponen.get(c.value, 0)] for c in Komponen],
        tautan=[
            ["", url(DAFTAR_KELUARGA, status=STATUS_DIDAMPINGI, komponen=c.value, **area)]
            for c in Komponen
        ],
    )
    kecamatan_tabel = tabel(
        "Keluarga per kecamatan",
        [kolom("Kecamatan", TEKS), *[kolom(s.label) for s in status_list], kolom("Jumlah")],
        [
            [
                nama,
                *[per.get((pk, s), (0, 0))[0] for s in status_list],
                sum(per.get((pk, s), (0, 0))[0] for s in status_list),
            ]
            for pk, nama in k.kecamatan
        ],
        tautan=[
            [
                "",
                *[url(DAFTAR_KELUARGA, kecamatan=pk, status=s.value) for s in status_list],
                url(DAFTAR_KELUARGA, kecamatan=pk),
            ]
            for pk, _ in k.kecamatan
        ],
    )
    return bagian(
        "kpm",
        "KPM",
        angka_list=angka_list,
        tabel_list=[status_tabel, komponen_tabel, kecamatan_tabel],
        grafik_list=[
            grafik("Keluarga per status", [(s.label, total[s]) for s in status_list]),
            grafik(
                "Keluarga didampingi per kecamatan",
                [
                    (nama, sum(per.get((pk, s), (0, 0))[0] for s in Keluarga.DIDAMPINGI))
                    for pk, nama in k.kecamatan
                ],
            ),
        ],
        catatan=[
            "Status keluarga dihitung saat laporan disusun; keluarga baru, ditangguhkan, "
            "dibatalkan dan graduasi dihitung dari perubahan dalam bulan itu (satu keluarga "
            "sekali per jenis)."
        ],
    )


def _hak_per_komponen(k: Konteks) -> tuple[dict[str, tuple[int, int]], int, int, int | None]:
    """DOMAIN.md §2 in one statement: per family, members' components in member order; at
    most `kehamilan_maks` pregnancies and `anak_usia_dini_maks` young children; then the
    `komponen_maks_per_keluarga` highest amounts (or the first ones, per the setting).
    Returns component → (paid components, Rp per year), families paid, dropped components
    and the year of the amounts table in force (the same rule as kpm.komponen.hak_keluarga)."""
    aturan = k.pengaturan
    urut_nominal = "x.nominal DESC, " if aturan["komponen_pilih_tertinggi"] else ""
    sql = f"""
        WITH nominal AS (
            SELECT DISTINCT ON (komponen) komponen, nominal_tahunan, tahun
            FROM {NOMINAL} WHERE tahun <= %(tahun)s ORDER BY komponen, tahun DESC
        ), pasangan AS (
            SELECT a.keluarga_id, c.komponen,
                row_number() OVER (
                    PARTITION BY a.keluarga_id ORDER BY a.tanggal_lahir, a.id, c.urut
                ) AS urut,
                row_number() OVER (
                    PARTITION BY a.keluarga_id, c.komponen ORDER BY a.tanggal_lahir, a.id, c.urut
                ) AS ke
            FROM {ANGGOTA} a
            JOIN {KELUARGA} k ON k.id = a.keluarga_id
            CROSS JOIN LATERAL unnest(a.komponen) WITH ORDINALITY AS c(komponen, urut)
            WHERE k.kelurahan_id = ANY(%(kel)s) AND k.status = ANY(%(dibayar)s)
                AND a.komponen <> '{{}}'
        ), calon AS (
            SELECT p.*, coalesce(n.nominal_tahunan, 0) AS nominal
            FROM pasangan p LEFT JOIN nominal n ON n.komponen = p.komponen
            WHERE NOT (p.komponen = %(hamil)s AND p.ke > %(hamil_maks)s)
                AND NOT (p.komponen = %(aud)s AND p.ke > %(aud_maks)s)
        ), peringkat AS (
            SELECT x.*, row_number() OVER (
                PARTITION BY x.keluarga_id ORDER BY {urut_nominal}x.urut
            ) AS posisi
            FROM calon x
        )
        SELECT komponen, count(*) FILTER (WHERE posisi <= %(maks)s),
            coalesce(sum(nominal) FILTER (WHERE posisi <= %(maks)s), 0),
            count(*) FILTER (WHERE posisi > %(maks)s) + CASE WHEN komponen IS NULL THEN (
                SELECT count(*) FROM pasangan p
                WHERE (p.komponen = %(hamil)s AND p.ke > %(hamil_maks)s)
                    OR (p.komponen = %(aud)s AND p.ke > %(aud_maks)s)
            ) ELSE 0 END,
            count(DISTINCT keluarga_id) FILTER (WHERE posisi <= %(maks)s AND nominal > 0)
        FROM peringkat GROUP BY ROLLUP (komponen)
    """  # noqa: S608 (table names from model metadata only)
    params = {
        **k.params(),
        "tahun": k.bulan.year,
        "dibayar": list(STATUS_DIBAYAR),
        "hamil": Komponen.IBU_HAMIL.value,
        "hamil_maks": aturan["kehamilan_maks"],
        "aud": Komponen.ANAK_USIA_DINI.value,
        "aud_maks": aturan["anak_usia_dini_maks"],
        "maks": aturan["komponen_maks_per_keluarga"],
    }
    hasil: dict[str, tuple[int, int]] = {}
    keluarga = dropped = 0
    for komponen, n, rp, lebih, kk in rows(sql, params):
        if komponen is None:
            keluarga, dropped = kk, lebih
        else:
            hasil[komponen] = (n, rp)
    tahun_nominal = rows(
        f"SELECT max(tahun) FROM {NOMINAL} WHERE tahun <= %(tahun)s",  # noqa: S608
        {"tahun": k.bulan.year},
    )[0][0]
    return hasil, keluarga, dropped, tahun_nominal


def bagian_bansos(k: Konteks, penyaluran: dict[str, Any] | None) -> dict[str, Any]:
    """The entitlement of the month's tahap from the dated amounts table, and the payouts
    where a payout record exists (`penyaluran`, else the section says there is none)."""
    tahap = (k.bulan.month - 1) // 3 + 1  # DOMAIN.md §2: 4 quarterly tahap, one per quarter
    hak, keluarga, dropped, tahun_nominal = _hak_per_komponen(k)
    per_tahap = {c: (n, rp // TAHAP_PER_TAHUN) for c, (n, rp) in hak.items()}
    total_tahap = sum(rp for _, rp in per_tahap.values())
    catatan = [
        f"Hak tahap {tahap} tahun {k.bulan.year} dihitung dari tabel nominal tahun "
        f"{tahun_nominal or '—'} untuk keluarga aktif dan calon graduasi, dengan batas "
        f"{k.pengaturan['komponen_maks_per_keluarga']} komponen per keluarga (DOMAIN.md §2)."
    ]
    tabel_list = [
        tabel(
            f"Hak tahap {tahap} per komponen",
            [kolom("Komponen", TEKS), kolom("Komponen dibayar"), kolom("Rp per tahap", RUPIAH)],
            [[c.label, *per_tahap.get(c.value, (0, 0))] for c in Komponen],
        )
    ]
    angka_list = [
        angka(f"Keluarga berhak tahap {tahap}", keluarga),
        angka(f"Hak tahap {tahap}", total_tahap, fmt=RUPIAH),
        angka("Komponen melebihi batas (tidak dibayar)", dropped),
    ]
    if penyaluran:
        angka_list.extend(penyaluran["angka"])
        tabel_list.extend(penyaluran["tabel"])
    else:
        catatan.append("Belum ada data penyaluran: status pembayaran per tahap belum dicatat.")
    return bagian(
        "bansos",
        "Bansos PKH",
        angka_list=angka_list,
        tabel_list=tabel_list,
        grafik_list=[
            grafik(
                f"Hak tahap {tahap} per komponen (Rp)",
                [(c.label, per_tahap.get(c.value, (0, 0))[1]) for c in Komponen],
                fmt=RUPIAH,
            )
        ],
        catatan=catatan,
    )
