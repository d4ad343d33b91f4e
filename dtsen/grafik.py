"""Charts of the findings summary, drawn as inline SVG by the template (no chart library).

Pure geometry from already-aggregated figures: no queries, no JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from dinsos.formatting import angka

KOSONG = "—"

# Horizontal bars (by category, by kecamatan, by follow-up state): the label above each bar.
LEBAR = 320.0
LEBAR_NILAI = 56.0
TINGGI_BARIS = 30.0
TEBAL = 14.0

# Trend: one line per kind of run, one point per finished run.
LEBAR_TREN = 320.0
TINGGI_TREN = 120.0
TEPI = 10.0


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
    keterangan: str  # the SVG <title>, read by screen readers
    kelas: str = ""


@dataclass(frozen=True)
class Grafik:
    judul: str
    batang: list[Batang]
    lebar: float
    tinggi: float
    is_kosong: bool


@dataclass(frozen=True)
class Titik:
    x: float
    y: float
    keterangan: str


@dataclass(frozen=True)
class Seri:
    label: str
    kelas: str
    titik: list[Titik]

    @property
    def points(self) -> str:
        return " ".join(f"{t.x:.1f},{t.y:.1f}" for t in self.titik)


@dataclass(frozen=True)
class GrafikTren:
    judul: str
    seri: list[Seri]
    lebar: float
    tinggi: float
    maks: str
    is_kosong: bool


def batang_horizontal(
    judul: str, data: list[tuple[str, int]], *, kelas: list[str] | None = None
) -> Grafik:
    """Counts as horizontal bars scaled to the largest (labels above the bars)."""
    maks = max((n for _, n in data), default=0)
    skala = LEBAR - LEBAR_NILAI
    batang = []
    for index, (label, n) in enumerate(data):
        top = index * TINGGI_BARIS
        lebar = 0.0 if not maks else max(1.0 if n else 0.0, skala * n / maks)
        batang.append(
            Batang(
                x=0.0,
                y=top + 12,
                lebar=round(lebar, 1),
                tinggi=TEBAL,
                label=label,
                label_x=0.0,
                label_y=top + 9,
                nilai=angka(n),
                nilai_x=round(lebar + 4, 1),
                nilai_y=top + 23,
                keterangan=f"{label}: {angka(n)}",
                kelas=kelas[index] if kelas else "",
            )
        )
    return Grafik(
        judul=judul,
        batang=batang,
        lebar=LEBAR,
        tinggi=max(len(data), 1) * TINGGI_BARIS,
        is_kosong=maks == 0,
    )


def tren(judul: str, seri: list[tuple[str, str, list[tuple[str, int]]]]) -> GrafikTren:
    """One polyline per series of (label, css class, [(run label, count)]) in run order."""
    maks = max((n for _, _, titik in seri for _, n in titik), default=0)
    panjang = max((len(titik) for _, _, titik in seri), default=0)
    langkah = (LEBAR_TREN - 2 * TEPI) / max(panjang - 1, 1)
    hasil = []
    for label, kelas, titik in seri:
        points = []
        for index, (nama, n) in enumerate(titik):
            y = TINGGI_TREN - TEPI - (TINGGI_TREN - 2 * TEPI) * (n / maks if maks else 0)
            points.append(Titik(TEPI + index * langkah, y, f"{label}, {nama}: {angka(n)}"))
        hasil.append(Seri(label, kelas, points))
    return GrafikTren(
        judul=judul,
        seri=hasil,
        lebar=LEBAR_TREN,
        tinggi=TINGGI_TREN,
        maks=angka(maks) if maks else KOSONG,
        is_kosong=panjang == 0,
    )
