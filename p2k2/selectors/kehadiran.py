"""Reads of P2K2 meetings and their attendance marks, always scoped through p2k2.access."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from dinsos.bulan import awal_bulan
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from p2k2.access import scope_pertemuan
from p2k2.models import Keanggotaan, Kehadiran, Kelompok, KonflikKehadiran, Pertemuan


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


@dataclass(frozen=True)
class FilterPertemuan:
    """The meeting list's narrowing (the rakor report's P2K2 figures link with it)."""

    bulan: datetime.date | None = None  # held or planned in this month (first day)
    status: str = ""
    kecamatan: Wilayah | None = None  # the group's kelurahan lies in it


def _jumlah_tanda(**kondisi: Any) -> Coalesce:
    """How many marks of the outer meeting (matching `kondisi`): a correlated subquery, so
    only the page's meetings are counted."""
    tanda = (
        Kehadiran.objects.filter(pertemuan=OuterRef("pk"), **kondisi)
        .order_by()
        .values("pertemuan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(tanda, output_field=IntegerField()), 0)


def pertemuan_list(*, user: User, filters: FilterPertemuan) -> QuerySet[Pertemuan]:
    """Meetings of the groups `user` may see, latest first, with their group, kelurahan and
    session (one query for a page), and how many families were marked present. The marks
    are counted per meeting of the page (issue 21: a join counted the marks of all 143.000
    meetings of a province for every page, 2 s), the order read from `pertemuan_terbaru`."""
    pertemuan = scope_pertemuan(user, Pertemuan.objects.all())
    if filters.bulan is not None:
        pertemuan = pertemuan.filter(
            tanggal__gte=filters.bulan, tanggal__lt=awal_bulan(filters.bulan, geser=1)
        )
    if filters.status:
        pertemuan = pertemuan.filter(status=filters.status)
    if filters.kecamatan is not None:
        pertemuan = pertemuan.filter(kelompok__kelurahan__parent=filters.kecamatan)
    return (
        pertemuan.select_related("kelompok__kelurahan", "kelompok__pendamping", "sesi__modul")
        .annotate(
            jumlah_hadir=_jumlah_tanda(status=Kehadiran.Status.HADIR),
            jumlah_dicatat=_jumlah_tanda(),
        )
        .order_by("-tanggal", "-pk")
    )
