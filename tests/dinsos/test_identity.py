import string
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from dinsos.identity import (
    PERINGATAN_KALENDER,
    PERINGATAN_PROVINSI,
    PERINGATAN_WILAYAH,
    IdentityError,
    NikInfo,
    nik_problem,
    nik_warnings,
    no_kk_problem,
    normalize_identifier,
    parse_nik,
    parse_no_kk,
    validate_nik,
    validate_no_kk,
)

# A fixed "today" keeps the century rule (20YY unless that is after today) deterministic.
TODAY = date(2025, 6, 30)
# Written out here rather than imported, so a wrong constant in the code fails the tests.
VALID_PROVINSI = [
    *range(11, 20),
    21,
    *range(31, 37),
    *range(51, 54),
    *range(61, 66),
    *range(71, 77),
    81,
    82,
    *range(91, 98),
]
INVALID_PROVINSI = sorted(set(range(100)) - set(VALID_PROVINSI))

NIK_PEREMPUAN = "1872015004990007"  # Metro Pusat, born 10 April 1999, woman (day 50 = 10 + 40)
NIK_LAKI_LAKI = "1872013006850001"  # born 30 June 1985, man
NO_KK = "1872010101230003"

EXCEL_NUMBER = "NIK tersimpan sebagai angka di Excel — format kolom sebagai Teks"
TANGGAL_TIDAK_VALID = "tanggal lahir dalam NIK tidak valid"

# No example database: property tests leave no files behind in the repository.
PROPERTY = settings(database=None, deadline=None)


def build_nik(
    *, provinsi: int, kab_kota: int, kecamatan: int, born: date, jenis_kelamin: str, serial: int
) -> str:
    day = born.day + 40 if jenis_kelamin == "P" else born.day
    return (
        f"{provinsi:02d}{kab_kota:02d}{kecamatan:02d}"
        f"{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    )


@st.composite
def valid_niks(draw: st.DrawFn) -> tuple[str, date, str]:
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=TODAY))
    jenis_kelamin = draw(st.sampled_from(["L", "P"]))
    nik = build_nik(
        provinsi=draw(st.sampled_from(VALID_PROVINSI)),
        kab_kota=draw(st.integers(1, 99)),
        kecamatan=draw(st.integers(1, 99)),
        born=born,
        jenis_kelamin=jenis_kelamin,
        serial=draw(st.integers(1, 9999)),
    )
    return nik, born, jenis_kelamin


def replace_part(nik: str, start: int, new: str) -> str:
    return nik[:start] + new + nik[start + len(new) :]


# --- valid NIKs ------------------------------------------------------------------------------


@PROPERTY
@given(valid_niks())
def test_parse_nik_round_trips_birth_date_and_sex(case: tuple[str, date, str]) -> None:
    # given
    nik, born, jenis_kelamin = case
    # when
    info = parse_nik(nik, today=TODAY)
    # then
    assert info == NikInfo(
        kode_wilayah=nik[:6], tanggal_lahir=born, jenis_kelamin=jenis_kelamin, nomor_urut=nik[12:]
    )


@PROPERTY
@given(valid_niks())
def test_nik_problem_is_none_and_no_warnings_for_matching_fields(
    case: tuple[str, date, str],
) -> None:
    # given
    nik, born, jenis_kelamin = case
    # when
    problem = nik_problem(nik)
    warnings = nik_warnings(nik, tanggal_lahir=born, jenis_kelamin=jenis_kelamin)
    # then
    assert (problem, warnings) == (None, [])


def test_parse_nik_decodes_a_woman() -> None:
    # when
    info = parse_nik(NIK_PEREMPUAN, today=TODAY)
    # then
    assert info == NikInfo(
        kode_wilayah="187201", tanggal_lahir=date(1999, 4, 10), jenis_kelamin="P", nomor_urut="0007"
    )


def test_parse_nik_decodes_a_man() -> None:
    # when
    info = parse_nik(NIK_LAKI_LAKI, today=TODAY)
    # then
    assert info == NikInfo(
        kode_wilayah="187201", tanggal_lahir=date(1985, 6, 30), jenis_kelamin="L", nomor_urut="0001"
    )


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        ("1872017006250001", date(2025, 6, 30)),  # 20YY on today itself
        ("1872010107250001", date(1925, 7, 1)),  # 20YY would be tomorrow: 19YY
        ("1872010101000001", date(2000, 1, 1)),
        ("1872013112990001", date(1999, 12, 31)),
        ("1872012902000001", date(2000, 2, 29)),  # leap day exists in 2000
    ],
)
def test_parse_nik_picks_the_latest_century_not_in_the_future(nik: str, expected: date) -> None:
    # when
    info = parse_nik(nik, today=TODAY)
    # then
    assert info.tanggal_lahir == expected


