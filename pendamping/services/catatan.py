"""Writes of a pendamping's field records: cases, referrals, visits and satisfaction scores.

Every service runs in one transaction and raises DomainError with an Indonesian message the
user can act on. Callers pass families (or, for cases, referrals and visits, PMKS clients:
issue 20) already loaded through `pendamping.access`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.formatting import tanggal
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from kpm.models import Keluarga
from pendamping.models import (
    Kasus,
    KlienPmks,
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


def _subjek(keluarga: Keluarga | None, klien: KlienPmks | None) -> dict[str, Any]:
    """The record's subject as model fields: exactly one of a family and a client."""
    if (keluarga is None) == (klien is None):
        raise DomainError("Pilih satu keluarga KPM atau satu klien PMKS.", field="keluarga")
    return {"keluarga": keluarga} if keluarga is not None else {"klien": klien}


def _pendamping_for_subjek(
    *, keluarga: Keluarga | None, klien: KlienPmks | None, oleh: User
) -> Pendamping:
    """The worker a record belongs to: the author if a pendamping (any PSKS kind with a
    login), else the family's pendamping or the worker handling the client."""
    if keluarga is not None:
        return _pendamping_for(keluarga=keluarga, oleh=oleh)
    assert klien is not None
    if oleh.role == User.Role.PENDAMPING:
        profil = Pendamping.objects.filter(user_id=oleh.pk).first()
        if profil is None:
            raise DomainError("Akun Anda belum terhubung ke data pendamping. Hubungi admin.")
        return profil
    if klien.pendamping is None:
        raise DomainError(
            "Klien ini belum memiliki petugas yang menangani; tetapkan dulu di data klien."
        )
    return klien.pendamping


def _check_tanggal(value: datetime.date, *, field: str, label: str) -> None:
    if value > today():
        raise DomainError(f"{label} tidak boleh setelah hari ini.", field=field)


def _audit_create(oleh: User, obj: Kasus | Rujukan | Kunjungan | SkorKepuasan) -> None:
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=obj)
    ringkasan_kinerja_basi_catatan(obj)  # issue 21: the summary shows the record at once


@transaction.atomic
def kasus_catat(
    *,
    keluarga: Keluarga | None = None,
    klien: KlienPmks | None = None,
    data: Mapping[str, Any],
    oleh: User,
) -> Kasus:
    """Record a reported problem of a family or a PMKS client (status dilaporkan)."""
    subjek = _subjek(keluarga, klien)
    _check_tanggal(data["tanggal_lapor"], field="tanggal_lapor", label="Tanggal dilaporkan")
    kasus = Kasus.objects.create(
        **subjek,
        pendamping=_pendamping_for_subjek(keluarga=keluarga, klien=klien, oleh=oleh),
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
def rujukan_kirim(
    *,
    keluarga: Keluarga | None = None,
    klien: KlienPmks | None = None,
    data: Mapping[str, Any],
    oleh: User,
) -> Rujukan:
    """Record a referral of a family or a PMKS client sent to another service."""
    subjek = _subjek(keluarga, klien)
    _check_tanggal(data["tanggal_kirim"], field="tanggal_kirim", label="Tanggal dikirim")
    tujuan_lain = (data.get("tujuan_lain") or "").strip()
    if data["tujuan"] == Rujukan.Tujuan.LAINNYA and not tujuan_lain:
        raise DomainError("Tuliskan layanan tujuan rujukan.", field="tujuan_lain")
    kasus = data.get("kasus")
    milik = (keluarga.pk if keluarga else None, klien.pk if klien else None)
    if kasus is not None and (kasus.keluarga_id, kasus.klien_id) != milik:
        raise DomainError("Kasus yang dipilih milik keluarga atau klien lain.", field="kasus")
    rujukan = Rujukan.objects.create(
        **subjek,
        pendamping=_pendamping_for_subjek(keluarga=keluarga, klien=klien, oleh=oleh),
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
    *,
    rujukan: Rujukan,
    status: str,
    hasil: str,
    tanggal_selesai: datetime.date,
    oleh: User,
    dokumen: UploadedFile | None = None,
) -> Rujukan:
    """Record the receiving institution's answer: served or not, its date, what it said and
    its letter (`dokumen`, already checked by `dinsos.uploads.UploadField`). Recorded once."""
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
    fields = ["status", "hasil", "tanggal_selesai", "updated_at"]
    if dokumen is not None:
        locked.dokumen_jawaban = dokumen  # type: ignore[assignment]  # FieldFile descriptor
        locked.tipe_dokumen = dokumen.content_type or ""
        fields += ["dokumen_jawaban", "tipe_dokumen"]
    locked.save(update_fields=fields)
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.UPDATE, obj=locked)
    ringkasan_kinerja_basi_catatan(locked)
    return locked


@transaction.atomic
def kunjungan_catat(
    *,
    keluarga: Keluarga | None = None,
    klien: KlienPmks | None = None,
    data: Mapping[str, Any],
    oleh: User,
) -> Kunjungan:
    """Record a home visit or verification of a family or a PMKS client (counts them as
    reached that month)."""
    subjek = _subjek(keluarga, klien)
    _check_tanggal(data["tanggal"], field="tanggal", label="Tanggal kunjungan")
    kunjungan = Kunjungan.objects.create(
        **subjek,
        pendamping=_pendamping_for_subjek(keluarga=keluarga, klien=klien, oleh=oleh),
        tanggal=data["tanggal"],
        jenis=data["jenis"],
        catatan=(data.get("catatan") or "").strip(),
        dicatat_oleh=oleh,
    )
    _audit_create(oleh, kunjungan)
    return kunjungan
