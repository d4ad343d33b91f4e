"""Refuse at the door (issue 15): what can be told from a file's first bytes and header row is
refused while the admin is still on the upload page, before anything is stored.

Empty files, files that are not spreadsheets (read from their bytes, not their name),
encrypted, corrupt or hostile workbooks (`dinsos.spreadsheet.open_table`), and a file of the
other kind: a PBI-JK list uploaded as DTSEN, or a DTSEN file as PBI-JK, told from its headers.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from dinsos.spreadsheet import Batas, FileDitolak, open_table
from dinsos.spreadsheet.base import MSG_KOSONG
from dtsen.importers import CHECKERS
from dtsen.importers.columns import find_header_row
from dtsen.models import Jenis

BARIS_JUDUL = 10  # rows searched for the header, as the load does (HEADER_SEARCH_ROWS)
# Fields only one kind of file has: a header naming them tells the kind.
KHAS = {
    Jenis.DTSEN: ("hubungan", "rt", "rw", "desil_provinsi", "desil_kabupaten_kota"),
    Jenis.PBIJK: ("noka", "segmen", "status_kepesertaan"),
}


def _khas(headers: list[object], jenis: Jenis) -> list[str]:
    """The headers of `headers` that only a file of kind `jenis` has, as written."""
    tabel = CHECKERS[jenis].TABEL
    found = []
    for raw in headers:
        if raw is None or not str(raw).strip():
            continue
        if tabel.lookup(str(raw)) in KHAS[jenis]:
            found.append(str(raw).strip())
    return found


def unggahan_periksa(*, path: Path, jenis: Jenis, batas: Batas) -> None:
    """Open the file and read its header row; raises FileDitolak with the reason to refuse."""
    reader = open_table(path, batas=batas)
    try:
        head = list(itertools.islice(reader.rows(), BARIS_JUDUL))
    finally:
        reader.close()
    if not head:
        raise FileDitolak(MSG_KOSONG)
    found = find_header_row(head, CHECKERS[jenis].TABEL)  # type: ignore[arg-type]
    if found is None:
        return
    headers = list(found[1])
    lain = Jenis.PBIJK if jenis == Jenis.DTSEN else Jenis.DTSEN
    tanda = _khas(headers, lain)
    if tanda and not _khas(headers, jenis):
        raise FileDitolak(
            f"File ini tampaknya file {lain.label}, bukan {jenis.label}: ada kolom "
            f"{', '.join(tanda[:3])}. Pilih jenis data {lain.label} lalu unggah lagi."
        )
