"""The one way a file leaves the portal: safe spreadsheet cells and safe download headers.

Every XLSX and CSV the portal produces is written here (CONVENTIONS.md 3.1, the toolbox):

- **Formula injection** (OWASP "CSV Injection"): text that a spreadsheet would run as a formula
  (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, also after leading
  spaces) is written with a leading apostrophe, so Excel, LibreOffice and Google Sheets show it
  as text, in XLSX and CSV alike and even after "save as CSV". Importers undo it with
  `unescape_text`. XLSX text cells are always typed as strings (never ``f``).
- **Identifiers as text** (DOMAIN.md §8): a 16-digit NIK as a number loses its last digit in
  Excel, and RT "001" or a region code loses its leading zeros. Digit strings are text cells
  with the Text number format; an integer too long for Excel becomes text.
- **Numbers stay numbers**, dates stay dates (aware datetimes in local time, as Excel has no
  time zones).
- **Restricted people** (UU 27/2022, DOMAIN.md §10): a row holding the NIK or No KK of a
  person under a restriction request (hook `identitas_dibatasi`: kpm's families, pendamping's
  PMKS clients) is never
  written, even by an export whose query forgot to leave them out. Title and header rows
  (`bold`) are not checked.
- **Download headers**: the filename is a slug (a kecamatan name with a quote or CRLF can
  neither break ``Content-Disposition`` nor fail the response), built with Django's RFC 6266
  `content_disposition_header`; downloads are never cached (``Cache-Control: no-store``).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

import tablib
from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dinsos import hooks

# OWASP "CSV Injection": a cell starting with one of these runs as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_DIGITS = 15  # Excel keeps 15 significant digits: a longer integer must be text
# NIK, No KK, RT/RW, NOKA and region codes ("18.72.01"): digits, maybe dots. Always text.
IDENTIFIER = re.compile(r"[0-9][0-9.]*")
TEXT_FORMAT = "@"
FILENAME_MAX = 120  # characters of the slug, before the extension
BOLD = Font(bold=True)
CellValue = str | int | float | Decimal | datetime.date | datetime.time | datetime.timedelta | None


@dataclass(frozen=True)
class DownloadFormat:
    extension: str
    content_type: str


XLSX = DownloadFormat(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
CSV = DownloadFormat(".csv", "text/csv; charset=utf-8")
JSON = DownloadFormat(".json", "application/json")


# --- Cells ---------------------------------------------------------------------------------
def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip().startswith(FORMULA_TRIGGERS)


def safe_text(text: str) -> str:
    """Text no spreadsheet runs: a formula-like value gets a leading apostrophe. Control
    characters XLSX cannot hold (e.g. a vertical tab from a DTSEN file) are dropped."""
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)
    return f"'{clean}" if is_formula_like(clean) else clean


def unescape_text(text: str) -> str:
    """Undo `safe_text`'s apostrophe, for importing a file the portal exported."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def safe_value(value: object) -> CellValue:
    """A value fit for any spreadsheet cell: text never a formula, numbers stay numbers, an
    integer Excel would round becomes text."""
    if value is None or isinstance(value, bool | float | Decimal):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) >= 10**EXCEL_DIGITS else value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return value
    return safe_text(str(value))


# --- Restricted people --------------------------------------------------------------------
def identitas_dibatasi() -> frozenset[str]:
    """NIKs and No KKs that no export may hold (module docstring): the providers' querysets
    in one UNION, so one query per export however many apps keep people."""
    sources = [
        provider().order_by() for provider in hooks.registry.providers(hooks.IDENTITAS_DIBATASI)
    ]
    if not sources:
        return frozenset()
    return frozenset(str(i) for i in sources[0].union(*sources[1:]) if i)


def is_row_dibatasi(values: Iterable[object], dibatasi: frozenset[str]) -> bool:
    """Whether a row holds a restricted identifier in any cell."""
    return bool(dibatasi) and any(str(v).strip() in dibatasi for v in values if v is not None)


