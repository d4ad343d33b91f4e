"""Writes of the P2K2 summaries (`p2k2.models.ringkasan`, issue 21).

- `ringkasan_kelompok_segarkan`: recompute the rows of some groups (their running figures
  and their months) from their meetings, marks and members;
- `ringkasan_runtun_segarkan`: recompute the alfa runs of some families;
- `ringkasan_pertemuan_segarkan`: both, for what one meeting's change can move (its group,
  the families marked at it);
- `ringkasan_bangun_ulang`: every row, in batches (the nightly task, after a bulk load).

The services that write meetings, marks and members call them in their own transaction, so
a page opened after a submit shows it. Each takes transaction-scoped advisory locks on the
groups, then the families, in id order: two submits for one group compute one after the
other, and the second sees the first's marks (no lost update).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from dinsos.raw_sql import db_table, queryset_sql
from p2k2.models import (
    Keanggotaan,
    Kehadiran,
    Kelompok,
    Pertemuan,
    RingkasanKelompok,
    RingkasanKelompokBulan,
    RingkasanRuntunAlfa,
)
from p2k2.models.ringkasan import BULAN_SETAHUN
from p2k2.selectors.alfa import runtun_alfa_semua_bacaan_sql
from p2k2.selectors.kelompok import kurikulum_sesi

logger = logging.getLogger(__name__)

# Advisory lock namespaces (the high 32 bits of the lock key).
_KUNCI_KELOMPOK = 2101
_KUNCI_KELUARGA = 2102
BATCH_KELOMPOK = 1000
BATCH_KELUARGA = 5000
# Readers (ACCESS SHARE) go on; writers (ROW EXCLUSIVE) wait for the batch.
_KUNCI_TABEL_SQL = "LOCK TABLE {tabel} IN EXCLUSIVE MODE"


def _lock(cursor: Any, namespace: int, ids: list[int]) -> None:
    # One advisory lock per id (namespace in the high 32 bits), taken in id order.
    cursor.execute(
        "SELECT pg_advisory_xact_lock((%(ns)s::bigint << 32) | i) "
        "FROM (SELECT i FROM unnest(%(ids)s::bigint[]) AS i ORDER BY i) AS urut",
        {"ns": namespace, "ids": ids},
    )


_PARAMS = {
    "setahun": BULAN_SETAHUN,
    "terlaksana": Pertemuan.Status.TERLAKSANA.value,
    "hadir": Kehadiran.Status.HADIR.value,
    "izin": Kehadiran.Status.IZIN.value,
    "sakit": Kehadiran.Status.SAKIT.value,
    "alfa": Kehadiran.Status.ALFA.value,
}


def _kelompok_sql() -> tuple[str, dict[str, Any]]:
    kurikulum, params = queryset_sql(
        kurikulum_sesi().order_by("pk").values("pk"), prefix="kurikulum"
    )
    sql = f"""
WITH kurikulum AS MATERIALIZED (SELECT ARRAY({kurikulum}) AS ids)
INSERT INTO {db_table(RingkasanKelompok)} AS r
    (kelompok_id, jumlah_anggota, mulai, pertemuan_terlaksana, pertemuan_terakhir,
     sesi_terlaksana, sesi_kurikulum, kurikulum_sidik, dihitung_pada)
SELECT g.id,
       (SELECT COUNT(*) FROM {db_table(Keanggotaan)} a
        WHERE a.kelompok_id = g.id AND a.selesai IS NULL),
       (SELECT MIN(a.mulai) FROM {db_table(Keanggotaan)} a WHERE a.kelompok_id = g.id),
       COALESCE(p.jumlah, 0), p.terakhir, COALESCE(p.sesi, '{{}}'),
       (SELECT COUNT(*) FROM unnest(p.sesi) AS s (id) WHERE s.id = ANY(k.ids)),
       md5(array_to_string(k.ids, ',')), %(sekarang)s
FROM {db_table(Kelompok)} g
CROSS JOIN kurikulum k
LEFT JOIN LATERAL (
    SELECT COUNT(*) AS jumlah, MAX(p.tanggal) AS terakhir,
           ARRAY_AGG(DISTINCT p.sesi_id ORDER BY p.sesi_id)
               FILTER (WHERE p.sesi_id IS NOT NULL) AS sesi
    FROM {db_table(Pertemuan)} p
    WHERE p.kelompok_id = g.id AND p.status = %(terlaksana)s
) p ON TRUE
WHERE g.id = ANY(%(ids)s)
ON CONFLICT (kelompok_id) DO UPDATE SET
    jumlah_anggota = EXCLUDED.jumlah_anggota,
    mulai = EXCLUDED.mulai,
    pertemuan_terlaksana = EXCLUDED.pertemuan_terlaksana,
    pertemuan_terakhir = EXCLUDED.pertemuan_terakhir,
    sesi_terlaksana = EXCLUDED.sesi_terlaksana,
    sesi_kurikulum = EXCLUDED.sesi_kurikulum,
    kurikulum_sidik = EXCLUDED.kurikulum_sidik,
    dihitung_pada = EXCLUDED.dihitung_pada
