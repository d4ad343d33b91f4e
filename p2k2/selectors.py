"""Reads of the P2K2 app for its pages, always scoped through p2k2.access / kpm.access.

The office recaps (aggregate SQL) live in `p2k2.rekap`.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

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
from dinsos.hooks import json_rows
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from kpm.selectors import Panel
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
BERUNTUN_MAKS = 36  # three years of monthly meetings: longer streaks show as 36


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


def alfa_beruntun(*, keluarga_id: int) -> int:
    """The family's current streak of alfa (DOMAIN.md §4): alfa marks since its last hadir;
    izin and sakit are excused and neither count nor break it (see `p2k2.rekap`). 1 query."""
    statuses = (
        Kehadiran.objects.filter(
            keluarga_id=keluarga_id,
            status__in=(Kehadiran.Status.HADIR, Kehadiran.Status.ALFA),
            pertemuan__status=Pertemuan.Status.TERLAKSANA,
        )
        .order_by(*(f"-pertemuan__{k}" for k in URUTAN_PERTEMUAN))
        .values_list("status", flat=True)[:BERUNTUN_MAKS]
    )
    streak = 0
    for status in statuses:
        if status != Kehadiran.Status.ALFA:
            break
        streak += 1
    return streak


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
    batas = dinsos_selectors.pengaturan_get("p2k2_alfa_berturut")
    beruntun = alfa_beruntun(keluarga_id=keluarga.pk)
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
