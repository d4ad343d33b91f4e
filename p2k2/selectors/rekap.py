"""Office recaps of P2K2: attendance rates per group, pendamping, area and month, and the
runs of consecutive alfa, read from the summaries (`p2k2.models.ringkasan`, issue 21).

A recap reads one summary row per group and month (or per run) in one statement whatever the
number of groups; Python only adds those rows up (12.000 groups at province scale) into the
views the page shows. Each result says when its newest row was computed (`diperbarui`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet

from dinsos import charts
from dinsos import selectors as dinsos_selectors
from dinsos.charts import Entri
from dinsos.formatting import NAMA_BULAN, persen
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table, queryset_sql
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from p2k2.access import scope_kelompok
from p2k2.models import Kelompok, Pertemuan, RingkasanKelompokBulan, RingkasanRuntunAlfa
from p2k2.models.ringkasan import BULAN_SETAHUN
from p2k2.selectors.alfa import KUNCI_JEDA, runtun_alfa_batas


@dataclass
class Angka:
    """Attendance counts of one slice (a group, a pendamping, a month…)."""

    kunci: object
    label: str
    keterangan: str = ""
    pertemuan: int = 0
    hadir: int = 0
    izin: int = 0
    sakit: int = 0
    alfa: int = 0

    @property
    def total(self) -> int:
        return self.hadir + self.izin + self.sakit + self.alfa

    @property
    def tingkat(self) -> float | None:
        """Attendance rate: hadir over every recorded mark (izin and sakit are absences too)."""
        return self.hadir / self.total if self.total else None


@dataclass
class RekapKehadiran:
    tahun: int
    total: Angka
    kelompok: list[Angka]  # one page of groups, by name (`halaman` of `jumlah_kelompok`)
    pendamping: list[Angka]
    kelurahan: list[Angka]
    kecamatan: list[Angka]
    bulan: list[Angka]  # always 12, January first
    jumlah_kelompok: int = 0  # every group with a counted mark, over all pages
    halaman: int = 1
    diperbarui: datetime.datetime | None = None  # the newest summary row read


HALAMAN_TERAKHIR = 2**31 - 1  # PostgreSQL integer's upper bound


def nomor_halaman(halaman: str | int | None) -> int:
    """A requested page number as `Paginator.get_page` reads it before it knows the count:
    not a number (or not a finite one: "1e999", "nan") is page 1; a number past the last page
    is clamped in the statement, after it is brought into PostgreSQL's `integer` range here
    (a 40-digit page would be sent as `numeric` and come back as a Decimal)."""
    try:
        nomor = int(float(halaman or 1))
    except (TypeError, ValueError, OverflowError):
        return 1
    return min(max(nomor, 1), HALAMAN_TERAKHIR)


def _scope_sql(user: User) -> tuple[str, dict[str, Any]]:
    """`AND r.kelompok_id IN (<the user's groups>)`, nothing for an admin (every group)."""
    if user.role == User.Role.ADMIN:
        return "", {}
    sql, params = queryset_sql(
        scope_kelompok(user, Kelompok.objects.all()).order_by().values("pk"), prefix="scope"
    )
    return f"AND r.kelompok_id IN ({sql})", params


def _sorted(rows: list[Angka]) -> list[Angka]:
    return sorted(rows, key=lambda a: (a.label.lower(), str(a.kunci)))


def _angka(kunci: object, label: str, keterangan: str, counts: list[int]) -> Angka:
    pertemuan, hadir, izin, sakit, alfa = counts
    return Angka(kunci, label, keterangan, pertemuan, hadir, izin, sakit, alfa)


# Kinds of rows `_rekap_sql` returns (its first column).
_KELOMPOK, _PENDAMPING, _KELURAHAN, _KECAMATAN, _TOTAL, _BULAN, _HALAMAN = range(7)


def _rekap_sql(scope: str) -> str:
    # The year rows of the user's groups (only groups with a counted mark: a held meeting
    # without marks adds nothing, as before) with their names and areas: one page of them in
    # name order (as Python sorts: lower case, then the id as text, code point by code
    # point), and all of them added up per pendamping, kelurahan, kecamatan and in total;
    # then the month rows of the same groups added up per month. The scope is evaluated
    # once, in `g`. A page past the last (or below 1) is the last, as Paginator.get_page.
    return f"""
