"""Writes of P2K2 groups and their membership history."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError
from dinsos.formatting import angka, mask_no_kk
from dinsos.models import User
from dinsos.pengaturan import today
from kpm.models import Keluarga
from p2k2.lock_objects import kelompok_lock
from p2k2.models import (
    STATUS_BOLEH_BERGABUNG,
    Keanggotaan,
    Kelompok,
)
from p2k2.services.ringkasan import ringkasan_kelompok_segarkan

KELOMPOK_FIELDS = ("nama", "pendamping", "kelurahan", "tempat")


def _daftar_kk(keluarga: Collection[Keluarga]) -> str:
    return ", ".join(f"KK {mask_no_kk(k.no_kk)}" for k in keluarga)


# --- Groups ----------------------------------------------------------------------
@transaction.atomic
def kelompok_create(*, data: Mapping[str, Any], oleh: User) -> Kelompok:
    """Create a group led by `data["pendamping"]` (a user with the pendamping role)."""
    pendamping: User = data["pendamping"]
    if pendamping.role != User.Role.PENDAMPING:
        raise DomainError("Ketua pelaksana kelompok harus akun pendamping.", field="pendamping")
    if Kelompok.objects.filter(pendamping=pendamping, nama__iexact=data["nama"]).exists():
        raise DomainError(
            f"Pendamping ini sudah punya kelompok bernama {data['nama']}.", field="nama"
        )
    return Kelompok.objects.create(**{k: data[k] for k in KELOMPOK_FIELDS})


@transaction.atomic
def kelompok_update(*, kelompok: Kelompok, data: Mapping[str, Any], oleh: User) -> Kelompok:
    """Change a group's name, usual place and ketua (who must be a current member)."""
    ketua: Keluarga | None = data.get("ketua")
    if (
        ketua is not None
        and not Keanggotaan.objects.filter(
            kelompok=kelompok, keluarga=ketua, selesai__isnull=True
        ).exists()
    ):
        raise DomainError("Ketua kelompok harus anggota kelompok ini.", field="ketua")
    duplicate = Kelompok.objects.filter(
        pendamping_id=kelompok.pendamping_id, nama__iexact=data["nama"]
    ).exclude(pk=kelompok.pk)
    if duplicate.exists():
        raise DomainError(
            f"Pendamping ini sudah punya kelompok bernama {data['nama']}.", field="nama"
        )
    kelompok.nama = data["nama"]
    kelompok.tempat = data["tempat"]
    kelompok.ketua = ketua
    kelompok.save(update_fields=["nama", "tempat", "ketua", "updated_at"])
    return kelompok


def _check_room(kelompok: Kelompok, tambah: int, tanggal: datetime.date) -> None:
    maks = dinsos_selectors.pengaturan_get("p2k2_kelompok_maks", on=tanggal)  # DOMAIN.md §6
    ada = Keanggotaan.objects.filter(kelompok=kelompok, selesai__isnull=True).count()
    if ada + tambah > maks:
        sisa = max(maks - ada, 0)
        raise DomainError(
            f"Kelompok {kelompok.nama} sudah {angka(ada)} anggota; paling banyak {angka(maks)} "
            f"keluarga per kelompok. Hanya {angka(sisa)} keluarga lagi yang bisa ditambahkan."
        )


def _check_keluarga(kelompok: Kelompok, keluarga: Sequence[Keluarga]) -> None:
    lain = [k for k in keluarga if k.pendamping_id != kelompok.pendamping_id]
    if lain:
        raise DomainError(
            f"{angka(len(lain))} keluarga tidak didampingi pendamping kelompok ini: "
            f"{_daftar_kk(lain)}."
        )
    selesai = [k for k in keluarga if k.status not in STATUS_BOLEH_BERGABUNG]
    if selesai:
        raise DomainError(
            f"{angka(len(selesai))} keluarga sudah graduasi atau dibatalkan: {_daftar_kk(selesai)}."
        )


