"""Open an uploaded spreadsheet safely and stream its rows, never holding the sheet in memory.

XLSX is read straight from the zip stream: the sheet XML is decompressed in 1 MB chunks and
cut into cells by a regular expression (python-calamine is as fast but keeps the whole sheet
in memory: 1.9 GB for a million rows; README, design). CSV goes through the csv module with
the delimiter sniffed from the header line (DTSEN v3 `|`, Excel `;` or `,`, tab), with or
without a BOM and a `sep=` line.

Refused before any row is read, with a message the admin can act on: an empty file, a file
that is not a spreadsheet (checked on its bytes, not its name), an encrypted workbook, a
corrupt zip, a zip bomb, XML with a DTD (entity expansion tricks).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, cast

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from dinsos.errors import DomainError

Cell = str | int | float | bool | None
Row = list[Cell]

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # CFB: encrypted OOXML or legacy .xls
CHUNK = 1 << 20
SAMPLE = 64 * 1024
MAX_ZIP_ENTRIES = 10_000
BOMB_MIN_SIZE = 1 << 20  # ratios of tiny parts (styles, rels) mean nothing
DELIMITERS = ("|", ";", ",", "\t")
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class FileDitolak(DomainError):
    """The whole file is refused before any row is loaded."""


MSG_KOSONG = "File kosong: tidak ada isi yang bisa dibaca."
MSG_BUKAN_SPREADSHEET = (
    "File ini bukan spreadsheet. Unggah file Excel (.xlsx) atau CSV "
    "(dipisah |, titik koma, koma atau tab)."
)
MSG_TERENKRIPSI = (
    "File Excel ini dikunci dengan kata sandi (terenkripsi). Buka di Excel, hapus kata "
    "sandinya (File › Info › Proteksi), simpan lalu unggah lagi."
)
MSG_XLS = (
    "Format Excel 97-2003 (.xls) tidak didukung. Simpan sebagai .xlsx atau CSV lalu unggah lagi."
)
MSG_ZIP_RUSAK = (
    "File Excel rusak: isinya tidak bisa dibuka. Simpan ulang dari Excel lalu unggah lagi."
)
MSG_BUKAN_XLSX = "File zip ini bukan buku kerja Excel (.xlsx)."
MSG_DTD = "File Excel ini berisi deklarasi XML (DTD/entitas) yang tidak diizinkan."
MSG_BOMB = "File Excel ini mengembang tidak wajar saat dibuka (kemungkinan zip bomb) dan ditolak."


class TableReader(Protocol):
    """Rows of the first sheet (or the CSV): `(row number as Excel shows it, cells)`."""

    def rows(self) -> Iterator[tuple[int, Row]]: ...

    def fraction_done(self) -> float: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Batas:
    """Limits against zip bombs (settings DTSEN_XLSX_*)."""

    max_uncompressed: int
    max_ratio: int


def open_table(path: Path, *, batas: Batas) -> TableReader:
    """Check the file's bytes and return a streaming reader; raises FileDitolak."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    if not head:
        raise FileDitolak(MSG_KOSONG)
    if head.startswith(ZIP_MAGIC):
        return XlsxReader(path, batas=batas)
    if head.startswith(OLE2_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in head or b"EncryptedPackage" in head:
            raise FileDitolak(MSG_TERENKRIPSI)
        # The CFB directory may sit past the first 64 KB: look for the stream names anywhere.
        if _contains(path, "EncryptionInfo".encode("utf-16-le")):
            raise FileDitolak(MSG_TERENKRIPSI)
        raise FileDitolak(MSG_XLS)
    if head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise FileDitolak(MSG_ZIP_RUSAK)
    return CsvReader(path, head=head)


def _contains(path: Path, needle: bytes) -> bool:
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


# --- CSV ---------------------------------------------------------------------------
class _CountingFile(io.FileIO):
    """A file that counts the bytes read, for progress while a text wrapper iterates."""

    consumed = 0

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = super().readinto(buffer) or 0
        self.consumed += count
        return count


def _sniff_delimiter(line: str) -> str | None:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the order of DELIMITERS
    return best if counts[best] else None


class CsvReader:
    """A CSV/pipe file: encoding and delimiter found from the first bytes."""

    def __init__(self, path: Path, *, head: bytes) -> None:
        if b"\x00" in head:
            raise FileDitolak(MSG_BUKAN_SPREADSHEET)
        self.path = path
        self.size = path.stat().st_size
        self.encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            # Excel in an Indonesian locale saves "CSV (dipisah koma)" in Windows-1252.
            self.encoding = "cp1252"
        text = head.decode(self.encoding, errors="ignore")
        lines = text.splitlines()
        first = lines[0] if lines else ""
        self.skip_sep_line = False
        match = re.fullmatch(r'"?sep=(.)"?', first.strip())
        if match:
            self.delimiter: str = match.group(1)
            self.skip_sep_line = True
        else:
            found = _sniff_delimiter(first)
            if found is None:
                raise FileDitolak(MSG_BUKAN_SPREADSHEET)
            self.delimiter = found
        self._raw: _CountingFile | None = None

    def rows(self) -> Iterator[tuple[int, Row]]:
        self._raw = _CountingFile(self.path, "r")
        text = io.TextIOWrapper(
            io.BufferedReader(self._raw, CHUNK), encoding=self.encoding, newline=""
        )
        try:
            reader = csv.reader(text, delimiter=self.delimiter, quotechar='"')
            if self.skip_sep_line:
                next(reader, None)  # Excel hides the `sep=` line: the header is row 1
            for number, cells in enumerate(reader, start=1):
                if any(cell.strip() for cell in cells):  # Excel still numbers blank rows
                    yield number, cast(Row, cells)
        except UnicodeDecodeError as exc:
            raise FileDitolak(
                "File CSV memakai pengodean huruf campuran. Simpan sebagai "
                '"CSV UTF-8" dari Excel lalu unggah lagi.'
            ) from exc
        except csv.Error as exc:
            raise FileDitolak(f"File CSV rusak: {exc}.") from exc
        finally:
            text.close()

    def fraction_done(self) -> float:
        if not self._raw or not self.size:
            return 0.0
        return min(1.0, self._raw.consumed / self.size)

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()


# --- XLSX --------------------------------------------------------------------------
# The cell as every writer we know lays it out (Excel, LibreOffice, openpyxl, xlsxwriter):
# attributes r, s, t in that order, then others; a value <v>, or an inline string.
_FAST = re.compile(
    rb"(<row\b[^>]*>)"
    rb'|<c(?: r="([A-Z]{1,3})\d+")?(?: s="\d+")?(?: t="(\w+)")?(?: [\w:]+="[^"]*")*\s*'
    rb"(?:/>|>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?"
    rb"(?:<v>([^<]*)</v>|<is><t(?: [^>]*)?>([^<]*)</t></is>)?</c>)"
)
# Anything else (other attribute orders, rich text, `<v/>`): slower but general.
_ROW_OR_CELL = re.compile(rb"(<row\b[^>]*>)|<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_COLUMN = re.compile(rb"^([A-Z]{1,3})")
_V = re.compile(rb"<v>([^<]*)</v>")
_T = re.compile(rb"<t\b[^>]*>([^<]*)</t>|<t\b[^>]*/>")
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_SI_SIMPLE = re.compile(rb"<t(?: [^>]*)?>([^<]*)</t>")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _NAMED[name]


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _has_content(row: Row) -> bool:
    return any(value is not None and value != "" for value in row)


def _refuse_dtd(head: bytes) -> None:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise FileDitolak(MSG_DTD)


class XlsxReader:
    """The first worksheet of an XLSX, streamed from the zip."""

    def __init__(self, path: Path, *, batas: Batas) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FileDitolak(MSG_ZIP_RUSAK) from exc
        try:
            self._check_bomb(batas)
            self.sheet_path, strings_path = self._locate_parts()
            self.shared = self._read_shared_strings(strings_path) if strings_path else []
            self.sheet_info = self.zip.getinfo(self.sheet_path)
        except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
            self.zip.close()
            raise FileDitolak(MSG_ZIP_RUSAK) from exc
        except FileDitolak:
            self.zip.close()
            raise
        self.consumed = 0

    def _check_bomb(self, batas: Batas) -> None:
        infos = self.zip.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise FileDitolak(MSG_BOMB)
        if sum(info.file_size for info in infos) > batas.max_uncompressed:
            raise FileDitolak(MSG_BOMB)
        for info in infos:
            if info.file_size < BOMB_MIN_SIZE:
                continue
            if info.compress_size == 0 or info.file_size / info.compress_size > batas.max_ratio:
                raise FileDitolak(MSG_BOMB)

    def _xml(self, name: str) -> SafeET.Element:  # type: ignore[name-defined]
        data = self.zip.read(name)
        try:
            return SafeET.fromstring(data)
        except DefusedXmlException as exc:
            raise FileDitolak(MSG_DTD) from exc
        except SafeET.ParseError as exc:
            raise FileDitolak(MSG_ZIP_RUSAK) from exc

    def _locate_parts(self) -> tuple[str, str | None]:
        names = set(self.zip.namelist())
        if "xl/workbook.xml" not in names:
            raise FileDitolak(MSG_BUKAN_XLSX)
        workbook = self._xml("xl/workbook.xml")
        sheets = workbook.findall(f"{NS_MAIN}sheets/{NS_MAIN}sheet")
        if not sheets:
            raise FileDitolak("File Excel ini tidak berisi lembar kerja.")
        first_id = sheets[0].get(f"{NS_REL}id")
        targets: dict[str, str] = {}
        strings_path = None
        if "xl/_rels/workbook.xml.rels" in names:
            for rel in self._xml("xl/_rels/workbook.xml.rels").iter(f"{NS_PKG_REL}Relationship"):
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                targets[rel.get("Id", "")] = target
                if rel.get("Type", "").endswith("/sharedStrings"):
                    strings_path = target
        sheet_path = targets.get(first_id or "", "xl/worksheets/sheet1.xml")
        if sheet_path not in names:
            raise FileDitolak(MSG_BUKAN_XLSX)
        if strings_path is None and "xl/sharedStrings.xml" in names:
            strings_path = "xl/sharedStrings.xml"
        if strings_path is not None and strings_path not in names:
            strings_path = None
        return sheet_path, strings_path

    def _read_shared_strings(self, name: str) -> list[str]:
        strings: list[str] = []
        with self.zip.open(name) as stream:
            buffer = b""
            first = True
            while chunk := stream.read(CHUNK):
                buffer += chunk
                if first:
                    _refuse_dtd(buffer[:4096])
                    first = False
                cut = buffer.rfind(b"</si>")
                tail_empty = buffer.rfind(b"<si/>")
                cut = max(cut + 5 if cut >= 0 else -1, tail_empty + 5 if tail_empty >= 0 else -1)
                if cut < 0:
                    continue
                part, buffer = buffer[:cut], buffer[cut:]
                strings.extend(self._strings(part))
            strings.extend(self._strings(buffer))
        return strings

    @staticmethod
    def _strings(part: bytes) -> Iterator[str]:
        for match in _SI.finditer(part):
            body = match.group(1)
            if body is None:
                yield ""
                continue
            simple = _SI_SIMPLE.fullmatch(body)
            if simple:
                yield _text(simple.group(1))
                continue
            body = _PHONETIC.sub(b"", body)
            yield "".join(_text(m.group(1) or b"") for m in _T.finditer(body))

    def _parts(self) -> Iterator[bytes]:
        """The sheet XML in pieces that end at a row boundary."""
        with self.zip.open(self.sheet_info) as stream:
            buffer = b""
            first = True
            while chunk := stream.read(CHUNK):
                self.consumed += len(chunk)
                buffer += chunk
                if first:
                    _refuse_dtd(buffer[:4096])
                    first = False
                cut = buffer.rfind(b"</row>")
                if cut < 0:
                    continue
                yield buffer[: cut + 6]
                buffer = buffer[cut + 6 :]
            yield buffer

    def rows(self) -> Iterator[tuple[int, Row]]:
        columns: dict[bytes, int] = {}
        shared = self.shared
        row: Row | None = None
        number = 0
        for part in self._parts():
            found = _FAST.findall(part)
            expected = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/>")
            if len(found) - part.count(b"<row") != expected:
                found = self._general(part)
            for row_tag, letters, kind, value, inline in found:
                if row_tag:
                    if row is not None and _has_content(row):
                        yield number, row
                    numbered = _ROW_NUMBER.search(row_tag)
                    number = int(numbered.group(1)) if numbered else number + 1
                    row = []
                    continue
                if row is None:
                    continue
                cell: Cell
                if kind == b"s":
                    cell = shared[int(value)] if value else None
                elif kind == b"inlineStr":
                    cell = _text(inline)
                elif not value:
                    cell = None
                elif not kind or kind == b"n":
                    try:
                        cell = int(value)
                    except ValueError:
                        cell = float(value)
                elif kind == b"b":
                    cell = value == b"1"
                else:  # str (formula result), e (error), d (ISO date)
                    cell = _text(value)
                if letters:
                    index = columns.get(letters)
                    if index is None:
                        index = columns[letters] = _column_index(letters)
                else:
                    index = len(row)
                if index == len(row):
                    row.append(cell)
                else:
                    if index > len(row):
                        row.extend([None] * (index + 1 - len(row)))
                    row[index] = cell
        if row is not None and _has_content(row):
            yield number, row

    @staticmethod
    def _general(part: bytes) -> list[tuple[bytes, bytes, bytes, bytes, bytes]]:
        """Cells in any layout, in the same shape as the fast expression's matches."""
        found = []
        for match in _ROW_OR_CELL.finditer(part):
            row_tag, cell_attrs, body = match.groups()
            if cell_attrs is None:
                found.append((row_tag, b"", b"", b"", b""))
                continue
            attrs = dict(_ATTR.findall(cell_attrs))
            letters = _COLUMN.match(attrs.get(b"r", b""))
            value = inline = b""
            if body:
                v = _V.search(body)
                value = v.group(1) if v else b""
                if attrs.get(b"t") == b"inlineStr":
                    runs = _T.finditer(_PHONETIC.sub(b"", body))
                    inline = b"".join(m.group(1) or b"" for m in runs)
            found.append(
                (b"", letters.group(1) if letters else b"", attrs.get(b"t", b""), value, inline)
            )
        return found

    def fraction_done(self) -> float:
        size = self.sheet_info.file_size
        return min(1.0, self.consumed / size) if size else 0.0

    def close(self) -> None:
        self.zip.close()


def sha256_of(stream: BinaryIO) -> str:
    """Hex SHA-256 of a file read in chunks."""
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()
