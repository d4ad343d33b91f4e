"""Writes of a pendamping's field records: cases, referrals, visits and satisfaction scores.

Every service runs in one transaction and raises DomainError with an Indonesian message the
user can act on. Callers pass families already loaded through `pendamping.access`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.formatting import tanggal
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from kpm.models import Keluarga
from pendamping.models import (
    Kasus,
    Kunjungan,
    Pendamping,
    Rujukan,
    SkorKepuasan,
)
from pendamping.services.ringkasan import ringkasan_kinerja_basi_catatan


def _pendamping_for(*, keluarga: Keluarga, oleh: User) -> Pendamping:
    """The worker a record belongs to: the author if a pendamping, else the family's own."""
    user_id = oleh.pk if oleh.role == User.Role.PENDAMPING else keluarga.pendamping_id
    profil = Pendamping.objects.filter(user_id=user_id).first() if user_id else None
    if profil is None and oleh.role == User.Role.PENDAMPING:
        raise DomainError("Akun Anda belum terhubung ke data pendamping. Hubungi admin.")
    if profil is None:
        raise DomainError(
            "Keluarga ini belum memiliki pendamping dengan data pendamping; tetapkan dulu."
        )
    return profil


def _check_tanggal(value: datetime.date, *, field: str, label: str) -> None:
    if value > today():
        raise DomainError(f"{label} tidak boleh setelah hari ini.", field=field)


def _audit_create(oleh: User, obj: Kasus | Rujukan | Kunjungan | SkorKepuasan) -> None:
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=obj)
    ringkasan_kinerja_basi_catatan(obj)  # issue 21: the summary shows the record at once


@transaction.atomic
def kasus_catat(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> Kasus:
    """Record a family's reported problem (status dilaporkan)."""
    _check_tanggal(data["tanggal_lapor"], field="tanggal_lapor", label="Tanggal dilaporkan")
    kasus = Kasus.objects.create(
        keluarga=keluarga,
        pendamping=_pendamping_for(keluarga=keluarga, oleh=oleh),
        tanggal_lapor=data["tanggal_lapor"],
        kategori=data["kategori"],
        deskripsi=data["deskripsi"].strip(),
        dicatat_oleh=oleh,
    )
    _audit_create(oleh, kasus)
    return kasus


# The case lifecycle: reported → handled → closed; a case may be closed when first handled.
TRANSISI_KASUS: dict[str, frozenset[str]] = {
    Kasus.Status.DILAPORKAN: frozenset({Kasus.Status.DITANGANI, Kasus.Status.SELESAI}),
    Kasus.Status.DITANGANI: frozenset({Kasus.Status.SELESAI}),
    Kasus.Status.SELESAI: frozenset(),
}


@transaction.atomic
def kasus_status_ubah(
    *,
    kasus: Kasus,
    ke: str,
    tanggal_ditangani: datetime.date | None,
    tindakan: str,
    oleh: User,
) -> Kasus:
    """Move a case on (ditangani, selesai). The first move sets the handled date, which the
    response-time indicator measures; it cannot precede the report or follow today."""
    locked = Kasus.objects.select_for_update().get(pk=kasus.pk)
    sekarang, tujuan = Kasus.Status(locked.status), Kasus.Status(ke)
    if tujuan not in TRANSISI_KASUS[sekarang]:
        raise DomainError(
            f"Kasus berstatus {sekarang.label.lower()} tidak dapat diubah menjadi "
            f"{tujuan.label.lower()}.",
            field="ke",
        )
    fields = ["status", "updated_at"]
    if locked.tanggal_ditangani is None:
        if tanggal_ditangani is None:
            raise DomainError("Isi tanggal kasus ditangani.", field="tanggal_ditangani")
        _check_tanggal(tanggal_ditangani, field="tanggal_ditangani", label="Tanggal ditangani")
        if tanggal_ditangani < locked.tanggal_lapor:
            raise DomainError(
                f"Tanggal ditangani tidak boleh sebelum tanggal dilaporkan "
                f"({tanggal(locked.tanggal_lapor)}).",
                field="tanggal_ditangani",
            )
        locked.tanggal_ditangani = tanggal_ditangani
        fields.append("tanggal_ditangani")
    if tindakan.strip():
        locked.tindakan = tindakan.strip()
        fields.append("tindakan")
    locked.status = tujuan
    locked.save(update_fields=fields)
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.UPDATE, obj=locked)
    ringkasan_kinerja_basi_catatan(locked)
    return locked


@transaction.atomic
def rujukan_kirim(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> Rujukan:
    """Record a referral sent to another service."""
    _check_tanggal(data["tanggal_kirim"], field="tanggal_kirim", label="Tanggal dikirim")
    tujuan_lain = (data.get("tujuan_lain") or "").strip()
    if data["tujuan"] == Rujukan.Tujuan.LAINNYA and not tujuan_lain:
        raise DomainError("Tuliskan layanan tujuan rujukan.", field="tujuan_lain")
    kasus = data.get("kasus")
    if kasus is not None and kasus.keluarga_id != keluarga.pk:
        raise DomainError("Kasus yang dipilih milik keluarga lain.", field="kasus")
    rujukan = Rujukan.objects.create(
        keluarga=keluarga,
        pendamping=_pendamping_for(keluarga=keluarga, oleh=oleh),
        kasus=kasus,
        tujuan=data["tujuan"],
        tujuan_lain=tujuan_lain if data["tujuan"] == Rujukan.Tujuan.LAINNYA else "",
        tanggal_kirim=data["tanggal_kirim"],
        keperluan=(data.get("keperluan") or "").strip(),
        dicatat_oleh=oleh,
    )
    _audit_create(oleh, rujukan)
    return rujukan


@transaction.atomic
def rujukan_hasil_catat(
    *, rujukan: Rujukan, status: str, hasil: str, tanggal_selesai: datetime.date, oleh: User
) -> Rujukan:
    """Record a referral's outcome (served or not); an outcome is recorded once."""
    locked = Rujukan.objects.select_for_update().get(pk=rujukan.pk)
    if locked.status != Rujukan.Status.DIKIRIM:
        raise DomainError(
            f"Hasil rujukan ini sudah dicatat ({locked.get_status_display().lower()}).",
            field="status",
        )
    if status == Rujukan.Status.DIKIRIM:
        raise DomainError("Pilih hasil rujukan.", field="status")
    _check_tanggal(tanggal_selesai, field="tanggal_selesai", label="Tanggal selesai")
    if tanggal_selesai < locked.tanggal_kirim:
        raise DomainError(
            f"Tanggal selesai tidak boleh sebelum tanggal dikirim "
            f"({tanggal(locked.tanggal_kirim)}).",
            field="tanggal_selesai",
        )
    locked.status = status
    locked.hasil = hasil.strip()
    locked.tanggal_selesai = tanggal_selesai
    locked.save(update_fields=["status", "hasil", "tanggal_selesai", "updated_at"])
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.UPDATE, obj=locked)
    ringkasan_kinerja_basi_catatan(locked)
    return locked


@transaction.atomic
def kunjungan_catat(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> Kunjungan:
    """Record a home visit or verification (counts the family as reached that month)."""
    _check_tanggal(data["tanggal"], field="tanggal", label="Tanggal kunjungan")
    kunjungan = Kunjungan.objects.create(
        keluarga=keluarga,
        pendamping=_pendamping_for(keluarga=keluarga, oleh=oleh),
        tanggal=data["tanggal"],
        jenis=data["jenis"],
        catatan=(data.get("catatan") or "").strip(),
        dicatat_oleh=oleh,
    )
    _audit_create(oleh, kunjungan)
    return kunjungan