@transaction.atomic
def keanggotaan_tambah(
    *,
    kelompok: Kelompok,
    keluarga_ids: Collection[int],
    oleh: User,
    tanggal: datetime.date | None = None,
) -> int:
    """Add families to a group from `tanggal` (default today).

    Refuses (DomainError, nothing written) when a family is already in a group, is not
    served by the group's pendamping, has left the programme, or the group would pass the
    maximum size (setting `p2k2_kelompok_maks`, DOMAIN.md §6).
    """
    day = tanggal or today()
    kelompok_lock([kelompok.pk])
    keluarga = list(Keluarga.objects.filter(pk__in=keluarga_ids).order_by("no_kk"))
    if len(keluarga) != len(set(keluarga_ids)):
        raise DomainError("Sebagian keluarga tidak ditemukan; muat ulang halaman.")
    _check_keluarga(kelompok, keluarga)
    sudah = list(
        Keanggotaan.objects.filter(keluarga_id__in=keluarga_ids, selesai__isnull=True)
        .select_related("kelompok", "keluarga")
        .order_by("keluarga__no_kk")
    )
    if sudah:
        rincian = ", ".join(f"KK {mask_no_kk(a.keluarga.no_kk)} ({a.kelompok})" for a in sudah)
        raise DomainError(
            f"{angka(len(sudah))} keluarga sudah menjadi anggota kelompok: {rincian}. "
            "Pindahkan dari kelompok itu, bukan ditambahkan."
        )
    _check_room(kelompok, len(keluarga), day)
    try:
        with transaction.atomic():
            Keanggotaan.objects.bulk_create(
                [Keanggotaan(kelompok=kelompok, keluarga=k, mulai=day, oleh=oleh) for k in keluarga]
            )
    except IntegrityError as exc:  # another request added one of them meanwhile
        raise DomainError("Sebagian keluarga baru saja ditambahkan ke kelompok lain.") from exc
    ringkasan_kelompok_segarkan(kelompok_ids=[kelompok.pk])  # members, months running
    return len(keluarga)


@transaction.atomic
def keanggotaan_pindah(
    *,
    ke: Kelompok,
    keluarga_ids: Collection[int],
    oleh: User,
    tanggal: datetime.date | None = None,
) -> int:
    """Move families from their current group to `ke` from `tanggal`: the old membership is
    closed that day and kept as history. Same checks as `keanggotaan_tambah`."""
    day = tanggal or today()
    sekarang = list(
        Keanggotaan.objects.filter(keluarga_id__in=keluarga_ids, selesai__isnull=True)
        .select_related("keluarga")
        .order_by("keluarga__no_kk")
    )
    if len(sekarang) != len(set(keluarga_ids)):
        raise DomainError("Sebagian keluarga belum menjadi anggota kelompok mana pun.")
    kelompok_lock({ke.pk, *(a.kelompok_id for a in sekarang)})
    if any(a.kelompok_id == ke.pk for a in sekarang):
        raise DomainError(f"Sebagian keluarga sudah menjadi anggota {ke.nama}.")
    keluarga = [a.keluarga for a in sekarang]
    _check_keluarga(ke, keluarga)
    if any(a.mulai > day for a in sekarang):
        raise DomainError("Tanggal pindah tidak boleh sebelum tanggal keluarga masuk kelompok.")
    _check_room(ke, len(keluarga), day)
    Keanggotaan.objects.filter(pk__in=[a.pk for a in sekarang]).update(
        selesai=day, updated_at=timezone.now()
    )
    # A ketua who moves away is no longer the old group's ketua.
    Kelompok.objects.filter(ketua_id__in=keluarga_ids).exclude(pk=ke.pk).update(ketua=None)
    Keanggotaan.objects.bulk_create(
        [Keanggotaan(kelompok=ke, keluarga=k, mulai=day, oleh=oleh) for k in keluarga]
    )
    ringkasan_kelompok_segarkan(kelompok_ids={ke.pk, *(a.kelompok_id for a in sekarang)})
    return len(keluarga)


@transaction.atomic
def keanggotaan_akhiri(
    *,
    kelompok: Kelompok,
    keluarga_ids: Collection[int],
    oleh: User,
    tanggal: datetime.date | None = None,
) -> int:
    """End families' membership of `kelompok` on `tanggal` (history kept)."""
    day = tanggal or today()
    kelompok_lock([kelompok.pk])
    aktif = Keanggotaan.objects.filter(
        kelompok=kelompok, keluarga_id__in=keluarga_ids, selesai__isnull=True
    )
    if aktif.filter(mulai__gt=day).exists():
        raise DomainError("Tanggal keluar tidak boleh sebelum tanggal keluarga masuk kelompok.")
    jumlah = aktif.update(selesai=day, updated_at=timezone.now())
    if kelompok.ketua_id in keluarga_ids:
        kelompok.ketua = None
        kelompok.save(update_fields=["ketua", "updated_at"])
    ringkasan_kelompok_segarkan(kelompok_ids=[kelompok.pk])
    return jumlah
