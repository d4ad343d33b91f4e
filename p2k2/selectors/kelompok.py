"""Reads of P2K2 groups, their members and the curriculum, always scoped through
p2k2.access / kpm.access."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_wilayah
from dinsos.models import User, Wilayah
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from p2k2.access import can_manage_p2k2, scope_kelompok
from p2k2.models import (
    STATUS_BOLEH_BERGABUNG,
    URUTAN_NAMA_ALAMI,
    Keanggotaan,
    Kehadiran,
    Kelompok,
    Modul,
    Pertemuan,
    Sesi,
)


def _anggota_aktif(kelompok_ref: Any) -> QuerySet[Keanggotaan]:
    return Keanggotaan.objects.filter(kelompok_id=kelompok_ref, selesai__isnull=True)


def _terlaksana(kelompok_ref: Any) -> QuerySet[Pertemuan]:
    return Pertemuan.objects.filter(kelompok_id=kelompok_ref, status=Pertemuan.Status.TERLAKSANA)


def kurikulum_sesi() -> QuerySet[Sesi]:
    """Sessions every group is expected to have: active, non-adaptif modules."""
    return Sesi.objects.filter(modul__is_aktif=True, modul__is_adaptif=False)


def kurikulum_sidik(kurikulum: Iterable[int]) -> str:
    """The curriculum's fingerprint as `RingkasanKelompok.kurikulum_sidik` stores it: md5 of
    its session ids, ascending, joined by commas."""
    ids = ",".join(map(str, sorted(kurikulum)))
    return hashlib.md5(ids.encode(), usedforsecurity=False).hexdigest()


def sesi_kurikulum_sql(alias: str) -> str:
    """SQL for the curriculum sessions held by the group of summary row `alias` (named
    parameters `kurikulum`, the ids, and `kurikulum_sidik`): the stored count while the
    curriculum is the one it was computed for, else counted from the sessions held."""
    return f"""CASE WHEN {alias}.kurikulum_sidik = %(kurikulum_sidik)s THEN {alias}.sesi_kurikulum
        ELSE (SELECT COUNT(*) FROM unnest({alias}.sesi_terlaksana) AS s (id)
              WHERE s.id = ANY(%(kurikulum)s::bigint[])) END"""  # noqa: S608 (an alias of ours)


class _SesiDalamKurikulum(Func):
    """How many ids of an array (sessions held) are in a list of ids (the curriculum)."""

    template = "(SELECT COUNT(*) FROM unnest(%(expressions)s::bigint[]))"
    arg_joiner = ") AS s (id) WHERE s.id = ANY("
    output_field = IntegerField()

    def __init__(self, held: Any, kurikulum: list[int]) -> None:
        super().__init__(held, Value(kurikulum, output_field=ArrayField(BigIntegerField())))


def _sesi_kurikulum(kurikulum: list[int]) -> Case:
    """`sesi_kurikulum_sql` for a queryset of groups (through their `ringkasan`)."""
    return Case(
        When(
            ringkasan__kurikulum_sidik=kurikulum_sidik(kurikulum),
            then=F("ringkasan__sesi_kurikulum"),
        ),
        default=_SesiDalamKurikulum(F("ringkasan__sesi_terlaksana"), kurikulum),
        output_field=IntegerField(),
    )


def kelompok_list(*, user: User) -> QuerySet[Kelompok]:
    """Groups the user may see with their size, meetings held, last meeting and sessions not
    yet held, from the summary (`RingkasanKelompok`, issue 21; `diperbarui`: when the row
    was computed): 1 query for the curriculum, then a plain scan of the groups."""
    kurikulum = list(kurikulum_sesi().values_list("pk", flat=True))
    return (
        scope_kelompok(user, Kelompok.objects.all())
        .select_related("pendamping", "kelurahan__parent")
        .annotate(
            jumlah_anggota=Coalesce(F("ringkasan__jumlah_anggota"), 0),
            jumlah_pertemuan=Coalesce(F("ringkasan__pertemuan_terlaksana"), 0),
            sesi_dilaksanakan=_sesi_kurikulum(kurikulum),
            pertemuan_terakhir=F("ringkasan__pertemuan_terakhir"),
            diperbarui=F("ringkasan__dihitung_pada"),
        )
        .annotate(sesi_belum=len(kurikulum) - F("sesi_dilaksanakan"))
        .order_by(*URUTAN_NAMA_ALAMI)
    )


def kelompok_diperbarui(kelompok: Iterable[Kelompok]) -> datetime.datetime | None:
    """When the newest summary row of these groups (from `kelompok_list`) was computed."""
    waktu = [w for k in kelompok if (w := getattr(k, "diperbarui", None))]
    return max(waktu, default=None)


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
