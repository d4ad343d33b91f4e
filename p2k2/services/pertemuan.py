"""Writes of P2K2 meetings (DOMAIN.md §6: the SIKS-NG activity form limits)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from dinsos.errors import DomainError
from dinsos.formatting import angka, tanggal
from dinsos.models import User
from p2k2.lock_objects import kelompok_lock
from p2k2.models import (
    DESKRIPSI_MAKS,
    NAMA_KEGIATAN_MAKS,
    Kehadiran,
    Kelompok,
    Pertemuan,
    Sesi,
)
from p2k2.services.ringkasan import ringkasan_pertemuan_segarkan
from pendamping.services import ringkasan_kinerja_basi_keluarga

PERTEMUAN_FIELDS = (
    "sesi",
    "topik",
    "nama_kegiatan",
    "tanggal",
    "jam_mulai",
    "jam_selesai",
    "tempat",
    "narasumber_1",
    "narasumber_2",
    "narasumber_3",
    "deskripsi",
)
FOTO_FIELDS = ["foto", "foto_lat", "foto_lng"]
TEXT_FIELDS = frozenset(
    {"topik", "nama_kegiatan", "tempat", "narasumber_1", "narasumber_2", "narasumber_3"}
    | {"deskripsi", "foto"}
)


# --- Meetings ----------------------------------------------------------------------
def _check_pertemuan(data: Mapping[str, Any]) -> None:
    sesi, topik = data.get("sesi"), (data.get("topik") or "").strip()
    if sesi is None and not topik:
        raise DomainError("Pilih sesi kurikulum atau tulis topik P2K2 Adaptif.", field="sesi")
    if sesi is not None and topik:
        raise DomainError("Isi sesi kurikulum atau topik adaptif, bukan keduanya.", field="topik")
    if sesi is not None and sesi.modul.is_adaptif:
        raise DomainError("Modul P2K2 Adaptif memakai topik, bukan sesi.", field="sesi")
    # DOMAIN.md §6: SIKS-NG limits, refused at entry so the export never surprises.
    if len(data.get("nama_kegiatan") or "") > NAMA_KEGIATAN_MAKS:
        raise DomainError(
            f"Nama kegiatan paling banyak {NAMA_KEGIATAN_MAKS} karakter.", field="nama_kegiatan"
        )
    if len(data.get("deskripsi") or "") > DESKRIPSI_MAKS:
        raise DomainError(
            f"Deskripsi paling banyak {angka(DESKRIPSI_MAKS)} karakter.", field="deskripsi"
        )


class PertemuanGanda(DomainError):
    """The group already has a meeting on this date with this materi, and the new one was not
    confirmed as separate (`is_terpisah`); `pertemuan` is the one to continue."""

    def __init__(self, pertemuan: Pertemuan) -> None:
        super().__init__(
            f"Kelompok ini sudah punya pertemuan {pertemuan.judul} pada "
            f"{tanggal(pertemuan.tanggal)}. Lanjutkan pertemuan yang sudah ada?",
            field="is_terpisah",
        )
        self.pertemuan = pertemuan


def _pertemuan_sama(
    *,
    kelompok_id: int,
    hari: datetime.date,
    sesi: Sesi | None,
    kecuali: int | None = None,
) -> Pertemuan | None:
    """The group's meeting on `hari` with the same materi (adaptif counts as one materi):
    the original first, then any confirmed separate ones."""
    qs = Pertemuan.objects.filter(kelompok_id=kelompok_id, tanggal=hari, sesi=sesi)
    if kecuali is not None:
        qs = qs.exclude(pk=kecuali)
    return qs.select_related("sesi").order_by("is_terpisah", "pk").first()


@transaction.atomic
def pertemuan_create(
    *,
    kelompok: Kelompok,
    data: Mapping[str, Any],
    oleh: User,
    client_id: uuid.UUID | None = None,
) -> Pertemuan:
    """Plan or record a meeting of `kelompok`.

    Idempotent on `client_id` (made on the phone): a retry returns the meeting it created.
    Raises `PertemuanGanda` when the group already has a meeting on that date with that
    materi, unless `data["is_terpisah"]` confirms this one as separate (the database refuses
    the duplicate too: constraint `pertemuan_satu_per_materi`).
    """
    # The group's lock serialises the duplicate check (two phones syncing the same meeting).
    kelompok_lock([kelompok.pk])
    if client_id is not None:
        existing = Pertemuan.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.kelompok_id != kelompok.pk:
                raise DomainError("Pertemuan ini milik kelompok lain.")
            return existing
    _check_pertemuan(data)
    is_terpisah = bool(data.get("is_terpisah"))
    if not is_terpisah:
        sama = _pertemuan_sama(kelompok_id=kelompok.pk, hari=data["tanggal"], sesi=data.get("sesi"))
        if sama is not None:
            raise PertemuanGanda(sama)
    values = {k: _value(data, k) for k in (*PERTEMUAN_FIELDS, *FOTO_FIELDS)}
    if client_id is not None:
        values["client_id"] = client_id
    return Pertemuan.objects.create(
        kelompok=kelompok, dibuat_oleh=oleh, is_terpisah=is_terpisah, **values
    )


@transaction.atomic
def pertemuan_update(*, pertemuan: Pertemuan, data: Mapping[str, Any], oleh: User) -> Pertemuan:
    """Change a meeting's details, photo and photo location.

    Moving it onto the date and materi of another meeting of the group is refused (a meeting
    confirmed as separate may share them).
    """
    _check_pertemuan(data)
    if not pertemuan.is_terpisah:
        sama = _pertemuan_sama(
            kelompok_id=pertemuan.kelompok_id,
            hari=data.get("tanggal", pertemuan.tanggal),
            sesi=data.get("sesi", pertemuan.sesi),
            kecuali=pertemuan.pk,
        )
        if sama is not None and not sama.is_terpisah:
            raise DomainError(
                f"Kelompok ini sudah punya pertemuan {sama.judul} pada {tanggal(sama.tanggal)}; "
                "pilih tanggal atau materi lain.",
                field="tanggal",
            )
    tanggal_lama = pertemuan.tanggal
    changed = [k for k in PERTEMUAN_FIELDS if k in data]
    if data.get("foto"):  # a new photo replaces the old one, with its own location
        changed += FOTO_FIELDS
    for key in changed:
        setattr(pertemuan, key, _value(data, key))
    pertemuan.save(update_fields=[*changed, "updated_at"])
    if pertemuan.tanggal != tanggal_lama:
        # Its attendance and RHK 2 leave the old date's month and enter the new one's.
        hadir = Kehadiran.objects.filter(pertemuan=pertemuan).values("keluarga_id")
        kinerja_basi(pertemuan=pertemuan, keluarga_ids=hadir, hari=tanggal_lama)
        kinerja_basi(pertemuan=pertemuan, keluarga_ids=hadir)
    # A new date or session moves the recaps (month, curriculum) and the alfa order.
    ringkasan_pertemuan_segarkan(pertemuan=pertemuan)
    return pertemuan


def kinerja_basi(
    *, pertemuan: Pertemuan, keluarga_ids: Any, hari: datetime.date | None = None
) -> int:
    """Issue 21: the pendamping performance summary counts attendance (contacts of the
    families) and held meetings (RHK 2, the group's pendamping): mark the month of the
    meeting (or `hari`) and its year out of date for the group's pendamping and the
    families' pendamping on that day, in this transaction (one UPDATE; `keluarga_ids` may
    be a subquery). A meeting of last month synced today shows on last month's page."""
    return ringkasan_kinerja_basi_keluarga(
        keluarga_ids=keluarga_ids,
        tanggal=hari or pertemuan.tanggal,
        user_ids=Kelompok.objects.filter(pk=pertemuan.kelompok_id).values("pendamping_id"),
    )


def _value(data: Mapping[str, Any], key: str) -> Any:
    """The field's value, or its empty value ("" for text, None otherwise; 0 stays 0)."""
    value = data.get(key)
    if value is None:
        return "" if key in TEXT_FIELDS else None
    return value
