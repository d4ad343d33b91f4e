"""CSV and pipe files, in the dialects offices and BPS write.

The delimiter is sniffed from the header line (DTSEN v3 `|`, Excel `;` or `,`, tab) unless
Excel's `sep=` line names it; a UTF-8 BOM is dropped. The encoding is UTF-8 when the first
64 KB decode as UTF-8, else what charset-normalizer finds among Windows-1252 and Latin-1 (old
Excel "CSV (dipisah koma)" in an Indonesian locale); the page shows which.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from charset_normalizer import from_bytes

from dinsos.formatting import angka
from dinsos.spreadsheet.base import (
    CHUNK,
    MAX_KOLOM,
    MAX_LINE_CHARS,
    MSG_BUKAN_SPREADSHEET,
    Dialek,
    FileDitolak,
    Row,
    RowWithNul,
    pesan_terlalu_lebar,
)

DELIMITERS = ("|", ";", ",", "\t")
# The single-byte encodings an office CSV comes in; Latin-1 decodes any byte, so it is last.
ENCODING_SATU_BYTE = ("cp1252", "latin_1")


def detect_encoding(head: bytes, *, is_complete: bool) -> str:
    """ "utf-8-sig", "utf-8", "cp1252" or "latin_1" for a file starting with `head`.

    UTF-8 first: text that decodes as UTF-8 is almost never meant as anything else. A
    multi-byte character cut at the end of the sample is not an error unless the sample is
    the whole file.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=is_complete)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    best = from_bytes(head, cp_isolation=list(ENCODING_SATU_BYTE)).best()
    if best is None or best.encoding not in ENCODING_SATU_BYTE:
        return "latin_1"  # decodes every byte; a wrong guess shows as odd letters, not a loss
    return best.encoding


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


_QUOTED = re.compile(r'"[^"]*"')


class CsvReader:
    """A CSV/pipe file: encoding and delimiter found from the first bytes."""

    def __init__(self, path: Path, *, head: bytes, max_kolom: int = MAX_KOLOM) -> None:
        if b"\x00" in head:  # UTF-16 text or a binary file; a later NUL is a row problem
            raise FileDitolak(MSG_BUKAN_SPREADSHEET)
        self.path = path
        self.max_kolom = max_kolom
        self._nul_seen = False
        self.size = path.stat().st_size
        self.encoding = detect_encoding(head, is_complete=self.size <= len(head))
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
        self.dialek = Dialek("csv", encoding=self.encoding, pemisah=self.delimiter)
        self._raw: _CountingFile | None = None

    def _lines(self, text: io.TextIOWrapper) -> Iterator[str]:
        """The file's lines, each checked for length, width and NUL before the csv module."""
        limit, max_kolom, delimiter = MAX_LINE_CHARS, self.max_kolom, self.delimiter
        number = -1 if self.skip_sep_line else 0  # as Excel numbers them, below a `sep=` line
        while line := text.readline(limit):
            number += 1
            if len(line) == limit and not line.endswith("\n"):
                raise FileDitolak(
                    f"Baris {number} lebih dari {angka(limit)} karakter; "
                    "file CSV seperti ini tidak wajar dan ditolak."
                )
            if len(line) > max_kolom:  # a shorter line cannot hold more columns
                trimmed = line.rstrip(f'\r\n\t "{delimiter}')
                width = _QUOTED.sub("", trimmed).count(delimiter) + 1
                if width > max_kolom:
                    raise FileDitolak(pesan_terlalu_lebar(number, width, max_kolom))
            if "\x00" in line:
                self._nul_seen = True
            yield line

    def rows(self) -> Iterator[tuple[int, Row]]:
        self._raw = _CountingFile(self.path, "r")
        text = io.TextIOWrapper(
            io.BufferedReader(self._raw, CHUNK), encoding=self.encoding, newline=""
        )
        try:
            reader = csv.reader(self._lines(text), delimiter=self.delimiter, quotechar='"')
            if self.skip_sep_line:
                next(reader, None)  # Excel hides the `sep=` line: the header is row 1
            for number, cells in enumerate(reader, start=1):
                if self._nul_seen:  # the csv module reads only this record's lines
                    self._nul_seen = False
                    cells = RowWithNul(cells)
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
