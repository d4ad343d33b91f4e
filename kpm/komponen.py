"""Beside the layers: pure PKH rules shared by services, selectors, resources and the demo.

PKH component rules (DOMAIN.md §2) as pure functions: no database, fully unit-tested.

`komponen_anggota` derives a member's components; `hak_keluarga` applies the family caps and
the dated amounts to give the yearly and per-tahap entitlement, with the dropped components
and the reason each was dropped.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# TAHAP_PER_TAHUN: DOMAIN.md §2, "paid in 4 quarterly tahap of one quarter each" — defined once,
# beside the payout model whose check constraint uses it.
from kpm.models import TAHAP_PER_TAHUN, Anggota, Komponen

_JENJANG_KOMPONEN = {
    Anggota.Jenjang.SD: Komponen.ANAK_SD,
    Anggota.Jenjang.SMP: Komponen.ANAK_SMP,
    Anggota.Jenjang.SMA: Komponen.ANAK_SMA,
}


@dataclass(frozen=True)
class Aturan:
    """The settings the rules read (dinsos.pengaturan keys of the same names)."""

    komponen_maks_per_keluarga: int = 4
    komponen_pilih_tertinggi: bool = True
    kehamilan_maks: int = 2
    anak_usia_dini_maks: int = 2
    anak_usia_dini_usia_maks: int = 6
    anak_sekolah_usia_min: int = 6
    anak_sekolah_usia_maks: int = 21
    lansia_usia_min: int = 70

    @classmethod
    def dari_pengaturan(cls, pengaturan: Mapping[str, Any]) -> Aturan:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in pengaturan.items() if k in names})


@dataclass(frozen=True)
class DataAnggota:
    """What the component rules need to know about one member."""

    tanggal_lahir: datetime.date
    jenjang_sekolah: str = ""
    is_hamil: bool = False
    is_disabilitas_berat: bool = False
    is_korban_ham: bool = False


def umur(tanggal_lahir: datetime.date, on: datetime.date) -> int:
    """Age in full years on `on`."""
    years = on.year - tanggal_lahir.year
    if (on.month, on.day) < (tanggal_lahir.month, tanggal_lahir.day):
        years -= 1
    return years


def komponen_anggota(anggota: DataAnggota, *, on: datetime.date, aturan: Aturan) -> list[str]:
    """The PKH components one member qualifies for on `on`, before family caps."""
    age = umur(anggota.tanggal_lahir, on)
    result: list[str] = []
    if anggota.is_hamil:
        result.append(Komponen.IBU_HAMIL)
    school = _JENJANG_KOMPONEN.get(Anggota.Jenjang(anggota.jenjang_sekolah or ""))
    in_school_age = aturan.anak_sekolah_usia_min <= age <= aturan.anak_sekolah_usia_maks
    if school is not None and in_school_age:
        result.append(school)
    elif 0 <= age <= aturan.anak_usia_dini_usia_maks:
        # DOMAIN.md §2 defines anak usia dini by age alone (0–6 th): a child under school age
        # who already sits in SD (or any class) is still AUD (issue 20, D4).
        result.append(Komponen.ANAK_USIA_DINI)
    if anggota.is_disabilitas_berat:
        result.append(Komponen.DISABILITAS_BERAT)
    if age >= aturan.lansia_usia_min:
        result.append(Komponen.LANSIA)
    if anggota.is_korban_ham:
        result.append(Komponen.KORBAN_HAM)
    return result


@dataclass(frozen=True)
class BarisHak:
    """One (member, component) pair of a family, paid or dropped."""

    anggota_ref: Any
    komponen: str
    nominal_tahunan: int
    dibayar: bool
    alasan: str = ""

    @property
    def nominal_tahap(self) -> int:
        return self.nominal_tahunan // TAHAP_PER_TAHUN

    @property
    def label(self) -> str:
        return Komponen(self.komponen).label


@dataclass(frozen=True)
class HakKeluarga:
    """A family's entitlement for one year: paid and dropped components, totals."""

    tahun: int
    tahun_nominal: int | None
    baris: list[BarisHak] = field(default_factory=list)

    @property
    def dibayar(self) -> list[BarisHak]:
        return [b for b in self.baris if b.dibayar]

    @property
    def tidak_dibayar(self) -> list[BarisHak]:
        return [b for b in self.baris if not b.dibayar]

    @property
    def total_tahunan(self) -> int:
        return sum(b.nominal_tahunan for b in self.dibayar)

    @property
    def total_tahap(self) -> int:
        return self.total_tahunan // TAHAP_PER_TAHUN


def hak_keluarga(
    pasangan: Iterable[tuple[Any, str]],
    *,
    nominal: Mapping[str, int],
    aturan: Aturan,
    tahun: int,
    tahun_nominal: int | None = None,
) -> HakKeluarga:
    """Apply DOMAIN.md §2 caps to (member, component) pairs given in member order.

    Per-kind caps first (2 pregnancies, 2 early-childhood children), then the family cap of 4,
    keeping the highest amounts when `komponen_pilih_tertinggi` (stable for equal amounts).
    """
    per_kind_caps = {
        Komponen.IBU_HAMIL: (aturan.kehamilan_maks, "kehamilan"),
        Komponen.ANAK_USIA_DINI: (aturan.anak_usia_dini_maks, "anak usia dini"),
    }
    counted: dict[str, int] = {}
    candidates: list[BarisHak] = []
    dropped: list[BarisHak] = []
    for ref, komponen in pasangan:
        amount = nominal.get(komponen, 0)
        cap = per_kind_caps.get(Komponen(komponen))
        counted[komponen] = counted.get(komponen, 0) + 1
        if cap is not None and counted[komponen] > cap[0]:
            alasan = f"melebihi batas {cap[0]} {cap[1]} per keluarga"
            dropped.append(BarisHak(ref, komponen, amount, dibayar=False, alasan=alasan))
            continue
        candidates.append(BarisHak(ref, komponen, amount, dibayar=True))
    limit = aturan.komponen_maks_per_keluarga
    ranked = (
        sorted(candidates, key=lambda b: -b.nominal_tahunan)
        if aturan.komponen_pilih_tertinggi
        else candidates
    )
    kept = {id(b) for b in ranked[:limit]}
    how = "nominal tertinggi dipilih" if aturan.komponen_pilih_tertinggi else "urutan data"
    final: list[BarisHak] = []
    for b in candidates:
        if id(b) in kept:
            final.append(b)
        else:
            alasan = f"melebihi batas {limit} komponen per keluarga ({how})"
            final.append(BarisHak(b.anggota_ref, b.komponen, b.nominal_tahunan, False, alasan))
    return HakKeluarga(tahun=tahun, tahun_nominal=tahun_nominal, baris=final + dropped)
