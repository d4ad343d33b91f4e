"""Satisfaction scores from the family, not from its pendamping (issue 20, D10).

A score is always about the family's pendamping, whoever collects it: office staff by phone,
another worker on a visit, or the family itself through a one-time link or QR (no login).
The channel follows from who records it; a score the family's own pendamping enters is kept
but does not count in their indicator (`pendamping.selectors.indikator`).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Collection, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from dinsos.selectors import pengaturan_get
from kpm.models import Keluarga
from pendamping.models import SKOR_MAKS, SKOR_MIN, Pendamping, SkorKepuasan, TautanKepuasan
from pendamping.services.ringkasan import ringkasan_kinerja_basi_catatan

TAUTAN_SUDAH_DIPAKAI = "Penilaian untuk periode ini sudah diisi. Terima kasih."


def kanal_untuk(*, keluarga: Keluarga, oleh: User) -> SkorKepuasan.Kanal:
    """The channel a score comes through, from who records it."""
    if oleh.role != User.Role.PENDAMPING:
        return SkorKepuasan.Kanal.TELEPON
    if keluarga.pendamping_id == oleh.pk:
        return SkorKepuasan.Kanal.PENDAMPING
    return SkorKepuasan.Kanal.KUNJUNGAN


def _pendamping_keluarga(keluarga: Keluarga) -> Pendamping:
    profil = (
        Pendamping.objects.filter(user_id=keluarga.pendamping_id).first()
        if keluarga.pendamping_id
        else None
    )
    if profil is None:
        raise DomainError(
            "Keluarga ini belum memiliki pendamping dengan data pendamping; tetapkan dulu."
        )
    return profil


def _check_skor(skor: int) -> None:
    if not SKOR_MIN <= skor <= SKOR_MAKS:
        raise DomainError(f"Skor kepuasan {SKOR_MIN}–{SKOR_MAKS}.", field="skor")


@transaction.atomic
def skor_catat(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> SkorKepuasan:
    """Record a family's satisfaction score (1–5) about the family's pendamping; the channel
    follows from who records it (`kanal_untuk`)."""
    if data["tanggal"] > today():
        raise DomainError("Tanggal penilaian tidak boleh setelah hari ini.", field="tanggal")
    _check_skor(data["skor"])
    skor = SkorKepuasan.objects.create(
        keluarga=keluarga,
        pendamping=_pendamping_keluarga(keluarga),
        skor=data["skor"],
        tanggal=data["tanggal"],
        catatan=(data.get("catatan") or "").strip(),
        kanal=kanal_untuk(keluarga=keluarga, oleh=oleh),
        dicatat_oleh=oleh,
    )
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=skor)
    ringkasan_kinerja_basi_catatan(skor)
    return skor


def periode_kepuasan(day: datetime.date) -> datetime.date:
    """The first day of the survey period holding `day` (blocks of the setting's months,
    counted from January)."""
    panjang = max(1, min(12, int(pengaturan_get("kepuasan_periode_bulan", on=day))))
    bulan = (day.month - 1) // panjang * panjang + 1
    return datetime.date(day.year, bulan, 1)


@transaction.atomic
def tautan_siapkan(*, keluarga_ids: Collection[int], hari: datetime.date) -> dict[int, str]:
    """The one-time survey token of each family for the period holding `hari`, made when
    missing (set-based: one insert, one read). Families without a pendamping profile get
    none. Idempotent: printing the sheet twice gives the same tokens."""
    periode = periode_kepuasan(hari)
    profil = dict(
        Pendamping.objects.filter(
            user_id__in=Keluarga.objects.filter(pk__in=keluarga_ids).values("pendamping_id")
        ).values_list("user_id", "pk")
    )
    keluarga = Keluarga.objects.filter(pk__in=keluarga_ids, pendamping_id__in=list(profil))
    TautanKepuasan.objects.bulk_create(
        [
            TautanKepuasan(
                keluarga_id=k_id,
                pendamping_id=profil[user_id],
                periode=periode,
                token=secrets.token_urlsafe(32),
            )
            for k_id, user_id in keluarga.values_list("pk", "pendamping_id")
        ],
        ignore_conflicts=True,  # a family's link for the period already exists: keep it
    )
    return dict(
        TautanKepuasan.objects.filter(keluarga_id__in=keluarga_ids, periode=periode).values_list(
            "keluarga_id", "token"
        )
    )


@transaction.atomic
def tautan_jawab(*, token: str, skor: int, catatan: str) -> SkorKepuasan:
    """The family's own answer through its link: once per link (a second answer, a link of
    an earlier period or an unknown token is refused)."""
    _check_skor(skor)
    tautan = (
        TautanKepuasan.objects.select_for_update()
        .select_related("keluarga")
        .filter(token=token)
        .first()
    )
    if tautan is None:
        raise DomainError("Tautan penilaian tidak dikenal. Periksa kembali tautan atau QR-nya.")
    if tautan.is_terpakai:
        raise DomainError(TAUTAN_SUDAH_DIPAKAI)
    if tautan.periode != periode_kepuasan(today()):
        raise DomainError("Tautan ini untuk periode penilaian yang sudah lewat.")
    hasil = SkorKepuasan.objects.create(
        keluarga=tautan.keluarga,
        pendamping_id=tautan.pendamping_id,
        skor=skor,
        tanggal=today(),
        catatan=catatan.strip()[:300],
        kanal=SkorKepuasan.Kanal.TAUTAN,
        dicatat_oleh=None,
    )
    tautan.skor = hasil
    tautan.dijawab_pada = timezone.now()
    tautan.save(update_fields=["skor", "dijawab_pada", "updated_at"])
    dinsos_services.audit_record(user=None, action=AuditEvent.Action.CREATE, obj=hasil)
    ringkasan_kinerja_basi_catatan(hasil)
    return hasil
