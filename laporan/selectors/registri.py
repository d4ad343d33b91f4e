"""Sections 1 and 2 of the rakor report: the KPM registry and the aid it is entitled to.

Each section is a handful of aggregate statements over the whole area (GROUP BY, FILTER):
never a query per family, kecamatan or component.
"""

from __future__ import annotations

import json
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


def sesudah_cte() -> str:
    """`sesudah`: per family, its status just before its first status change after the
    report month (the change's `dari`, or the `ke` of a registration row). Joined to the
    families, `coalesce(s.status, k.status)` is the status at the month's end: the status
    history replayed back from today in one pass over the changes since (kpm.RiwayatStatus;
    kpm.selectors.keluarga_list's `per` filter reads it the same way)."""
    return f"""sesudah AS (
        SELECT DISTINCT ON (keluarga_id) keluarga_id,
            CASE WHEN dari = '' THEN ke ELSE dari END AS status
        FROM {RIWAYAT} WHERE created_at >= %(akhir_w)s
        ORDER BY keluarga_id, created_at, id
    )"""  # noqa: S608 (table names from model metadata only)


def _per_kecamatan_status(k: Konteks) -> dict[tuple[int, str], tuple[int, int]]:
    """(kecamatan, status at the month's end) → (families, members), for the families
    registered by then. Members are counted per family first (an index-only scan grouped
    by family) and summed per group: joining every member to its family before grouping
    hashed all 400.000 of them (bench/laporan.py)."""
    sql = f"""
        WITH {sesudah_cte()}
        SELECT w.parent_id, coalesce(s.status, k.status), count(*), coalesce(sum(a.n), 0)::int
        FROM {KELUARGA} k
        JOIN {WILAYAH} w ON w.id = k.kelurahan_id
        LEFT JOIN sesudah s ON s.keluarga_id = k.id
        LEFT JOIN (
            SELECT keluarga_id, count(*) AS n FROM {ANGGOTA} GROUP BY keluarga_id
        ) a ON a.keluarga_id = k.id
        WHERE k.kelurahan_id = ANY(%(kel)s) AND k.tanggal_terdaftar < %(akhir)s
        GROUP BY 1, 2
    """  # noqa: S608 (table names from model metadata only)
    return {(kec, status): (n, m) for kec, status, n, m in rows(sql, k.params())}


