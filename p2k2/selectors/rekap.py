"""Office recaps of P2K2 as aggregate SQL: attendance rates, consecutive alfa, curriculum.

Every figure comes from a few set-based queries whatever the number of groups; Python only
adds up already-aggregated rows (a few thousand at most) into the views the page shows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from dinsos import charts
from dinsos.bulan import jumlah_bulan
from dinsos.charts import Entri
from dinsos.formatting import NAMA_BULAN, persen
from dinsos.models import User
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table, queryset_sql
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from p2k2.access import scope_kelompok
from p2k2.models import Keanggotaan, Kehadiran, Kelompok, Pertemuan, Sesi
from p2k2.selectors.alfa import runtun_alfa_batas, runtun_alfa_list, runtun_alfa_pertemuan
from p2k2.selectors.kelompok import kurikulum_sesi

S = Kehadiran.Status


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
    kelompok: list[Angka]
    pendamping: list[Angka]
    kelurahan: list[Angka]
    kecamatan: list[Angka]
    bulan: list[Angka]  # always 12, January first


def _terlaksana(user: User) -> QuerySet[Pertemuan]:
    held = Pertemuan.objects.filter(status=Pertemuan.Status.TERLAKSANA)
    if user.role == User.Role.ADMIN:
        return held
    return held.filter(kelompok__in=scope_kelompok(user, Kelompok.objects.all()))


def _sorted(groups: dict[object, Angka]) -> list[Angka]:
    return sorted(groups.values(), key=lambda a: (a.label.lower(), str(a.kunci)))


def _angka(kunci: object, label: str, keterangan: str, counts: list[int]) -> Angka:
    pertemuan, hadir, izin, sakit, alfa = counts
    return Angka(kunci, label, keterangan, pertemuan, hadir, izin, sakit, alfa)


def _add(target: list[int], counts: tuple[int, ...]) -> None:
    for index, value in enumerate(counts):
        target[index] += value


def rekap_kehadiran(*, user: User, tahun: int) -> RekapKehadiran:
    """Attendance of the year per group, pendamping, kelurahan, kecamatan and month, for the
    groups the user may see: 3 queries. The database counts marks per held meeting (a few
    thousand rows a year); Python adds those rows up per group and per month, then the groups
    (a few hundred, names and areas from a small query) per pendamping, kelurahan, kecamatan."""
    held = _terlaksana(user).filter(tanggal__year=tahun)
    meetings = {
        pk: (kelompok_id, bulan)
        for pk, kelompok_id, bulan in held.values_list(
            "pk", "kelompok_id", ExtractMonth("tanggal")
        ).order_by()
    }
    # Grouped by one integer key with no join in the outer query: twice as fast as grouping
    # the joined rows by group and month (measured on 50.000 marks).
    rows = (
        Kehadiran.objects.filter(pertemuan__in=held.values("pk"))
        .values("pertemuan_id")
        .annotate(
            hadir=Count("pk", filter=Q(status=S.HADIR)),
            izin=Count("pk", filter=Q(status=S.IZIN)),
            sakit=Count("pk", filter=Q(status=S.SAKIT)),
            alfa=Count("pk", filter=Q(status=S.ALFA)),
        )
        .values_list("pertemuan_id", "hadir", "izin", "sakit", "alfa")
        .order_by()
    )
    per_kelompok: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    per_bulan: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    for pertemuan_id, *counts in rows:
        kelompok_id, bulan = meetings[pertemuan_id]
        meeting = (1, *counts)
        _add(per_kelompok[kelompok_id], meeting)
        _add(per_bulan[bulan], meeting)
    groups = Kelompok.objects.filter(pk__in=list(per_kelompok)).select_related(
        "pendamping", "kelurahan__parent"
    )
    per: dict[str, dict[object, tuple[str, str, list[int]]]] = defaultdict(dict)
    kelompok: list[Angka] = []
    for k in groups:
        counts = per_kelompok[k.pk]
        kecamatan = k.kelurahan.parent
        kelompok.append(_angka(k.pk, k.nama, k.kelurahan.nama, counts))
        keys = {
            "pendamping": (k.pendamping_id, str(k.pendamping), ""),
            "kelurahan": (k.kelurahan_id, k.kelurahan.nama, kecamatan.nama if kecamatan else ""),
            "kecamatan": (
                kecamatan.pk if kecamatan else None,
                kecamatan.nama if kecamatan else "—",
                "",
            ),
        }
        for name, (kunci, label, keterangan) in keys.items():
            _add(per[name].setdefault(kunci, (label, keterangan, [0] * 5))[2], tuple(counts))
    total = [0] * 5
    for counts in per_kelompok.values():
        _add(total, tuple(counts))

    def slices(name: str) -> list[Angka]:
        return _sorted({k: _angka(k, label, ket, c) for k, (label, ket, c) in per[name].items()})

    return RekapKehadiran(
        tahun=tahun,
        total=_angka(tahun, str(tahun), "", total),
        kelompok=_sorted({a.kunci: a for a in kelompok}),
        pendamping=slices("pendamping"),
        kelurahan=slices("kelurahan"),
        kecamatan=slices("kecamatan"),
        bulan=[_angka(m, NAMA_BULAN[m - 1], "", per_bulan[m]) for m in range(1, 13)],
    )


def tahun_pilihan(*, user: User) -> list[int]:
    """Years with held meetings the user may see, newest first (this year at least)."""
    years = {d.year for d in _terlaksana(user).dates("tanggal", "year")}
    years.add(today().year)
    return sorted(years, reverse=True)


# --- Consecutive alfa (DOMAIN.md §4) ---------------------------------------------------
@dataclass
class RuntunAlfaKeluarga:
    """One run of consecutive alfa (`p2k2.selectors.alfa.runtun_alfa_list`) with its family and
    meetings loaded for the recap page."""

    keluarga: Keluarga
    jumlah: int
    dari: datetime.date
    sampai: datetime.date
    is_berlangsung: bool  # no hadir since: the family is a candidate for suspension now
    pertemuan: list[Pertemuan] = field(default_factory=list)


@dataclass(frozen=True)
class FilterAlfa:
    """The alfa recap's filters: one kelurahan, only runs still going on."""

    kelurahan: int | None = None
    hanya_berlangsung: bool = False


