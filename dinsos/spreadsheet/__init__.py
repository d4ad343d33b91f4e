"""The one spreadsheet reader of the portal: every import reads its files through `open_table`.

Formats are told by content, never by name: XLSX (streamed from the zip), .xls and .ods
(python-calamine), and CSV in the dialects offices and BPS write (`|`, `;`, `,`, tab; BOM;
Excel's `sep=` line; UTF-8, Windows-1252 or Latin-1). Each reader says how it read the file
(`Dialek`) and yields `(row number as the spreadsheet shows it, cells)` for non-blank rows.

Refused before any row is read, with a message the user can act on (`FileDitolak`): an empty
file, a file that is not a spreadsheet (a PDF or a photo renamed .xlsx), an encrypted
workbook, a corrupt file, a zip bomb, XML with a DTD. `ringkasan.PemilahRingkasan` sets
totals and notes under the data apart from the rows.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File

from dinsos.spreadsheet.base import (
    CHUNK,
    MSG_BUKAN_SPREADSHEET,
    MSG_BUKAN_XLSX,
    MSG_KOSONG,
    MSG_TERENKRIPSI,
    MSG_ZIP_RUSAK,
    SAMPLE,
    Batas,
    Cell,
    Dialek,
    FileDitolak,
    Row,
    RowWithNul,
    TableReader,
    sha256_of,
)
from dinsos.spreadsheet.calamine import CalamineReader, is_ods
from dinsos.spreadsheet.csvfile import CsvReader
from dinsos.spreadsheet.xlsx import XlsxReader

__all__ = [
    "Batas",
    "Cell",
    "Dialek",
    "FileDitolak",
    "Row",
    "RowWithNul",
    "TableReader",
    "batas_dari_settings",
    "open_table",
    "sha256_of",
    "upload_path",
]

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # CFB: encrypted OOXML or legacy .xls
# Files people upload by mistake, told by their first bytes (anything else may be text).
BUKAN_SPREADSHEET = (
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"RIFF",  # WEBP, AVI, WAV
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
    b"MZ",  # a Windows program
    b"\x7fELF",
)
ENKRIPSI_OOXML = ("EncryptionInfo".encode("utf-16-le"), b"EncryptedPackage")


def batas_dari_settings() -> Batas:
    """The limits against hostile files, from settings (DTSEN_MAX_KOLOM, DTSEN_XLSX_*)."""
    return Batas(
        max_uncompressed=settings.DTSEN_XLSX_MAX_UNCOMPRESSED_BYTES,
        max_ratio=settings.DTSEN_XLSX_MAX_RATIO,
        max_kolom=settings.DTSEN_MAX_KOLOM,
        memori_shared_strings=settings.DTSEN_XLSX_SHARED_STRINGS_MEMORY_BYTES,
    )


@contextmanager
def upload_path(upload: File) -> Iterator[Path]:
    """A path to an upload's bytes: Django's temporary file, or a copy of a small upload
    held in memory (deleted on exit). The upload's position is left at the start."""
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        yield Path(temporary())
        return
    with tempfile.NamedTemporaryFile(prefix="dinsos-unggah-") as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        upload.seek(0)
        yield Path(copy.name)


def open_table(path: Path, *, batas: Batas) -> TableReader:
    """Check the file's bytes and return a streaming reader; raises FileDitolak."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    if not head:
        raise FileDitolak(MSG_KOSONG)
    if head.startswith(ZIP_MAGIC):
        return _zip_reader(path, batas=batas)
    if head.startswith(OLE2_MAGIC):
        # A password-protected .xlsx is a CFB container with these streams; the CFB
        # directory may sit past the first 64 KB, so look for the names anywhere.
        if any(n in head for n in ENKRIPSI_OOXML) or _contains(path, ENKRIPSI_OOXML[0]):
            raise FileDitolak(MSG_TERENKRIPSI)
        return CalamineReader(path, format="xls", batas=batas)
    if head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise FileDitolak(MSG_ZIP_RUSAK)
    if head.startswith(BUKAN_SPREADSHEET):
        raise FileDitolak(MSG_BUKAN_SPREADSHEET)
    return CsvReader(path, head=head, max_kolom=batas.max_kolom)


def _zip_reader(path: Path, *, batas: Batas) -> TableReader:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            ods = is_ods(archive)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileDitolak(MSG_ZIP_RUSAK) from exc
    if ods:
        return CalamineReader(path, format="ods", batas=batas)
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise FileDitolak(MSG_BUKAN_XLSX)
    return XlsxReader(path, batas=batas)


def _contains(path: Path, needle: bytes) -> bool:
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False
