"""Sekolah Rakyat (DOMAIN.md §9): the candidate rule and the pendamping's home visit.

Candidates are children of desil 1–2 families (desil 3 as reserve) whose age on the
reference date falls in a school level's window; every bound is a dated setting. A pendamping
confirms a candidate by a home visit with the parents' consent.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.models import Persetujuan, User
from dinsos.pengaturan import today
from kpm.komponen import umur
from kpm.models import Anggota
from verifikasi.models import KandidatSekolahRakyat

J = KandidatSekolahRakyat.Jenjang
ST = KandidatSekolahRakyat.Status
CATATAN_MAKS = 500
BULAN_TAHUN_AJARAN = 7  # the school year starts in July: ages count on 1 July


@dataclass(frozen=True)
class JendelaUsia:
    """One school level's age window (DOMAIN.md §9), from the settings."""

    jenjang: str
    usia_min: int
    usia_maks: int
    is_terverifikasi: bool

    @property
    def label(self) -> str:
        return f"{J(self.jenjang).label} {self.usia_min}–{self.usia_maks} th"


def jendela_usia(pengaturan: Mapping[str, Any]) -> list[JendelaUsia]:
    """The windows in force (settings sekolah_rakyat_usia_*); SD is marked unverified until
    an admin sets sekolah_rakyat_usia_sd_terverifikasi."""
    return [
        JendelaUsia(
            J.SD,
            pengaturan["sekolah_rakyat_usia_sd_min"],
            pengaturan["sekolah_rakyat_usia_sd_maks"],
            bool(pengaturan["sekolah_rakyat_usia_sd_terverifikasi"]),
        ),
        JendelaUsia(
            J.SMP,
            pengaturan["sekolah_rakyat_usia_smp_min"],
            pengaturan["sekolah_rakyat_usia_smp_maks"],
            True,
        ),
        JendelaUsia(
            J.SMA,
            pengaturan["sekolah_rakyat_usia_sma_min"],
            pengaturan["sekolah_rakyat_usia_sma_maks"],
            True,
        ),
    ]


def jenjang_untuk(usia: int, jendela: list[JendelaUsia]) -> str | None:
    """The level whose window holds `usia`, or None."""
    return next((w.jenjang for w in jendela if w.usia_min <= usia <= w.usia_maks), None)


def tanggal_acuan_bawaan(day: datetime.date) -> datetime.date:
    """The next intake: 1 July of this year, or of next year once it has passed."""
    intake = datetime.date(day.year, BULAN_TAHUN_AJARAN, 1)
    return intake if day <= intake else intake.replace(year=day.year + 1)


@transaction.atomic
def sekolah_rakyat_kunjungan_record(
    *,
    anggota: Anggota,
    tanggal_acuan: datetime.date,
    tanggal_kunjungan: datetime.date,
    status: str,
    is_persetujuan_ortu: bool,
    catatan: str,
    oleh: User,
) -> KandidatSekolahRakyat:
    """Record the home visit of a candidate for the school year of `tanggal_acuan` (a second
    visit replaces the first). Raises DomainError when the child is not a candidate, the
    visit date is in the future, or a confirmation lacks the parents' consent."""
    hari_ini = today()
    pengaturan = dinsos_selectors.pengaturan_semua(on=hari_ini)
    keluarga = anggota.keluarga
    usia = umur(anggota.tanggal_lahir, tanggal_acuan)
    jenjang = jenjang_untuk(usia, jendela_usia(pengaturan))
    cadangan = int(pengaturan["desil_cadangan_sekolah_rakyat"])
    if keluarga.desil is None or keluarga.desil > cadangan or jenjang is None:
        raise DomainError(
            f"Anak ini bukan kandidat Sekolah Rakyat (umur {usia} th, desil "
            f"{keluarga.desil or 'kosong'}).",
            field="status",
        )
    if tanggal_kunjungan > hari_ini:
        raise DomainError("Tanggal kunjungan belum terjadi.", field="tanggal_kunjungan")
    if status == ST.DIKONFIRMASI and not is_persetujuan_ortu:
        raise DomainError(
            "Centang persetujuan orang tua/wali untuk mengonfirmasi kandidat.",
            field="is_persetujuan_ortu",
        )
    if status != ST.DIKONFIRMASI and is_persetujuan_ortu:
        raise DomainError(
            "Persetujuan orang tua hanya dicatat bila kandidat dikonfirmasi.",
            field="is_persetujuan_ortu",
        )
    if len(catatan) > CATATAN_MAKS:
        raise DomainError(f"Catatan paling banyak {CATATAN_MAKS} huruf.", field="catatan")
    kandidat, _ = KandidatSekolahRakyat.objects.update_or_create(
        anggota=anggota,
        tahun_ajaran=tanggal_acuan.year,
        defaults={
            "keluarga": keluarga,
            "tanggal_acuan": tanggal_acuan,
            "jenjang": jenjang,
            "umur": usia,
            "desil": keluarga.desil,
            "desil_per": keluarga.desil_per,
            "is_cadangan": keluarga.desil > int(pengaturan["desil_maks_sekolah_rakyat"]),
            "tanggal_kunjungan": tanggal_kunjungan,
            "is_persetujuan_ortu": is_persetujuan_ortu,
            "status": status,
            "catatan": catatan.strip(),
            "dicatat_oleh": oleh,
        },
    )
    return kandidat


