"""dinsos.bulan: the month arithmetic every app uses, and the month label of dinsos.formatting."""

from datetime import UTC, date, datetime, time

import pytest

from dinsos.bulan import akhir_bulan, awal_bulan, jumlah_bulan, rentang_wib, tambah_bulan
from dinsos.formatting import JAKARTA, bulan_tahun


@pytest.mark.parametrize(
    ("day", "geser", "expected"),
    [
        (date(2025, 3, 15), 0, date(2025, 3, 1)),
        (date(2025, 3, 31), -1, date(2025, 2, 1)),  # the first day, whatever February's length
        (date(2025, 1, 10), -1, date(2024, 12, 1)),
        (date(2025, 12, 31), 1, date(2026, 1, 1)),
        (date(2025, 6, 30), -12, date(2024, 6, 1)),
        (date(2025, 6, 1), -18, date(2023, 12, 1)),
    ],
)
def test_awal_bulan_is_the_first_day_of_the_shifted_month(day, geser, expected) -> None:
    assert awal_bulan(day, geser=geser) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 2, 10), date(2025, 2, 28)),
        (date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        (date(2025, 4, 30), date(2025, 4, 30)),
        (date(2025, 12, 1), date(2025, 12, 31)),
    ],
)
def test_akhir_bulan_is_the_last_day_of_the_month(day, expected) -> None:
    assert akhir_bulan(day) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # February is shorter: its last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 4, 30), -2, date(2025, 2, 28)),
        (date(2025, 8, 15), 6, date(2026, 2, 15)),
        (date(2025, 3, 31), -13, date(2024, 2, 29)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
    ],
)
def test_tambah_bulan_keeps_the_day_of_the_month(day, months, expected) -> None:
    assert tambah_bulan(day, months) == expected


def test_the_two_month_steps_differ_only_in_the_day() -> None:
    # the same question, "one month after 31 January", asked both ways
    assert awal_bulan(date(2025, 1, 31), geser=1) == date(2025, 2, 1)
    assert tambah_bulan(date(2025, 1, 31), 1) == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("awal", "akhir", "expected"),
    [
        (date(2025, 1, 20), date(2025, 3, 1), 3),  # January, February, March
        (date(2025, 3, 1), date(2025, 3, 31), 1),
        (date(2024, 11, 5), date(2025, 2, 5), 4),
        (date(2025, 4, 1), date(2025, 3, 31), 0),  # ends before it starts
    ],
)
def test_jumlah_bulan_counts_both_ends(awal, akhir, expected) -> None:
    assert jumlah_bulan(awal, akhir) == expected


def test_bulan_tahun_writes_the_month_as_the_office_does() -> None:
    assert bulan_tahun(date(2025, 3, 31)) == "Maret 2025"
    assert bulan_tahun(date(2024, 12, 1)) == "Desember 2024"


def test_rentang_wib_is_the_month_in_office_time() -> None:
    mulai, akhir = rentang_wib(date(2025, 6, 17))
    assert mulai == datetime(2025, 5, 31, 17, tzinfo=UTC)  # 1 June 00.00 WIB
    assert akhir == datetime(2025, 6, 30, 17, tzinfo=UTC)
    larut = datetime.combine(date(2025, 6, 30), time(23), tzinfo=JAKARTA)
    assert mulai <= larut < akhir  # 30 June 23.00 WIB is still June
