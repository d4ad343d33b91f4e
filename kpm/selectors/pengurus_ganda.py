"""Selector for the family form's warning that the new head is probably already registered
under another NIK (issue #23); the scoring is the shared rule in dinsos/kecocokan.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from dinsos import kecocokan
from dinsos.kecocokan import PITA_LABEL, Aturan, Hasil, Orang
from dinsos.models import User, Wilayah
from dinsos.selectors import pengaturan_semua
from kpm.access import scope_keluarga
from kpm.models import Anggota, Keluarga

CALON_MAKS = 2000  # a kelurahan's members born in one year: a few hundred at most
TAMPIL_MAKS = 3


@dataclass(frozen=True)
class KemungkinanSama:
    anggota: Anggota
    hasil: Hasil

    @property
    def pita(self) -> str:
        return PITA_LABEL[self.hasil.pita]

    @property
    def alasan(self) -> str:
        return "; ".join(self.hasil.teks)


def _blok(nik: str, lahir: datetime.date | None, kelurahan: Wilayah, no_kk: str) -> Q:
    blok = Q(keluarga__no_kk=no_kk)
    if len(nik) == 16 and nik.isdigit():
        day = int(nik[6:8])
        other_day = day - 40 if day > 40 else day + 40
        blok |= Q(nik__startswith=nik[:12]) | Q(
            nik__startswith=f"{nik[:6]}{other_day:02d}{nik[8:12]}"
        )
    if lahir is not None:
        blok |= Q(tanggal_lahir=lahir) | Q(
            keluarga__kelurahan=kelurahan, tanggal_lahir__year=lahir.year
        )
        if lahir.day <= 12:
            blok |= Q(tanggal_lahir=lahir.replace(day=lahir.month, month=lahir.day))
    return blok


def pengurus_kemungkinan_terdaftar(
    *,
    user: User,
    nik: str,
    nama: str,
    tanggal_lahir: datetime.date | None,
    jenis_kelamin: str,
    kelurahan: Wilayah,
    no_kk: str,
) -> list[KemungkinanSama]:
    """Registered members the user may see who are probably this person under another NIK,
    best first, in the bands the office proposes for a check (2 queries)."""
    pengaturan = pengaturan_semua()
    aturan = Aturan.dari(pengaturan["pencocokan_bobot"], pengaturan["pencocokan_ambang"])
    usulan = set(pengaturan["pencocokan_pita_usulan"])
    baru = Orang(nik, nama, tanggal_lahir, jenis_kelamin, kelurahan.pk, no_kk)
    calon = (
        Anggota.objects.filter(keluarga__in=scope_keluarga(user, Keluarga.objects.all()))
        .filter(_blok(nik, tanggal_lahir, kelurahan, no_kk))
        .exclude(nik=nik)
        .select_related("keluarga")
        .order_by("pk")[:CALON_MAKS]
    )
    found = []
    for anggota in calon:
        lain = Orang(
            anggota.nik,
            anggota.nama,
            anggota.tanggal_lahir,
            anggota.jenis_kelamin,
            anggota.keluarga.kelurahan_id,
            anggota.keluarga.no_kk,
        )
        hasil = kecocokan.nilai(baru, lain, aturan=aturan)
        if hasil.pita in usulan:
            found.append(KemungkinanSama(anggota, hasil))
    found.sort(key=lambda k: (-k.hasil.skor, k.anggota.pk))
    return found[:TAMPIL_MAKS]
