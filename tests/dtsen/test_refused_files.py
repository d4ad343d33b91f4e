"""Files refused whole, with a clear message and no partial data left behind."""

from __future__ import annotations

import io
import zipfile

import pytest

from dinsos.spreadsheet.base import (
    MSG_BOMB,
    MSG_BUKAN_SPREADSHEET,
    MSG_DTD,
    MSG_KOSONG,
    MSG_TERENKRIPSI,
    MSG_XLS_RUSAK,
    MSG_ZIP_RUSAK,
)
from dtsen.models import DtsenRecord, MasalahBaris, Snapshot
from tests.dtsen.conftest import HEADERS, orang, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _xlsx_bytes(tmp_path) -> bytes:
    return write_xlsx(tmp_path / "ok.xlsx", [orang(1)]).read_bytes()


def _rezip(source: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in replace.items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return out.getvalue()


def _pdf(tmp_path) -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"


def _png(tmp_path) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def _encrypted(tmp_path) -> bytes:
    # An Office file saved with a password: a CFB container holding EncryptionInfo.
    return OLE2 + bytes(500) + "EncryptionInfo".encode("utf-16-le") + bytes(500)


def _xls(tmp_path) -> bytes:
    return OLE2 + bytes(500) + "Workbook".encode("utf-16-le") + bytes(500)


def _corrupt_zip(tmp_path) -> bytes:
    return _xlsx_bytes(tmp_path)[:1500]


def _empty(tmp_path) -> bytes:
    return b""


def _zip_bomb(tmp_path) -> bytes:
    sheet = b"<worksheet>" + b"0" * (60 * 1024 * 1024) + b"</worksheet>"
    return _rezip(_xlsx_bytes(tmp_path), {"xl/worksheets/sheet1.xml": sheet})


def _dtd_in_sheet(tmp_path) -> bytes:
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;">]><worksheet><sheetData><row r="1">'
        b'<c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    return _rezip(_xlsx_bytes(tmp_path), {"xl/worksheets/sheet1.xml": sheet})


def _dtd_in_workbook(tmp_path) -> bytes:
    workbook = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook>&e;</workbook>'
    return _rezip(_xlsx_bytes(tmp_path), {"xl/workbook.xml": workbook})


def _zip_not_excel(tmp_path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("foto.jpg", b"jpeg")
    return out.getvalue()


@pytest.mark.parametrize(
    ("_case", "make", "message"),
    [
        ("pdf named .xlsx", _pdf, MSG_BUKAN_SPREADSHEET),
        ("png", _png, MSG_BUKAN_SPREADSHEET),
        ("encrypted workbook", _encrypted, MSG_TERENKRIPSI),
        ("corrupt excel 97", _xls, MSG_XLS_RUSAK),
        ("corrupt zip", _corrupt_zip, MSG_ZIP_RUSAK),
        ("empty", _empty, MSG_KOSONG),
        ("zip bomb", _zip_bomb, MSG_BOMB),
        ("entity expansion in the sheet", _dtd_in_sheet, MSG_DTD),
        ("external entity in the workbook", _dtd_in_workbook, MSG_DTD),
        (
            "zip that is not a workbook",
            _zip_not_excel,
            "File zip ini bukan buku kerja Excel (.xlsx).",
        ),
    ],
)
def test_file_is_refused_with_a_clear_message(muat, tmp_path, _case, make, message):
    # given
    path = tmp_path / "dtsen.xlsx"
    path.write_bytes(make(tmp_path))
    # when
    snapshot = muat(path)
    # then
    assert (snapshot.status, snapshot.pesan_gagal) == (Snapshot.Status.GAGAL, message)
    assert DtsenRecord.objects.filter(snapshot=snapshot).count() == 0


def test_total_unpacked_size_is_capped(muat, tmp_path, settings):
    settings.DTSEN_XLSX_MAX_UNCOMPRESSED_BYTES = 1000
    snapshot = muat(write_xlsx(tmp_path / "dtsen.xlsx", [orang(1)]))
    assert (snapshot.status, snapshot.pesan_gagal) == (Snapshot.Status.GAGAL, MSG_BOMB)


def test_missing_required_columns_are_named(muat, tmp_path):
    headers = ["nama", "tanggal_lahir", "kode_desa_kelurahan", "desil_nasional"]
    row = orang(1)
    path = write_csv(tmp_path / "d.csv", [[row[1], row[3], row[9], row[10]]], headers=headers)
    snapshot = muat(path)
    assert (snapshot.status, snapshot.pesan_gagal) == (
        Snapshot.Status.GAGAL,
        "Kolom wajib tidak ditemukan: NIK, No KK",
    )


def test_a_header_alone_is_refused(muat, tmp_path):
    snapshot = muat(write_csv(tmp_path / "d.csv", []))
    assert snapshot.pesan_gagal == "File tidak berisi baris data (hanya judul kolom)."


def test_a_file_that_breaks_midway_leaves_no_rows(muat, tmp_path):
    # given: 25,000 good rows (two committed batches) and then bytes that are not text
    path = write_csv(tmp_path / "d.csv", [orang(n) for n in range(1, 25_001)])
    with path.open("ab") as handle:
        handle.write(b'"\xff\xfe\xfa"|"x"\r\n')
    # when
    snapshot = muat(path)
    # then
    assert snapshot.status == Snapshot.Status.GAGAL
    assert snapshot.pesan_gagal.startswith("File CSV memakai pengodean huruf campuran.")
    assert DtsenRecord.objects.filter(snapshot=snapshot).count() == 0
    assert MasalahBaris.objects.filter(snapshot=snapshot).count() == 0


def test_two_columns_for_one_field_are_refused(muat, tmp_path):
    headers = [*HEADERS, "No. NIK"]
    path = write_csv(tmp_path / "d.csv", [[*orang(1), "x"]], headers=headers)
    snapshot = muat(path)
    assert snapshot.pesan_gagal == (
        "Kolom NIK muncul dua kali: 'nomor_induk_kependudukan' dan 'No. NIK'. Hapus salah satunya."
    )
