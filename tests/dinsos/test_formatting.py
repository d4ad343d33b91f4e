from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from dinsos import formatting
from dinsos.templatetags import format_id

UTC_PLUS_9 = timezone(timedelta(hours=9))  # WIT (Papua): shows the conversion is to Jakarta


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_500_000, "Rp1.500.000"),
        (0, "Rp0"),
        (750, "Rp750"),
        (1_000, "Rp1.000"),
        (3_000_000_000, "Rp3.000.000.000"),
        (-2_500, "-Rp2.500"),
        (Decimal("1500000.00"), "Rp1.500.000"),
        (Decimal("2499.50"), "Rp2.500"),
        (Decimal("2499.49"), "Rp2.499"),
        (Decimal("-2499.50"), "-Rp2.500"),
        (Decimal("-0.40"), "Rp0"),
        (2.5, "Rp3"),
        (None, ""),
    ],
)
def test_rupiah(value: int | Decimal | float | None, expected: str) -> None:
    # when
    result = formatting.rupiah(value)
    # then
    assert result == expected


def test_rupiah_rejects_a_non_finite_amount() -> None:
    # when / then
    with pytest.raises(ValueError, match="not a finite number"):
        formatting.rupiah(Decimal("NaN"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 6, 30), "30 Juni 2025"),
        (date(2025, 1, 1), "1 Januari 2025"),
        (date(2024, 2, 29), "29 Februari 2024"),
        (date(1999, 3, 5), "5 Maret 1999"),
        (date(2025, 4, 10), "10 April 2025"),
        (date(2025, 5, 10), "10 Mei 2025"),
        (date(2025, 7, 17), "17 Juli 2025"),
        (date(2025, 8, 17), "17 Agustus 2025"),
        (date(2025, 9, 1), "1 September 2025"),
        (date(2025, 10, 1), "1 Oktober 2025"),
        (date(2025, 11, 1), "1 November 2025"),
        (date(2025, 12, 31), "31 Desember 2025"),
        (None, ""),
    ],
)
def test_tanggal(value: date | None, expected: str) -> None:
    # when
    result = formatting.tanggal(value)
    # then
    assert result == expected


def test_tanggal_converts_an_aware_datetime_to_jakarta() -> None:
    # given: 20:00 UTC is 03:00 the next day in Jakarta (UTC+7)
    value = datetime(2025, 6, 30, 20, 0, tzinfo=UTC)
    # when
    result = formatting.tanggal(value)
    # then
    assert result == "1 Juli 2025"


def test_tanggal_keeps_the_day_when_jakarta_is_still_on_it() -> None:
    # given: 16:59 UTC is 23:59 in Jakarta, the same day
    value = datetime(2025, 6, 30, 16, 59, tzinfo=UTC)
    # when
    result = formatting.tanggal(value)
    # then
    assert result == "30 Juni 2025"


def test_tanggal_rejects_a_naive_datetime() -> None:
    # given
    value = datetime(2025, 6, 30, 12, 0)  # noqa: DTZ001 — the case under test
    # when / then
    with pytest.raises(ValueError, match="naive datetime"):
        formatting.tanggal(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 6, 30, 7, 5, tzinfo=UTC), "30 Juni 2025 14.05 WIB"),
        (datetime(2025, 6, 30, 20, 0, tzinfo=UTC), "1 Juli 2025 03.00 WIB"),
        (datetime(2025, 6, 30, 14, 5, tzinfo=formatting.JAKARTA), "30 Juni 2025 14.05 WIB"),
        (datetime(2025, 1, 1, 9, 30, tzinfo=UTC_PLUS_9), "1 Januari 2025 07.30 WIB"),
        (None, ""),
    ],
)
def test_tanggal_jam(value: datetime | None, expected: str) -> None:
    # when
    result = formatting.tanggal_jam(value)
    # then
    assert result == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 6, 30, 7, 5, tzinfo=UTC), "Angka dari ringkasan, diperbarui 14.05 WIB."),
        (
            datetime(2025, 6, 29, 7, 5, tzinfo=UTC),
            "Angka dari ringkasan, diperbarui 29 Juni 2025 14.05 WIB.",
        ),
        (None, ""),
    ],
)
def test_diperbarui_says_when_a_summary_was_computed(value: datetime | None, expected: str) -> None:
    # when: read on 30 June 2025 (Jakarta), as templates/dinsos/_diperbarui.html shows it
    result = formatting.diperbarui(value, today=date(2025, 6, 30))
    # then: the date only when it is not today
    assert result == expected