WHERE (r.jumlah_anggota, r.mulai, r.pertemuan_terlaksana, r.pertemuan_terakhir,
       r.sesi_terlaksana, r.sesi_kurikulum, r.kurikulum_sidik)
    IS DISTINCT FROM (EXCLUDED.jumlah_anggota, EXCLUDED.mulai, EXCLUDED.pertemuan_terlaksana,
                      EXCLUDED.pertemuan_terakhir, EXCLUDED.sesi_terlaksana,
                      EXCLUDED.sesi_kurikulum, EXCLUDED.kurikulum_sidik)
"""  # noqa: S608 (table names from model metadata, the curriculum compiled by the ORM)
    return sql, params


# Marks are counted per held meeting first (one integer key), then per group and month, and
# per group and year (`bulan` = BULAN_SETAHUN). A row whose figures did not change is left
# alone (its `dihitung_pada` says when its figures last changed): a submit rewrites its
# month and year, not the group's whole year, and the nightly rebuild rewrites nothing.
_BULAN_SQL = f"""
WITH m AS (
    SELECT p.id, p.kelompok_id, EXTRACT(YEAR FROM p.tanggal)::int AS tahun,
           EXTRACT(MONTH FROM p.tanggal)::int AS bulan
    FROM {db_table(Pertemuan)} p
    WHERE p.kelompok_id = ANY(%(ids)s) AND p.status = %(terlaksana)s
), h AS (
    SELECT k.pertemuan_id,
           COUNT(*) FILTER (WHERE k.status = %(hadir)s) AS hadir,
           COUNT(*) FILTER (WHERE k.status = %(izin)s) AS izin,
           COUNT(*) FILTER (WHERE k.status = %(sakit)s) AS sakit,
           COUNT(*) FILTER (WHERE k.status = %(alfa)s) AS alfa
    FROM {db_table(Kehadiran)} k
    WHERE k.pertemuan_id IN (SELECT id FROM m)
    GROUP BY k.pertemuan_id
)
INSERT INTO {db_table(RingkasanKelompokBulan)} AS r
    (kelompok_id, tahun, bulan, terlaksana, tercatat, hadir, izin, sakit, alfa, dihitung_pada)
SELECT m.kelompok_id, m.tahun, COALESCE(m.bulan, %(setahun)s), COUNT(*), COUNT(h.pertemuan_id),
       COALESCE(SUM(h.hadir), 0), COALESCE(SUM(h.izin), 0), COALESCE(SUM(h.sakit), 0),
       COALESCE(SUM(h.alfa), 0), %(sekarang)s
FROM m LEFT JOIN h ON h.pertemuan_id = m.id
GROUP BY GROUPING SETS ((m.kelompok_id, m.tahun, m.bulan), (m.kelompok_id, m.tahun))
ON CONFLICT (kelompok_id, tahun, bulan) DO UPDATE SET
    terlaksana = EXCLUDED.terlaksana,
    tercatat = EXCLUDED.tercatat,
    hadir = EXCLUDED.hadir,
    izin = EXCLUDED.izin,
    sakit = EXCLUDED.sakit,
    alfa = EXCLUDED.alfa,
    dihitung_pada = EXCLUDED.dihitung_pada
WHERE (r.terlaksana, r.tercatat, r.hadir, r.izin, r.sakit, r.alfa)
    IS DISTINCT FROM (EXCLUDED.terlaksana, EXCLUDED.tercatat, EXCLUDED.hadir, EXCLUDED.izin,
                      EXCLUDED.sakit, EXCLUDED.alfa)
"""  # noqa: S608 (table names from model metadata)

# Months (and years) that no longer hold a meeting of the group (one moved to another date).
_BULAN_LAMA_SQL = f"""
DELETE FROM {db_table(RingkasanKelompokBulan)} r
WHERE r.kelompok_id = ANY(%(ids)s) AND NOT EXISTS (
    SELECT 1 FROM {db_table(Pertemuan)} p
    WHERE p.kelompok_id = r.kelompok_id AND p.status = %(terlaksana)s
      AND EXTRACT(YEAR FROM p.tanggal) = r.tahun
      AND r.bulan IN (%(setahun)s, EXTRACT(MONTH FROM p.tanggal))
)
"""  # noqa: S608 (table names from model metadata)


def _kelompok(cursor: Any, ids: list[int]) -> None:
    params = {**_PARAMS, "ids": ids, "sekarang": timezone.now()}
    kelompok_sql, kurikulum_params = _kelompok_sql()
    cursor.execute(kelompok_sql, {**params, **kurikulum_params})
    cursor.execute(_BULAN_SQL, params)
    cursor.execute(_BULAN_LAMA_SQL, params)


def ringkasan_kelompok_segarkan(*, kelompok_ids: Collection[int]) -> None:
    """Recompute the summary rows of these groups (their figures and their months) from
    their meetings, marks and members: 4 statements whatever the number of groups. Call it
    in the writing transaction (without one it makes its own)."""
    ids = sorted(set(kelompok_ids))
    if not ids:
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        _lock(cursor, _KUNCI_KELOMPOK, ids)
        _kelompok(cursor, ids)


_RUNTUN_HAPUS_SQL = f"""
DELETE FROM {db_table(RingkasanRuntunAlfa)} WHERE keluarga_id = ANY(%(keluarga_ids)s)
"""  # noqa: S608 (table name from model metadata)
_RUNTUN_SIMPAN_SQL = f"""
INSERT INTO {db_table(RingkasanRuntunAlfa)}
    (keluarga_id, pertemuan_ids, dari, sampai, is_berlangsung, is_jeda_memutus, jumlah,
     dihitung_pada)
