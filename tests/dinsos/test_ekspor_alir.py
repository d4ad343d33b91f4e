"""`dinsos.ekspor.SafeXlsxStream` (issue 21): an XLSX written while it is sent keeps every
rule of the in-memory writer (tests/dinsos/test_ekspor_aman.py)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dinsos import ekspor
from kpm import services
from kpm.models import PermintaanPembatasan
from tests.factories import keluarga_with_pengurus

pytestmark = pytest.mark.django_db


def _baca(bold_rows, rows, title="Uji"):
    stream = ekspor.SafeXlsxStream(title)
    chunks = list(stream.chunks(bold_rows, rows))
    workbook = load_workbook(io.BytesIO(b"".join(chunks)))
    return workbook, chunks, stream


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("  =1+1", "'  =1+1"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        ("Siti -=- Aminah", "Siti -=- Aminah"),
        ("Siti\x0bAminah", "SitiAminah"),
        ("<b>&amp;</b>", "<b>&amp;</b>"),  # XML-escaped, read back as typed
        (-5, -5),
        (Decimal("12.5"), 12.5),
        (1872015004990007, "1872015004990007"),
        (None, None),
        ("", None),
    ],
)
def test_one_cell_as_the_in_memory_writer_writes_it(value, written):
    workbook, _, _ = _baca([["Nilai"]], [[value]])
    cell = workbook.active["A2"]
    assert (cell.value, cell.data_type != "f") == (written, True)


def test_identifiers_are_text_cells_and_titles_bold():
    workbook, _, _ = _baca([["Judul"], ["NIK", "RT"]], [["1872015004990007", "001"]], "A/B")
    sheet = workbook.active
    assert sheet.title == "A-B"
    assert (sheet["A1"].value, sheet["A1"].font.b, sheet["B2"].font.b) == ("Judul", True, True)
    assert [(c.value, c.data_type, c.number_format) for c in sheet[3]] == [
        ("1872015004990007", "s", "@"),
        ("001", "s", "@"),
    ]


def test_rows_leave_in_chunks_and_restricted_people_never_do(kota_metro, operator):
    # given a family under a restriction request
    keluarga = keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"])
    services.pembatasan_catat(
        keluarga=keluarga, anggota=None, jenis=PermintaanPembatasan.Jenis.PEMBATASAN,
        diterima_at=timezone.now(), dasar="Surat", oleh=operator,
    )  # fmt: skip
    rows = [[f"Warga {i}", i] for i in range(1200)]
    rows.insert(700, [keluarga.pengurus.nik, "Dibatasi"])
    # when
    workbook, chunks, stream = _baca([["Nama", "Nomor"]], iter(rows))
    # then: sent in several pieces (500 rows each), the restricted row dropped
    assert len(chunks) > 3
    values = list(workbook.active.iter_rows(values_only=True))
    assert (len(values), stream.dilewati) == (1201, 1)
    assert values[1200] == ("Warga 1199", 1199)
    assert all(keluarga.pengurus.nik not in str(v) for v in values)
