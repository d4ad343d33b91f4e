"""Curriculum progress of the groups (DOMAIN.md §6: P2K2 meets monthly), from the summary.

Every group's first membership and sessions held come from `RingkasanKelompok` (issue 21),
so the page and the koordinator's Beranda line read one row per group instead of grouping a
year of meetings; the months running are counted in the same statement, on the day asked,
and the statement returns only the page shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection

from dinsos.models import User
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table, queryset_sql
from p2k2.access import scope_kelompok
from p2k2.models import Kelompok, RingkasanKelompok, Sesi
from p2k2.selectors.kelompok import kurikulum_sesi, kurikulum_sidik, sesi_kurikulum_sql
from p2k2.selectors.rekap import nomor_halaman

KEMAJUAN_PER_HALAMAN = 50


@dataclass
class KemajuanKelompok:
    kelompok: Kelompok
    bulan_berjalan: int  # months since the group's first member joined
    sesi_dilaksanakan: int
    sesi_belum: list[str]

    @property
    def is_tertinggal(self) -> bool:
        """P2K2 meets monthly (DOMAIN.md §6): fewer sessions held than months running (up
        to the whole curriculum) means the group is behind."""
        target = min(self.bulan_berjalan, self.sesi_dilaksanakan + len(self.sesi_belum))
        return self.sesi_dilaksanakan < target


def _sesi_kurikulum() -> list[Sesi]:
    return list(kurikulum_sesi().select_related("modul").order_by("modul__urutan", "urutan"))


@dataclass(frozen=True)
class _Kemajuan:
    """One group's curriculum figures, before the page loads its details."""

    kelompok_id: int
    bulan_berjalan: int
    sesi_dilaksanakan: int


@dataclass(frozen=True)
class _Hasil:
    rows: list[_Kemajuan]  # the page asked for (every group with `per_halaman` None)
    halaman: int  # the page the statement chose (the last when asked past it)
    jumlah: int  # groups listed over every page (only behind ones with the filter)
    jumlah_tertinggal: int  # behind groups, whatever the filter
    diperbarui: datetime.datetime | None  # the newest summary row read


def _baris_sql(scope_sql: str) -> str:
    # Every group the user may see with its curriculum sessions held (from its summary row),
    # the months running on the day asked (dinsos.bulan.jumlah_bulan in SQL) and whether it
    # is behind (KemajuanKelompok.is_tertinggal). The scope is evaluated once.
    return f"""
WITH t AS MATERIALIZED (
    SELECT k.id, k.nama, r.dihitung_pada, {sesi_kurikulum_sql("r")} AS sesi,
           CASE WHEN r.mulai IS NULL THEN 0 ELSE GREATEST(0,
               (%(tahun)s - EXTRACT(YEAR FROM r.mulai)::int) * 12
               + %(bulan)s - EXTRACT(MONTH FROM r.mulai)::int + 1
           ) END AS bulan_berjalan
    FROM ({scope_sql}) AS k (id, nama)
    LEFT JOIN {db_table(RingkasanKelompok)} r ON r.kelompok_id = k.id
), b AS (
    SELECT t.*, t.sesi < LEAST(t.bulan_berjalan, %(total)s) AS is_tertinggal FROM t
)"""  # noqa: S608 (table name from model metadata, the scope compiled by the ORM)


def _kemajuan_sql(scope_sql: str) -> str:
    # One page of the groups, behind groups first, then by sessions held, name (code point
    # order, as Python) and id, with the counts. A page past the last (or below 1) is the
    # last, as Paginator.get_page.
    return f"""{_baris_sql(scope_sql)}, pilih AS (
    SELECT * FROM b WHERE is_tertinggal OR NOT %(hanya_tertinggal)s
), n AS (
    SELECT (SELECT COUNT(*) FROM pilih) AS jumlah,
           COUNT(*) FILTER (WHERE is_tertinggal) AS tertinggal,
           MAX(dihitung_pada) AS diperbarui
    FROM b
), h AS (
    SELECT n.*, CASE WHEN %(halaman)s BETWEEN 1 AND akhir THEN %(halaman)s ELSE akhir END AS nomor
    FROM n, LATERAL (
        SELECT GREATEST(CEIL(n.jumlah / %(per)s::numeric), 1)::int AS akhir
    ) AS a
), urut AS (
    SELECT pilih.*, ROW_NUMBER() OVER (
        ORDER BY is_tertinggal DESC, sesi, nama COLLATE "C", id
    ) AS urutan
    FROM pilih
)
SELECT h.nomor, h.jumlah, h.tertinggal, h.diperbarui, u.id, u.bulan_berjalan, u.sesi
FROM h LEFT JOIN urut u
    ON u.urutan > (h.nomor - 1) * %(per)s AND u.urutan <= h.nomor * %(per)s
ORDER BY u.urutan
"""  # noqa: S608 (only the statement's own pieces)