WITH g AS MATERIALIZED (
    SELECT r.kelompok_id, r.tercatat AS pertemuan, r.hadir, r.izin, r.sakit, r.alfa,
           k.nama, k.pendamping_id, k.kelurahan_id, w.nama AS kelurahan,
           c.id AS kecamatan_id, c.nama AS kecamatan
    FROM {db_table(RingkasanKelompokBulan)} r
    JOIN {db_table(Kelompok)} k ON k.id = r.kelompok_id
    JOIN {db_table(Wilayah)} w ON w.id = k.kelurahan_id
    LEFT JOIN {db_table(Wilayah)} c ON c.id = w.parent_id
    WHERE r.tahun = %(tahun)s AND r.bulan = %(setahun)s AND r.tercatat > 0 {scope}
), halaman AS (
    SELECT CASE WHEN %(halaman)s BETWEEN 1 AND akhir THEN %(halaman)s ELSE akhir END AS nomor
    FROM (SELECT GREATEST(CEIL(COUNT(*) / %(per)s::numeric), 1)::int AS akhir FROM g) AS n
), urut AS (
    SELECT g.*, ROW_NUMBER() OVER (
        ORDER BY LOWER(g.nama) COLLATE "C", g.kelompok_id::text COLLATE "C"
    ) AS n
    FROM g
)
SELECT {_KELOMPOK}, u.kelompok_id, u.nama, u.kelurahan,
       u.pertemuan, u.hadir, u.izin, u.sakit, u.alfa, NULL::timestamptz
FROM urut u, halaman h
WHERE u.n > (h.nomor - 1) * %(per)s AND u.n <= h.nomor * %(per)s
UNION ALL
SELECT CASE WHEN GROUPING(g.pendamping_id) = 0 THEN {_PENDAMPING}
            WHEN GROUPING(g.kelurahan_id) = 0 THEN {_KELURAHAN}
            WHEN GROUPING(g.kecamatan_id) = 0 THEN {_KECAMATAN} ELSE {_TOTAL} END,
       CASE WHEN GROUPING(g.pendamping_id) = 0 THEN g.pendamping_id
            WHEN GROUPING(g.kelurahan_id) = 0 THEN g.kelurahan_id
            WHEN GROUPING(g.kecamatan_id) = 0 THEN g.kecamatan_id ELSE COUNT(*) END,
       CASE WHEN GROUPING(g.kelurahan_id) = 0 THEN MIN(g.kelurahan)
            WHEN GROUPING(g.kecamatan_id) = 0 THEN MIN(g.kecamatan) END,
       CASE WHEN GROUPING(g.kelurahan_id) = 0 THEN MIN(g.kecamatan) END,
       COALESCE(SUM(g.pertemuan), 0)::bigint, COALESCE(SUM(g.hadir), 0)::bigint,
       COALESCE(SUM(g.izin), 0)::bigint, COALESCE(SUM(g.sakit), 0)::bigint,
       COALESCE(SUM(g.alfa), 0)::bigint, NULL
FROM g
GROUP BY GROUPING SETS ((g.pendamping_id), (g.kelurahan_id), (g.kecamatan_id), ())
UNION ALL
SELECT {_BULAN}, r.bulan, NULL, NULL, SUM(r.tercatat)::bigint, SUM(r.hadir)::bigint,
       SUM(r.izin)::bigint, SUM(r.sakit)::bigint, SUM(r.alfa)::bigint, MAX(r.dihitung_pada)
