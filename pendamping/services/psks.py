"""Writes of the PMKS client register (issue 20): clients who are not KPM.

Callers pass clients already loaded through `pendamping.access.access_klien`; every write is
audited, and a NIK that is already registered is refused with a message, not a crash.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.formatting import JAKARTA
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from kpm import services as kpm_services
from kpm.models import PermintaanPembatasan
from pendamping.models import KlienPmks, PembatasanKlien, Pendamping
from pendamping.services.ringkasan import ringkasan_kinerja_basi

KLIEN_FIELDS = (
    "nama",
    "nik",
    "jenis_kelamin",
    "tanggal_lahir",
    "alamat",
    "kelurahan",
    "kategori",
    "pendamping",
    "keterangan",
)


def _check(data: Mapping[str, Any], *, oleh: User, klien_id: int | None) -> dict[str, Any]:
    values = {f: data.get(f) for f in KLIEN_FIELDS}
    values["nama"] = (values["nama"] or "").strip()
    values["nik"] = (values["nik"] or "").strip()
    values["alamat"] = (values["alamat"] or "").strip()
    values["keterangan"] = (values["keterangan"] or "").strip()
    if values["tanggal_lahir"] and values["tanggal_lahir"] > today():
        raise DomainError("Tanggal lahir tidak boleh setelah hari ini.", field="tanggal_lahir")
    nik = values["nik"]
    sama = KlienPmks.objects.filter(nik=nik)
    if klien_id is not None:
        sama = sama.exclude(pk=klien_id)
    if nik and sama.exists():
        raise DomainError("NIK ini sudah terdaftar sebagai klien PMKS.", field="nik")
    if oleh.role == User.Role.PENDAMPING:
        # A worker registers the clients they handle: the client lands in their own list.
        profil = Pendamping.objects.filter(user=oleh).first()
        if profil is None:
            raise DomainError("Akun Anda belum terhubung ke data pendamping. Hubungi admin.")
        values["pendamping"] = profil
    return values


@transaction.atomic
def klien_create(*, data: Mapping[str, Any], oleh: User) -> KlienPmks:
    """Register a PMKS client; a pendamping registers them as their own."""
    values = _check(data, oleh=oleh, klien_id=None)
    klien = KlienPmks.objects.create(**values, dicatat_oleh=oleh)
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=klien)
    _ringkasan_basi(klien.pendamping_id)
    return klien


def _ringkasan_basi(*pendamping_ids: int | None, sejak: datetime.date | None = None) -> None:
    """A client counts among the served of their current worker from the month they were
    registered (`sejak`; today for a new one): the performance summary of those workers
    (issue 21) is out of date from then on."""
    ids = [pk for pk in pendamping_ids if pk is not None]
    if ids:
        ringkasan_kinerja_basi(pendamping_ids=ids, sejak=sejak or today())


@transaction.atomic
def klien_update(*, klien: KlienPmks, data: Mapping[str, Any], oleh: User) -> KlienPmks:
    """Correct a client's data (an empty NIK field keeps the stored one: it is shown masked)."""
    values = _check({**data, "nik": data.get("nik") or klien.nik}, oleh=oleh, klien_id=klien.pk)
    sebelumnya = klien.pendamping_id
    if oleh.role == User.Role.PENDAMPING:
        values["pendamping"] = klien.pendamping  # a worker does not hand a client away
    for name, value in values.items():
        setattr(klien, name, value)
    klien.save(update_fields=[*values, "updated_at"])
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.UPDATE, obj=klien)
    if sebelumnya != klien.pendamping_id:
        # The client, with the visits and cases that reach them, moves for every period
        # since they were registered, not only from today.
        terdaftar = klien.created_at.astimezone(JAKARTA).date()
        _ringkasan_basi(sebelumnya, klien.pendamping_id, sejak=terdaftar)
    return klien


# --- Restriction requests (UU 27/2022; DOMAIN.md §10) ------------------------------------
@transaction.atomic
def klien_pembatasan_catat(
    *,
    klien: KlienPmks,
    jenis: PermintaanPembatasan.Jenis,
    diterima_at: datetime.datetime,
    dasar: str,
    oleh: User,
) -> PermintaanPembatasan:
    """Record a client's restriction/objection request in kpm's register (deadline 3×24 h
    after receipt, decided and lifted there by the admin, audited); the client is hidden
    from now on. Raises DomainError for a receipt in the future or a client already under a
    request in force."""
    locked = KlienPmks.objects.select_for_update().get(pk=klien.pk)  # one request at a time
    berlaku = PembatasanKlien.objects.filter(
        klien=locked, permintaan__status__in=PermintaanPembatasan.BERLAKU
    )
    if berlaku.exists():
        raise DomainError("Klien ini sudah dalam pembatasan yang berlaku.")
    permintaan = kpm_services.pembatasan_catat_lain(
        jenis=jenis, diterima_at=diterima_at, dasar=dasar, oleh=oleh
    )
    PembatasanKlien.objects.create(permintaan=permintaan, klien=locked)
    return permintaan
