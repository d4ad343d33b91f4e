"""XLSX read straight from the zip stream, never holding the sheet in memory.

The sheet XML is decompressed in 1 MB chunks and cut into cells by a regular expression
(python-calamine is as fast but keeps the whole sheet in memory: 1.9 GB for a million rows;
README, design). Refused before any row is read: an encrypted workbook, a corrupt zip, a zip
bomb, XML with a DTD (entity expansion tricks) anywhere in a part read.

Bounded work for hostile files (issue 22): a row wider than `Batas.max_kolom` non-empty
columns is refused naming its width, so no later step (the mapping form) works per column
unbounded; a sheet row past a size cap is refused before it is parsed; shared strings past a
memory budget spill to a temporary file. A NUL character anywhere becomes a problem of its
row (`RowWithNul`), never a database error.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from dinsos.spreadsheet.base import (
    CHUNK,
    MAX_PART_XML,
    MAX_SMALL_XML,
    MSG_BAGIAN_BESAR,
    MSG_BOMB,
    MSG_BUKAN_XLSX,
    MSG_DTD,
    MSG_ZIP_RUSAK,
    Batas,
    Cell,
    Dialek,
    FileDitolak,
    Row,
    RowWithNul,
    pesan_terlalu_lebar,
    row_width,
)

MAX_ZIP_ENTRIES = 10_000
BOMB_MIN_SIZE = 1 << 20  # ratios of tiny parts (styles, rels) mean nothing
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
SEAM = 16  # bytes kept from the previous chunk so a marker split across chunks is seen


def check_zip_bomb(archive: zipfile.ZipFile, batas: Batas) -> None:
    """Refuse a zip with too many parts, too many unpacked bytes or an implausible ratio."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileDitolak(MSG_BOMB)
    if sum(info.file_size for info in infos) > batas.max_uncompressed:
        raise FileDitolak(MSG_BOMB)
    for info in infos:
        if info.file_size < BOMB_MIN_SIZE:
            continue
        if info.compress_size == 0 or info.file_size / info.compress_size > batas.max_ratio:
            raise FileDitolak(MSG_BOMB)


def refuse_dtd_in(archive: zipfile.ZipFile, name: str) -> None:
    """Stream one part and refuse it when it declares a DTD (python-calamine would parse it)."""
    with archive.open(name) as stream:
        seam = b""
        while chunk := stream.read(CHUNK):
            seam = refuse_dtd(seam, chunk)


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


def refuse_dtd(seam: bytes, chunk: bytes) -> bytes:
    """Refuse a DTD anywhere in an XML stream; returns the seam to pass with the next chunk.

    One-byte searches run at memchr speed, multi-byte ones ten times slower: look for the
    rare "!" first (a 1M-row sheet has none) and for the markers only where it appears.
    """
    joined = seam + chunk[:SEAM]
    if b"!" in chunk or b"!" in joined:
        for marker in DTD_MARKERS:
            if marker in chunk or marker in joined:
                raise FileDitolak(MSG_DTD)
    return chunk[-SEAM:]


# NUL as a byte, an OOXML escape or a character reference: rare, so looked for per chunk first.
_NUL_XML = re.compile(rb"\x00|_x0000_|&#(?:0+|x0+);")


def _may_hold_nul(part: bytes) -> bool:
    # One-byte searches first (memchr speed), as in refuse_dtd.
    if b"\x00" in part or (b"_" in part and b"_x0000_" in part):
        return True
    return b"&" in part and _NUL_XML.search(part) is not None


def _holds_nul(row: Row) -> bool:
    return any(type(value) is str and "\x00" in value for value in row)


class SharedStrings:
    """The workbook's shared strings: a list up to a memory budget, past it a temporary file.

    A hostile workbook lists millions of strings within the unpacked-size cap (issue 22:
    8 million took the worker from 100 to 660 MB). Strings past the budget go to a data
    file with a fixed-width offsets file, read back with `os.pread`: pages of a file read
    that way stay in the page cache, outside the worker's RSS (a memory map would count).
    Ordinary files (a million rows) stay within the budget and keep the list's speed.
    """

    PER_STRING = 64  # bytes a short str and its list slot take besides its text

    def __init__(self, *, budget: int) -> None:
        self.memory: list[str] = []
        self.has_nul = False
        self._budget = budget
        self._used = 0
        self._data: BinaryIO | None = None
        self._offsets: BinaryIO | None = None
        self._end = 0
        self._spilled = 0

    @property
    def is_spilled(self) -> bool:
        return self._data is not None

    def __len__(self) -> int:
        return len(self.memory) + self._spilled

    def extend(self, strings: list[str], *, xml_size: int) -> None:
        """Add strings read from `xml_size` bytes of XML (an upper bound of their text)."""
        cost = xml_size + self.PER_STRING * len(strings)
        if self._data is None and self._used + cost <= self._budget:
            self.memory.extend(strings)
            self._used += cost
            return
        if self._data is None or self._offsets is None:
            self._data = tempfile.TemporaryFile(prefix="dinsos-sst-")  # noqa: SIM115  # closed in close()
            self._offsets = tempfile.TemporaryFile(prefix="dinsos-sst-")  # noqa: SIM115
            self._offsets.write(array("q", [0]).tobytes())
        encoded = [text.encode("utf-8") for text in strings]
        ends = array("q")
        end = self._end
        for raw in encoded:
            end += len(raw)
            ends.append(end)
        self._data.write(b"".join(encoded))
        self._offsets.write(ends.tobytes())
        self._end = end
        self._spilled += len(strings)

    def finish(self) -> None:
        """Make what was written readable (call once all strings are in)."""
        if self._data is not None and self._offsets is not None:
            self._data.flush()
            self._offsets.flush()

    def __getitem__(self, index: int) -> str:
        if 0 <= index < len(self.memory):
            return self.memory[index]
        spilled = index - len(self.memory)
        if self._data is None or self._offsets is None or not 0 <= spilled < self._spilled:
            raise IndexError(index)
        bounds = array("q", os.pread(self._offsets.fileno(), 16, spilled * 8))
        start, end = bounds[0], bounds[1]
        return os.pread(self._data.fileno(), end - start, start).decode("utf-8")

    def close(self) -> None:
        for handle in (self._data, self._offsets):
            if handle is not None:
                handle.close()
        self._data = self._offsets = None


