"""The downloadable error report: one line per problem, as the admin finds it in the file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from dinsos.ekspor import SafeXlsxStream

HEADERS = ("Baris", "Kolom", "Jenis", "Keterangan")
DITOLAK = "Ditolak"
PERINGATAN = "Peringatan"
# An XLSX sheet holds 1,048,576 rows; leave room for the header and the closing note.
MAX_BARIS = 1_000_000


def write_report(problems: Iterable[tuple[int, str, str, bool]], target: Path) -> int:
    """Write (row, column, message, is_warning) lines to an XLSX file; returns lines written.

    `dinsos.ekspor.SafeXlsxStream` writes the rows to the file as they come (a million
    problems took ~40 s in openpyxl's write-only mode, ~2 s here); column names and messages
    quote the uploaded file, so its cells follow the toolbox's rules (text never a formula).
    """
    written = 0

    def lines() -> Iterator[tuple[object, ...]]:
        nonlocal written
        skipped = 0
        for baris, kolom, pesan, is_peringatan in problems:
            if written == MAX_BARIS:
                skipped += 1
                continue
            yield (baris, kolom, PERINGATAN if is_peringatan else DITOLAK, pesan)
            written += 1
        if skipped:
            yield ("", "", "", f"… dan {skipped} masalah lain tidak ditampilkan.")

    SafeXlsxStream("Masalah").save(target, [HEADERS], lines())
    return written
