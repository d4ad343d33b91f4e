"""Reads of the P2K2 app for its pages, always scoped through p2k2.access / kpm.access.

The office recaps (aggregate SQL) live in `p2k2.rekap`.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_wilayah
from dinsos.hooks import Panel, json_rows
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table, queryset_sql
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from p2k2.access import can_manage_p2k2, scope_kelompok
from p2k2.models import (
    URUTAN_PERTEMUAN,
    Keanggotaan,
    Kehadiran,
    Kelompok,
    KonflikKehadiran,
    Modul,
    Pertemuan,
    Sesi,
)
from p2k2.services import STATUS_BOLEH_BERGABUNG

PANEL_BARIS = 6


def _anggota_aktif(kelompok_ref: Any) -> QuerySet[Keanggotaan]:
    return Keanggotaan.objects.filter(kelompok_id=kelompok_ref, selesai__isnull=True)


def _terlaksana(kelompok_ref: Any) -> QuerySet[Pertemuan]:
    return Pertemuan.objects.filter(kelompok_id=kelompok_ref, status=Pertemuan.Status.TERLAKSANA)


def kurikulum_sesi() -> QuerySet[Sesi]:
    """Sessions every group is expected to have: active, non-adaptif modules."""
    return Sesi.objects.filter(modul__is_aktif=True, modul__is_adaptif=False)


def kelompok_list(*, user: User) -> QuerySet[Kelompok]:
    """Groups the user may see with their size, meetings held, last meeting and sessions not
    yet held; a fixed number of queries whatever the number of groups."""
    ref = OuterRef("pk")
    members = _anggota_aktif(ref).values("kelompok_id").annotate(n=Count("pk")).values("n")
    held = _terlaksana(ref).values("kelompok_id").annotate(n=Count("pk")).values("n")
    sessions = (
        _terlaksana(ref)
        .filter(sesi__in=kurikulum_sesi())
        .values("kelompok_id")
        .annotate(n=Count("sesi_id", distinct=True))
        .values("n")
    )
    last = _terlaksana(ref).values("kelompok_id").annotate(t=Max("tanggal")).values("t")
    total = kurikulum_sesi().count()
    return (
        scope_kelompok(user, Kelompok.objects.all())
        .select_related("pendamping", "kelurahan__parent")
        .annotate(
            jumlah_anggota=Coalesce(Subquery(members, output_field=IntegerField()), 0),
            jumlah_pertemuan=Coalesce(Subquery(held, output_field=IntegerField()), 0),
            sesi_dilaksanakan=Coalesce(Subquery(sessions, output_field=IntegerField()), 0),
            pertemuan_terakhir=Subquery(last),
        )
        .annotate(sesi_belum=total - F("sesi_dilaksanakan"))
        .order_by("nama", "pk")
    )


def sesi_belum(*, kelompok: Kelompok) -> list[Sesi]:
    """The curriculum sessions this group has not held yet, in teaching order."""
    held = _terlaksana(kelompok.pk).filter(sesi_id=OuterRef("pk"))
    return list(
        kurikulum_sesi()
        .filter(~Exists(held))
        .select_related("modul")
        .order_by("modul__urutan", "urutan")
    )


def anggota_list(*, kelompok: Kelompok, user: User) -> QuerySet[Keanggotaan]:
    """Current members the user may see, by pengurus name."""
    return (
        _anggota_aktif(kelompok.pk)
        .filter(keluarga__in=scope_keluarga(user, Keluarga.objects.all()))
        .select_related("keluarga__pengurus", "keluarga__kelurahan")
        .order_by("keluarga__pengurus__nama", "keluarga_id")
    )


def anggota_keluarga(*, kelompok: Kelompok, user: User) -> QuerySet[Keluarga]:
    """The same members as families (choices of the ketua and move/remove forms)."""
    aktif = _anggota_aktif(kelompok.pk).values("keluarga_id")
    return (
        scope_keluarga(user, Keluarga.objects.filter(pk__in=aktif))
        .select_related("pengurus")
        .order_by("pengurus__nama", "pk")
    )


def keluarga_pilihan(*, kelompok: Kelompok, user: User) -> QuerySet[Keluarga]:
    """Families that may join the group: served by its pendamping, still in the programme,
    visible to the user and in no group now."""
    in_group = Keanggotaan.objects.filter(keluarga_id=OuterRef("pk"), selesai__isnull=True)
    return (
        scope_keluarga(user, Keluarga.objects.all())
        .filter(pendamping_id=kelompok.pendamping_id, status__in=STATUS_BOLEH_BERGABUNG)
        .filter(~Exists(in_group))
        .select_related("pengurus")
        .order_by("pengurus__nama", "pk")
    )


def kelompok_tujuan(*, kelompok: Kelompok) -> QuerySet[Kelompok]:
    """The pendamping's other groups (targets of a move)."""
    return Kelompok.objects.filter(pendamping_id=kelompok.pendamping_id).exclude(pk=kelompok.pk)