# --- XLSX ----------------------------------------------------------------------------------
class SafeSheet:
    """A write-only sheet whose every value goes through `safe_value`; rows about a
    restricted person are dropped (and counted in `dilewati`)."""

    def __init__(self, sheet: WriteOnlyWorksheet, dibatasi: frozenset[str] = frozenset()) -> None:
        self._sheet = sheet
        self._dibatasi = dibatasi
        self.dilewati = 0

    def append(self, values: Iterable[object], *, bold: bool = False, label: bool = False) -> None:
        """Write one row; `bold` for titles and headers, `label` for a bold first cell (a
        form laid out as label and value)."""
        values = list(values)
        if not bold and is_row_dibatasi(values, self._dibatasi):
            self.dilewati += 1
            return
        self._sheet.append(
            [self._cell(v, bold=bold or (label and i == 0)) for i, v in enumerate(values)]
        )

    def _cell(self, value: object, *, bold: bool) -> CellValue | Cell:
        safe = safe_value(value)
        is_text = isinstance(safe, str) and (
            IDENTIFIER.fullmatch(safe) is not None or safe in ERROR_CODES
        )
        if not (is_text or bold):
            return safe  # a str here is bound as a string cell: it cannot start with "="
        cell = WriteOnlyCell(self._sheet, value=safe)  # type: ignore[arg-type]  # stub omits date
        if is_text:
            cell.data_type = "s"  # "#N/A" would otherwise be an error cell
            cell.number_format = TEXT_FORMAT
        if bold:
            cell.font = BOLD
        return cell


class SafeWorkbook:
    """An XLSX in openpyxl's write-only mode (rows stream to a temporary file, so a big export
    fits in memory) whose cells are all safe (module docstring)."""

    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)
        self._dibatasi = identitas_dibatasi()

    def add_sheet(
        self, title: str, *, widths: Mapping[str, float] | None = None, freeze: str | None = None
    ) -> SafeSheet:
        """A new sheet; column widths and frozen panes must be set before the first row."""
        sheet = self._workbook.create_sheet(safe_sheet_title(title))
        for letter, width in (widths or {}).items():
            sheet.column_dimensions[letter].width = width
        if freeze:
            sheet.freeze_panes = freeze
        return SafeSheet(sheet, self._dibatasi)

    def save(self, target: Path | IO[bytes]) -> None:
        self._workbook.save(target)  # type: ignore[arg-type]  # openpyxl takes a file object too

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


