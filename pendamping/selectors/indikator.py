"""Pendamping performance indicators, computed from recorded data (DOMAIN.md §11).

Reads only (selectors). All figures of all the pendamping asked for come from ONE aggregate
SQL statement: each table is read once for the period and grouped by pendamping (no query
per pendamping, no correlated subquery per pendamping either: at 100 pendamping and 30.000
families the correlated form took 0,5–1 s, this one well under the 300 ms target, see
bench/pendamping_indicators.py). Contact sources registered by other apps are Django
querysets compiled into the same statement.

Formulas (also on the performance page, "Cara hitung"):
- families served in a period: assignment rows (Penugasan) overlapping the period, plus
  families currently with the pendamping that have no such row (assigned before history was
  kept); families that graduated or were cancelled before the period are left out;
- cakupan layanan = families served with a contact in the period while they were with this
  pendamping (a visit/verification, or P2K2 attendance once registered) / families served;
  PMKS clients (issue 20) count beside families: a client the worker handles, registered by
  the end of the period, is served; reached with a visit or a case reported or handled in it;
- kecepatan respon = median days from report to handling, over cases handled in the period;
- integrasi rujukan = referrals sent in the period that were completed / referrals sent;
- kepuasan = mean score (1–5) given in the period, with the number of scores; a score the
  pendamping entered for their own family is kept but not counted (issue 20);
- perlindungan data = exports and full-NIK views by the pendamping's account; unusual access is
  more families viewed in one hour than the setting, or an export outside office hours (WIB);
- RHK 4 graduations of families served; RHK 5 data updates by the account; RHK 6 cases handled.

A family under a restriction request in force (UU 27/2022, `kpm.access.keluarga_dibatasi_ids`)
is left out of every figure, as every list leaves it out: its data is kept but not processed,
and counting it is processing. The statement reads the few restricted ids once (`dibatasi`)
and every family count and family record (caseload, families served and reached, graduations,
cases, referrals, scores, data updates) takes `NOT IN` them; the RHK sources of other apps
that count family records (payouts, verifications) leave them out themselves. A figure thus
equals the rows of the list it links to (tests/test_beranda_jumlah.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from dinsos import hooks
from dinsos.formatting import JAKARTA
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from dinsos.raw_sql import SqlParts, db_table
from kpm.access import keluarga_dibatasi_ids
from kpm.models import Keluarga, RiwayatPerubahan, RiwayatStatus
from pendamping.access import scope_pendamping
from pendamping.models import (
    Kasus,
    Pendamping,
    Penugasan,
    RekapAkses,
    Rujukan,
    SkorKepuasan,
)
from pendamping.periode import Periode
from pendamping.selectors.kinerja import KOSONG, Indikator, ItemRhk
from pendamping.selectors.psks import KLIEN_CTE

__all__ = [
    "KOSONG",
    "STATUS_DIDAMPINGI",
    "Indikator",
    "ItemRhk",
    "Periode",
    "indikator_list",
    "is_p2k2_tersedia",
    "kinerja_pendamping",
    "perbandingan",
]

STATUS_SELESAI_PROGRAM = (Keluarga.Status.GRADUASI, Keluarga.Status.DIBATALKAN)
STATUS_DIDAMPINGI = (
    Keluarga.Status.AKTIF,
    Keluarga.Status.DITANGGUHKAN,
    Keluarga.Status.CALON_GRADUASI,
)


def is_p2k2_tersedia() -> bool:
    """A contact source from the p2k2 app means P2K2 attendance counts (README, design)."""
    return any(r.app_label == "p2k2" for r in hooks.registry.registrations(hooks.KONTAK_PENDAMPING))


def _kontak(sql: SqlParts, periode: Periode) -> None:
    """`kontak (keluarga_id, tanggal)`: every registered contact source, compiled."""
    sources = hooks.registry.providers(hooks.KONTAK_PENDAMPING)
    if not sources:
        sql.add("kontak (keluarga_id, tanggal) AS (SELECT NULL::bigint, NULL::date WHERE false),")
        return
    sql.add("kontak (keluarga_id, tanggal) AS (")
    for index, source in enumerate(sources):
        if index:
            sql.add("UNION ALL")
        rows = source(periode.awal, periode.akhir)
        sql.add("(")
        sql.add_queryset(rows.order_by().values_list("keluarga_id", "tanggal"))
        sql.add(")")
    sql.add("),")


def _rhk(sql: SqlParts, periode: Periode, user_ids: list[int]) -> list[str]:
    """`rhk_<key> (user_id, jumlah)` per RHK source registered by another app."""
    keys = []
    for key, source in hooks.registry.keyed(hooks.RHK_PENDAMPING).items():
        if not key.isidentifier():
            continue
        rows = source(periode.awal, periode.akhir)
        # Kept to the accounts asked for, as a list of values: PostgreSQL pushes that filter
        # into the source's GROUP BY (an IN subquery it would not), so one pendamping's page
        # does not count every other account's rows (75 of 160 ms on the demo data).
        sql.add(f"rhk_{key} (user_id, jumlah) AS (SELECT r.user_id, r.jumlah FROM (")  # noqa: S608
        sql.add_queryset(rows.values_list("pendamping_user_id", "jumlah"))
        sql.add(") AS r (user_id, jumlah) WHERE r.user_id = ANY(%(akun_ids)s)),", akun_ids=user_ids)
        keys.append(key)
    return keys


def _statement(
    ids: list[int], periode: Periode, pengaturan: Mapping[str, Any], user_ids: list[int]
) -> tuple[SqlParts, list[str]]:
    sql = SqlParts()
    # Only table names (from model metadata) and validated RHK keys are formatted into the
    # text; every value is a named parameter.
    sasaran = f"SELECT id, user_id FROM {db_table(Pendamping)} WHERE id = ANY(%(pendamping_ids)s)"  # noqa: S608
    sql.add(f"WITH sasaran AS ({sasaran}),", pendamping_ids=ids)
    sql.add("akun AS (SELECT user_id FROM sasaran WHERE user_id IS NOT NULL),")
    # The families under a restriction in force (a handful, never NULL): left out below.
    sql.add("dibatasi (keluarga_id) AS MATERIALIZED (")
    sql.add_queryset(keluarga_dibatasi_ids().order_by())
    sql.add("),")
    _kontak(sql, periode)
    keys = _rhk(sql, periode, user_ids)
    params = {
        # The period as dates (date columns) and as [awal_waktu, akhir_waktu) in WIB
        # (timestamp columns).
        "awal": periode.awal,
        "akhir": periode.akhir,
        "awal_waktu": periode.awal_waktu,
        "akhir_waktu": periode.akhir_waktu,
        "zona": str(JAKARTA),
        "jam_kerja_mulai": pengaturan["jam_kerja_mulai"],
        "jam_kerja_selesai": pengaturan["jam_kerja_selesai"],
        "status_selesai_program": list(STATUS_SELESAI_PROGRAM),
        "status_didampingi": list(STATUS_DIDAMPINGI),
        "status_graduasi": Keluarga.Status.GRADUASI,
        "kasus_dilaporkan": Kasus.Status.DILAPORKAN,
        "rujukan_selesai": Rujukan.Status.SELESAI,
        "aksi_lihat": AuditEvent.Action.VIEW,
        "aksi_ekspor": AuditEvent.Action.EXPORT,
        "aksi_buka_nik": AuditEvent.Action.REVEAL_NIK,
        "objek_keluarga": "kpm.keluarga",
    }
    sql.add(
        f"""
        selesai_program AS (
            SELECT DISTINCT keluarga_id FROM {db_table(RiwayatStatus)}
            WHERE ke = ANY(%(status_selesai_program)s) AND created_at < %(awal_waktu)s
        ),
        tugas AS (
            SELECT p.pendamping_id AS user_id, p.keluarga_id, p.mulai AS dari,
                   COALESCE(p.selesai, %(akhir)s::date) AS sampai
            FROM {db_table(Penugasan)} p
            WHERE p.pendamping_id IN (SELECT user_id FROM akun)
              AND p.mulai <= %(akhir)s AND (p.selesai IS NULL OR p.selesai >= %(awal)s)
            UNION ALL
            SELECT k.pendamping_id, k.id, %(awal)s::date, %(akhir)s::date
            FROM {db_table(Keluarga)} k
            WHERE k.pendamping_id IN (SELECT user_id FROM akun)
              AND k.tanggal_terdaftar <= %(akhir)s
              AND NOT EXISTS (
                  SELECT 1 FROM {db_table(Penugasan)} q
                  WHERE q.keluarga_id = k.id AND q.pendamping_id = k.pendamping_id
                    AND (q.selesai IS NULL OR (q.mulai <= %(akhir)s AND q.selesai >= %(awal)s)))
        ),
        dilayani AS MATERIALIZED (
            SELECT t.* FROM tugas t
            WHERE NOT EXISTS (SELECT 1 FROM selesai_program s WHERE s.keluarga_id = t.keluarga_id)
              AND t.keluarga_id NOT IN (SELECT keluarga_id FROM dibatasi)
        ),
        agg_dilayani AS (
            SELECT user_id, COUNT(DISTINCT keluarga_id) AS n FROM dilayani GROUP BY user_id
        ),
        agg_terjangkau AS (
            SELECT user_id, COUNT(DISTINCT keluarga_id) AS n FROM dilayani d
            WHERE EXISTS (
                SELECT 1 FROM kontak c
                WHERE c.keluarga_id = d.keluarga_id AND c.tanggal BETWEEN d.dari AND d.sampai)
            GROUP BY user_id
        ),
        -- Credited to the family's pendamping of record, as the caseload is: the figure
        -- links to the family list filtered the same way (kpm graduasi_tahun/bulan), and
        -- the two must agree (issue 14, tests/test_beranda_jumlah.py).
        agg_graduasi AS (
            SELECT k.pendamping_id AS user_id, COUNT(*) AS n FROM {db_table(Keluarga)} k
            WHERE k.pendamping_id IN (SELECT user_id FROM akun)
              AND k.id NOT IN (SELECT keluarga_id FROM dibatasi)
              AND EXISTS (
                SELECT 1 FROM {db_table(RiwayatStatus)} r
                WHERE r.keluarga_id = k.id AND r.ke = %(status_graduasi)s
                  AND r.created_at >= %(awal_waktu)s AND r.created_at < %(akhir_waktu)s)
            GROUP BY k.pendamping_id
        ),
        beban AS (
            SELECT pendamping_id AS user_id, COUNT(*) AS n FROM {db_table(Keluarga)}
            WHERE pendamping_id IN (SELECT user_id FROM akun)
              AND status = ANY(%(status_didampingi)s)
              AND id NOT IN (SELECT keluarga_id FROM dibatasi)
            GROUP BY pendamping_id
        ),
        kasus AS (
            SELECT pendamping_id,
                   COUNT(*) FILTER (WHERE tanggal_ditangani BETWEEN %(awal)s AND %(akhir)s)
                       AS ditangani,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY tanggal_ditangani - tanggal_lapor)
                       FILTER (WHERE tanggal_ditangani BETWEEN %(awal)s AND %(akhir)s) AS median,
                   COUNT(*) FILTER (WHERE tanggal_lapor BETWEEN %(awal)s AND %(akhir)s)
                       AS dilaporkan,
                   COUNT(*) FILTER (
                       WHERE tanggal_lapor BETWEEN %(awal)s AND %(akhir)s
                         AND status = %(kasus_dilaporkan)s
                   ) AS belum
            FROM {db_table(Kasus)}
            WHERE pendamping_id IN (SELECT id FROM sasaran)
              AND (keluarga_id IS NULL OR keluarga_id NOT IN (SELECT keluarga_id FROM dibatasi))
              AND (tanggal_ditangani BETWEEN %(awal)s AND %(akhir)s
                   OR tanggal_lapor BETWEEN %(awal)s AND %(akhir)s)
            GROUP BY pendamping_id
        ),
        rujukan AS (
            SELECT pendamping_id, COUNT(*) AS dikirim,
                   COUNT(*) FILTER (WHERE status = %(rujukan_selesai)s) AS selesai
            FROM {db_table(Rujukan)}
            WHERE pendamping_id IN (SELECT id FROM sasaran)
              AND (keluarga_id IS NULL OR keluarga_id NOT IN (SELECT keluarga_id FROM dibatasi))
              AND tanggal_kirim BETWEEN %(awal)s AND %(akhir)s
            GROUP BY pendamping_id
        ),
        skor AS (
            -- Issue 20 (D10): a score the family's own pendamping entered does not count.
            SELECT k.pendamping_id, AVG(k.skor)::float AS rata, COUNT(*) AS n
            FROM {db_table(SkorKepuasan)} k JOIN sasaran s ON s.id = k.pendamping_id
            WHERE k.tanggal BETWEEN %(awal)s AND %(akhir)s
              AND k.dicatat_oleh_id IS DISTINCT FROM s.user_id
              AND k.keluarga_id NOT IN (SELECT keluarga_id FROM dibatasi)
            GROUP BY k.pendamping_id
        ),
        akses AS (
            SELECT user_id,
                   COUNT(*) FILTER (WHERE action = %(aksi_ekspor)s) AS ekspor,
                   COUNT(*) FILTER (
                       WHERE action = %(aksi_ekspor)s
                         AND (EXTRACT(HOUR FROM created_at AT TIME ZONE %(zona)s)
                                  < %(jam_kerja_mulai)s
                              OR EXTRACT(HOUR FROM created_at AT TIME ZONE %(zona)s)
                                  >= %(jam_kerja_selesai)s)
                   ) AS ekspor_luar_jam,
                   COUNT(*) FILTER (WHERE action = %(aksi_buka_nik)s) AS buka_nik
            FROM {db_table(AuditEvent)}
            WHERE user_id IN (SELECT user_id FROM akun)
              AND action IN (%(aksi_ekspor)s, %(aksi_buka_nik)s)
              AND created_at >= %(awal_waktu)s AND created_at < %(akhir_waktu)s
            GROUP BY user_id
        ),
        rekap_sampai AS (
            -- The nightly summary covers every day up to here; later days come from the log.
            SELECT COALESCE(MAX(tanggal), DATE '1900-01-01') AS hari FROM {db_table(RekapAkses)}
        ),
        lihat AS (
            -- Most families viewed in one hour (distinct, as dinsos.selectors.audit_flags).
            SELECT user_id, MAX(n) AS maks FROM (
                SELECT user_id, lihat_per_jam_maks AS n FROM {db_table(RekapAkses)}
                WHERE user_id IN (SELECT user_id FROM akun)
                  AND tanggal BETWEEN %(awal)s AND %(akhir)s
                UNION ALL
                SELECT user_id, COUNT(*) AS n FROM (
                    SELECT DISTINCT user_id,
                           date_trunc('hour', created_at AT TIME ZONE %(zona)s) AS jam, object_id
                    FROM {db_table(AuditEvent)}
                    WHERE user_id IN (SELECT user_id FROM akun) AND action = %(aksi_lihat)s
                      AND object_type = %(objek_keluarga)s
                      AND created_at >= %(awal_waktu)s AND created_at < %(akhir_waktu)s
                      AND created_at >= (
                          SELECT ((hari + 1)::timestamp AT TIME ZONE %(zona)s) FROM rekap_sampai)
                ) dilihat
                GROUP BY user_id, jam
            ) per_jam
            GROUP BY user_id
        ),
        perubahan AS (
            SELECT oleh_id AS user_id, COUNT(*) AS n FROM {db_table(RiwayatPerubahan)}
            WHERE oleh_id IN (SELECT user_id FROM akun)
              AND created_at >= %(awal_waktu)s AND created_at < %(akhir_waktu)s
              AND keluarga_id NOT IN (SELECT keluarga_id FROM dibatasi)
            GROUP BY oleh_id
        ),
        {KLIEN_CTE}
        """,  # noqa: S608
        **params,
    )
    rhk_columns = "".join(f", COALESCE(rhk_{key}.jumlah, 0)" for key in keys)
    rhk_joins = "".join(f" LEFT JOIN rhk_{key} ON rhk_{key}.user_id = s.user_id" for key in keys)
    sql.add(
        f"""
        SELECT s.id,
               COALESCE(beban.n, 0), COALESCE(agg_dilayani.n, 0), COALESCE(agg_terjangkau.n, 0),
               COALESCE(kasus.ditangani, 0), kasus.median,
               COALESCE(kasus.dilaporkan, 0), COALESCE(kasus.belum, 0),
               COALESCE(rujukan.dikirim, 0), COALESCE(rujukan.selesai, 0), skor.rata,
               COALESCE(skor.n, 0), COALESCE(akses.ekspor, 0), COALESCE(akses.ekspor_luar_jam, 0),
               COALESCE(akses.buka_nik, 0), COALESCE(lihat.maks, 0),
               COALESCE(agg_graduasi.n, 0), COALESCE(perubahan.n, 0),
               COALESCE(klien.dilayani, 0), COALESCE(klien.terjangkau, 0){rhk_columns}
        FROM sasaran s
        LEFT JOIN beban ON beban.user_id = s.user_id
        LEFT JOIN agg_dilayani ON agg_dilayani.user_id = s.user_id
        LEFT JOIN agg_terjangkau ON agg_terjangkau.user_id = s.user_id
        LEFT JOIN agg_graduasi ON agg_graduasi.user_id = s.user_id
        LEFT JOIN kasus ON kasus.pendamping_id = s.id
        LEFT JOIN rujukan ON rujukan.pendamping_id = s.id
        LEFT JOIN skor ON skor.pendamping_id = s.id
        LEFT JOIN akses ON akses.user_id = s.user_id
        LEFT JOIN lihat ON lihat.user_id = s.user_id
        LEFT JOIN perubahan ON perubahan.user_id = s.user_id
        LEFT JOIN klien ON klien.pendamping_id = s.id{rhk_joins}
        """  # noqa: S608
    )
    return sql, keys


_FIELDS = (
    "jumlah_keluarga",
    "didampingi",
    "terjangkau",
    "kasus_ditangani",
    "respon_median",
    "kasus_dilaporkan",
    "kasus_belum",
    "rujukan_dikirim",
    "rujukan_selesai",
    "kepuasan_rata",
    "kepuasan_jumlah",
    "ekspor",
    "ekspor_luar_jam",
    "buka_nik",
    "lihat_per_jam_maks",
    "graduasi",
    "pemutakhiran",
    "klien_dilayani",
    "klien_terjangkau",
)


def indikator_list(
    pendamping: QuerySet[Pendamping], *, periode: Periode, pengaturan: Mapping[str, Any]
) -> list[Indikator]:
    """Figures of every pendamping in `pendamping` (already scoped and ordered) for the
    period: one query for the profiles, one aggregate statement for all their figures."""
    profiles = list(pendamping.select_related("user", "jenis"))
    return _hitung(profiles, [periode], pengaturan)[0]


def _hitung(
    profiles: list[Pendamping], periodes: list[Periode], pengaturan: Mapping[str, Any]
) -> list[list[Indikator]]:
    """Run one statement per period for the loaded profiles (with `user`), in one
    transaction; returns, per period, the profiles' figures in the profiles' order."""
    if not profiles or not periodes:
        return [[] for _ in periodes]
    result = []
    with transaction.atomic(), connection.cursor() as cursor:
        # PostgreSQL's JIT compiles this plan for seconds to save milliseconds (measured: 3,9 s
        # of compiling for a 0,5 s query): off for these statements only.
        cursor.execute("SET LOCAL jit = off")
        for periode in periodes:
            sql, keys = _statement(
                [p.pk for p in profiles],
                periode,
                pengaturan,
                [p.user_id for p in profiles if p.user_id],
            )
            cursor.execute(sql.text, sql.params)
            rows = {row[0]: row[1:] for row in cursor.fetchall()}
            result.append([_indikator(p, rows[p.pk], keys, periode, pengaturan) for p in profiles])
    return result


def _indikator(
    profil: Pendamping,
    row: Sequence[Any],
    keys: list[str],
    periode: Periode,
    pengaturan: Mapping[str, Any],
) -> Indikator:
    values = dict(zip(_FIELDS, row[: len(_FIELDS)], strict=True))
    rhk_luar = dict(zip(keys, row[len(_FIELDS) :], strict=True))
    return Indikator(
        pendamping=profil,
        periode=periode,
        pengaturan=pengaturan,
        rhk_luar=rhk_luar,
        username=profil.user.get_username() if profil.user else "",
        **values,
    )


def kinerja_pendamping(
    *, pendamping: Pendamping, periode: Periode, pengaturan: Mapping[str, Any]
) -> tuple[Indikator, list[Indikator]]:
    """One pendamping's figures for the period and for each month of its year up to the
    current month (the caller checked access): one statement per period, at most 13."""
    bulan = [p for p in Periode(periode.tahun).bulan_bulan() if p.awal <= today()]
    hasil = _hitung([pendamping], [periode, *bulan], pengaturan)
    return hasil[0][0], [rows[0] for rows in hasil[1:]]


def perbandingan_pendamping(
    *, user: User, periode: Periode, jenis: str = ""
) -> QuerySet[Pendamping]:
    """The comparison table's pendamping: every one the user may see who was in service
    during the period, by name (also read by `pendamping.selectors.ringkasan`)."""
    qs = (
        scope_pendamping(user, Pendamping.objects.all())
        .filter(mulai__lte=periode.akhir)
        .exclude(selesai__lt=periode.awal)
    )
    if jenis:
        qs = qs.filter(jenis__kode=jenis)  # the code is the column: no join
    return qs.order_by("nama", "pk")


def perbandingan(
    *, user: User, periode: Periode, pengaturan: Mapping[str, Any], jenis: str = ""
) -> list[Indikator]:
    """The office comparison table: every pendamping the user may see who was in service
    during the period, with their figures (2 queries whatever the number of pendamping)."""
    qs = perbandingan_pendamping(user=user, periode=periode, jenis=jenis)
    return indikator_list(qs, periode=periode, pengaturan=pengaturan)