def pendamping_pilihan(*, user: User) -> QuerySet[User]:
    """Pendamping whose areas overlap the user's (who may lead a new group)."""
    pendamping = User.objects.filter(role=User.Role.PENDAMPING, is_active=True)
    if user.role != User.Role.ADMIN:
        pendamping = pendamping.filter(wilayah__in=scope_wilayah(user)).distinct()
    return pendamping.order_by("first_name", "username")


def kelurahan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    return (
        scope_wilayah(user)
        .filter(tingkat=Wilayah.Tingkat.KELURAHAN, berlaku_sampai__isnull=True)
        .order_by("nama")
    )


def modul_list() -> list[Modul]:
    """Active modules with their sessions (the meeting form's materi list): 2 queries."""
    return list(
        Modul.objects.filter(is_aktif=True)
        .prefetch_related(Prefetch("sesi", queryset=Sesi.objects.order_by("urutan")))
        .order_by("urutan", "nama")
    )


@dataclass
class KelompokDetail:
    kelompok: Kelompok
    anggota: list[Keanggotaan]
    riwayat: list[Keanggotaan]
    pertemuan: list[Pertemuan]
    sesi_belum: list[Sesi]
    maks: int
    can_manage: bool


def kelompok_detail(*, kelompok: Kelompok, user: User) -> KelompokDetail:
    """Everything the group page shows, in a fixed number of queries."""
    visible = scope_keluarga(user, Keluarga.objects.all())
    riwayat = (
        Keanggotaan.objects.filter(kelompok=kelompok, selesai__isnull=False)
        .filter(keluarga__in=visible)
        .select_related("keluarga__pengurus")
        .order_by("-selesai", "-pk")[:50]
    )
    pertemuan = (
        Pertemuan.objects.filter(kelompok=kelompok)
        .select_related("sesi__modul")
        .annotate(
            jumlah_hadir=Count("kehadiran", filter=Q(kehadiran__status=Kehadiran.Status.HADIR)),
            jumlah_tercatat=Count("kehadiran"),
        )
        .order_by("-tanggal", "-pk")[:24]
    )
    return KelompokDetail(
        kelompok=kelompok,
        anggota=list(anggota_list(kelompok=kelompok, user=user)),
        riwayat=list(riwayat),
        pertemuan=list(pertemuan),
        sesi_belum=sesi_belum(kelompok=kelompok),
        maks=dinsos_selectors.pengaturan_get("p2k2_kelompok_maks"),
        can_manage=can_manage_p2k2(user),
    )


@dataclass
class BarisKehadiran:
    """One family on the attendance screen or the daftar hadir."""

    keluarga_id: int
    nama: str
    nik: str
    status: str
    pemahaman: str
    versi: int

    @property
    def status_awal(self) -> str:
        """What the attendance screen shows first: the recorded mark, else hadir (DOMAIN.md
        §6 practice: everyone starts as hadir and the pendamping taps the absent)."""
        return self.status or Kehadiran.Status.HADIR

    @property
    def status_label(self) -> str:
        return Kehadiran.Status(self.status).label if self.status else "—"

    @property
    def pemahaman_label(self) -> str:
        return Kehadiran.Pemahaman(self.pemahaman).label if self.pemahaman else "—"


def _members_on(kelompok_id: int, day: datetime.date) -> QuerySet[Keanggotaan]:
    return Keanggotaan.objects.filter(kelompok_id=kelompok_id, mulai__lte=day).filter(
        Q(selesai__isnull=True) | Q(selesai__gt=day)
    )


def kehadiran_rows(
    *, kelompok: Kelompok, user: User, pertemuan: Pertemuan | None = None
) -> list[BarisKehadiran]:
    """The families of a meeting (members on its date; members today for a new one) the user
    may see, with their current mark and version: 1 query."""
    day = pertemuan.tanggal if pertemuan is not None else today()
    members = _members_on(kelompok.pk, day).filter(
        keluarga__in=scope_keluarga(user, Keluarga.objects.all())
    )
    if pertemuan is not None:
        members = members.annotate(
            h=FilteredRelation(
                "keluarga__kehadiran", condition=Q(keluarga__kehadiran__pertemuan=pertemuan)
            )
        ).annotate(h_status=F("h__status"), h_pemahaman=F("h__pemahaman"), h_versi=F("h__versi"))
    else:
        members = members.annotate(
            h_status=F("pk") * 0, h_pemahaman=F("pk") * 0, h_versi=F("pk") * 0
        )
    rows = members.values_list(
        "keluarga_id",
        "keluarga__pengurus__nama",
        "keluarga__pengurus__nik",
        "h_status",
        "h_pemahaman",
        "h_versi",
    ).order_by("keluarga__pengurus__nama", "keluarga_id")
    return [
        BarisKehadiran(
            keluarga_id=k,
            nama=nama or "(belum ada pengurus)",
            nik=nik or "",
            status=status or "",
            pemahaman=pemahaman or "",
            versi=versi or 0,
        )
        for k, nama, nik, status, pemahaman, versi in rows
    ]


