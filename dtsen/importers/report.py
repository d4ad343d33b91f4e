"""The downloadable error report: one line per problem, as the admin finds it in the file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dinsos.ekspor import SafeWorkbook

HEADERS = ("Baris", "Kolom", "Jenis", "Keterangan")
DITOLAK = "Ditolak"
PERINGATAN = "Peringatan"
# An XLSX sheet holds 1,048,576 rows; leave room for the header and the closing note.
MAX_BARIS = 1_000_000


def write_report(problems: Iterable[tuple[int, str, str, bool]], target: Path) -> int:
    """Write (row, column, message, is_warning) lines to an XLSX file; returns lines written.

    The write-only workbook streams rows to disk, so a million problems fit in memory; column
    names and messages quote the uploaded file, so its cells go through `dinsos.ekspor`.
    """
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet("Masalah")
    sheet.append(HEADERS, bold=True)
    written = skipped = 0
    for baris, kolom, pesan, is_peringatan in problems:
        if written == MAX_BARIS:
            skipped += 1
            continue
        sheet.append([baris, kolom, PERINGATAN if is_peringatan else DITOLAK, pesan])
        written += 1
    if skipped:
        sheet.append(["", "", "", f"… dan {skipped} masalah lain tidak ditampilkan."])
    workbook.save(target)
    return written