class XlsxReader:
    """The first worksheet of an XLSX, streamed from the zip."""

    def __init__(self, path: Path, *, batas: Batas) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FileDitolak(MSG_ZIP_RUSAK) from exc
        self.max_kolom = batas.max_kolom
        self.dialek = Dialek("xlsx")
        self.shared = SharedStrings(budget=batas.memori_shared_strings)
        try:
            check_zip_bomb(self.zip, batas)
            self.sheet_path, strings_path = self._locate_parts()
            if strings_path:
                self._read_shared_strings(strings_path)
            self.sheet_info = self.zip.getinfo(self.sheet_path)
        except (zipfile.BadZipFile, KeyError, EOFError, OSError, UnicodeDecodeError) as exc:
            self.close()
            raise FileDitolak(MSG_ZIP_RUSAK) from exc
        except FileDitolak:
            self.close()
            raise
        self.consumed = 0

    def _xml(self, name: str) -> SafeET.Element:  # type: ignore[name-defined]
        if self.zip.getinfo(name).file_size > MAX_SMALL_XML:
            raise FileDitolak(MSG_BAGIAN_BESAR)
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

    def _read_shared_strings(self, name: str) -> None:
        with self.zip.open(name) as stream:
            buffer = seam = b""
            while chunk := stream.read(CHUNK):
                seam = refuse_dtd(seam, chunk)
                buffer += chunk
                cut = buffer.rfind(b"</si>")
                tail_empty = buffer.rfind(b"<si/>")
                cut = max(cut + 5 if cut >= 0 else -1, tail_empty + 5 if tail_empty >= 0 else -1)
                if cut < 0:
                    if len(buffer) > MAX_PART_XML:
                        raise FileDitolak(MSG_BAGIAN_BESAR)
                    continue
                part, buffer = buffer[:cut], buffer[cut:]
                self._add_strings(part)
            self._add_strings(buffer)
        self.shared.finish()

    def _add_strings(self, part: bytes) -> None:
        strings = list(self._strings(part))
        if _may_hold_nul(part) and any("\x00" in text for text in strings):
            self.shared.has_nul = True
        self.shared.extend(strings, xml_size=len(part))

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
            buffer = seam = b""
            while chunk := stream.read(CHUNK):
                self.consumed += len(chunk)
                seam = refuse_dtd(seam, chunk)
                buffer += chunk
                cut = buffer.rfind(b"</row>")
                if cut < 0:
                    if len(buffer) > MAX_PART_XML:
                        end = buffer.find(b"</sheetData>")
                        if end < 0:
                            raise FileDitolak(MSG_BAGIAN_BESAR)
                        yield buffer[:end]  # nothing after the rows matters
                        return
                    continue
                yield buffer[: cut + 6]
                buffer = buffer[cut + 6 :]
            yield buffer

    def _finished(self, number: int, row: Row, may_hold_nul: bool) -> Row:
        """The row as yielded: refused when too wide, marked when a cell holds a NUL."""
        if len(row) > self.max_kolom and (width := row_width(row)) > self.max_kolom:
            raise FileDitolak(pesan_terlalu_lebar(number, width, self.max_kolom))
        if may_hold_nul and _holds_nul(row):
            return RowWithNul(row)
        return row

    def rows(self) -> Iterator[tuple[int, Row]]:
        try:
            yield from self._rows()
        except (IndexError, ValueError) as exc:  # a string index past the list, a bad number
            raise FileDitolak(MSG_ZIP_RUSAK) from exc

    def _rows(self) -> Iterator[tuple[int, Row]]:
        columns: dict[bytes, int] = {}
        # The plain list while nothing spilled: indexing it is the hot path of a big import.
        shared = self.shared if self.shared.is_spilled else self.shared.memory
        row: Row | None = None
        row_may_hold_nul = False
        number = 0
        for part in self._parts():
            found = _FAST.findall(part)
            expected = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/>")
            if len(found) - part.count(b"<row") != expected:
                found = self._general(part)
            part_may_hold_nul = self.shared.has_nul or _may_hold_nul(part)
            for row_tag, letters, kind, value, inline in found:
                if row_tag:
                    if row is not None and _has_content(row):
                        yield number, self._finished(number, row, row_may_hold_nul)
                    numbered = _ROW_NUMBER.search(row_tag)
                    number = int(numbered.group(1)) if numbered else number + 1
                    row = []
                    row_may_hold_nul = part_may_hold_nul
                    continue
                if row is None:
                    continue
                cell: Cell
                if kind == b"s":
                    cell = shared[int(value)] if value else None  # type: ignore[index]
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
            yield number, self._finished(number, row, row_may_hold_nul)

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
        self.shared.close()
