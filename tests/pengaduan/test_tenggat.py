"""Deadlines in working days: weekends, public holidays (holidays library) and the office's
own closing days (HariLibur: cuti bersama are not in the library)."""

import datetime

import pytest

from dinsos.models import Pengaturan
from pengaduan.models import HariLibur, Pengaduan
from pengaduan.tenggat import Kalender
from tests.pengaduan.helpers import buat_pengaduan

D = datetime.date
# SKB 3 Menteri 2025: cuti bersama around Nyepi and Idul Fitri (not in the holidays library).
CUTI_BERSAMA_2025 = [D(2025, 3, 28), D(2025, 4, 2), D(2025, 4, 3), D(2025, 4, 4), D(2025, 4, 7)]


@pytest.mark.parametrize(
    ("_case", "start", "hari", "expected"),
    [
        ("weekdays only", D(2025, 3, 17), 5, D(2025, 3, 24)),
        ("received on Saturday", D(2025, 5, 3), 2, D(2025, 5, 6)),
        ("across a weekend", D(2025, 6, 12), 2, D(2025, 6, 16)),
        ("Vesak on Monday", D(2025, 5, 8), 2, D(2025, 5, 13)),
        ("Nyepi on Saturday, Idul Fitri Monday–Tuesday", D(2025, 3, 26), 5, D(2025, 4, 4)),
        ("Independence Day on a Sunday", D(2025, 8, 15), 1, D(2025, 8, 18)),
        ("Christmas", D(2025, 12, 24), 1, D(2025, 12, 26)),
        ("zero days", D(2025, 3, 26), 0, D(2025, 3, 26)),
    ],
)
def test_working_days_skip_weekends_and_public_holidays(_case, start, hari, expected):
    assert Kalender().tambah_hari_kerja(start, hari) == expected


def test_office_closing_days_are_skipped_too():
    kalender = Kalender(libur_kantor=frozenset(CUTI_BERSAMA_2025))
    # 27 Mar, then 28 Mar (cuti), 29 (Nyepi, Saturday), 30, 31 Mar and 1 Apr (Idul Fitri),
    # 2–4 and 7 Apr (cuti): the next working days are 8–11 Apr.
    assert kalender.tambah_hari_kerja(D(2025, 3, 26), 5) == D(2025, 4, 11)


def test_complaint_deadlines_use_the_category_days_and_the_office_calendar(operator, kota_metro):
    # given: the office entered the 2025 cuti bersama
    for tanggal in CUTI_BERSAMA_2025:
        HariLibur.objects.create(tanggal=tanggal, keterangan="Cuti bersama Idul Fitri")
    # when: a PBI-JK complaint (2 days to answer, 7 to resolve) on Wednesday 26 March 2025
    pengaduan = buat_pengaduan(
        oleh=operator,
        kategori=Pengaduan.Kategori.PBIJK_NONAKTIF,
        tanggal_terima=D(2025, 3, 26),
        kelurahan=kota_metro["Imopuro"],
    )
    # then
    assert (pengaduan.tenggat_jawab, pengaduan.tenggat_selesai) == (D(2025, 4, 8), D(2025, 4, 15))


def test_deadline_days_are_dated_settings(operator, kota_metro):
    # given: from 1 June 2025 "lainnya" gets 3 days for a first answer instead of 5
    Pengaturan.objects.create(
        kunci="pengaduan_jawab_hari_lainnya", nilai=3, berlaku_mulai=D(2025, 6, 1)
    )
    kelurahan = kota_metro["Imopuro"]
    # when
    sebelum = buat_pengaduan(
        oleh=operator, kategori="lainnya", tanggal_terima=D(2025, 5, 26), kelurahan=kelurahan
    )
    sesudah = buat_pengaduan(
        oleh=operator, kategori="lainnya", tanggal_terima=D(2025, 6, 2), kelurahan=kelurahan
    )
    # then: Monday 26 May + 5 (29 May Ascension Day) = 3 June; Monday 2 June + 3 = 5 June
    assert sebelum.tenggat_jawab == D(2025, 6, 3)
    assert sesudah.tenggat_jawab == D(2025, 6, 5)