def _params(user: User, day: datetime.date, kurikulum: list[int]) -> tuple[str, dict[str, Any]]:
    scope_sql, params = queryset_sql(
        scope_kelompok(user, Kelompok.objects.all()).order_by().values("pk", "nama"),
        prefix="scope",
    )
    params.update(
        kurikulum=kurikulum,
        kurikulum_sidik=kurikulum_sidik(kurikulum),
        total=len(kurikulum),
        tahun=day.year,
        bulan=day.month,
    )
    return scope_sql, params


def _kemajuan(
    user: User,
    day: datetime.date,
    kurikulum: list[int],
    *,
    halaman: str | int | None = 1,
    per_halaman: int | None = KEMAJUAN_PER_HALAMAN,
    hanya_tertinggal: bool = False,
) -> _Hasil:
    """One page of the user's groups with their curriculum figures, and the counts: one
    statement over the groups and their summary rows, whatever their number."""
    scope_sql, params = _params(user, day, kurikulum)
    params.update(
        hanya_tertinggal=hanya_tertinggal,
        halaman=nomor_halaman(halaman) if per_halaman else 1,
        per=per_halaman or 2**31 - 1,
    )
    with connection.cursor() as cursor:
        cursor.execute(_kemajuan_sql(scope_sql), params)
        found = cursor.fetchall()
    nomor, jumlah, tertinggal, diperbarui = found[0][:4]
    rows = [_Kemajuan(pk, bulan, sesi) for *_, pk, bulan, sesi in found if pk is not None]
    return _Hasil(rows, nomor, jumlah, tertinggal, diperbarui)


def _kemajuan_detail(rows: list[_Kemajuan], sessions: list[Sesi]) -> list[KemajuanKelompok]:
    """The groups of `rows` loaded with their pendamping and the sessions not held yet
    (1 query for the rows given, whatever their number)."""
    groups = Kelompok.objects.select_related("pendamping", "ringkasan").in_bulk(
        [r.kelompok_id for r in rows]
    )

    def held(kelompok: Kelompok) -> set[int]:
        try:
            return set(kelompok.ringkasan.sesi_terlaksana)
        except RingkasanKelompok.DoesNotExist:  # nothing held yet
            return set()

    result = []
    for r in rows:
        kelompok = groups[r.kelompok_id]
        sudah = held(kelompok)
        result.append(
            KemajuanKelompok(
                kelompok=kelompok,
                bulan_berjalan=r.bulan_berjalan,
                sesi_dilaksanakan=r.sesi_dilaksanakan,
                sesi_belum=[
                    f"{s.modul.nama} — Sesi {s.urutan}: {s.judul}"
                    for s in sessions
                    if s.pk not in sudah
                ],
            )
        )
    return result


def kemajuan_kurikulum(*, user: User, on: datetime.date | None = None) -> list[KemajuanKelompok]:
    """Per group the curriculum sessions not yet held, behind groups first (every group; the
    page shows one page of them with `kemajuan_kurikulum_halaman`): 3 queries."""
    sessions = _sesi_kurikulum()
    hasil = _kemajuan(user, on or today(), [s.pk for s in sessions], per_halaman=None)
    return _kemajuan_detail(hasil.rows, sessions)


def jumlah_kurikulum_tertinggal(*, user: User, on: datetime.date | None = None) -> int:
    """How many of the user's groups are behind the curriculum (2 queries)."""
    kurikulum = list(kurikulum_sesi().values_list("pk", flat=True))
    scope_sql, params = _params(user, on or today(), kurikulum)
    with connection.cursor() as cursor:
        sql = f"{_baris_sql(scope_sql)} SELECT COUNT(*) FROM b WHERE is_tertinggal"  # noqa: S608
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


@dataclass
class KemajuanHalaman:
    page: Page[int]  # numbers only: the statement chose the page's groups
    kemajuan: list[KemajuanKelompok]  # the page's groups
    jumlah_tertinggal: int  # over every group the user may see
    diperbarui: datetime.datetime | None  # the newest summary row read


def kemajuan_kurikulum_halaman(
    *,
    user: User,
    halaman: str | int | None,
    hanya_tertinggal: bool = False,
    on: datetime.date | None = None,
) -> KemajuanHalaman:
    """The curriculum page: one page of groups (behind groups first) with their sessions not
    held, and the number of behind groups: 3 queries whatever the number of groups."""
    sessions = _sesi_kurikulum()
    hasil = _kemajuan(
        user,
        on or today(),
        [s.pk for s in sessions],
        halaman=halaman,
        per_halaman=KEMAJUAN_PER_HALAMAN,
        hanya_tertinggal=hanya_tertinggal,
    )
    page = Paginator(range(hasil.jumlah), KEMAJUAN_PER_HALAMAN).get_page(hasil.halaman)
    return KemajuanHalaman(
        page=page,
        kemajuan=_kemajuan_detail(hasil.rows, sessions),
        jumlah_tertinggal=hasil.jumlah_tertinggal,
        diperbarui=hasil.diperbarui,
    )
