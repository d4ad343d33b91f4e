"""Runs of consecutive alfa (DOMAIN.md §4): the one query and the one reading of the rule.

The recap page (`rekap`), the family panel (`sumber`) and the komitmen proposals
(`pelanggaran`) all read the runs from here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from dinsos import selectors as dinsos_selectors
from dinsos.models import Pengaturan
from dinsos.pengaturan import DEFAULTS, today
from dinsos.raw_sql import db_table, queryset_sql
from kpm.models import Keluarga
from p2k2.models import URUTAN_PERTEMUAN, Kehadiran, Pertemuan


# DOMAIN.md §4: "3 consecutive unexcused absences (alfa) from P2K2 → candidate for
# suspension". One reading of the rule, for the recap page, the family panel and the komitmen
# rule alike, and the same as the komitmen month run (verifikasi): the setting
# `runtun_jeda_berketerangan_memutus` (issue 20, D13; default True) says whether an excused
# absence (izin, sakit) ends a run like hadir does (alfa, izin, alfa, alfa: a run of 2), or is
# skipped (a run of 3). Only held meetings (terlaksana) count, in URUTAN_PERTEMUAN order. The
# threshold is the setting `p2k2_alfa_berturut` (default 3).
def runtun_alfa_batas(*, on: datetime.date | None = None) -> int:
    """How many consecutive alfa make a run worth flagging (setting in force on `on`)."""
    return int(dinsos_selectors.pengaturan_get("p2k2_alfa_berturut", on=on))


KUNCI_JEDA = "runtun_jeda_berketerangan_memutus"
# The setting read inside the query (one InitPlan), so the pages keep their query counts.
_JEDA_MEMUTUS_SQL = f"""COALESCE((
    SELECT (g.nilai #>> '{{}}')::boolean FROM {db_table(Pengaturan)} g
    WHERE g.kunci = %(kunci_jeda)s AND g.berlaku_mulai <= %(hari_aturan)s
    ORDER BY g.berlaku_mulai DESC LIMIT 1
), %(jeda_bawaan)s)"""  # noqa: S608 (table name from model metadata)


@dataclass(frozen=True)
class RuntunAlfa:
    """One run of consecutive alfa of one family (the reading of the rule above)."""

    keluarga_id: int
    pertemuan_ids: list[int]  # the run's meetings, in meeting order
    dari: datetime.date
    sampai: datetime.date
    is_berlangsung: bool  # no hadir since: the family is a candidate for suspension now

    @property
    def jumlah(self) -> int:
        return len(self.pertemuan_ids)


_URUTAN_SQL = ", ".join(f"p.{column}" for column in URUTAN_PERTEMUAN)
# Both readings of D13 at once (the summary keeps both, `p2k2.models.RingkasanRuntunAlfa`):
# every mark twice, once per reading, each partitioned on its own.
_DUA_BACAAN = "CROSS JOIN (VALUES (TRUE), (FALSE)) AS j(memutus)"


def _runtun_alfa_sql(where: list[str], having: list[str], *, dua_bacaan: bool = False) -> str:
    # Window functions number each family's marks in meeting order and start a new block at
    # every mark that ends a run (hadir; izin and sakit too when they end runs, otherwise they
    # are filtered out before); the alfa of one block form one run, and the family's last
    # block is the run still going. With `dua_bacaan` the reading is a column (`memutus`)
    # instead of the setting, and the statement answers for both readings.
    memutus = "j.memutus" if dua_bacaan else _JEDA_MEMUTUS_SQL
    bacaan = "j.memutus" if dua_bacaan else "TRUE"
    partisi = "j.memutus, k.keluarga_id" if dua_bacaan else "k.keluarga_id"
    where = [*where, f"(k.status IN (%(hadir)s, %(alfa)s) OR {memutus})"]
    return f"""
WITH tanda AS (
    SELECT {bacaan} AS memutus, k.keluarga_id, k.pertemuan_id, k.status, p.tanggal,
           SUM(CASE WHEN k.status = %(hadir)s OR k.status <> %(alfa)s AND {memutus}
                    THEN 1 ELSE 0 END) OVER w AS blok,
           ROW_NUMBER() OVER w AS urut
    FROM {db_table(Kehadiran)} k
    JOIN {db_table(Pertemuan)} p ON p.id = k.pertemuan_id
    {_DUA_BACAAN if dua_bacaan else ""}
    WHERE {" AND ".join(where)}
    WINDOW w AS (PARTITION BY {partisi} ORDER BY {_URUTAN_SQL})
), akhir AS (
    SELECT memutus, keluarga_id, MAX(blok) AS blok_akhir FROM tanda GROUP BY memutus, keluarga_id
)
SELECT t.keluarga_id,
       ARRAY_AGG(t.pertemuan_id ORDER BY t.urut) AS pertemuan_ids,
       MIN(t.tanggal) AS dari,
       MAX(t.tanggal) AS sampai,
       BOOL_AND(t.blok = a.blok_akhir) AS is_berlangsung,
       t.memutus
FROM tanda t
JOIN akhir a ON a.keluarga_id = t.keluarga_id AND a.memutus = t.memutus
WHERE t.status = %(alfa)s
GROUP BY t.memutus, t.keluarga_id, t.blok
HAVING {" AND ".join(having)}
ORDER BY BOOL_AND(t.blok = a.blok_akhir) DESC, MAX(t.tanggal) DESC, t.keluarga_id
"""  # noqa: S608 (table names from model metadata, the subquery compiled by the ORM)


def _params(batas: int, hari_aturan: datetime.date) -> dict[str, Any]:
    return {
        "hadir": Kehadiran.Status.HADIR.value,
        "alfa": Kehadiran.Status.ALFA.value,
        "terlaksana": Pertemuan.Status.TERLAKSANA.value,
        "batas": batas,
        "kunci_jeda": KUNCI_JEDA,
        "hari_aturan": hari_aturan,
        "jeda_bawaan": bool(DEFAULTS[KUNCI_JEDA].default),
    }


def runtun_alfa_semua_bacaan_sql(keluarga_ids: list[int] | None) -> tuple[str, dict[str, Any]]:
    """The statement of `runtun_alfa_list` for both readings of D13 and every length (rows:
    keluarga_id, pertemuan_ids, dari, sampai, is_berlangsung, memutus), for these families
    (None: every family). `p2k2.services.ringkasan` stores what it returns."""
    params = _params(1, today())
    where = ["p.status = %(terlaksana)s"]
    if keluarga_ids is not None:
        where.append("k.keluarga_id = ANY(%(keluarga_ids)s)")
        params["keluarga_ids"] = list(keluarga_ids)
    return _runtun_alfa_sql(where, ["COUNT(*) >= %(batas)s"], dua_bacaan=True), params


def runtun_alfa_list(
    *,
    batas: int,
    keluarga: QuerySet[Keluarga] | None = None,
    sampai: datetime.date | None = None,
    berakhir_sejak: datetime.date | None = None,
) -> list[RuntunAlfa]:
    """Runs of at least `batas` consecutive alfa, ongoing runs first, then the latest: one
    set-based query whatever the number of families.

    `keluarga` limits the families (a scoped queryset; None: every family, for the office-wide
    komitmen rule). `sampai` counts only meetings up to that day, so "ongoing" means "not
    ended by then"; `berakhir_sejak` keeps runs whose last alfa is on or after that day.
    """
    params = _params(batas, sampai or today())
    where = ["p.status = %(terlaksana)s"]
    having = ["COUNT(*) >= %(batas)s"]
    if keluarga is not None:
        keluarga_sql, keluarga_params = queryset_sql(keluarga.values("pk"), prefix="keluarga")
        where.append(f"k.keluarga_id IN ({keluarga_sql})")
        params.update(keluarga_params)
    if sampai is not None:
        where.append("p.tanggal <= %(sampai)s")
        params["sampai"] = sampai
    if berakhir_sejak is not None:
        having.append("MAX(t.tanggal) >= %(berakhir_sejak)s")
        params["berakhir_sejak"] = berakhir_sejak
    with connection.cursor() as cursor:
        cursor.execute(_runtun_alfa_sql(where, having), params)
        return [RuntunAlfa(*row[:5]) for row in cursor.fetchall()]


def runtun_alfa_pertemuan(runs: list[RuntunAlfa]) -> dict[int, Pertemuan]:
    """The meetings behind the runs, by id, with their group and session (1 query)."""
    ids = {pk for run in runs for pk in run.pertemuan_ids}
    return Pertemuan.objects.select_related("kelompok", "sesi").in_bulk(ids) if ids else {}


def runtun_alfa_berlangsung(*, keluarga_id: int) -> int:
    """The family's ongoing run of alfa: alfa marks since its last hadir, 0 when the last
    mark that counts is hadir (`runtun_alfa_list` for one family, 1 query)."""
    runs = runtun_alfa_list(batas=1, keluarga=Keluarga.objects.filter(pk=keluarga_id))
    return next((run.jumlah for run in runs if run.is_berlangsung), 0)
