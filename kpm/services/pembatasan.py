"""Writes of restriction and objection requests (UU 27/2022; DOMAIN.md §10).

Recording a request hides the family at once (kpm.access); an admin grants or refuses it
within 3×24 hours, and a granted restriction is lifted by an admin when its ground ends.
Every step is audited. None of them touches the family's aid (the legal minimum). Figures
leave a restricted family out too (issue 21: counting is processing), so recording, refusing
and lifting a family's request mark its pendamping's performance summary out of date in the
same transaction (kpm.services.ringkasan_basi).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.models import AuditEvent, User
from kpm.models import Anggota, Keluarga, PermintaanPembatasan
from kpm.services.ringkasan_basi import pembatasan_ringkasan_basi

# DOMAIN.md §10: access/restriction requests are answered within 3×24 h.
TENGGAT_KEPUTUSAN = datetime.timedelta(hours=3 * 24)
P = PermintaanPembatasan


def _diterima_lalu(diterima_at: datetime.datetime) -> None:
    if diterima_at > timezone.now():
        raise DomainError("Waktu diterima tidak boleh di masa depan.", field="diterima_at")


def _alasan(text: str, field: str) -> str:
    text = text.strip()
    if len(text) < 5:
        raise DomainError("Tuliskan dasarnya (paling sedikit 5 huruf).", field=field)
    return text


@transaction.atomic
def pembatasan_catat(
    *,
    keluarga: Keluarga,
    anggota: Anggota | None,
    jenis: PermintaanPembatasan.Jenis,
    diterima_at: datetime.datetime,
    dasar: str,
    oleh: User,
) -> PermintaanPembatasan:
    """Record a request received at `diterima_at`; the family is hidden from now on and
    the decision is due 3×24 h after receipt. Raises DomainError for a receipt in the
    future or a family already under a request in force."""
    _diterima_lalu(diterima_at)
    if anggota is not None and anggota.keluarga_id != keluarga.pk:
        raise DomainError("Anggota itu bukan anggota keluarga ini.")
    Keluarga.objects.select_for_update().filter(pk=keluarga.pk).first()  # one request at a time
    if P.objects.filter(keluarga=keluarga, status__in=P.BERLAKU).exists():
        raise DomainError("Keluarga ini sudah dalam pembatasan yang berlaku.")
    permintaan = _buat(
        keluarga=keluarga, anggota=anggota, jenis=jenis, diterima_at=diterima_at, dasar=dasar,
        oleh=oleh,
    )  # fmt: skip
    pembatasan_ringkasan_basi(keluarga_id=keluarga.pk)  # the figures leave it out from now
    return permintaan


@transaction.atomic
def pembatasan_catat_lain(
    *,
    jenis: PermintaanPembatasan.Jenis,
    diterima_at: datetime.datetime,
    dasar: str,
    oleh: User,
) -> PermintaanPembatasan:
    """Record a request about a person another app registers (a PMKS client): the same
    deadline, decision and audit as a family's. The calling app links it to its person in
    the same transaction, hides them, and refuses a second request in force."""
    _diterima_lalu(diterima_at)
    return _buat(
        keluarga=None, anggota=None, jenis=jenis, diterima_at=diterima_at, dasar=dasar, oleh=oleh
    )


def _buat(
    *,
    keluarga: Keluarga | None,
    anggota: Anggota | None,
    jenis: PermintaanPembatasan.Jenis,
    diterima_at: datetime.datetime,
    dasar: str,
    oleh: User,
) -> PermintaanPembatasan:
    permintaan = P.objects.create(
        jenis=jenis,
        keluarga=keluarga,
        anggota=anggota,
        diterima_at=diterima_at,
        dasar=_alasan(dasar, "dasar"),
        tenggat=diterima_at + TENGGAT_KEPUTUSAN,
        dicatat_oleh=oleh,
    )
    dinsos_services.audit_record(
        user=oleh, action=AuditEvent.Action.CREATE, obj=permintaan, reason=permintaan.dasar
    )
    return permintaan


@transaction.atomic
def pembatasan_putuskan(
    *, permintaan: PermintaanPembatasan, dikabulkan: bool, catatan: str, oleh: User
) -> PermintaanPembatasan:
    """Grant (the family stays hidden) or refuse (it shows again) a waiting request."""
    locked = P.objects.select_for_update().get(pk=permintaan.pk)
    if locked.status != P.Status.MENUNGGU:
        raise DomainError("Permintaan ini sudah diputuskan.")
    locked.status = P.Status.DIKABULKAN if dikabulkan else P.Status.DITOLAK
    locked.catatan_keputusan = _alasan(catatan, "catatan")
    locked.diputuskan_oleh = oleh
    locked.diputuskan_at = timezone.now()
    locked.save(
        update_fields=[
            "status", "catatan_keputusan", "diputuskan_oleh", "diputuskan_at", "updated_at",
        ]
    )  # fmt: skip
    dinsos_services.audit_record(
        user=oleh,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        reason=f"{locked.get_status_display()}: {locked.catatan_keputusan}",
    )
    if not dikabulkan and locked.keluarga_id is not None:
        pembatasan_ringkasan_basi(keluarga_id=locked.keluarga_id)  # counted again
    return locked


@transaction.atomic
def pembatasan_cabut(
    *, permintaan: PermintaanPembatasan, catatan: str, oleh: User
) -> PermintaanPembatasan:
    """Lift a granted restriction (its ground ended, or the person withdrew it): the
    family shows again in lists and exports."""
    locked = P.objects.select_for_update().get(pk=permintaan.pk)
    if locked.status != P.Status.DIKABULKAN:
        raise DomainError("Hanya pembatasan yang dikabulkan yang dapat dicabut.")
    catatan = _alasan(catatan, "catatan")
    locked.status = P.Status.DICABUT
    locked.dicabut_at = timezone.now()
    locked.catatan_keputusan = f"{locked.catatan_keputusan}\nDicabut: {catatan}".strip()
    locked.save(update_fields=["status", "dicabut_at", "catatan_keputusan", "updated_at"])
    dinsos_services.audit_record(
        user=oleh, action=AuditEvent.Action.UPDATE, obj=locked, reason=f"Dicabut: {catatan}"
    )
    if locked.keluarga_id is not None:
        pembatasan_ringkasan_basi(keluarga_id=locked.keluarga_id)  # counted again
    return locked