# --- Four eyes (issue 20) ---------------------------------------------------------------
@transaction.atomic
def sekolah_rakyat_kunjungan_ajukan(
    *,
    anggota: Anggota,
    tanggal_acuan: datetime.date,
    tanggal_kunjungan: datetime.date,
    status: str,
    is_persetujuan_ortu: bool,
    catatan: str,
    oleh: User,
) -> KandidatSekolahRakyat | Persetujuan:
    """The visit form: confirming a candidate selects the child for Sekolah Rakyat, so with
    four eyes on it is filed for a second person (returns the proposal; the visit is written
    when approved, checked again then); any other outcome is recorded now."""
    kunjungan: dict[str, Any] = {
        "tanggal_kunjungan": tanggal_kunjungan,
        "status": status,
        "is_persetujuan_ortu": is_persetujuan_ortu,
        "catatan": catatan,
    }
    jenis = Persetujuan.Jenis.SEKOLAH_RAKYAT
    if status != ST.DIKONFIRMASI or not dinsos_selectors.persetujuan_perlu(jenis):
        return sekolah_rakyat_kunjungan_record(
            anggota=anggota, tanggal_acuan=tanggal_acuan, oleh=oleh, **kunjungan
        )
    if not is_persetujuan_ortu:
        raise DomainError(
            "Centang persetujuan orang tua/wali untuk mengonfirmasi kandidat.",
            field="is_persetujuan_ortu",
        )
    if tanggal_kunjungan > today():
        raise DomainError("Tanggal kunjungan belum terjadi.", field="tanggal_kunjungan")
    keluarga = anggota.keluarga
    return dinsos_services.persetujuan_ajukan(
        jenis=jenis,
        objek=anggota,
        wilayah=keluarga.kelurahan,
        judul=f"{anggota.nama} ({keluarga})",
        sebelum=f"Kandidat (desil {keluarga.desil or 'kosong'}), belum ditetapkan",
        sesudah=f"{ST.DIKONFIRMASI.label}, tahun ajaran {tanggal_acuan.year}",
        alasan=catatan.strip() or f"Kunjungan rumah {tanggal_kunjungan:%d-%m-%Y}.",
        data={
            "tanggal_acuan": tanggal_acuan.isoformat(),
            "tanggal_kunjungan": tanggal_kunjungan.isoformat(),
            "catatan": catatan,
        },
        oleh=oleh,
    )


def persetujuan_sekolah_rakyat(*, persetujuan: Persetujuan, oleh: User) -> None:
    """Executor of an approved selection (hooks.EKSEKUTOR_PERSETUJUAN): the visit is written
    as the pendamping recorded it, every rule checked again on the day of approval."""
    anggota = Anggota.objects.select_related("keluarga").get(pk=int(persetujuan.objek_id))
    sekolah_rakyat_kunjungan_record(
        anggota=anggota,
        tanggal_acuan=datetime.date.fromisoformat(persetujuan.data["tanggal_acuan"]),
        tanggal_kunjungan=datetime.date.fromisoformat(persetujuan.data["tanggal_kunjungan"]),
        status=ST.DIKONFIRMASI,
        is_persetujuan_ortu=True,
        catatan=str(persetujuan.data.get("catatan", "")),
        oleh=persetujuan.diajukan_oleh,
    )