def test_parse_nik_keeps_a_leap_day_that_exists_only_in_the_future_century() -> None:
    # given: 29-02-00 is 2000 (a leap year) or 1900 (not one); before 2000 only 1900 is possible
    nik = "1872012902000001"
    # when
    info = parse_nik(nik, today=date(1999, 12, 31))
    # then: DOMAIN.md §8 — not on the calendar is a warning, the NIK is accepted
    assert (info.tanggal_lahir, info.peringatan) == (None, (PERINGATAN_KALENDER,))


@pytest.mark.parametrize(
    "raw",
    [
        "'1872015004990007",  # Excel's text marker
        '"1872015004990007"',  # CSV quotes
        '"\'1872015004990007"',
        '\'"1872015004990007"',
        "'1872015004990007'",
        "“1872015004990007”",  # typographic quotes pasted from Word
        " 1872 0150 0499 0007 ",
        "1872015004990007\u00a0",  # no-break space
        "\t1872015004990007\n",
    ],
)
def test_normalize_identifier_strips_spreadsheet_markup(raw: str) -> None:
    # when
    result = normalize_identifier(raw)
    # then
    assert result == NIK_PEREMPUAN


# --- Excel number cells (DOMAIN.md §8: 15 significant digits, never guess) -------------------


@pytest.mark.parametrize(
    "raw",
    [
        1.872015004990007e15,  # a float cell
        1872015004990007,  # an int: a number cell too
        "1,87202E+15",  # scientific notation with an Indonesian decimal comma
        "1.87201E+15",
        "1.872015004990007e+15",  # Python's repr of the float, written to CSV
        "'1.87201E+15",
        "1872015004990000.0",  # a float printed by pandas
    ],
)
def test_number_cells_ask_to_format_the_column_as_text(raw: object) -> None:
    # when
    problem = nik_problem(raw)
    # then
    assert problem == EXCEL_NUMBER


@PROPERTY
@given(st.floats(allow_nan=False))
def test_any_float_is_a_number_cell(raw: float) -> None:
    # when
    with pytest.raises(IdentityError) as excinfo:
        normalize_identifier(raw)
    # then
    assert excinfo.value.message == EXCEL_NUMBER


@PROPERTY
@given(st.integers())
def test_any_int_is_a_number_cell(raw: int) -> None:
    # when
    with pytest.raises(IdentityError) as excinfo:
        normalize_identifier(raw)
    # then
    assert excinfo.value.message == EXCEL_NUMBER


@PROPERTY
@given(
    st.builds(
        "{}{}{}{}{}{}".format,
        st.integers(1, 9),
        st.sampled_from([".", ","]),
        st.text(alphabet=string.digits, max_size=15),
        st.sampled_from(["E", "e"]),
        st.sampled_from(["+", ""]),
        st.integers(0, 20),
    )
)
def test_scientific_notation_text_is_a_number_cell(raw: str) -> None:
    # when
    with pytest.raises(IdentityError) as excinfo:
        normalize_identifier(raw)
    # then
    assert excinfo.value.message == EXCEL_NUMBER


# --- malformed text ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", "   ", "'", '""', "''", float("nan")])
def test_empty_cells(raw: object) -> None:
    # when
    problem = nik_problem(raw)
    # then
    assert problem == "NIK kosong"


@PROPERTY
@given(st.text(alphabet=string.digits, min_size=1, max_size=30).filter(lambda s: len(s) != 16))
def test_wrong_length_names_the_length(raw: str) -> None:
    # when
    with pytest.raises(IdentityError) as excinfo:
        normalize_identifier(raw)
    # then
    assert excinfo.value.message == f"NIK harus 16 digit (tertulis {len(raw)} digit)"


@PROPERTY
@given(valid_niks(), st.sampled_from([15, 17]), st.sampled_from(string.digits))
def test_one_digit_short_or_long(case: tuple[str, date, str], length: int, extra: str) -> None:
    # given
    nik = case[0][:15] if length == 15 else case[0] + extra
    # when
    problem = nik_problem(nik)
    # then
    assert problem == f"NIK harus 16 digit (tertulis {length} digit)"


@PROPERTY
@given(valid_niks(), st.integers(0, 15), st.sampled_from(string.ascii_letters + "-/#"))
def test_a_letter_or_punctuation_in_a_nik(
    case: tuple[str, date, str], position: int, character: str
) -> None:
    # given
    nik = replace_part(case[0], position, character)
    # when
    problem = nik_problem(nik)
    # then
    assert problem == "NIK hanya boleh berisi angka"


@pytest.mark.parametrize("raw", ["18.72.01.500499.0007", "1872-0150-0499-0007", "١٨٧٢٠١٥٠٠٤٩٩٠٠٠٧"])
def test_separators_and_non_latin_digits_are_not_digits(raw: str) -> None:
    # when
    problem = nik_problem(raw)
    # then
    assert problem == "NIK hanya boleh berisi angka"