def runtun_alfa_rekap(
    *,
    user: User,
    batas: int | None = None,
    on: datetime.date | None = None,
    filter: FilterAlfa | None = None,
) -> list[RuntunAlfaKeluarga]:
    """Runs of at least `p2k2_alfa_berturut` consecutive alfa of the families the user may
    see, ongoing runs first, each with its family and meetings: 3 queries (and the setting
    when `batas` is not given). The rule is read as `p2k2.selectors.alfa` documents it. The
    Beranda counts the same list (p2k2.selectors.beranda)."""
    f = filter or FilterAlfa()
    if batas is None:
        batas = runtun_alfa_batas(on=on)
    keluarga_qs = scope_keluarga(user, Keluarga.objects.all())
    if f.kelurahan:
        keluarga_qs = keluarga_qs.filter(kelurahan_id=f.kelurahan)
    runs = runtun_alfa_list(batas=batas, keluarga=keluarga_qs)
    if f.hanya_berlangsung:
        runs = [run for run in runs if run.is_berlangsung]
    if not runs:
        return []
    pertemuan = runtun_alfa_pertemuan(runs)
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
            pertemuan=[pertemuan[pk] for pk in run.pertemuan_ids],
        )
        for run in runs
    ]


# --- Curriculum progress -------------------------------------------------------------
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
    nama: str
    bulan_berjalan: int
    sesi_dilaksanakan: int
    sesi_total: int

    @property
    def is_tertinggal(self) -> bool:  # as KemajuanKelompok.is_tertinggal
        return self.sesi_dilaksanakan < min(self.bulan_berjalan, self.sesi_total)

    @property
    def urutan(self) -> tuple[bool, int, str, int]:
        return (not self.is_tertinggal, self.sesi_dilaksanakan, self.nama, self.kelompok_id)