def test_tanggal_jam_rejects_a_naive_datetime() -> None:
    # given
    value = datetime(2025, 6, 30, 14, 5)  # noqa: DTZ001 — the case under test
    # when / then
    with pytest.raises(ValueError, match="naive datetime"):
        formatting.tanggal_jam(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1872015004990007", "1872**********07"),
        ("12345", "***45"),
        ("18720150049900071", "***************71"),
        ("187201500499000", "*************00"),
        ("12", "**"),
        ("7", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_nik(value: str | None, expected: str) -> None:
    # when
    result = formatting.mask_nik(value)
    # then
    assert result == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1872010101230003", "1872**********03"),
        ("12345", "***45"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_no_kk(value: str | None, expected: str) -> None:
    # when
    result = formatting.mask_no_kk(value)
    # then
    assert result == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12_345, "12.345"),
        (0, "0"),
        (999, "999"),
        (1_000, "1.000"),
        (1_234_567, "1.234.567"),
        (-12_345, "-12.345"),
        (None, ""),
    ],
)
def test_angka(value: int | None, expected: str) -> None:
    # when
    result = formatting.angka(value)
    # then
    assert result == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (0.853, 1, "85,3%"),
        (0.853, 0, "85%"),
        (0.853, 2, "85,30%"),
        (1, 1, "100,0%"),
        (0, 1, "0,0%"),
        (0.00049, 1, "0,0%"),
        (0.00055, 1, "0,1%"),
        (-0.0001, 1, "0,0%"),
        (-0.125, 1, "-12,5%"),
        (12.5, 1, "1.250,0%"),
        (Decimal("0.8535"), 2, "85,35%"),
        (Decimal("0.33335"), 2, "33,34%"),
        (None, 1, ""),
    ],
)
def test_persen(value: float | Decimal | None, digits: int, expected: str) -> None:
    # when
    result = formatting.persen(value, digits)
    # then
    assert result == expected


def test_persen_shows_one_decimal_by_default() -> None:
    # when
    result = formatting.persen(0.5)
    # then
    assert result == "50,0%"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("rupiah", 1_500_000, "Rp1.500.000"),
        ("tanggal", date(2025, 6, 30), "30 Juni 2025"),
        ("tanggal_jam", datetime(2025, 6, 30, 7, 5, tzinfo=UTC), "30 Juni 2025 14.05 WIB"),
        ("mask_nik", "1872015004990007", "1872**********07"),
        ("mask_no_kk", "1872010101230003", "1872**********03"),
        ("angka", 12_345, "12.345"),
        ("persen", 0.853, "85,3%"),
        ("mask_identifiers", "DTSEN 1872015004990007.xlsx", "DTSEN 1872**********07.xlsx"),
    ],
)
def test_template_filter_is_registered_and_formats(name: str, value: object, expected: str) -> None:
    # given
    template_filter = format_id.register.filters[name]
    # when
    result = template_filter(value)
    # then
    assert result == expected


def test_persen_filter_takes_digits_as_the_template_argument() -> None:
    # when
    results = [format_id.persen(0.853, 2), format_id.persen(0.853, "0")]
    # then
    assert results == ["85,30%", "85%"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DTSEN 1872015004990007.xlsx", "DTSEN 1872**********07.xlsx"),
        ("1872 0150 0499 0007", "1872**********07"),
        ("dtsen_2025-06-30_1872015004990077.csv", "dtsen_2025-06-30_1872**********77.csv"),
        ("nik-18720150049-b.csv", "nik-*********49-b.csv"),  # 11 digits: part of a NIK
        ("desil 11, RT 003, tanggal 30/02/2025", "desil 11, RT 003, tanggal 30/02/2025"),
        ("123456789", "123456789"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_identifiers(value: str | None, expected: str) -> None:
    # when
    result = formatting.mask_identifiers(value)
    # then
    assert result == expected


def test_mask_identifiers_can_leave_region_codes_readable() -> None:
    # when: a 10-digit BPS kelurahan code is public (DOMAIN.md §8); a NIK is not
    results = [
        formatting.mask_identifiers("1872022003", min_digits=11),
        formatting.mask_identifiers("1872015004990007", min_digits=11),
    ]
    # then
    assert results == ["1872022003", "1872**********07"]
