"""Peak memory of reading a full .xls and a 65.536-row .ods through dinsos.spreadsheet.

    .venv/bin/python bench/xls_ods_rss.py

python-calamine holds a whole sheet in memory, so .xls and .ods are bounded by rows: an .xls
sheet ends at 65.536 rows and the reader refuses an .ods past the same count. This writes
both at that size (DTSEN layout, 11 columns) into var/bench/, then reads each in a fresh
process and prints the rows read, the time and the peak RSS (README, figures).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench"
ROWS = 65_536  # header included
HEADERS = [
    "nik",
    "nama",
    "no_kk",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan",
    "alamat",
    "rt",
    "rw",
    "kode_desa_kelurahan",
    "desil_nasional",
]


def _row(n: int) -> list[str]:
    return [
        f"18720117058{n:05d}",
        f"Warga Nomor {n}",
        f"1872010000{n:06d}",
        "1980-05-17",
        "1",
        "1",
        f"Jl. Contoh No. {n}",
        "001",
        "002",
        "1872022003",
        str(1 + n % 10),
    ]


def write_xls(path: Path) -> None:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("DTSEN")
    for col, header in enumerate(HEADERS):
        sheet.write(0, col, header)
    for r in range(1, ROWS):
        for col, value in enumerate(_row(r)):
            sheet.write(r, col, value)
    workbook.save(str(path))


def write_ods(path: Path) -> None:
    """A minimal ODS written directly (odfpy takes minutes for this many cells)."""

    def cells(values: list[str]) -> str:
        return "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )

    rows = [f"<table:table-row>{cells(HEADERS)}</table:table-row>"]
    rows += [f"<table:table-row>{cells(_row(r))}</table:table-row>" for r in range(1, ROWS)]
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="DTSEN">'
        + "".join(rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)


def measure(path: Path) -> None:
    """Read every row of `path` in this process and print rows, seconds and peak RSS."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123")
    import django

    django.setup()
    from dinsos.spreadsheet import batas_dari_settings, open_table

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    reader = open_table(path, batas=batas_dari_settings())
    count = sum(1 for _ in reader.rows())
    reader.close()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = path.stat().st_size / 1024 / 1024
    print(
        f"{reader.dialek.label:22} {count:,} baris  {size:5.1f} MB  {seconds:5.2f} s  "
        f"RSS puncak {peak:.0f} MB (sebelum membaca {before:.0f} MB)"
    )


def main() -> None:
    if len(sys.argv) == 2:
        measure(Path(sys.argv[1]))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for name, write in (("rss-65536.xls", write_xls), ("rss-65536.ods", write_ods)):
        path = OUT / name
        if not path.exists():
            write(path)
        subprocess.run([sys.executable, __file__, str(path)], check=True)


if __name__ == "__main__":
    main()