def bagian_kpm(k: Konteks) -> dict[str, Any]:
    """Families and members by status and component, the month's new, suspended, cancelled
    and graduated families (with the month before and the year to date), per kecamatan."""
    p = k.params()
    area = k.area_filter()
    # The state figures link to the list as it stood at the month's end (its `per` filter).
    akhir = {**area, "per": k.bulan.strftime("%Y-%m")}
    per = _per_kecamatan_status(k)
    status_list = list(Keluarga.Status)
    total = {s: sum(n for (_, st), (n, _) in per.items() if st == s) for s in status_list}
    anggota = {s: sum(m for (_, st), (_, m) in per.items() if st == s) for s in status_list}
    semua = sum(total.values())

    komponen = dict(
        rows(
            f"""
            WITH {sesudah_cte()}
            SELECT c, count(*)
            FROM {KELUARGA} k LEFT JOIN sesudah s ON s.keluarga_id = k.id,
                unnest(k.komponen) AS c
            WHERE k.kelurahan_id = ANY(%(kel)s) AND k.tanggal_terdaftar < %(akhir)s
                AND coalesce(s.status, k.status) = ANY(%(didampingi)s)
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
        angka("Keluarga terdaftar", semua, url=url(DAFTAR_KELUARGA, **akhir)),
        angka(
            "Keluarga masih didampingi",
            sum(total[s] for s in Keluarga.DIDAMPINGI),
            url=url(DAFTAR_KELUARGA, status=STATUS_DIDAMPINGI, **akhir),
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
        tautan=[["", url(DAFTAR_KELUARGA, status=s.value, **akhir), ""] for s in status_list],
    )
    komponen_tabel = tabel(
        "Keluarga didampingi per komponen",
        [kolom("Komponen", TEKS), kolom("Keluarga")],
        [[c.label, komponen.get(c.value, 0)] for c in Komponen],
        tautan=[
            ["", url(DAFTAR_KELUARGA, status=STATUS_DIDAMPINGI, komponen=c.value, **akhir)]
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
                *[
                    url(DAFTAR_KELUARGA, kecamatan=pk, status=s.value, per=akhir["per"])
                    for s in status_list
                ],
                url(DAFTAR_KELUARGA, kecamatan=pk, per=akhir["per"]),
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
            "Status keluarga per akhir bulan: keluarga yang terdaftar sampai akhir bulan, "
            "dengan status menurut riwayat perubahan status. Komponen, jumlah anggota dan "
            "kelurahan keluarga adalah keadaan saat laporan disusun (belum ada riwayatnya). "
            "Keluarga baru, ditangguhkan, dibatalkan dan graduasi dihitung dari perubahan "
            "dalam bulan itu (satu keluarga sekali per jenis)."
        ],
    )


def _nominal(tahun: int) -> tuple[dict[str, int], int | None]:
    """The yearly amount per component in force for `tahun` (the latest table year not
    after it, per component) and the table's latest such year."""
    nominal: dict[str, int] = {}
    tahun_nominal = None
    for komponen, rp, dari in rows(
        f"""
        SELECT DISTINCT ON (komponen) komponen, nominal_tahunan, tahun
        FROM {NOMINAL} WHERE tahun <= %(tahun)s ORDER BY komponen, tahun DESC
        """,  # noqa: S608 (table names from model metadata only)
        {"tahun": tahun},
    ):
        nominal[komponen] = int(rp)
        tahun_nominal = max(tahun_nominal or dari, dari)
    return nominal, tahun_nominal


def _hak_per_komponen(k: Konteks) -> tuple[dict[str, tuple[int, int]], int, int, int | None]:
    """DOMAIN.md §2 in one statement, for the families paid at the month's end (aktif or
    calon graduasi then, registered by then): per family, members' components in member
    order; at most `kehamilan_maks` pregnancies and `anak_usia_dini_maks` young children;
    then the `komponen_maks_per_keluarga` highest amounts (or the first ones, per the
    setting). Returns component → (paid components, Rp per year), families paid, dropped
    components and the year of the amounts table in force (the same rule as
    kpm.komponen.hak_keluarga).

    Shaped for speed (bench/laporan.py, 160.000 member-components): the amounts come in as
    one JSON parameter, so no join breaks the family order; the member order, the per-kind
    counts (count … FILTER as running window aggregates) share one sort; the rank runs on
    rows still ordered by family (an incremental sort); the totals are one hashed grouping
    set instead of a ROLLUP sorted by component. The families of the month's end are the
    families whose status then was paid: unchanged since and paid now, or paid just before
    their first change since (`sesudah`); kept apart so the planner estimates each."""
    aturan = k.pengaturan
    urut_nominal = "d.nominal DESC, " if aturan["komponen_pilih_tertinggi"] else ""
    nominal, tahun_nominal = _nominal(k.bulan.year)
    sql = f"""
        WITH {sesudah_cte()}, peserta AS (
            SELECT k.id FROM {KELUARGA} k
            WHERE k.kelurahan_id = ANY(%(kel)s) AND k.tanggal_terdaftar < %(akhir)s
                AND k.status = ANY(%(dibayar)s)
                AND k.id NOT IN (SELECT keluarga_id FROM sesudah)
            UNION ALL
            SELECT k.id FROM sesudah s JOIN {KELUARGA} k ON k.id = s.keluarga_id
            WHERE k.kelurahan_id = ANY(%(kel)s) AND k.tanggal_terdaftar < %(akhir)s
                AND s.status = ANY(%(dibayar)s)
        ), pasangan AS (
            SELECT a.keluarga_id, c.komponen,
                coalesce((%(nominal)s::jsonb ->> c.komponen)::bigint, 0) AS nominal,
                row_number() OVER w AS urut,
                count(*) FILTER (WHERE c.komponen = %(hamil)s) OVER w AS ke_hamil,
                count(*) FILTER (WHERE c.komponen = %(aud)s) OVER w AS ke_aud
            FROM {ANGGOTA} a
            JOIN peserta p ON p.id = a.keluarga_id
            CROSS JOIN LATERAL unnest(a.komponen) WITH ORDINALITY AS c(komponen, urut)
            WHERE a.komponen <> '{{}}'
            WINDOW w AS (
                PARTITION BY a.keluarga_id ORDER BY a.tanggal_lahir, a.id, c.urut
                ROWS UNBOUNDED PRECEDING
            )
        ), ditandai AS (
            SELECT x.*, (x.komponen = %(hamil)s AND x.ke_hamil > %(hamil_maks)s)
                OR (x.komponen = %(aud)s AND x.ke_aud > %(aud_maks)s) AS is_lebih
            FROM pasangan x
        ), peringkat AS (
            SELECT d.*, row_number() OVER (
                PARTITION BY d.keluarga_id ORDER BY d.is_lebih, {urut_nominal}d.urut
            ) AS posisi
            FROM ditandai d
        ), dibayar AS (
            SELECT r.*, NOT r.is_lebih AND r.posisi <= %(maks)s AS is_dibayar FROM peringkat r
        ), keluarga AS (
            SELECT b.*, max(b.nominal) FILTER (WHERE b.is_dibayar) OVER (
                PARTITION BY b.keluarga_id
            ) AS nominal_keluarga
            FROM dibayar b
        )
        SELECT komponen, count(*) FILTER (WHERE is_dibayar),
            coalesce(sum(nominal) FILTER (WHERE is_dibayar), 0),
            count(*) FILTER (WHERE NOT is_dibayar),
            count(*) FILTER (WHERE posisi = 1 AND nominal_keluarga > 0)
        FROM keluarga GROUP BY GROUPING SETS ((komponen), ())
    """  # noqa: S608 (table names from model metadata only)
    params = {
        **k.params(),
        "nominal": json.dumps(nominal),
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
            hasil[komponen] = (n, int(rp))
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