def konflik_terbuka(*, pertemuan: Pertemuan, user: User) -> list[KonflikKehadiran]:
    """Unresolved attendance conflicts of a meeting, for families the user may see."""
    return list(
        KonflikKehadiran.objects.filter(pertemuan=pertemuan, diselesaikan_at__isnull=True)
        .filter(keluarga__in=scope_keluarga(user, Keluarga.objects.all()))
        .select_related("keluarga__pengurus", "oleh")
        .order_by("keluarga__pengurus__nama", "pk")
    )


def pertemuan_by_client_id(*, kelompok: Kelompok, client_id: uuid.UUID) -> Pertemuan | None:
    """The meeting a phone created (or refers to) by its client id, within this group."""
    return (
        Pertemuan.objects.filter(kelompok=kelompok, client_id=client_id)
        .select_related("kelompok", "sesi__modul")
        .first()
    )


def pertemuan_is_milik_lain(*, kelompok: Kelompok, client_id: uuid.UUID) -> bool:
    return Pertemuan.objects.filter(client_id=client_id).exclude(kelompok=kelompok).exists()


def pertemuan_terakhir(*, kelompok: Kelompok, batas: int = 24) -> list[Pertemuan]:
    """The group's latest meetings (two years of monthly ones), for the phone screen's
    "Lanjutkan pertemuan yang sudah ada?" question; older ones the server checks on sync."""
    return list(
        Pertemuan.objects.filter(kelompok=kelompok)
        .select_related("sesi")
        .order_by("-tanggal", "-pk")[:batas]
    )


@dataclass
class Ringkasan:
    hadir: int = 0
    izin: int = 0
    sakit: int = 0
    alfa: int = 0
    belum: int = 0
    total: int = field(default=0)


def ringkasan(rows: list[BarisKehadiran]) -> Ringkasan:
    """Counts per status of a meeting's rows (pure)."""
    r = Ringkasan(total=len(rows))
    for row in rows:
        key = row.status or "belum"
        setattr(r, key, getattr(r, key) + 1)
    return r


# --- Consecutive alfa (DOMAIN.md §4) ---------------------------------------------------
# DOMAIN.md §4: "3 consecutive unexcused absences (alfa) from P2K2 → candidate for
# suspension". One reading of the rule, for the recap page, the family panel and the komitmen
# rule alike: izin and sakit are excused absences, so they neither count towards a run nor end
# it; only hadir ends it (alfa, izin, alfa, alfa is a run of 3: the family did not attend in
# between). Only held meetings (terlaksana) count, in URUTAN_PERTEMUAN order. The threshold
# is the setting `p2k2_alfa_berturut` (default 3).
def runtun_alfa_batas(*, on: datetime.date | None = None) -> int:
    """How many consecutive alfa make a run worth flagging (setting in force on `on`)."""
    return int(dinsos_selectors.pengaturan_get("p2k2_alfa_berturut", on=on))


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


def _runtun_alfa_sql(where: list[str], having: list[str]) -> str:
    # Window functions number each family's hadir and alfa marks in meeting order and start a
    # new block at every hadir; the alfa of one block form one run, and the family's last
    # block is the run still going.
    return f"""
WITH tanda AS (
    SELECT k.keluarga_id, k.pertemuan_id, k.status, p.tanggal,
           SUM(CASE WHEN k.status = %(hadir)s THEN 1 ELSE 0 END) OVER w AS blok,
           ROW_NUMBER() OVER w AS urut
    FROM {db_table(Kehadiran)} k
    JOIN {db_table(Pertemuan)} p ON p.id = k.pertemuan_id
    WHERE {" AND ".join(where)}
    WINDOW w AS (PARTITION BY k.keluarga_id ORDER BY {_URUTAN_SQL})
), akhir AS (
    SELECT keluarga_id, MAX(blok) AS blok_akhir FROM tanda GROUP BY keluarga_id
)
SELECT t.keluarga_id,
       ARRAY_AGG(t.pertemuan_id ORDER BY t.urut) AS pertemuan_ids,
       MIN(t.tanggal) AS dari,
       MAX(t.tanggal) AS sampai,
       BOOL_AND(t.blok = a.blok_akhir) AS is_berlangsung
FROM tanda t
JOIN akhir a ON a.keluarga_id = t.keluarga_id
WHERE t.status = %(alfa)s
GROUP BY t.keluarga_id, t.blok
HAVING {" AND ".join(having)}
ORDER BY BOOL_AND(t.blok = a.blok_akhir) DESC, MAX(t.tanggal) DESC, t.keluarga_id
"""  # noqa: S608 (table names from model metadata, the subquery compiled by the ORM)


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
    params: dict[str, Any] = {
        "hadir": Kehadiran.Status.HADIR.value,
        "alfa": Kehadiran.Status.ALFA.value,
        "terlaksana": Pertemuan.Status.TERLAKSANA.value,
        "batas": batas,
    }
    where = ["k.status IN (%(hadir)s, %(alfa)s)", "p.status = %(terlaksana)s"]
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
        return [RuntunAlfa(*row) for row in cursor.fetchall()]


