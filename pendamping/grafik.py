"""Small bar charts of an indicator over the months, drawn as inline SVG by the template.

Pure geometry: no JavaScript chart library, no queries. The template only places the shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dinsos.formatting import NAMA_BULAN, persen
from pendamping.kinerja import KOSONG, Indikator

TINGGI = 80.0  # drawing height of a full bar, in SVG units
LEBAR = 16.0
JARAK = 4.0
LEBAR_TOTAL = 12 * (LEBAR + JARAK)


@dataclass(frozen=True)
class Batang:
    x: float
    y: float
    tinggi: float
    label_x: float
    huruf: str  # month initial under the bar
    keterangan: str  # "Maret: 85,0%" (SVG <title>, read by screen readers)
    has_nilai: bool


@dataclass(frozen=True)
class Grafik:
    judul: str
    batang: list[Batang]
    is_kosong: bool
    lebar: float = LEBAR_TOTAL
    tinggi: float = TINGGI + 14


def _fmt_hari(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " hari"


def _fmt_angka(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _fmt_skor(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


Spec = tuple[str, Callable[[Indikator], float | None], Callable[[float], str], float | None]

SPECS: tuple[Spec, ...] = (
    ("Cakupan layanan", lambda i: i.cakupan, persen, 1.0),
    ("Kecepatan respon (median hari)", lambda i: i.respon_median, _fmt_hari, None),
    ("Integrasi rujukan", lambda i: i.integrasi_rujukan, persen, 1.0),
    ("Kepuasan (1–5)", lambda i: i.kepuasan_rata, _fmt_angka, 5.0),
    ("Skor kinerja", lambda i: i.skor, _fmt_skor, 100.0),
)


def grafik(
    seri: list[Indikator],
    judul: str,
    nilai: Callable[[Indikator], float | None],
    fmt: Callable[[float], str],
    maks: float | None,
) -> Grafik:
    """One chart: a bar per month, scaled to `maks` (or to the largest value)."""
    values = [nilai(i) for i in seri]
    present = [v for v in values if v is not None]
    skala = maks if maks is not None else max(present, default=0.0)
    batang = []
    for indikator, value in zip(seri, values, strict=True):
        bulan = indikator.periode.bulan or 1
        x = (bulan - 1) * (LEBAR + JARAK) + JARAK / 2
        tinggi = 0.0 if value is None or not skala else max(1.0, TINGGI * min(value / skala, 1))
        batang.append(
            Batang(
                x=x,
                y=TINGGI - tinggi,
                tinggi=tinggi,
                label_x=x + LEBAR / 2,
                huruf=NAMA_BULAN[bulan - 1][0],
                keterangan=f"{NAMA_BULAN[bulan - 1]}: {KOSONG if value is None else fmt(value)}",
                has_nilai=value is not None,
            )
        )
    return Grafik(judul=judul, batang=batang, is_kosong=not present)


def grafik_list(seri: list[Indikator]) -> list[Grafik]:
    """The charts of the performance page, one per indicator."""
    return [grafik(seri, *spec) for spec in SPECS]
