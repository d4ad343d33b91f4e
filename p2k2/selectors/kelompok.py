"""Reads of P2K2 groups, their members and the curriculum, always scoped through
p2k2.access / kpm.access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Lower

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_wilayah
from dinsos.models import User, Wilayah
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from p2k2.access import can_manage_p2k2, scope_kelompok
from p2k2.models import (
    STATUS_BOLEH_BERGABUNG,
    Keanggotaan,
    Kehadiran,
    Kelompok,
    Modul,
    Pertemuan,
    Sesi,
)

# Group names in natural order ("Kelompok 2" before "Kelompok 10"), ignoring case: the name
# without its digits, then its first number (up to 18 digits, so it fits a bigint). Written
# in SQL rather than as an ICU collation because the embedded PostgreSQL of `make test` is
# built without ICU.
URUTAN_NAMA_ALAMI = (
    Lower(Func(F("nama"), Value("[0-9]+"), Value(""), Value("g"), function="regexp_replace")),
    Cast(Func(F("nama"), Value("[0-9]{1,18}"), function="substring"), BigIntegerField()).asc(
        nulls_first=True
    ),
    "nama",
    "pk",
)


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
        .order_by(*URUTAN_NAMA_ALAMI)
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
