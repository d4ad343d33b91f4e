"""Bar and line charts, drawn as inline SVG by one partial, templates/dinsos/_chart.html.

Pure geometry from figures the caller has already counted and formatted: no queries, no
JavaScript, no chart library. Coordinates are SVG user units; the partial prints them with
`{% localize off %}` because the Indonesian locale writes 12,5 and SVG reads a comma as a list
separator (a text's `x="0,0"` stacks every letter on the first one).

Three shapes share one look (`.grafik-*` in static/dinsos/base.css):
- `batang_tegak`: vertical bars, one slot each (months): the figure above, the label under;
- `batang_mendatar`: horizontal bars, one row each: the label above, the figure after;
- `garis`: one line per series, one point per step (reconciliation runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from dinsos.formatting import angka

BELUM_ADA_DATA = "Belum ada data."
KOSONG = "—"  # the figure of a slot without data

# Vertical bars: a bar per slot; a full bar (the scale's top) is TINGGI units high.
TINGGI = 100.0
LEBAR_BATANG = 20.0
JARAK = 6.0
RUANG_LABEL = 16.0  # under the base line, for the slot's label
TINGGI_HURUF = 8.0  # a figure needs this much room above its bar, else it goes inside

# Horizontal bars: a row per entry, its label above the bar and its figure after it.
LEBAR = 300.0
LEBAR_NILAI = 48.0  # kept free at the right for the longest figure ("100,0%", "12.345")
TINGGI_BARIS = 30.0
TEBAL = 14.0

# Lines: the points spread over the width, TEPI units from the edges, below the "maks" label.
LEBAR_GARIS = 300.0
TINGGI_GARIS = 120.0
TEPI = 10.0
ATAS_GARIS = 18.0  # the highest point's y: the scale's top is written above it


class Warna(StrEnum):
    """The colour of a line, or of a bar that differs from the usual primary (Bootstrap's
    theme colours, static/dinsos/base.css)."""

    UTAMA = "grafik-primary"
    INFO = "grafik-info"
    BERHASIL = "grafik-success"
    PERINGATAN = "grafik-warning"
    BAHAYA = "grafik-danger"
    REDUP = "grafik-secondary"


@dataclass(frozen=True)
class Entri:
    """One figure to draw.

    `besar` sets the bar's length (None: no figure, so no bar); `nilai` is the figure as the
    office reads it ("85,0%", "12"); `keterangan` is the full sentence for screen readers and
    the tooltip.
    """

    label: str
    besar: float | None
    nilai: str
    keterangan: str
    warna: Warna | None = None  # None: the chart's usual colour (primary)


@dataclass(frozen=True)
class Batang:
    x: float
    y: float
    lebar: float
    tinggi: float
    label: str
    label_x: float
    label_y: float
    nilai: str
    nilai_x: float
    nilai_y: float
    keterangan: str  # the SVG <title> and the hidden list, read by screen readers
    warna: Warna | None
    has_nilai: bool  # False: no bar is drawn, only the label and "—"
    is_nilai_dalam: bool = False  # the figure sits inside the top of a full-height bar


@dataclass(frozen=True)
class Grafik:
    """A bar chart: `bentuk` is "tegak" (vertical) or "mendatar" (horizontal)."""

    judul: str
    bentuk: str
    batang: list[Batang]
    lebar: float
    tinggi: float
    dasar_y: float  # the base line under vertical bars
    is_kosong: bool
    kosong: str  # the sentence shown instead of an empty chart

    is_garis: ClassVar[bool] = False


@dataclass(frozen=True)
class Titik:
    x: float
    y: float
    keterangan: str


@dataclass(frozen=True)
class Seri:
    label: str
    warna: Warna
    titik: list[Titik]

    @property
    def points(self) -> str:
        """The polyline's `points`, with decimal points whatever the locale."""
        return " ".join(f"{t.x:.1f},{t.y:.1f}" for t in self.titik)


@dataclass(frozen=True)
class GrafikGaris:
    judul: str
    seri: list[Seri]
    lebar: float
    tinggi: float
    maks: str  # the top of the scale, written in the corner
    is_kosong: bool
    kosong: str

    bentuk: ClassVar[str] = "garis"
    is_garis: ClassVar[bool] = True


def _skala(entri: Sequence[Entri], maks: float | None) -> float:
    """The figure of a full bar: `maks` when given (100%, a 1–5 score), else the largest."""
    if maks is not None:
        return maks
    return max((e.besar for e in entri if e.besar is not None), default=0.0)


def _panjang(besar: float | None, skala: float, penuh: float) -> float:
    """A bar's length in units: a present figure shows at least a 1-unit sliver, so zero
    differs from "no data"; a figure above the scale stops at the full length."""
    if besar is None or not skala:
        return 0.0
    return round(max(1.0, penuh * min(besar / skala, 1.0)), 1)


