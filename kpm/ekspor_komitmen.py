"""The Sekolah Rakyat candidate list as XLSX (DOMAIN.md §9), for the office to send on.

Identifiers are text cells (DOMAIN.md §8: a NIK as a number loses its last digit in Excel) and
every text is neutralised against formula injection. The caller records the export.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dinsos.formatting import tanggal
from kpm.models import Anggota, KandidatSekolahRakyat
from kpm.resources import tanpa_formula

KOLOM_SEKOLAH_RAKYAT = (
    "NIK",
    "NAMA ANAK",
    "JENIS KELAMIN",
    "TGL LAHIR",
    "UMUR",
    "JENJANG",
    "GOLONGAN",
    "DESIL",
    "DESIL PER",
    "NO KK",
    "NAMA PENGURUS",
    "ALAMAT",
    "RT",
    "RW",
    "KELURAHAN",
    "KECAMATAN",
    "PENDAMPING",
    "HASIL KUNJUNGAN",
    "TGL KUNJUNGAN",
    "PERSETUJUAN ORANG TUA",
)
# Columns kept as text so Excel never turns them into numbers (leading zeros, 16 digits).
KOLOM_TEKS = frozenset({"NIK", "NO KK", "RT", "RW"})


def _cell(sheet: WriteOnlyWorksheet, header: str, value: Any) -> Cell:
    if header in KOLOM_TEKS:
        text = "" if value is None else str(value)
        cell = WriteOnlyCell(sheet, value=text)
        cell.number_format = "@"
        return cell
    safe: Any = tanpa_formula(value)
    return WriteOnlyCell(sheet, value=safe)


def _baris(a: Anggota) -> list[object]:
    keluarga = a.keluarga
    kelurahan = keluarga.kelurahan
    return [
        a.nik,
        a.nama,
        a.get_jenis_kelamin_display(),
        tanggal(a.tanggal_lahir),
        getattr(a, "umur", None),
        KandidatSekolahRakyat.Jenjang(a.jenjang_sr).label,  # type: ignore[attr-defined]
        "Cadangan" if getattr(a, "is_cadangan", False) else "Utama",
        keluarga.desil,
        tanggal(keluarga.desil_per),
        keluarga.no_kk,
        keluarga.pengurus.nama if keluarga.pengurus else "",
        keluarga.alamat,
        keluarga.rt,
        keluarga.rw,
        kelurahan.nama,
        kelurahan.parent.nama if kelurahan.parent else "",
        str(keluarga.pendamping) if keluarga.pendamping else "",
        getattr(a, "sr_status_label", ""),
        tanggal(getattr(a, "sr_tanggal_kunjungan", None)),
        "Ya" if getattr(a, "sr_is_persetujuan_ortu", False) else "Tidak",
    ]


def sekolah_rakyat_xlsx(kandidat: Iterable[Anggota], *, tanggal_acuan: datetime.date) -> bytes:
    """One sheet: a title row, the headers, one row per candidate (as listed by
    `kpm.selectors_komitmen.sekolah_rakyat_kandidat`)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kandidat Sekolah Rakyat")
    judul = WriteOnlyCell(
        sheet, value=f"Kandidat Sekolah Rakyat — umur per {tanggal(tanggal_acuan)}"
    )
    judul.font = Font(bold=True)
    sheet.append([judul])
    header = []
    for name in KOLOM_SEKOLAH_RAKYAT:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for anggota in kandidat:
        values = _baris(anggota)
        sheet.append(
            [_cell(sheet, h, v) for h, v in zip(KOLOM_SEKOLAH_RAKYAT, values, strict=True)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