def test_normalize_identifier_uses_the_label() -> None:
    # when
    with pytest.raises(IdentityError) as excinfo:
        normalize_identifier("123", label="No KK")
    # then
    assert excinfo.value.message == "No KK harus 16 digit (tertulis 3 digit)"


# --- one bad part of an otherwise valid NIK ------------------------------------------------


@PROPERTY
@given(valid_niks(), st.sampled_from(INVALID_PROVINSI))
def test_unknown_province(case: tuple[str, date, str], provinsi: int) -> None:
    # given
    nik = replace_part(case[0], 0, f"{provinsi:02d}")
    # when
    problem = nik_problem(nik)
    info = parse_nik(nik)
    # then: DOMAIN.md §8 — an unknown province is a warning, never a rejection
    assert (problem, info.peringatan) == (None, (PERINGATAN_PROVINSI,))


@PROPERTY
@given(valid_niks(), st.sampled_from([2, 4]))
def test_kab_kota_or_kecamatan_00(case: tuple[str, date, str], start: int) -> None:
    # given
    nik = replace_part(case[0], start, "00")
    # when
    problem = nik_problem(nik)
    info = parse_nik(nik)
    # then: DOMAIN.md §8 — only the format rejects a NIK
    assert (problem, info.peringatan) == (None, (PERINGATAN_WILAYAH,))


@PROPERTY
@given(valid_niks(), st.sampled_from([0, *range(13, 100)]))
def test_bad_month(case: tuple[str, date, str], month: int) -> None:
    # given
    nik = replace_part(case[0], 8, f"{month:02d}")
    # when
    problem = nik_problem(nik)
    # then
    assert problem == TANGGAL_TIDAK_VALID


@PROPERTY
@given(valid_niks(), st.sampled_from([0, *range(32, 41), *range(72, 100)]))
def test_bad_day(case: tuple[str, date, str], day: int) -> None:
    # given
    nik = replace_part(case[0], 6, f"{day:02d}")
    # when
    problem = nik_problem(nik)
    # then
    assert problem == TANGGAL_TIDAK_VALID


@PROPERTY
@given(
    valid_niks(),
    st.sampled_from([(30, 2), (31, 2), (31, 4), (31, 6), (31, 9), (31, 11), (29, 2)]),
    st.sampled_from([0, 40]),
)
def test_day_that_does_not_exist_in_its_month(
    case: tuple[str, date, str], day_month: tuple[int, int], offset: int
) -> None:
    # given: year 23 is not a leap year in either century, so 29 February never exists
    day, month = day_month
    nik = replace_part(case[0], 6, f"{day + offset:02d}{month:02d}23")
    # when
    problem = nik_problem(nik)
    info = parse_nik(nik)
    # then: DOMAIN.md §8 — such NIKs exist in Dukcapil's data; the person is still served
    assert (problem, info.tanggal_lahir, info.peringatan) == (None, None, (PERINGATAN_KALENDER,))
    assert info.jenis_kelamin == ("P" if offset else "L")


@PROPERTY
@given(valid_niks())
def test_serial_0000(case: tuple[str, date, str]) -> None:
    # given
    nik = replace_part(case[0], 12, "0000")
    # when
    problem = nik_problem(nik)
    # then
    assert problem == "nomor urut dalam NIK tidak boleh 0000"


def test_day_71_is_the_31st_for_a_woman() -> None:
    # when
    info = parse_nik("1872017101900001", today=TODAY)
    # then
    assert (info.tanggal_lahir, info.jenis_kelamin) == (date(1990, 1, 31), "P")


# --- nik_warnings --------------------------------------------------------------------------


def test_nik_warnings_sex_recorded_as_man_for_a_womans_nik() -> None:
    # when
    warnings = nik_warnings(NIK_PEREMPUAN, tanggal_lahir=None, jenis_kelamin="L")
    # then
    assert warnings == ["jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan perempuan)"]


def test_nik_warnings_sex_recorded_as_woman_for_a_mans_nik() -> None:
    # when
    warnings = nik_warnings(NIK_LAKI_LAKI, tanggal_lahir=None, jenis_kelamin="P")
    # then
    assert warnings == ["jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan laki-laki)"]


def test_nik_warnings_birth_date_disagrees() -> None:
    # given: day and month swapped, a common data-entry slip
    recorded = date(1985, 6, 3)
    # when
    warnings = nik_warnings(NIK_LAKI_LAKI, tanggal_lahir=recorded, jenis_kelamin="L")
    # then
    assert warnings == ["tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan 30 Juni 1985)"]