class _Tampung(io.RawIOBase):
    """An unseekable sink that hands over what was written so far (zipfile then writes
    each part with a data descriptor, as a stream)."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def ambil(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


_XLSX_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'{_XML}<Relationships xmlns="{_PKG_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML}<Relationships xmlns="{_PKG_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
    ),
    # Cell styles: 0 plain, 1 bold, 2 Text format (numFmt 49 is "@"), 3 bold Text.
    "xl/styles.xml": (
        f'{_XML}<styleSheet xmlns="{_XLSX_NS}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="4">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
        'applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def _kolom(n: int) -> str:
    """Column letters of the n-th column (0 → A, 26 → AA)."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class SafeXlsxStream:
    """A one-sheet XLSX written while it is sent: rows go out in compressed chunks as they
    are produced (a query's iterator), so a big export neither waits for its last row
    before the first byte nor holds the rows or the file in memory. The cells follow the
    same rules as `SafeSheet` (text never a formula, identifiers as Text cells, restricted
    people's rows dropped) but are written as inline strings by this module instead of
    openpyxl, about 20× faster (issue 21: 25.000 candidates in under a second).

        stream = SafeXlsxStream("Kandidat")
        return download_stream_response(stream.chunks(title_rows, rows), name=…, fmt=XLSX)

    Values: text, integers, Decimal/float and None (dates: format them as text first).
    """

    BATCH = 500  # rows per compressed chunk handed to the response

    def __init__(self, title: str) -> None:
        self.title = safe_sheet_title(title)
        self._dibatasi = identitas_dibatasi()
        self.dilewati = 0
        self._sel: dict[tuple[str, bool], str] = {}

    def chunks(
        self, bold_rows: Iterable[Iterable[object]], rows: Iterable[Iterable[object]]
    ) -> Iterator[bytes]:
        """The file's bytes: `bold_rows` (title, headers) then `rows`."""
        sink = _Tampung()
        # Level 1: three times faster than the default for a file ~20 % larger.
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for name, content in _XLSX_PARTS.items():
                zf.writestr(name, content)
            zf.writestr(
                "xl/workbook.xml",
                f'{_XML}<workbook xmlns="{_XLSX_NS}" xmlns:r="{_REL_NS}"><sheets><sheet '
                f'name="{escape(self.title, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
                "</sheets></workbook>",
            )
            yield sink.ambil()
            with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
                sheet.write(f'{_XML}<worksheet xmlns="{_XLSX_NS}"><sheetData>'.encode())
                nomor = 0
                batch: list[str] = []
                for bold, source in ((True, bold_rows), (False, rows)):
                    for values in source:
                        row = self._row(nomor + 1, list(values), bold=bold)
                        if row is None:
                            continue
                        nomor += 1
                        batch.append(row)
                        if len(batch) == self.BATCH:
                            sheet.write("".join(batch).encode())
                            batch.clear()
                            yield sink.ambil()
                sheet.write("".join(batch).encode())
                sheet.write(b"</sheetData></worksheet>")
        yield sink.ambil()

    def save(
        self,
        target: Path | IO[bytes],
        bold_rows: Iterable[Iterable[object]],
        rows: Iterable[Iterable[object]],
    ) -> None:
        """Write the file to a path or a binary file object (a stored report): `chunks`
        written as they come, so neither the rows nor the file are held in memory."""
        if isinstance(target, Path):
            with target.open("wb") as handle:
                self.save(handle, bold_rows, rows)
            return
        for chunk in self.chunks(bold_rows, rows):
            target.write(chunk)

    def _row(self, nomor: int, values: list[object], *, bold: bool) -> str | None:
        if not bold and self._dibatasi and is_row_dibatasi(values, self._dibatasi):
            self.dilewati += 1
            return None
        cells = []
        tersimpan = self._sel
        for kolom, value in zip(_KOLOM, values, strict=False):
            if type(value) is str:
                if not value:  # no cell, as openpyxl reads back an empty text
                    continue
                # A column repeats its values (kelurahan, labels, "Tidak"): each is made safe
                # once.
                isi = tersimpan.get((value, bold))
                if isi is None:
                    isi = _isi_sel(value, bold)
                    if len(tersimpan) > 20_000:
                        tersimpan.clear()
                    tersimpan[(value, bold)] = isi
            elif type(value) is int and not bold and -_INT_ANGKA < value < _INT_ANGKA:
                isi = f"><v>{value}</v>"  # a row number, a count: as _isi_sel writes it
            elif value is None:
                continue
            else:
                isi = _isi_sel(value, bold)
            cells.append(f'<c r="{kolom}{nomor}"{isi}</c>')
        return f'<row r="{nomor}">{"".join(cells)}</row>'


_INT_ANGKA = 10**EXCEL_DIGITS  # a smaller integer is a number cell (`safe_value`)
_KOLOM = [_kolom(i) for i in range(16384)]  # A … XFD, Excel's last column


def _isi_sel(value: object, bold: bool) -> str:
    """A cell's attributes and content after its reference, by `safe_value`'s rules (text
    is written inline, Text format for identifiers, style 1 bold)."""
    safe = value if type(value) is str else safe_value(value)
    if isinstance(safe, str):
        safe = safe_text(safe)
        is_text = IDENTIFIER.fullmatch(safe) is not None or safe in ERROR_CODES
        style = (2 if is_text else 0) + (1 if bold else 0)
        gaya = f' s="{style}"' if style else ""
        return f' t="inlineStr"{gaya}><is><t xml:space="preserve">{_xml_text(safe)}</t></is>'
    tebal = ' s="1"' if bold else ""
    if isinstance(safe, bool):
        return f' t="b"{tebal}><v>{int(safe)}</v>'
    if isinstance(safe, int | float | Decimal):
        return f"{tebal}><v>{safe}</v>"
    raise TypeError(f"SafeXlsxStream menulis teks dan angka, bukan {type(safe).__name__}")


