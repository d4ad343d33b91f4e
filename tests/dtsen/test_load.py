"""Loading a DTSEN/PBI-JK file: every row problem with its exact row, column and message."""

from __future__ import annotations

import datetime

import pytest

from dtsen.models import DtsenRecord, Jenis, PbiJkRecord, Snapshot
from tests.dtsen.conftest import (
    HADIMULYO_KEMENDAGRI,
    HEADERS,
    IRINGMULYO_BPS,
    make_nik,
    make_no_kk,
    masalah,
    orang,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db
NIK = "nomor_induk_kependudukan"
NO_KK = "nomor_kartu_keluarga"
SEBAGAI_ANGKA = "NIK tersimpan sebagai angka di Excel — format kolom sebagai Teks"


def test_every_row_problem_is_reported_with_row_column_and_message(muat, tmp_path):
    # given: a DTSEN v3 pipe file with one problem per row
    ganda = orang(20)
    rows = [
        orang(1),
        [*orang(2)[:0], "187201170580001", *orang(2)[1:]],  # 15 digits
        ["1.87201E+15", *orang(3)[1:]],  # a number pasted as text
        [*orang(4)[:2], "18720100000000", *orang(4)[3:]],  # No KK 14 digits
        [*orang(5)[:3], "1990-02-31", *orang(5)[4:]],
        # NIK says perempuan
        [*orang(6, lahir=datetime.date(1985, 1, 2), kelamin="2")[:4], "1", *orang(6)[5:]],
        orang(7, desil="11"),
        # a name of its own: "Warga 1" and "Warga 8" normalise alike and, born the same day
        # in the same kelurahan, would be one person under two NIKs (issue #23)
        orang(8, desil="", nama="Sarno"),
        orang(9, kode="1872099001"),
        ganda,
        [*ganda[:2], make_no_kk(99), *ganda[3:]],
        [*ganda[:2], "123", *ganda[3:]],
    ]
    path = write_csv(tmp_path / "dtsen.csv", rows)
    # when
    snapshot = muat(path)
    # then
    assert snapshot.status == Snapshot.Status.SIAP_DITINJAU
    assert masalah(snapshot) == [
        (3, NIK, "NIK harus 16 digit (tertulis 15 digit)", False),
        (4, NIK, SEBAGAI_ANGKA, False),
        (5, NO_KK, "No KK harus 16 digit (tertulis 14 digit)", False),
        (6, "tanggal_lahir", "tanggal lahir tidak mungkin: '1990-02-31'", False),
        (
            7,
            "jenis_kelamin",
            "jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan perempuan)",
            True,
        ),
        (
            8,
            "desil_nasional",
            "desil nasional harus angka 1–10 (tertulis '11'); kosongkan bila belum ada desil",
            False,
        ),
        (
            10,
            "kode_desa_kelurahan",
            "kode desa/kelurahan '1872099001' tidak dikenal di Kota Metro, baik sebagai "
            "kode BPS 1872099001 maupun Kemendagri 18.72.09.9001",
            False,
        ),
        (11, NIK, "NIK ganda dalam file: juga di baris 12, 13", False),
        (12, NIK, "NIK ganda dalam file: juga di baris 11, 13", False),
        (13, NO_KK, "No KK harus 16 digit (tertulis 3 digit)", False),
        (13, NIK, "NIK ganda dalam file: juga di baris 11, 12", False),
    ]
    assert (snapshot.baris_dibaca, snapshot.baris_valid, snapshot.baris_ditolak) == (12, 3, 9)
    assert snapshot.baris_peringatan == 1
    loaded = DtsenRecord.objects.filter(snapshot=snapshot).order_by("baris")
    assert [(r.baris, r.desil_nasional, r.jenis_kelamin) for r in loaded] == [
        (2, 3, "L"),
        (7, 3, "L"),
        (9, None, "L"),  # empty desil: "belum ada desil", not a rejection
    ]


def test_both_region_code_systems_are_recognised(muat, tmp_path, kota_metro):
    # given: DTSEN's BPS code, a dotted Kemendagri code, and a column named for Kemendagri
    rows = [orang(1, kode=IRINGMULYO_BPS), orang(2, kode=HADIMULYO_KEMENDAGRI)]
    bps_file = write_csv(tmp_path / "a.csv", rows)
    headers = [*HEADERS[:9], "kode_kemendagri", HEADERS[10]]
    kemendagri_file = write_csv(
        tmp_path / "b.csv",
        [orang(3, kode="1872011004"), orang(4, kode="1872091003")],
        headers=headers,
    )
    # when
    first = muat(bps_file)
    second = muat(kemendagri_file)
    # then
    kelurahan = dict(
        DtsenRecord.objects.values_list("baris", "kelurahan__nama").filter(snapshot=first)
    )
    assert kelurahan == {2: "Iring Mulyo", 3: "Hadimulyo Barat"}
    assert list(
        DtsenRecord.objects.filter(snapshot=second).values_list("kelurahan__nama", flat=True)
    ) == ["Hadimulyo Barat"]
    assert masalah(second) == [
        (
            3,
            "kode_kemendagri",
            "kode desa/kelurahan '1872091003' tidak dikenal di Kota Metro, baik sebagai "
            "kode BPS 1872091003 maupun Kemendagri 18.72.09.1003",
            False,
        )
    ]


def test_xlsx_with_a_numeric_nik_cell_dates_and_numbers(muat, tmp_path):
    # given: an Excel file typed as an office types it
    lahir = datetime.date(1980, 5, 17)
    good = orang(1)
    good[3] = datetime.datetime(1980, 5, 17, tzinfo=None)  # noqa: DTZ001 (an Excel date cell)
    good[7], good[8], good[10] = "005", 7, 4  # RT as text, RW and desil as numbers
    numeric = orang(2)
    numeric[0] = int(make_nik(lahir, "1", 2))  # Excel turned the NIK into a number
    path = write_xlsx(tmp_path / "dtsen.xlsx", [good, numeric])
    # when
    snapshot = muat(path)
    # then
    assert masalah(snapshot) == [(3, NIK, SEBAGAI_ANGKA, False)]
    record = DtsenRecord.objects.get(snapshot=snapshot)
    assert (record.nik, record.tanggal_lahir, record.rt, record.rw, record.desil_nasional) == (
        make_nik(lahir, "1", 1),
        lahir,
        "005",
        "007",  # DOMAIN.md §8: RT/RW keep three digits
        4,
    )


def test_csv_saved_by_excel_in_an_indonesian_locale(muat, tmp_path):
    # given: BOM, `;`, abbreviated headers, dd/mm/yyyy, stray spaces, scientific notation
    headers = [
        "No. NIK",
        "Nama",
        "NO KK",
        "TGL LAHIR",
        "JK",
        "Alamat",
        "RT",
        "RW",
        "Kode Desa",
        "DESIL",
    ]
    first = orang(1)
    second = orang(2)
    rows = [
        [
            f" {first[0]} ",
            "  Siti   Aminah ",
            first[2],
            "17/05/1980",
            "1",
            "Jl. A",
            "1",
            "2",
            first[9],
            " 3",
        ],
        ["1,87201E+15", "Budi", second[2], "17/05/1980", "1", "Jl. B", "1", "2", second[9], "4"],
        [],
    ]
    path = write_csv(
        tmp_path / "excel.csv", rows, headers=headers, delimiter=";", bom=True, quote_all=False
    )
    # when
    snapshot = muat(path)
    # then
    assert masalah(snapshot) == [(3, "No. NIK", SEBAGAI_ANGKA, False)]
    record = DtsenRecord.objects.get(snapshot=snapshot)
    assert (record.nik, record.nama, record.tanggal_lahir, record.rt) == (
        first[0],
        "Siti Aminah",
        datetime.date(1980, 5, 17),
        "001",
    )
    assert snapshot.pemetaan_kolom["No. NIK"] == "nik"
    assert snapshot.pemetaan_kolom["TGL LAHIR"] == "tanggal_lahir"


def test_sep_line_and_windows_1252_text(muat, tmp_path):
    # given: Excel's `sep=` hint line and a name saved in Windows-1252
    row = orang(1, nama="José Sitompul")
    path = write_csv(
        tmp_path / "ansi.csv",
        [row],
        delimiter=",",
        quote_all=False,
        encoding="cp1252",
        prefix="sep=,\r\n",
    )
    # when
    snapshot = muat(path)
    # then
    assert snapshot.status == Snapshot.Status.SIAP_DITINJAU
    record = DtsenRecord.objects.get(snapshot=snapshot)
    assert (record.baris, record.nama) == (2, "José Sitompul")


@pytest.mark.parametrize(
    ("_case", "lahir_cell", "message"),
    [
        ("future", "2030-01-01", "tanggal lahir di masa depan: '2030-01-01'"),
        (
            "unreadable",
            "kemarin",
            "format tanggal lahir tidak dikenali: 'kemarin' (tulis TTTT-BB-HH atau HH/BB/TTTT)",
        ),
        ("month 13", "17/13/1980", "tanggal lahir tidak mungkin: '17/13/1980'"),
    ],
)
def test_impossible_birth_dates_are_rejected(muat, tmp_path, _case, lahir_cell, message):
    row = orang(1)
    row[3] = lahir_cell
    snapshot = muat(write_csv(tmp_path / "d.csv", [row]))
    assert masalah(snapshot) == [(2, "tanggal_lahir", message, False)]


def test_birth_date_against_the_nik_is_a_warning(muat, tmp_path):
    row = orang(1)
    row[3] = "1980-05-18"
    snapshot = muat(write_csv(tmp_path / "d.csv", [row]))
    assert masalah(snapshot) == [
        (
            2,
            "tanggal_lahir",
            "tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan 17 Mei 1980)",
            True,
        )
    ]
    assert snapshot.baris_valid == 1


def test_nik_with_an_impossible_date_part_is_rejected(muat, tmp_path):
    row = orang(1)
    row[0] = "1872011713800001"  # month 13
    snapshot = muat(write_csv(tmp_path / "d.csv", [row]))
    assert masalah(snapshot) == [(2, NIK, "tanggal lahir dalam NIK tidak valid", False)]


def test_nik_off_the_calendar_or_with_an_unknown_province_is_kept_with_a_warning(muat, tmp_path):
    # given: DOMAIN.md §8 (issue 20, D3) — 30 February and province 99 occur in Dukcapil data
    tanpa_kalender = orang(1)
    tanpa_kalender[0] = "1872013002800001"
    tanpa_kalender[3] = ""
    provinsi_asing = orang(2)
    provinsi_asing[0] = "99" + str(provinsi_asing[0])[2:]
    # when
    snapshot = muat(write_csv(tmp_path / "d.csv", [tanpa_kalender, provinsi_asing]))
    # then: both rows load, each with a warning on the NIK column
    assert snapshot.baris_valid == 2
    assert masalah(snapshot) == [
        (2, NIK, "tanggal lahir dalam NIK bukan tanggal kalender (NIK tetap diterima)", True),
        (3, NIK, "kode provinsi dalam NIK tidak dikenal (NIK tetap diterima)", True),
    ]
    assert DtsenRecord.objects.filter(snapshot=snapshot, nik="1872013002800001").exists()


def test_pbijk_list_with_its_own_headers(muat, tmp_path):
    # given: a PBI-JK list (no fixed layout): BPJS card number keeps its leading zeros
    lahir = datetime.date(1970, 3, 4)
    headers = ["NIK", "NAMA", "NOKA", "TGL LAHIR", "JK", "KODE DESA", "SEGMEN", "STATUS", "DESIL"]
    rows = [
        [
            make_nik(lahir, "2", 1),
            "SUMINAH",
            "0001234567890",
            "1970-03-04",
            "P",
            IRINGMULYO_BPS,
            "PBI APBN",
            "AKTIF",
            "5",
        ],
        [
            make_nik(lahir, "2", 2),
            "PAINEM",
            1234567891,
            "1970-03-04",
            "P",
            IRINGMULYO_BPS,
            "PBI APBD",
            "NONAKTIF",
            "",
        ],
    ]
    path = write_xlsx(tmp_path / "pbi.xlsx", rows, headers=headers)
    # when
    snapshot = muat(path, jenis=Jenis.PBIJK)
    # then
    assert masalah(snapshot) == [
        (
            3,
            "NOKA",
            "nomor kartu BPJS tersimpan sebagai angka di Excel — format kolom sebagai Teks",
            False,
        )
    ]
    record = PbiJkRecord.objects.get(snapshot=snapshot)
    assert (record.noka, record.segmen, record.status_kepesertaan, record.desil_nasional) == (
        "0001234567890",
        "PBI APBN",
        "aktif",
        5,
    )


def test_title_rows_above_the_header_are_skipped(muat, tmp_path):
    path = write_xlsx(
        tmp_path / "judul.xlsx", [HEADERS, orang(1)], headers=["DATA DTSEN KOTA METRO"]
    )
    snapshot = muat(path)
    assert snapshot.status == Snapshot.Status.SIAP_DITINJAU
    assert list(DtsenRecord.objects.filter(snapshot=snapshot).values_list("baris", flat=True)) == [
        3
    ]