SELECT r.keluarga_id, r.pertemuan_ids, r.dari, r.sampai, r.is_berlangsung, r.memutus,
       cardinality(r.pertemuan_ids), %(sekarang)s
FROM ({{runtun}}) AS r
"""  # noqa: S608 (table name from model metadata, the statement from p2k2.selectors.alfa)


def _runtun(cursor: Any, ids: list[int]) -> None:
    runtun, params = runtun_alfa_semua_bacaan_sql(ids)
    params["sekarang"] = timezone.now()
    cursor.execute(_RUNTUN_HAPUS_SQL, params)
    cursor.execute(_RUNTUN_SIMPAN_SQL.format(runtun=runtun), params)


def ringkasan_runtun_segarkan(*, keluarga_ids: Collection[int]) -> None:
    """Recompute every alfa run of these families, under both readings of D13: 3 statements
    whatever their number. Call it in the writing transaction (without one it makes its
    own)."""
    ids = sorted(set(keluarga_ids))
    if not ids:
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        _lock(cursor, _KUNCI_KELUARGA, ids)
        _runtun(cursor, ids)


def ringkasan_pertemuan_segarkan(*, pertemuan: Pertemuan) -> None:
    """A meeting was held, moved or its marks changed: its group's rows and the runs of the
    families marked at it (8 statements)."""
    ringkasan_kelompok_segarkan(kelompok_ids=[pertemuan.kelompok_id])
    keluarga = Kehadiran.objects.filter(pertemuan_id=pertemuan.pk).values_list(
        "keluarga_id", flat=True
    )
    ringkasan_runtun_segarkan(keluarga_ids=list(keluarga))


def ringkasan_bangun_ulang() -> dict[str, int]:
    """Recompute every summary row from the records, a batch of groups or families per
    transaction (pages keep reading the previous rows meanwhile): the nightly safety net for
    writes made outside the services (the admin, SQL loads). Returns the counts.

    Each batch locks its summary table against writes instead of taking thousands of
    advisory locks: a submit meanwhile waits for the batch, then computes its own rows again
    from the records the batch committed."""
    started = timezone.now()
    kelompok_ids = list(Kelompok.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(kelompok_ids), BATCH_KELOMPOK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_KUNCI_TABEL_SQL.format(tabel=db_table(RingkasanKelompok)))
            cursor.execute(_KUNCI_TABEL_SQL.format(tabel=db_table(RingkasanKelompokBulan)))
            _kelompok(cursor, kelompok_ids[start : start + BATCH_KELOMPOK])
    keluarga_ids = list(
        Kehadiran.objects.order_by("keluarga_id").values_list("keluarga_id", flat=True).distinct()
    )
    with transaction.atomic():
        # Families whose every mark is gone keep no run (an anti-join: NOT IN over a million
        # marks does not fit a hash in work_mem and would compare row by row).
        tanda = Kehadiran.objects.filter(keluarga_id=OuterRef("keluarga_id"))
        RingkasanRuntunAlfa.objects.filter(~Exists(tanda)).delete()
    for start in range(0, len(keluarga_ids), BATCH_KELUARGA):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_KUNCI_TABEL_SQL.format(tabel=db_table(RingkasanRuntunAlfa)))
            _runtun(cursor, keluarga_ids[start : start + BATCH_KELUARGA])
    with connection.cursor() as cursor:  # the pages' plans read fresh statistics
        for model in (RingkasanKelompok, RingkasanKelompokBulan, RingkasanRuntunAlfa):
            cursor.execute(f"ANALYZE {db_table(model)}")
    hasil = {
        "kelompok": len(kelompok_ids),
        "keluarga": len(keluarga_ids),
        "runtun": RingkasanRuntunAlfa.objects.count(),
    }
    logger.info(
        "ringkasan P2K2 dibangun ulang: %s dalam %.1f detik",
        hasil,
        (timezone.now() - started).total_seconds(),
    )
    return hasil