def safe_sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Lembar"


def xlsx_bytes(rows: Iterable[Iterable[object]], *, title: str, header: Iterable[object]) -> bytes:
    """One sheet: a bold header row, then the rows."""
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet(title)
    sheet.append(header, bold=True)
    for row in rows:
        sheet.append(row)
    return workbook.to_bytes()


# --- CSV -----------------------------------------------------------------------------------
def _csv_field(value: object) -> CellValue:
    safe = safe_value(value)
    if isinstance(safe, datetime.date | datetime.time):
        return safe.isoformat()
    return "" if safe is None else safe


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """CSV as Excel opens it: a byte-order mark (so it reads UTF-8), comma-separated, every
    field through `safe_value`. Identifiers are written as their digits (CSV has no types).
    Rows about a restricted person are left out (module docstring)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    dibatasi = identitas_dibatasi()
    for row in rows:
        values = list(row)
        if not is_row_dibatasi(values, dibatasi):
            writer.writerow([_csv_field(value) for value in values])
    return buffer.getvalue()


# --- django-import-export formats (admin export) --------------------------------------------
def _dataset_rows(dataset: tablib.Dataset) -> Iterable[Iterable[object]]:
    if dataset.headers:
        yield dataset.headers
    yield from dataset


class SafeCsvFormat(base_formats.CSV):
    """The admin's CSV export, written by `csv_text`."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        return csv_text(_dataset_rows(dataset))


class SafeXlsxFormat(base_formats.XLSX):
    """The admin's XLSX export, written by `SafeWorkbook`."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        workbook = SafeWorkbook()
        sheet = workbook.add_sheet(dataset.title or "Ekspor", freeze="A2")
        if dataset.headers:
            sheet.append(dataset.headers, bold=True)
        for row in dataset:
            sheet.append(row)
        return workbook.to_bytes()


EXPORT_FORMATS: list[type[base_formats.Format]] = [SafeCsvFormat, SafeXlsxFormat]


class SafeExportAdminMixin:
    """For an import-export ModelAdmin: export only through the safe CSV and XLSX writers
    (tablib's own writers let ``=HYPERLINK(...)`` through as a live formula)."""

    def get_export_formats(self) -> list[type[base_formats.Format]]:
        return EXPORT_FORMATS


# --- Download responses ----------------------------------------------------------------------
def download_filename(name: str, fmt: DownloadFormat) -> str:
    """A slug of `name` with the format's extension: ASCII letters, digits and hyphens only."""
    return f"{slugify(name)[:FILENAME_MAX].strip('-_') or 'unduhan'}{fmt.extension}"


def set_download_headers(response: HttpResponseBase, *, name: str, fmt: DownloadFormat) -> None:
    """Mark a response as a file download named from `name` (any text: it is slugged)."""
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=download_filename(name, fmt)
    )
    response["Cache-Control"] = "no-store"  # personal data never waits in a shared cache
    response["X-Content-Type-Options"] = "nosniff"


def download_response(content: bytes | str, *, name: str, fmt: DownloadFormat) -> HttpResponse:
    """An export built in memory, as a download."""
    response = HttpResponse(content, content_type=fmt.content_type)
    set_download_headers(response, name=name, fmt=fmt)
    return response


def download_stream_response(
    chunks: Iterator[bytes], *, name: str, fmt: DownloadFormat
) -> StreamingHttpResponse:
    """An export written while it is sent (`SafeXlsxStream`), as a download."""
    response = StreamingHttpResponse(chunks, content_type=fmt.content_type)
    set_download_headers(response, name=name, fmt=fmt)
    return response


def download_file_response(file: IO[bytes], *, name: str, fmt: DownloadFormat) -> FileResponse:
    """A stored export (report, SIKS-NG list), streamed as a download."""
    response = FileResponse(file, content_type=fmt.content_type)
    set_download_headers(response, name=name, fmt=fmt)
    return response
