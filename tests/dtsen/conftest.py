"""Fixtures of the dtsen tests: people with valid NIKs, files in every layout, a loader.

Kota Metro kelurahan used here (DOMAIN.md §12; dinsos/data/wilayah_1872_kota_metro.csv):
- Hadimulyo Barat (Metro Pusat): Kemendagri 18.72.01.1004, BPS 1872022003
- Iring Mulyo (Metro Timur): Kemendagri 18.72.04.1003, BPS 1872021003
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from django.core.files import File
from openpyxl import Workbook

from dinsos.models import User, Wilayah
from dtsen import services
from dtsen.models import Jenis, MasalahBaris, Snapshot

HADIMULYO_BPS = "1872022003"
HADIMULYO_KEMENDAGRI = "18.72.01.1004"
IRINGMULYO_BPS = "1872021003"
TANGGAL_DATA = datetime.date(2025, 6, 30)

HEADERS = [
    "nomor_induk_kependudukan",
    "nama",
    "nomor_kartu_keluarga",
    "tanggal_lahir",
    "jenis_kelamin",
    "status_hubungan_keluarga",
    "alamat",
    "rt",
    "rw",
    "kode_desa_kelurahan",
    "desil_nasional",
]


def make_nik(lahir: datetime.date, kelamin: str, serial: int, region: str = "187201") -> str:
    """A valid NIK (DOMAIN.md §8): region + DDMMYY (day +40 for women) + serial."""
    day = lahir.day + (40 if kelamin == "2" else 0)
    return f"{region}{day:02d}{lahir.month:02d}{lahir.year % 100:02d}{serial:04d}"


def make_no_kk(n: int) -> str:
    return f"187201{n:010d}"


def orang(
    n: int,
    *,
    lahir: datetime.date = datetime.date(1980, 5, 17),
    kelamin: str = "1",
    kk: int | None = None,
    desil: object = "3",
    kode: object = HADIMULYO_BPS,
    nama: str | None = None,
    rt: object = "001",
    rw: object = "002",
) -> list[object]:
    """One DTSEN row in HEADERS order; person n is consistent with their NIK."""
    return [
        make_nik(lahir, kelamin, n),
        nama or f"Warga {n}",
        make_no_kk(kk if kk is not None else n),
        lahir.isoformat(),
        kelamin,
        "1",
        f"Jl. Contoh No. {n}",
        rt,
        rw,
        kode,
        desil,
    ]


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    headers: Sequence[str] = HEADERS,
    delimiter: str = "|",
    bom: bool = False,
    quote_all: bool = True,
    encoding: str = "utf-8",
    prefix: str = "",
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    writer.writerow(headers)
    writer.writerows(rows)
    data = prefix + buffer.getvalue()
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode(encoding))
    return path


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], *, headers: Sequence[str] = HEADERS
) -> Path:
    """An XLSX as Excel writes it (shared strings), with cells typed as given."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


Loader = Callable[..., Snapshot]


@pytest.fixture
def muat(admin: User, kota_metro: dict[str, Wilayah]) -> Loader:
    """Store a file as the admin's upload and load it synchronously (as the worker would)."""

    def load(
        path: Path,
        *,
        jenis: Jenis = Jenis.DTSEN,
        tanggal: datetime.date = TANGGAL_DATA,
        abaikan: bool = False,
    ) -> Snapshot:
        with path.open("rb") as handle:
            snapshot = services.snapshot_create(
                jenis=jenis,
                tanggal_data=tanggal,
                wilayah=kota_metro["Kota Metro"],
                file=File(handle, name=path.name),
                nama_file=path.name,
                created_by=admin,
            )
        services.snapshot_load_rows(snapshot_id=snapshot.pk, abaikan_kolom_tak_dikenal=abaikan)
        snapshot.refresh_from_db()
        return snapshot

    return load


def masalah(snapshot: Snapshot) -> list[tuple[int, str, str, bool]]:
    """The snapshot's problems as (row, column, message, is_warning), in report order."""
    return list(
        MasalahBaris.objects.filter(snapshot=snapshot)
        .order_by("baris", "is_peringatan", "id")
        .values_list("baris", "kolom", "pesan", "is_peringatan")
    )