def _kemajuan_semua(user: User, day: datetime.date, kurikulum: list[int]) -> list[_Kemajuan]:
    """Every group the user may see with its months running and curriculum sessions held,
    behind groups first: one statement, nothing per group (issue 21: the former correlated
    subqueries per group took 1,6–2,9 s at 235 groups and 22 s at 12.000)."""
    # One statement; the scope (for a koordinator it looks at every active membership) is
    # evaluated once, as a materialised CTE, and each table is grouped once.
    scope_sql, params = queryset_sql(
        scope_kelompok(user, Kelompok.objects.all()).order_by().values("pk", "nama"),
        prefix="scope",
    )
    sql = f"""
        WITH k (id, nama) AS MATERIALIZED ({scope_sql}),
        held AS (
            SELECT p.kelompok_id, COUNT(DISTINCT p.sesi_id) AS n FROM {db_table(Pertemuan)} p
            WHERE p.kelompok_id IN (SELECT id FROM k) AND p.status = %(terlaksana)s
              AND p.sesi_id = ANY(%(kurikulum)s)
            GROUP BY p.kelompok_id
        ),
        mulai AS (
            SELECT a.kelompok_id, MIN(a.mulai) AS mulai FROM {db_table(Keanggotaan)} a
            WHERE a.kelompok_id IN (SELECT id FROM k)
            GROUP BY a.kelompok_id
        )
        SELECT k.id, k.nama, mulai.mulai, COALESCE(held.n, 0)
        FROM k LEFT JOIN held ON held.kelompok_id = k.id LEFT JOIN mulai ON mulai.kelompok_id = k.id
    """  # noqa: S608 (table names from model metadata, the scope compiled by the ORM)
    params.update(terlaksana=Pertemuan.Status.TERLAKSANA.value, kurikulum=kurikulum)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    rows = [
        _Kemajuan(
            kelompok_id=pk,
            nama=nama,
            bulan_berjalan=jumlah_bulan(awal, day) if awal else 0,
            sesi_dilaksanakan=n,
            sesi_total=len(kurikulum),
        )
        for pk, nama, awal, n in found
    ]
    return sorted(rows, key=lambda r: r.urutan)


def _kemajuan_detail(rows: list[_Kemajuan], sessions: list[Sesi]) -> list[KemajuanKelompok]:
    """The groups of `rows` loaded with their pendamping and the sessions not held yet
    (2 queries for the rows given, whatever their number)."""
    ids = [r.kelompok_id for r in rows]
    groups = Kelompok.objects.select_related("pendamping").in_bulk(ids)
    held: dict[int, set[int]] = defaultdict(set)
    pairs: Iterable[tuple[int, int]] = (
        Pertemuan.objects.filter(
            kelompok__in=ids, status=Pertemuan.Status.TERLAKSANA, sesi__isnull=False
        )
        .order_by()
        .values_list("kelompok_id", "sesi_id")
        .distinct()
    )
    for kelompok_id, sesi_id in pairs:
        held[kelompok_id].add(sesi_id)
    return [
        KemajuanKelompok(
            kelompok=groups[r.kelompok_id],
            bulan_berjalan=r.bulan_berjalan,
            sesi_dilaksanakan=r.sesi_dilaksanakan,
            sesi_belum=[
                f"{s.modul.nama} — Sesi {s.urutan}: {s.judul}"
                for s in sessions
                if s.pk not in held[r.kelompok_id]
            ],
        )
        for r in rows
    ]


def kemajuan_kurikulum(*, user: User, on: datetime.date | None = None) -> list[KemajuanKelompok]:
    """Per group the curriculum sessions not yet held, behind groups first (every group; the
    page shows one page of them with `kemajuan_kurikulum_halaman`): 6 queries."""
    sessions = _sesi_kurikulum()
    rows = _kemajuan_semua(user, on or today(), [s.pk for s in sessions])
    return _kemajuan_detail(rows, sessions)


def jumlah_kurikulum_tertinggal(*, user: User, on: datetime.date | None = None) -> int:
    """How many of the user's groups are behind the curriculum (4 queries)."""
    kurikulum = list(kurikulum_sesi().values_list("pk", flat=True))
    return sum(1 for r in _kemajuan_semua(user, on or today(), kurikulum) if r.is_tertinggal)


KEMAJUAN_PER_HALAMAN = 50


@dataclass
class KemajuanHalaman:
    page: Page[_Kemajuan]
    kemajuan: list[KemajuanKelompok]  # the page's groups
    jumlah_tertinggal: int  # over every group the user may see


def kemajuan_kurikulum_halaman(
    *,
    user: User,
    halaman: str | int | None,
    hanya_tertinggal: bool = False,
    on: datetime.date | None = None,
) -> KemajuanHalaman:
    """The curriculum page: one page of groups (behind groups first) with their sessions not
    held, and the number of behind groups: 6 queries whatever the number of groups."""
    sessions = _sesi_kurikulum()
    rows = _kemajuan_semua(user, on or today(), [s.pk for s in sessions])
    tertinggal = [r for r in rows if r.is_tertinggal]
    page = Paginator(tertinggal if hanya_tertinggal else rows, KEMAJUAN_PER_HALAMAN).get_page(
        halaman
    )
    return KemajuanHalaman(
        page=page,
        kemajuan=_kemajuan_detail(list(page.object_list), sessions),
        jumlah_tertinggal=len(tertinggal),
    )


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