def runtun_alfa_pertemuan(runs: list[RuntunAlfa]) -> dict[int, Pertemuan]:
    """The meetings behind the runs, by id, with their group and session (1 query)."""
    ids = {pk for run in runs for pk in run.pertemuan_ids}
    return Pertemuan.objects.select_related("kelompok", "sesi").in_bulk(ids) if ids else {}


def runtun_alfa_berlangsung(*, keluarga_id: int) -> int:
    """The family's ongoing run of alfa: alfa marks since its last hadir, 0 when the last
    mark that counts is hadir (`runtun_alfa_list` for one family, 1 query)."""
    runs = runtun_alfa_list(batas=1, keluarga=Keluarga.objects.filter(pk=keluarga_id))
    return next((run.jumlah for run in runs if run.is_berlangsung), 0)


# --- Extension points registered in settings ------------------------------------------
def kontak_p2k2(start: datetime.date, end: datetime.date) -> QuerySet[Kehadiran]:
    """Families reached by P2K2 (cakupan layanan): attended a meeting held in
    [start, end]; rows `keluarga_id`, `tanggal` (settings.PENDAMPING_SUMBER_KONTAK)."""
    return Kehadiran.objects.filter(
        status=Kehadiran.Status.HADIR, pertemuan__tanggal__range=(start, end)
    ).annotate(tanggal=F("pertemuan__tanggal"))


def rhk_p2k2(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 2 (DOMAIN.md §11): P2K2 meetings held in [start, end] per pendamping; rows
    `pendamping_user_id`, `jumlah` (settings.PENDAMPING_SUMBER_RHK["p2k2"])."""
    return (
        Pertemuan.objects.filter(status=Pertemuan.Status.TERLAKSANA, tanggal__range=(start, end))
        .values(pendamping_user_id=F("kelompok__pendamping_id"))
        .annotate(jumlah=Count("pk"))
        .order_by()
    )


def keluarga_panel(*, keluarga: Keluarga, user: User) -> Panel:
    """The family page's "Kehadiran P2K2" section (settings.KPM_KELUARGA_PANELS): the
    current group, the latest marks and the current alfa streak (3 queries). The caller
    already checked access to the family."""
    keanggotaan = (
        Keanggotaan.objects.filter(keluarga=keluarga, selesai__isnull=True)
        .select_related("kelompok__pendamping")
        .first()
    )
    terakhir = list(
        Kehadiran.objects.filter(keluarga=keluarga)
        .select_related("pertemuan__sesi", "pertemuan__kelompok")
        .order_by("-pertemuan__tanggal", "-pertemuan_id")[:PANEL_BARIS]
    )
    batas = runtun_alfa_batas()
    beruntun = runtun_alfa_berlangsung(keluarga_id=keluarga.pk)
    return Panel(
        judul="Kehadiran P2K2",
        template="p2k2/_keluarga_panel.html",
        context={
            "kelompok": keanggotaan.kelompok if keanggotaan else None,
            "terakhir": terakhir,
            "alfa_beruntun": beruntun,
            "batas": batas,
            "is_peringatan": beruntun >= batas,
        },
    )


def data_subjek(*, anggota: Any) -> dict[str, Any]:
    """The person's family's P2K2 groups and attendance (`data_subjek` hook, UU 27/2022)."""
    keluarga_id = anggota.keluarga_id
    return {
        "kelompok_p2k2": json_rows(
            Keanggotaan.objects.filter(keluarga_id=keluarga_id).values(
                "mulai", "selesai", kelompok_nama=F("kelompok__nama")
            )
        ),
        "kehadiran_p2k2": json_rows(
            Kehadiran.objects.filter(keluarga_id=keluarga_id)
            .order_by("pertemuan__tanggal", "pk")
            .values(
                "status",
                "pemahaman",
                tanggal=F("pertemuan__tanggal"),
                kelompok_nama=F("pertemuan__kelompok__nama"),
            )
        ),
    }
