"""What every reader of the package shares: cells, refusals, limits, the reader protocol."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from dinsos.errors import DomainError
from dinsos.formatting import angka

Cell = str | int | float | bool | None
Row = list[Cell]

CHUNK = 1 << 20
SAMPLE = 64 * 1024
MAX_KOLOM = 500  # default of settings.DTSEN_MAX_KOLOM; a DTSEN file has about 20
MEMORI_SHARED_STRINGS = 256 * 1024 * 1024  # default of the shared-strings memory budget
# A CSV line or one sheet row / shared string's XML past these is not a register's row: refused
# before it is parsed, so one hostile line cannot take the worker's memory.
MAX_LINE_CHARS = 16 * 1024 * 1024
MAX_PART_XML = 16 * 1024 * 1024
MAX_SMALL_XML = 32 * 1024 * 1024  # workbook.xml and its rels are read whole


class FileDitolak(DomainError):
    """The whole file is refused before any row is loaded."""


MSG_KOSONG = "File kosong: tidak ada isi yang bisa dibaca."
MSG_BUKAN_SPREADSHEET = (
    "File ini bukan spreadsheet. Unggah file Excel (.xlsx atau .xls), LibreOffice (.ods) "
    "atau CSV (dipisah |, titik koma, koma atau tab)."
)
MSG_TERENKRIPSI = (
    "File Excel ini dikunci dengan kata sandi (terenkripsi). Buka di Excel, hapus kata "
    "sandinya (File › Info › Proteksi), simpan lalu unggah lagi."
)
MSG_XLS_RUSAK = (
    "File Excel 97-2003 (.xls) ini rusak: isinya tidak bisa dibaca. Simpan ulang sebagai "
    ".xlsx atau CSV lalu unggah lagi."
)
MSG_ODS_RUSAK = (
    "File LibreOffice (.ods) ini rusak: isinya tidak bisa dibaca. Simpan ulang lalu unggah lagi."
)
MSG_ZIP_RUSAK = (
    "File Excel rusak: isinya tidak bisa dibuka. Simpan ulang dari Excel lalu unggah lagi."
)
MSG_BUKAN_XLSX = "File zip ini bukan buku kerja Excel (.xlsx)."
MSG_DTD = "File Excel ini berisi deklarasi XML (DTD/entitas) yang tidak diizinkan."
MSG_BOMB = "File Excel ini mengembang tidak wajar saat dibuka (kemungkinan zip bomb) dan ditolak."
MSG_BAGIAN_BESAR = (
    "File Excel ini berisi satu baris atau satu teks yang lebih dari 16 MB; file seperti ini "
    "tidak wajar dan ditolak."
)


def pesan_terlalu_lebar(number: int, width: int, limit: int) -> str:
    """The refusal of a row wider than the limit, naming both counts."""
    return (
        f"Baris {number} berisi {angka(width)} kolom; batasnya {angka(limit)} kolom. "
        "Hapus kolom yang tidak dipakai lalu unggah lagi."
    )


class RowWithNul(list):  # type: ignore[type-arg]  # a Row (list[Cell]) the checker must reject
    """A row with a NUL character in a cell: PostgreSQL refuses it, so the checker rejects it."""


@dataclass(frozen=True)
class Dialek:
    """How a file was read, for the review page: its format, and for CSV encoding and delimiter."""

    format: str  # "xlsx", "xls", "ods", "csv"
    encoding: str = ""  # Python codec name, CSV only
    pemisah: str = ""  # CSV only

    @property
    def label(self) -> str:
        """E.g. "CSV, pemisah |, pengodean UTF-8" or "Excel 97-2003 (.xls)"."""
        if self.format != "csv":
            return LABEL_FORMAT[self.format]
        pemisah = NAMA_PEMISAH.get(self.pemisah, self.pemisah)
        return (
            f"CSV, pemisah {pemisah}, pengodean {NAMA_ENCODING.get(self.encoding, self.encoding)}"
        )


LABEL_FORMAT = {
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel 97-2003 (.xls)",
    "ods": "LibreOffice (.ods)",
    "csv": "CSV",
}
NAMA_PEMISAH = {"|": "|", ";": "titik koma", ",": "koma", "\t": "tab"}
NAMA_ENCODING = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (dengan BOM)",
    "cp1252": "Windows-1252",
    "latin_1": "Latin-1 (ISO-8859-1)",
}


class TableReader(Protocol):
    """Rows of the first sheet (or the CSV): `(row number as Excel shows it, cells)`."""

    dialek: Dialek

    def rows(self) -> Iterator[tuple[int, Row]]: ...

    def fraction_done(self) -> float: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Batas:
    """Limits against hostile files (settings DTSEN_MAX_KOLOM and DTSEN_XLSX_*)."""

    max_uncompressed: int
    max_ratio: int
    max_kolom: int = MAX_KOLOM
    memori_shared_strings: int = MEMORI_SHARED_STRINGS


def row_width(row: Row) -> int:
    """Columns up to the last non-empty one (Excel and CSV writers pad with empty cells)."""
    width = len(row)
    while width and (row[width - 1] is None or row[width - 1] == ""):
        width -= 1
    return width


def sha256_of(stream: BinaryIO) -> str:
    """Hex SHA-256 of a file read in chunks."""
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()