def test_nik_warnings_lists_sex_then_birth_date() -> None:
    # when
    warnings = nik_warnings(NIK_PEREMPUAN, tanggal_lahir=date(1999, 4, 11), jenis_kelamin="L")
    # then
    assert warnings == [
        "jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan perempuan)",
        "tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan 10 April 1999)",
    ]


def test_nik_warnings_skips_missing_fields() -> None:
    # when
    warnings = nik_warnings(NIK_PEREMPUAN, tanggal_lahir=None, jenis_kelamin=None)
    # then
    assert warnings == []


def test_nik_warnings_accepts_lowercase_sex_code() -> None:
    # when
    warnings = nik_warnings(NIK_PEREMPUAN, tanggal_lahir=date(1999, 4, 10), jenis_kelamin=" p ")
    # then
    assert warnings == []


def test_nik_warnings_does_not_flag_a_centenarian_for_the_guessed_century() -> None:
    # given: the NIK says 01-01-25, which decodes to 2025; the person was born in 1925
    nik = "1872010101250001"
    # when
    warnings = nik_warnings(nik, tanggal_lahir=date(1925, 1, 1), jenis_kelamin="L")
    # then
    assert warnings == []


def test_nik_warnings_rejects_an_unknown_sex_code() -> None:
    # when / then: DTSEN's 1/2 codes must be mapped to L/P by the caller
    with pytest.raises(ValueError, match="jenis_kelamin must be 'L' or 'P', got '2'"):
        nik_warnings(NIK_PEREMPUAN, tanggal_lahir=None, jenis_kelamin="2")


# --- No KK ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [NO_KK, f"'{NO_KK}", f" {NO_KK[:8]} {NO_KK[8:]} "])
def test_parse_no_kk_returns_the_16_digits(raw: str) -> None:
    # when
    result = parse_no_kk(raw)
    # then
    assert result == NO_KK


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9972010101230003", "kode wilayah dalam No KK tidak valid"),  # unknown province
        ("0072010101230003", "kode wilayah dalam No KK tidak valid"),
        ("1800010101230003", "kode wilayah dalam No KK tidak valid"),  # kab/kota 00
        ("1872000101230003", "kode wilayah dalam No KK tidak valid"),  # kecamatan 00
        (1872010101230003, "No KK tersimpan sebagai angka di Excel — format kolom sebagai Teks"),
        (1.87201010123e15, "No KK tersimpan sebagai angka di Excel — format kolom sebagai Teks"),
        ("1,87201E+15", "No KK tersimpan sebagai angka di Excel — format kolom sebagai Teks"),
        ("187201010123000", "No KK harus 16 digit (tertulis 15 digit)"),
        ("18720101012300O3", "No KK hanya boleh berisi angka"),  # letter O for zero
        (None, "No KK kosong"),
        (NO_KK, None),
    ],
)
def test_no_kk_problem(raw: object, expected: str | None) -> None:
    # when
    problem = no_kk_problem(raw)
    # then
    assert problem == expected


def test_parse_no_kk_raises_identity_error() -> None:
    # when
    with pytest.raises(IdentityError) as excinfo:
        parse_no_kk("1872000101230003")
    # then
    assert excinfo.value.message == "kode wilayah dalam No KK tidak valid"


# --- Django validators ---------------------------------------------------------------------


def test_validate_nik_accepts_a_valid_nik() -> None:
    # when / then: no exception
    validate_nik(NIK_PEREMPUAN)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1872015004990000", "nomor urut dalam NIK tidak boleh 0000"),
        ("187201500499000", "NIK harus 16 digit (tertulis 15 digit)"),
        ("", "NIK kosong"),
        # Normalising would accept these, but the database stores bare digits only.
        (f" {NIK_PEREMPUAN}", "NIK hanya boleh berisi angka"),
        (f"'{NIK_PEREMPUAN}", "NIK hanya boleh berisi angka"),
    ],
)
def test_validate_nik_rejects(value: str, expected: str) -> None:
    # when
    with pytest.raises(ValidationError) as excinfo:
        validate_nik(value)
    # then
    assert (excinfo.value.messages, excinfo.value.code) == ([expected], "nik")


def test_validate_no_kk_accepts_a_valid_no_kk() -> None:
    # when / then: no exception
    validate_no_kk(NO_KK)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1800010101230003", "kode wilayah dalam No KK tidak valid"),
        ("abc", "No KK hanya boleh berisi angka"),
        (f"{NO_KK} ", "No KK hanya boleh berisi angka"),
    ],
)
def test_validate_no_kk_rejects(value: str, expected: str) -> None:
    # when
    with pytest.raises(ValidationError) as excinfo:
        validate_no_kk(value)
    # then
    assert (excinfo.value.messages, excinfo.value.code) == ([expected], "no_kk")