def _is_kosong(entri: Sequence[Entri], skala: float) -> bool:
    return not skala or all(e.besar is None for e in entri)


def batang_tegak(
    judul: str,
    entri: Sequence[Entri],
    *,
    maks: float | None = None,
    slot: int | None = None,
    kosong: str = BELUM_ADA_DATA,
) -> Grafik:
    """Vertical bars left to right, scaled to `maks` (or to the largest figure).

    `slot` keeps room for that many bars (12 for a year whose later months are still to
    come); by default there is a slot per entry. The label (a month's initial) sits under the
    bar, the figure above it.
    """
    skala = _skala(entri, maks)
    batang = []
    for index, e in enumerate(entri):
        x = index * (LEBAR_BATANG + JARAK) + JARAK / 2
        tinggi = _panjang(e.besar, skala, TINGGI)
        is_nilai_dalam = TINGGI - tinggi - 3 < TINGGI_HURUF
        batang.append(
            Batang(
                x=x,
                y=TINGGI - tinggi,
                lebar=LEBAR_BATANG,
                tinggi=tinggi,
                label=e.label,
                label_x=x + LEBAR_BATANG / 2,
                label_y=TINGGI + 12,
                nilai=e.nilai,
                nilai_x=x + LEBAR_BATANG / 2,
                nilai_y=TINGGI - tinggi + (TINGGI_HURUF if is_nilai_dalam else -3),
                keterangan=e.keterangan,
                warna=e.warna,
                has_nilai=e.besar is not None,
                is_nilai_dalam=is_nilai_dalam,
            )
        )
    return Grafik(
        judul=judul,
        bentuk="tegak",
        batang=batang,
        lebar=max(len(entri), slot or 0) * (LEBAR_BATANG + JARAK),
        tinggi=TINGGI + RUANG_LABEL,
        dasar_y=TINGGI,
        is_kosong=_is_kosong(entri, skala),
        kosong=kosong,
    )


def batang_mendatar(
    judul: str,
    entri: Sequence[Entri],
    *,
    maks: float | None = None,
    kosong: str = BELUM_ADA_DATA,
) -> Grafik:
    """Horizontal bars top to bottom, scaled to `maks` (or to the largest figure); each
    label sits above its bar and the figure right after the bar's end."""
    skala = _skala(entri, maks)
    batang = []
    for index, e in enumerate(entri):
        top = index * TINGGI_BARIS
        lebar = _panjang(e.besar, skala, LEBAR - LEBAR_NILAI)
        batang.append(
            Batang(
                x=0.0,
                y=top + 12,
                lebar=lebar,
                tinggi=TEBAL,
                label=e.label,
                label_x=0.0,
                label_y=top + 9,
                nilai=e.nilai,
                nilai_x=round(lebar + 4, 1),
                nilai_y=top + 23,
                keterangan=e.keterangan,
                warna=e.warna,
                has_nilai=e.besar is not None,
            )
        )
    return Grafik(
        judul=judul,
        bentuk="mendatar",
        batang=batang,
        lebar=LEBAR,
        tinggi=max(len(entri), 1) * TINGGI_BARIS,
        dasar_y=0.0,
        is_kosong=_is_kosong(entri, skala),
        kosong=kosong,
    )


@dataclass(frozen=True)
class Deret:
    """One line's data: (step label, count) pairs in step order."""

    label: str
    warna: Warna
    titik: Sequence[tuple[str, int]]


def garis(judul: str, deret: Sequence[Deret], *, kosong: str = BELUM_ADA_DATA) -> GrafikGaris:
    """One line per series on a shared scale from 0 to the largest count; step i of every
    series sits at the same x."""
    maks = max((n for d in deret for _, n in d.titik), default=0)
    langkah_maks = max((len(d.titik) for d in deret), default=0)
    langkah = (LEBAR_GARIS - 2 * TEPI) / max(langkah_maks - 1, 1)
    tinggi = TINGGI_GARIS - TEPI - ATAS_GARIS
    seri = [
        Seri(
            d.label,
            d.warna,
            [
                Titik(
                    x=round(TEPI + index * langkah, 1),
                    y=round(TINGGI_GARIS - TEPI - tinggi * (n / maks if maks else 0), 1),
                    keterangan=f"{d.label}, {nama}: {angka(n)}",
                )
                for index, (nama, n) in enumerate(d.titik)
            ],
        )
        for d in deret
    ]
    return GrafikGaris(
        judul=judul,
        seri=seri,
        lebar=LEBAR_GARIS,
        tinggi=TINGGI_GARIS,
        maks=angka(maks) if maks else KOSONG,
        is_kosong=langkah_maks == 0,
        kosong=kosong,
    )
