"""The report's files: a PDF to forward (WeasyPrint, A4) and an XLSX with a sheet per section.

Both are made from the frozen figures only (laporan.tampilan), never from live records.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from dinsos.ekspor import SafeWorkbook
from dinsos.formatting import bulan_tahun, tanggal_jam
from laporan import tampilan
from laporan.selectors.konteks import TEKS

GAYA_PDF = "laporan/laporan_pdf.css"
LEBAR_KOLOM_LABEL = 44  # characters: the longest label ("Usulan penangguhan ... berturut-turut")


def _static_path(path: str) -> Path | None:
    found = finders.find(path) if path else None
    if not found:
        return None
    return Path(found if isinstance(found, str) else found[0]).resolve()


def _logo_uri(path: str) -> str:
    """A file URI of the static logo named in the settings ("" when it is missing)."""
    found = _static_path(path)
    return found.as_uri() if found else ""


def laporan_pdf(
    *,
    data: dict[str, Any],
    kop: dict[str, str],
    judul: str,
    dibuat_at: datetime.datetime,
    versi: int,
    with_sdm: bool,
) -> bytes:
    """The A4 PDF: office heading and logo, every section with its charts, page numbers."""
    html = render_to_string(
        "laporan/laporan_pdf.html",
        {
            "judul": judul,
            "kop": kop,
            "logo": _logo_uri(kop.get("logo", "")),
            "dibuat": tanggal_jam(dibuat_at),
            "versi": versi,
            "bagian_list": tampilan.bagian_list(
                data, with_sdm=with_sdm, with_links=False, with_rinci=False
            ),
            "is_pdf": True,
        },
    )
    gaya = _static_path(GAYA_PDF)
    assert gaya is not None, GAYA_PDF
    return bytes(
        HTML(string=html, base_url=str(Path.cwd())).write_pdf(stylesheets=[CSS(filename=gaya)])
    )


def laporan_xlsx(
    *, data: dict[str, Any], judul: str, dibuat_at: datetime.datetime, versi: int, with_sdm: bool
) -> bytes:
    """One sheet per section: headline figures (this month, month before, year to date),
    then each table; numbers stay numbers (rates as fractions with a % format is left to
    the reader: the column says "persen")."""
    workbook = SafeWorkbook()
    info = workbook.add_sheet("Keterangan", widths={"A": 24, "B": 60})
    info.append([judul], bold=True)
    info.append(["Bulan", bulan_tahun(datetime.date.fromisoformat(data["bulan"]))], label=True)
    info.append(["Wilayah", data["wilayah"]["nama"]], label=True)
    info.append(["Disusun pada", tanggal_jam(dibuat_at)], label=True)
    info.append(["Versi", versi], label=True)
    info.append(
        ["Catatan", "Persen ditulis sebagai pecahan (0,853 = 85,3%); rupiah dalam Rp."],
        label=True,
    )
    for nomor, bagian in enumerate(tampilan.bagian_data(data, with_sdm=with_sdm), start=1):
        sheet = workbook.add_sheet(
            f"{nomor}. {bagian['judul']}", widths={"A": LEBAR_KOLOM_LABEL, "B": 16, "C": 16}
        )
        sheet.append([f"{nomor}. {bagian['judul']}"], bold=True)
        sheet.append(["Angka", "Bulan ini", "Bulan lalu", "Tahun berjalan", "Satuan"], bold=True)
        for a in bagian["angka"]:
            sheet.append([a["label"], a["nilai"], a["lalu"], a["tahun"], _satuan(a["format"])])
        for t in bagian["tabel"]:
            sheet.append([])
            sheet.append([t["judul"]], bold=True)
            sheet.append(
                [
                    c["judul"] + ("" if c["format"] == TEKS else f" ({_satuan(c['format'])})")
                    for c in t["kolom"]
                ],
                bold=True,
            )
            for row in t["baris"]:
                sheet.append(row)
            if not t["baris"]:
                sheet.append([t["kosong"]])
        for catatan in bagian["catatan"]:
            sheet.append([])
            sheet.append([catatan])
    return workbook.to_bytes()


def _satuan(fmt: str) -> str:
    return {"persen": "persen", "rupiah": "rupiah", "skor": "skor"}.get(fmt, "jumlah")
