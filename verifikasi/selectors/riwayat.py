"""Decisions and home visits by month and area: the graduations decided and the Sekolah
Rakyat visits recorded, the lists the rakor report's figures link to (issue 19), always
scoped through kpm.access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from dinsos.bulan import awal_bulan
from dinsos.models import User, Wilayah
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from verifikasi.models import Graduasi, KandidatSekolahRakyat


def _keluarga(user: User, kecamatan: Wilayah | None) -> QuerySet[Keluarga]:
    keluarga = scope_keluarga(user, Keluarga.objects.all())
    if kecamatan is not None:
        keluarga = keluarga.filter(kelurahan__parent=kecamatan)
    return keluarga


@dataclass(frozen=True)
class FilterGraduasi:
    bulan: datetime.date | None = None  # graduated in this month (first day)
    jenis: str = ""
    kecamatan: Wilayah | None = None


def graduasi_lulus_list(*, user: User, filters: FilterGraduasi) -> QuerySet[Graduasi]:
    """Accepted graduations of families the user may see, by graduation date, newest
    first: those of a month, kind and kecamatan as the rakor report counts them."""
    lulus = Graduasi.objects.filter(
        status=Graduasi.Status.DITERIMA, keluarga__in=_keluarga(user, filters.kecamatan)
    )
    if filters.bulan is not None:
        lulus = lulus.filter(
            tanggal_graduasi__gte=filters.bulan,
            tanggal_graduasi__lt=awal_bulan(filters.bulan, geser=1),
        )
    if filters.jenis:
        lulus = lulus.filter(jenis=filters.jenis)
    return lulus.select_related("keluarga__pengurus", "keluarga__kelurahan", "pendamping").order_by(
        "-tanggal_graduasi", "-pk"
    )


@dataclass(frozen=True)
class FilterKunjungan:
    tahun_ajaran: int | None = None
    status: str = ""
    jenjang: str = ""
    bulan: datetime.date | None = None  # visited in this month (first day)
    is_setuju: bool = False  # the parents agreed
    kecamatan: Wilayah | None = None


def kunjungan_list(*, user: User, filters: FilterKunjungan) -> QuerySet[KandidatSekolahRakyat]:
    """Sekolah Rakyat home visits recorded for children of families the user may see,
    latest visit first."""
    kunjungan = KandidatSekolahRakyat.objects.filter(
        keluarga__in=_keluarga(user, filters.kecamatan)
    )
    if filters.tahun_ajaran is not None:
        kunjungan = kunjungan.filter(tahun_ajaran=filters.tahun_ajaran)
    if filters.status:
        kunjungan = kunjungan.filter(status=filters.status)
    if filters.jenjang:
        kunjungan = kunjungan.filter(jenjang=filters.jenjang)
    if filters.bulan is not None:
        kunjungan = kunjungan.filter(
            tanggal_kunjungan__gte=filters.bulan,
            tanggal_kunjungan__lt=awal_bulan(filters.bulan, geser=1),
        )
    if filters.is_setuju:
        kunjungan = kunjungan.filter(is_persetujuan_ortu=True)
    return kunjungan.select_related("anggota", "keluarga__kelurahan", "dicatat_oleh").order_by(
        "-tanggal_kunjungan", "-pk"
    )
