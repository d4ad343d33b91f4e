"""Old Excel (.xls) and LibreOffice (.ods) files, read by python-calamine.

calamine holds the whole sheet in memory, which is why XLSX is streamed instead; these
formats stay small enough: an .xls sheet ends at 65.536 rows, and an .ods is refused past the
same number of rows (README: RSS measured at 65.536 rows). An .ods is a zip like an .xlsx and
passes the same bomb and DTD checks before calamine opens it.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Iterator
from pathlib import Path

import python_calamine

from dinsos.formatting import angka
from dinsos.spreadsheet.base import (
    MSG_ODS_RUSAK,
    MSG_TERENKRIPSI,
    MSG_XLS_RUSAK,
    Batas,
    Cell,
    Dialek,
    FileDitolak,
    Row,
    RowWithNul,
    pesan_terlalu_lebar,
    row_width,
)
from dinsos.spreadsheet.xlsx import check_zip_bomb, refuse_dtd_in

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_BARIS = 65_536  # the .xls sheet's own limit, applied to .ods too
# calamine loads the sheet before its rows can be counted: an .ods whose sheet XML unpacks
# past this is refused first (65.536 DTSEN rows unpack to 67 MB: bench/xls_ods_rss.py).
MAX_ODS_XML = 256 * 1024 * 1024
LABEL = {"xls": "Excel 97-2003 (.xls)", "ods": "LibreOffice (.ods)"}


def is_ods(archive: zipfile.ZipFile) -> bool:
    """An OpenDocument spreadsheet: its first part, `mimetype`, says so."""
    try:
        info = archive.getinfo("mimetype")
    except KeyError:
        return False
    # Read only a part of plausible size: a hostile archive may unpack it to gigabytes.
    return info.file_size <= len(ODS_MIMETYPE) + 2 and archive.read(info).strip() == ODS_MIMETYPE


def _cell(value: object) -> Cell:
    """calamine's values as the XLSX reader gives them: whole floats as int, dates as ISO text."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a time or a duration: shown as written


class CalamineReader:
    """The first sheet of an .xls or .ods file."""

    def __init__(self, path: Path, *, format: str, batas: Batas) -> None:
        self.dialek = Dialek(format)
        self.max_kolom = batas.max_kolom
        rusak = MSG_XLS_RUSAK if format == "xls" else MSG_ODS_RUSAK
        if format == "ods":
            try:
                with zipfile.ZipFile(path) as archive:
                    check_zip_bomb(archive, batas)
                    if archive.getinfo("content.xml").file_size > MAX_ODS_XML:
                        raise FileDitolak(
                            f"File LibreOffice (.ods) ini terlalu besar; batasnya "
                            f"{angka(MAX_BARIS)} baris. Simpan sebagai .xlsx atau CSV lalu "
                            "unggah lagi."
                        )
                    refuse_dtd_in(archive, "content.xml")
            except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
                raise FileDitolak(rusak) from exc
        try:
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
            sheet = workbook.get_sheet_by_index(0)
        except python_calamine.PasswordError as exc:
            raise FileDitolak(MSG_TERENKRIPSI) from exc
        except (python_calamine.CalamineError, ValueError, IndexError, OSError) as exc:
            raise FileDitolak(rusak) from exc
        if sheet.height > MAX_BARIS:
            raise FileDitolak(
                f"File {LABEL[format]} ini berisi {angka(sheet.height)} baris; batasnya "
                f"{angka(MAX_BARIS)}. Simpan sebagai .xlsx atau CSV lalu unggah lagi."
            )
        self._sheet = sheet
        self._height = max(sheet.height, 1)
        self._done = 0

    def rows(self) -> Iterator[tuple[int, Row]]:
        for index, values in enumerate(self._sheet.iter_rows()):
            self._done = index + 1
            row: Row = [_cell(value) for value in values]
            if not any(cell is not None for cell in row):
                continue
            if len(row) > self.max_kolom and (width := row_width(row)) > self.max_kolom:
                raise FileDitolak(pesan_terlalu_lebar(index + 1, width, self.max_kolom))
            if any(type(cell) is str and "\x00" in cell for cell in row):
                row = RowWithNul(row)
            yield index + 1, row

    def fraction_done(self) -> float:
        return min(1.0, self._done / self._height)

    def close(self) -> None:
        self._sheet = None  # type: ignore[assignment]  # lets the sheet's memory go
