"""Totals and notes under the data ("Jumlah 600", "Sumber: DTSEN Kemensos") set apart from rows.

Offices' files end with a total row, a note, a signature block. Such a row is not a data row
with errors: it is skipped and listed as "baris ringkasan dilewati". A row is one when its
identifier cells hold no identifier and it has a word such as Jumlah, Total, Keterangan or
Sumber, or when it comes after the last row that has an identifier. Streaming: rows without an
identifier are held back until a row with one shows they were inside the data (then they are
data rows, with their errors); held rows still pending at the end are the footer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from dinsos.formatting import mask_identifiers
from dinsos.spreadsheet.base import Row

KATA_RINGKASAN = frozenset(
    {
        "jumlah",
        "jml",
        "total",
        "subtotal",
        "keterangan",
        "ket",
        "sumber",
        "catatan",
        "rekap",
        "rekapitulasi",
        "dicetak",
        "mengetahui",
        "nip",
    }
)
_KATA = re.compile(r"[a-z]+")
TUNDA_MAKS = 1_000  # rows held back at most; a file of such rows is not a footer
DAFTAR_MAKS = 100  # skipped rows listed on the page; all are counted
TEKS_MAKS = 80


def is_kosong(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_identitas(value: object) -> bool:
    """A cell that holds an identifier, even a mangled one (`1,87201E+15`): a number, or text
    that is mostly digits. "Sumber: DTSEN" or "Dicetak 01-07-2025" in the NIK column is not."""
    if type(value) is str and value.isdigit():
        return True  # the common case, once per row of a million-row file
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return True
    text = "".join(str(value).split())
    digits = sum(char.isdigit() for char in text)
    return digits > 0 and digits * 2 >= len(text)


def ringkas(cells: Row) -> str:
    """The row as one short line for the page, identifier-like numbers masked."""
    text = " | ".join(str(c).strip() for c in cells if not is_kosong(c))
    shown = mask_identifiers(text)
    return shown if len(shown) <= TEKS_MAKS else f"{shown[: TEKS_MAKS - 1]}…"


def has_kata_ringkasan(cells: Row) -> bool:
    return any(
        isinstance(c, str) and not KATA_RINGKASAN.isdisjoint(_KATA.findall(c.lower()))
        for c in cells
    )


@dataclass
class PemilahRingkasan:
    """Pass data rows through and keep the footer rows apart; construct once per file.

    `identitas` are the columns of the identifiers (NIK, No KK): a row with one of them filled
    is a data row whatever else it holds.
    """

    identitas: Sequence[int]
    dilewati: list[tuple[int, str]] = field(default_factory=list)
    jumlah: int = 0

    def _skip(self, number: int, cells: Row) -> None:
        self.jumlah += 1
        if len(self.dilewati) < DAFTAR_MAKS:
            self.dilewati.append((number, ringkas(cells)))

    def _has_identifier(self, cells: Row) -> bool:
        width = len(cells)
        return any(i < width and is_identitas(cells[i]) for i in self.identitas)

    def rows(self, rows: Iterable[tuple[int, Row]]) -> Iterator[tuple[int, Row]]:
        held: list[tuple[int, Row]] = []
        first = self.identitas[0] if self.identitas else 1 << 30
        for number, cells in rows:
            # The common case first, without a call: a NIK of digits (or a number cell).
            value = cells[first] if first < len(cells) else None
            is_data = (type(value) is str and value.isdigit()) or type(value) is int
            if is_data or self._has_identifier(cells):
                if held:
                    yield from held
                    held = []
                yield number, cells
            elif has_kata_ringkasan(cells):
                self._skip(number, cells)
            else:
                held.append((number, cells))
                if len(held) > TUNDA_MAKS:
                    yield from held
                    held = []
        for number, cells in held:
            self._skip(number, cells)
