"""The monthly complaint figures as XLSX, through the safe-cell writer (dinsos.ekspor)."""

from __future__ import annotations

from dinsos.ekspor import SafeSheet, SafeWorkbook
from dinsos.formatting import bulan_tahun
from pengaduan.selectors import BarisRekap, Rekap

HEADER = ("", "Diterima", "Dijawab tepat waktu", "Selesai")
WIDTHS = {"A": 34, "B": 12, "C": 20, "D": 12}


def _tabel(sheet: SafeSheet, judul: str, baris: list[BarisRekap], total: BarisRekap) -> None:
    sheet.append([judul, *HEADER[1:]], bold=True)
    for b in [*baris, total]:
        sheet.append([b.label, b.diterima, b.dijawab_tepat, b.ditutup], label=b is total)
    sheet.append([])


def rekap_xlsx(rekap: Rekap) -> bytes:
    """One sheet: the month's totals, then the figures by category, channel and kecamatan
    (the same numbers as the page and its lists)."""
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet("Rekap pengaduan", widths=WIDTHS)
    sheet.append([f"Rekap pengaduan {bulan_tahun(rekap.bulan)}"], bold=True)
    sheet.append(
        ["Pengaduan yang diterima dalam bulan ini; dijawab tepat waktu = jawaban pertama "
         "paling lambat pada tenggatnya; selesai = sudah ditutup."]
    )  # fmt: skip
    sheet.append([])
    _tabel(sheet, "Kategori", rekap.per_kategori, rekap.total)
    _tabel(sheet, "Saluran", rekap.per_kanal, rekap.total)
    _tabel(sheet, "Kecamatan", rekap.per_kecamatan, rekap.total)
    return workbook.to_bytes()
