"""Charts of the P2K2 recap, drawn as inline SVG by the template (no chart library).

Pure geometry from already-aggregated figures: no queries, no JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from dinsos.formatting import persen
from p2k2.rekap import Angka

KOSONG = "—"

# Monthly trend: one vertical bar per month.
TINGGI = 100.0
LEBAR_BATANG = 20.0
JARAK = 6.0
LEBAR_TREN = 12 * (LEBAR_BATANG + JARAK)

# By kecamatan: one horizontal bar per kecamatan, the name above it.
LEBAR_KECAMATAN = 300.0
LEBAR_LABEL_NILAI = 48.0
TINGGI_BARIS = 30.0
TEBAL_BATANG = 14.0


@dataclass(frozen=True)
class Batang:
    x: float
    y: float
    lebar: float
    tinggi: float
    label: str  # month initial or kecamatan name
    label_x: float
    label_y: float
    nilai: str  # "85,0%" or "—"
    nilai_x: float
    nilai_y: float
    keterangan: str  # the SVG <title>, read by screen readers
    has_nilai: bool


@dataclass(frozen=True)
class Grafik:
    judul: str
    batang: list[Batang]
    lebar: float
    tinggi: float
    is_kosong: bool


def _keterangan(angka: Angka) -> str:
    if angka.tingkat is None:
        return f"{angka.label}: belum ada pertemuan"
    return f"{angka.label}: {persen(angka.tingkat)} hadir dari {angka.total} catatan"


def tren_bulanan(bulan: list[Angka], tahun: int) -> Grafik:
    """Attendance rate per month of the year (bars on a 0–100% scale)."""
    batang = []
    for index, angka in enumerate(bulan):
        x = index * (LEBAR_BATANG + JARAK) + JARAK / 2
        rate = angka.tingkat
        tinggi = 0.0 if rate is None else max(1.0, TINGGI * rate)
        batang.append(
            Batang(
                x=x,
                y=TINGGI - tinggi,
                lebar=LEBAR_BATANG,
                tinggi=tinggi,
                label=angka.label[0],
                label_x=x + LEBAR_BATANG / 2,
                label_y=TINGGI + 12,
                nilai=KOSONG if rate is None else f"{round(rate * 100)}",
                nilai_x=x + LEBAR_BATANG / 2,
                nilai_y=max(TINGGI - tinggi - 3, 8),
                keterangan=_keterangan(angka),
                has_nilai=rate is not None,
            )
        )
    return Grafik(
        judul=f"Tingkat kehadiran per bulan, {tahun} (%)",
        batang=batang,
        lebar=LEBAR_TREN,
        tinggi=TINGGI + 16,
        is_kosong=all(a.tingkat is None for a in bulan),
    )


def per_kecamatan(kecamatan: list[Angka], tahun: int) -> Grafik:
    """Attendance rate per kecamatan (horizontal bars on a 0–100% scale)."""
    skala = LEBAR_KECAMATAN - LEBAR_LABEL_NILAI
    batang = []
    for index, angka in enumerate(kecamatan):
        top = index * TINGGI_BARIS
        rate = angka.tingkat
        lebar = 0.0 if rate is None else max(1.0, skala * rate)
        batang.append(
            Batang(
                x=0.0,
                y=top + 12,
                lebar=lebar,
                tinggi=TEBAL_BATANG,
                label=angka.label,
                label_x=0.0,
                label_y=top + 9,
                nilai=KOSONG if rate is None else persen(rate),
                nilai_x=lebar + 4,
                nilai_y=top + 23,
                keterangan=_keterangan(angka),
                has_nilai=rate is not None,
            )
        )
    return Grafik(
        judul=f"Tingkat kehadiran per kecamatan, {tahun}",
        batang=batang,
        lebar=LEBAR_KECAMATAN,
        tinggi=max(len(kecamatan), 1) * TINGGI_BARIS,
        is_kosong=not kecamatan,
    )
