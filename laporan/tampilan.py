"""Beside the layers: the frozen figures (`LaporanBulanan.data`) as the page, the PDF and the
XLSX show them — one reading of the JSON for all three, so they never disagree.

Pure functions over the stored JSON: no queries. Texts follow dinsos.formatting (12.345,
85,3%, Rp1.500.000); "—" marks a figure with no data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dinsos.charts import Entri, Grafik, batang_mendatar
from dinsos.formatting import angka, persen, rupiah
from laporan.selectors.konteks import ANGKA, PERSEN, RUPIAH, TEKS

KOSONG = "—"
SKOR = "skor"


def teks(nilai: Any, fmt: str) -> str:
    """One value as the office reads it."""
    if nilai is None:
        return KOSONG
    if fmt == PERSEN:
        return persen(nilai)
    if fmt == RUPIAH:
        return rupiah(nilai)
    if fmt == SKOR:
        return f"{nilai:.1f}".replace(".", ",")
    if fmt == ANGKA and isinstance(nilai, int | float):
        return angka(round(nilai))
    return str(nilai)


def selisih(nilai: Any, lalu: Any, fmt: str) -> str:
    """The change from the month before: "+12", "−3", "0", or "+2,5 poin" for a rate."""
    if nilai is None or lalu is None:
        return ""
    beda = nilai - lalu
    if fmt == PERSEN:
        poin = f"{abs(beda) * 100:.1f}".replace(".", ",")
        tanda = "+" if beda > 0 else "−" if beda < 0 else ""
        return f"{tanda}{poin} poin"
    tanda = "+" if beda > 0 else "−" if beda < 0 else ""
    return f"{tanda}{teks(abs(beda), fmt)}"


@dataclass(frozen=True)
class Angka:
    label: str
    nilai: str
    lalu: str
    selisih: str
    tahun: str
    url: str


@dataclass(frozen=True)
class Sel:
    teks: str
    url: str
    is_angka: bool


@dataclass(frozen=True)
class Tabel:
    judul: str
    kolom: list[tuple[str, bool]]  # (heading, is a number)
    baris: list[list[Sel]]
    kosong: str


@dataclass
class Bagian:
    nomor: int
    kunci: str
    judul: str
    angka: list[Angka] = field(default_factory=list)
    tabel: list[Tabel] = field(default_factory=list)
    grafik: list[Grafik] = field(default_factory=list)
    catatan: list[str] = field(default_factory=list)


def _grafik(data: dict[str, Any]) -> Grafik:
    fmt = data["format"]
    entri = []
    for label, besar in data["entri"]:
        nilai = teks(besar, fmt)
        skala = None if besar is None else besar * 100 if fmt == PERSEN else besar
        entri.append(Entri(label, skala, nilai, f"{label}: {nilai}"))
    return batang_mendatar(data["judul"], entri, maks=100 if fmt == PERSEN else None)


def _tabel(data: dict[str, Any], *, with_links: bool) -> Tabel:
    kolom = data["kolom"]
    tautan = data.get("tautan") if with_links else None
    baris = []
    for r, row in enumerate(data["baris"]):
        baris.append(
            [
                Sel(
                    teks(nilai, kolom[c]["format"]),
                    tautan[r][c] if tautan else "",
                    kolom[c]["format"] != TEKS,
                )
                for c, nilai in enumerate(row)
            ]
        )
    return Tabel(
        data["judul"], [(c["judul"], c["format"] != TEKS) for c in kolom], baris, data["kosong"]
    )


def bagian_list(
    data: dict[str, Any], *, with_sdm: bool, with_links: bool, with_rinci: bool = True
) -> list[Bagian]:
    """The report's sections for display; the workforce section only `with_sdm`, links only
    `with_links` (the page; a PDF is forwarded outside the portal), the row-per-worker tables
    only `with_rinci` (not in the PDF: the XLSX holds them)."""
    hasil: list[Bagian] = []
    for item in data.get("bagian", []):
        if item["is_terbatas"] and not with_sdm:
            continue
        hasil.append(
            Bagian(
                nomor=len(hasil) + 1,
                kunci=item["kunci"],
                judul=item["judul"],
                angka=[
                    Angka(
                        label=a["label"],
                        nilai=teks(a["nilai"], a["format"]),
                        lalu=teks(a["lalu"], a["format"]) if a["lalu"] is not None else "",
                        selisih=selisih(a["nilai"], a["lalu"], a["format"]),
                        tahun=teks(a["tahun"], a["format"]) if a["tahun"] is not None else "",
                        url=a["url"] if with_links else "",
                    )
                    for a in item["angka"]
                ],
                tabel=[
                    _tabel(t, with_links=with_links)
                    for t in item["tabel"]
                    if with_rinci or not t.get("is_rinci")
                ],
                grafik=[_grafik(g) for g in item["grafik"]],
                catatan=item["catatan"],
            )
        )
    return hasil


def bagian_data(data: dict[str, Any], *, with_sdm: bool) -> list[dict[str, Any]]:
    """The raw sections (numbers as numbers) for the XLSX."""
    return [b for b in data.get("bagian", []) if with_sdm or not b["is_terbatas"]]
