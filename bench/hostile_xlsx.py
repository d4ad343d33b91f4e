"""Build a hostile XLSX (millions of shared strings) and time the importer's reader on it.

    python bench/hostile_xlsx.py                      # 8,000,000 shared strings (issue 22)
    python bench/hostile_xlsx.py --near-cap           # 200-char strings up to ~the 4 GiB cap
    python bench/hostile_xlsx.py --budget 0           # keep every string in memory (before)

The file is written once into var/bench/ and reused: a few sheet rows (a DTSEN header and a
row pointing at strings at both ends of the list) and a sharedStrings part of distinct strings
(a pseudo-random token plus filler) whose compression ratio stays under DTSEN_XLSX_MAX_RATIO,
like the attack's file (2,8 MB, 8 million strings, ratio 52). The importer's reader
(`dinsos.spreadsheet.open_table`) opens it and streams every row in this process; the
script prints seconds and peak RSS.
Target: peak RSS ≤ 600 MB at the uncompressed cap (DTSEN_XLSX_MAX_UNCOMPRESSED_BYTES).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from dinsos.spreadsheet import Batas, open_table  # noqa: E402
from dinsos.spreadsheet.xlsx import XlsxReader  # noqa: E402

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADERS = ("nik", "nama", "no_kk", "kode_desa_kelurahan", "desil_nasional")
WRITE_BLOCK = 100_000  # strings per write
MARGIN = 64 * 1024 * 1024  # below the cap: the other parts and the zip's own bookkeeping


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _string(i: int, filler: bytes) -> bytes:
    return b"<si><t>%x%s</t></si>" % (i * 2654435761 % (1 << 32), filler)  # distinct


def _sheet(count: int) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + n)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for n, h in enumerate(HEADERS)
    )
    refs = (0, 1, count // 2, count - 2, count - 1)
    data = "".join(f'<c r="{chr(65 + n)}2" t="s"><v>{i}</v></c>' for n, i in enumerate(refs))
    return (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row>'
        f'<row r="2">{data}</row></sheetData></worksheet>'
    ).encode()


def build(path: Path, *, count: int | None, size: int | None, length: int) -> int:
    """Write the XLSX; returns the number of shared strings written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    target = size or 0
    written = unpacked = 0
    filler = b"-" * max(0, length - 8)
    partial = path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="DTSEN" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            while (count is not None and written < count) or (size and unpacked < target):
                stop = written + WRITE_BLOCK if count is None else min(count, written + WRITE_BLOCK)
                block = b"".join(_string(i, filler) for i in range(written, stop))
                part.write(block)
                unpacked += len(block)
                written = stop
            part.write(b"</sst>")
        archive.writestr("xl/worksheets/sheet1.xml", _sheet(written))
    partial.rename(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strings", type=int, default=8_000_000)
    parser.add_argument("--near-cap", action="store_true", help="fill up to the unpacked cap")
    parser.add_argument("--length", type=int, help="characters per string (8; 200 near the cap)")
    parser.add_argument(
        "--budget",
        type=int,
        default=settings.DTSEN_XLSX_SHARED_STRINGS_MEMORY_BYTES,
        help="bytes of shared strings kept in memory; 0 = all (the reader before issue 22)",
    )
    args = parser.parse_args(argv)
    cap = settings.DTSEN_XLSX_MAX_UNCOMPRESSED_BYTES
    length = args.length or (200 if args.near_cap else 8)
    size = "cap" if args.near_cap else str(args.strings)
    path = ROOT / "var" / "bench" / f"hostile-{size}-{length}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        if args.near_cap:
            build(path, count=None, size=cap - MARGIN, length=length)
        else:
            build(path, count=args.strings, size=None, length=length)
        print(f"file dibuat: {path} dalam {time.perf_counter() - started:.1f} s")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        unpacked = sum(i.file_size for i in infos)
        strings = archive.getinfo("xl/sharedStrings.xml")
        ratio = strings.file_size / strings.compress_size
    print(
        f"== {path.name}: {path.stat().st_size / 1e6:.1f} MB, {unpacked / 2**20:,.0f} MiB "
        f"setelah dibuka (batas {cap / 2**20:,.0f} MiB), rasio teks bersama {ratio:.0f}"
    )
    budget = args.budget or 1 << 62
    batas = Batas(
        max_uncompressed=cap,
        max_ratio=settings.DTSEN_XLSX_MAX_RATIO,
        max_kolom=settings.DTSEN_MAX_KOLOM,
        memori_shared_strings=budget,
    )
    baseline = peak_rss_mb()
    started = time.perf_counter()
    reader = open_table(path, batas=batas)
    opened = time.perf_counter() - started
    assert isinstance(reader, XlsxReader)
    try:
        rows = list(reader.rows())
        total = time.perf_counter() - started
        store = reader.shared
        print(
            f"  teks bersama: {len(store):,} ({len(store.memory):,} di memori, "
            f"{'sisanya di file sementara' if store.is_spilled else 'tanpa file sementara'}; "
            f"anggaran {'tanpa batas' if not args.budget else f'{budget / 2**20:,.0f} MiB'})"
        )
        print(f"  baris: {rows}")
    finally:
        reader.close()
    print(f"  buka (teks bersama) {opened:7.1f} s, semua baris {total:7.1f} s")
    print(f"  RSS puncak proses: {peak_rss_mb():.0f} MB (sebelum membaca: {baseline:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