FROM {db_table(RingkasanKelompokBulan)} r
{"JOIN g ON g.kelompok_id = r.kelompok_id" if scope else ""}
WHERE r.tahun = %(tahun)s AND r.bulan <> %(setahun)s AND r.tercatat > 0
GROUP BY r.bulan
UNION ALL
SELECT {_HALAMAN}, h.nomor, NULL, NULL, 0, 0, 0, 0, 0, NULL FROM halaman h
"""  # noqa: S608 (table names from model metadata, the scope compiled by the ORM)


def rekap_kehadiran(
    *, user: User, tahun: int, halaman: str | int | None = 1, per_halaman: int = 50
) -> RekapKehadiran:
    """Attendance of the year per pendamping, kelurahan, kecamatan and month, and one page
    of groups (`per_halaman`, by name), for the groups the user may see, from the summary's
    year and month rows: 2 queries whatever the number of groups (every figure in one
    statement, the pendamping's names)."""
    scope, params = _scope_sql(user)
    params.update(
        tahun=tahun, setahun=BULAN_SETAHUN, halaman=nomor_halaman(halaman), per=per_halaman
    )
    with connection.cursor() as cursor:
        cursor.execute(_rekap_sql(scope), params)
        found = cursor.fetchall()
    rows: dict[int, list[Angka]] = defaultdict(list)
    total = Angka(tahun, str(tahun))
    jumlah_kelompok = 0
    nomor = 1
    per_bulan: dict[int, Angka] = {}
    waktu = []
    for jenis, kunci, label, keterangan, *counts, diperbarui in found:
        if jenis == _TOTAL:
            total, jumlah_kelompok = _angka(tahun, str(tahun), "", counts), kunci
        elif jenis == _HALAMAN:
            nomor = kunci
        elif jenis == _BULAN:
            per_bulan[kunci] = _angka(kunci, NAMA_BULAN[kunci - 1], "", counts)
            waktu.append(diperbarui)
        else:
            rows[jenis].append(_angka(kunci, label or "", keterangan or "", counts))
    pendamping = User.objects.in_bulk([a.kunci for a in rows[_PENDAMPING]])
    for a in rows[_PENDAMPING]:
        a.label, a.keterangan = str(pendamping[a.kunci]), ""
    for a in rows[_KECAMATAN]:
        a.label, a.keterangan = a.label or "—", ""
    return RekapKehadiran(
        tahun=tahun,
        total=total,
        kelompok=_sorted(rows[_KELOMPOK]),
        pendamping=_sorted(rows[_PENDAMPING]),
        kelurahan=_sorted(rows[_KELURAHAN]),
        kecamatan=_sorted(rows[_KECAMATAN]),
        bulan=[per_bulan.get(m) or Angka(m, NAMA_BULAN[m - 1]) for m in range(1, 13)],
        jumlah_kelompok=jumlah_kelompok,
        halaman=nomor,
        diperbarui=max(waktu, default=None),
    )


def tahun_pilihan(*, user: User) -> list[int]:
    """Years with held meetings the user may see, newest first (this year at least)."""
    rows = RingkasanKelompokBulan.objects.filter(bulan=BULAN_SETAHUN)
    if user.role != User.Role.ADMIN:
        rows = rows.filter(kelompok__in=scope_kelompok(user, Kelompok.objects.all()))
    years = set(rows.order_by().values_list("tahun", flat=True).distinct())
    years.add(today().year)
    return sorted(years, reverse=True)


# --- Consecutive alfa (DOMAIN.md §4) ---------------------------------------------------
@dataclass
class RuntunAlfaKeluarga:
    """One run of consecutive alfa (`p2k2.selectors.alfa`, kept in `RingkasanRuntunAlfa`)
    with its family and meetings loaded for the recap page."""

    keluarga: Keluarga
    jumlah: int
    dari: datetime.date
    sampai: datetime.date
    is_berlangsung: bool  # no hadir since: the family is a candidate for suspension now
    pertemuan: list[Pertemuan] = field(default_factory=list)
    dihitung_pada: datetime.datetime | None = None


RUNTUN_PER_HALAMAN = 50


@dataclass(frozen=True)
class FilterAlfa:
    """The alfa recap's filters: one kelurahan, only runs still going on."""

    kelurahan: int | None = None
    hanya_berlangsung: bool = False


def _runtun_tersimpan(
    user: User, batas: int, jeda_memutus: bool | None, f: FilterAlfa
) -> QuerySet[RingkasanRuntunAlfa]:
    """The stored runs of at least `batas` alfa of the families the user may see, under the
    D13 reading in force today (or `jeda_memutus`), ongoing runs first, then the latest."""
    if jeda_memutus is None:
        jeda_memutus = bool(dinsos_selectors.pengaturan_get(KUNCI_JEDA))
    keluarga = scope_keluarga(user, Keluarga.objects.all())
    if f.kelurahan:
        keluarga = keluarga.filter(kelurahan_id=f.kelurahan)
    runs = RingkasanRuntunAlfa.objects.filter(
        is_jeda_memutus=jeda_memutus, jumlah__gte=batas, keluarga__in=keluarga
    )
    if f.hanya_berlangsung:
        runs = runs.filter(is_berlangsung=True)
    return runs.order_by("-is_berlangsung", "-sampai", "keluarga_id", "dari")


def _muat_runtun(
    runs: Sequence[RingkasanRuntunAlfa], *, dengan_pertemuan: bool
) -> list[RuntunAlfaKeluarga]:
    """Stored runs with their families (1 query) and, for the page, their meetings (1)."""
    if not runs:
        return []
    pertemuan: dict[int, Pertemuan] = {}
    if dengan_pertemuan:
        pertemuan = Pertemuan.objects.select_related("kelompok", "sesi").in_bulk(
            {pk for run in runs for pk in run.pertemuan_ids}
        )
    keluarga = Keluarga.objects.select_related("pengurus", "kelurahan").in_bulk(
        {run.keluarga_id for run in runs}
    )
    return [
        RuntunAlfaKeluarga(
            keluarga=keluarga[run.keluarga_id],
            jumlah=run.jumlah,
            dari=run.dari,
            sampai=run.sampai,
            is_berlangsung=run.is_berlangsung,
            pertemuan=[pertemuan[pk] for pk in run.pertemuan_ids] if dengan_pertemuan else [],
            dihitung_pada=run.dihitung_pada,
        )
        for run in runs
    ]


def runtun_alfa_rekap(
    *,
    user: User,
    batas: int | None = None,
    on: datetime.date | None = None,
    filter: FilterAlfa | None = None,
    jeda_memutus: bool | None = None,
    dengan_pertemuan: bool = True,
) -> list[RuntunAlfaKeluarga]:
    """Runs of at least `p2k2_alfa_berturut` consecutive alfa of the families the user may
    see, ongoing runs first, each with its family (and its meetings, unless the caller —
    the XLSX — does not need them): 3 queries (and the settings when `batas` and
    `jeda_memutus` are not given), from the summary. The rule is read as
    `p2k2.selectors.alfa` documents it; the Beranda counts the same rows
    (`jumlah_runtun_alfa`)."""
    if batas is None:
        batas = runtun_alfa_batas(on=on)
    runs = list(_runtun_tersimpan(user, batas, jeda_memutus, filter or FilterAlfa()))
    return _muat_runtun(runs, dengan_pertemuan=dengan_pertemuan)


def runtun_alfa_halaman(
    *,
    user: User,
    batas: int,
    jeda_memutus: bool,
    filter: FilterAlfa,
    halaman: str | int | None,
    per_halaman: int = RUNTUN_PER_HALAMAN,
) -> tuple[Page[RingkasanRuntunAlfa], list[RuntunAlfaKeluarga]]:
    """One page of `runtun_alfa_rekap` (issue 21: a province has hundreds of runs, each
    listing its meetings): 4 queries (count, page, meetings, families), 1 when none."""
    runs = _runtun_tersimpan(user, batas, jeda_memutus, filter)
    page = Paginator(runs, per_halaman).get_page(halaman)
    if not page.paginator.count:
        return page, []
    return page, _muat_runtun(list(page.object_list), dengan_pertemuan=True)


def jumlah_runtun_alfa(*, user: User, filter: FilterAlfa | None = None) -> int:
    """How many runs `runtun_alfa_rekap` lists with this filter (3 queries: the threshold,
    the D13 reading, the count)."""
    runs = _runtun_tersimpan(user, runtun_alfa_batas(), None, filter or FilterAlfa())
    return runs.count()


# --- Charts of the recap page ----------------------------------------------------------
def _keterangan(angka: Angka) -> str:
    if angka.tingkat is None:
        return f"{angka.label}: belum ada pertemuan"
    return f"{angka.label}: {persen(angka.tingkat)} hadir dari {angka.total} catatan"


def grafik_bulan(bulan: list[Angka], tahun: int) -> charts.Grafik:
    """Attendance rate per month of the year: a bar per month on a 0–100% scale, each
    labelled with its rounded percentage."""
    return charts.batang_tegak(
        f"Tingkat kehadiran per bulan, {tahun} (%)",
        [
            Entri(
                label=a.label[0],
                besar=a.tingkat,
                nilai=charts.KOSONG if a.tingkat is None else f"{round(a.tingkat * 100)}",
                keterangan=_keterangan(a),
            )
            for a in bulan
        ],
        maks=1.0,
    )


def grafik_kecamatan(kecamatan: list[Angka], tahun: int) -> charts.Grafik:
    """Attendance rate per kecamatan: a horizontal bar each on a 0–100% scale."""
    return charts.batang_mendatar(
        f"Tingkat kehadiran per kecamatan, {tahun}",
        [
            Entri(
                label=a.label,
                besar=a.tingkat,
                nilai=charts.KOSONG if a.tingkat is None else persen(a.tingkat),
                keterangan=_keterangan(a),
            )
            for a in kecamatan
        ],
        maks=1.0,
    )
