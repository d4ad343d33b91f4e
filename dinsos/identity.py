"""NIK and No KK rules (DOMAIN.md §8): normalise spreadsheet cells, decode and validate.

Pure functions, no database. Every rejection is an `IdentityError` whose `message` is the
Indonesian text shown to the user (a form error or an import `RowError`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError

from dinsos.formatting import JAKARTA, tanggal

IDENTIFIER_LENGTH = 16  # DOMAIN.md §8: NIK and No KK are 16 digits
NIK_LENGTH = IDENTIFIER_LENGTH  # DOMAIN.md §8: 16 digits
NO_KK_LENGTH = IDENTIFIER_LENGTH  # DOMAIN.md §8: 16 digits

# DOMAIN.md §8 (Wilayah): Kemendagri province codes. 91–97 covers both the pre-2022 Papua codes
# (91 Papua Barat, 94 Papua) that old NIKs carry and the codes after the 2022 Papua split.
KODE_PROVINSI = frozenset(
    f"{code:02d}"
    for block in (
        range(11, 20),
        range(21, 22),
        range(31, 37),
        range(51, 54),
        range(61, 66),
        range(71, 77),
        range(81, 83),
        range(91, 98),
    )
    for code in block
)
KODE_KOSONG = "00"  # DOMAIN.md §8: kab/kota and kecamatan parts count from 01
DAY_OFFSET_PEREMPUAN = 40  # DOMAIN.md §8: day +40 for women
NOMOR_URUT_KOSONG = "0000"  # DOMAIN.md §8: serial starts at 0001
# DOMAIN.md §8: "Nothing beyond these checks rejects a NIK" — these are warnings.
PERINGATAN_PROVINSI = "kode provinsi dalam NIK tidak dikenal (NIK tetap diterima)"
PERINGATAN_WILAYAH = "kode kabupaten/kota atau kecamatan dalam NIK 00 (NIK tetap diterima)"
PERINGATAN_KALENDER = "tanggal lahir dalam NIK bukan tanggal kalender (NIK tetap diterima)"

# DOMAIN.md §8: NIK = province (2) + kab/kota (2) + kecamatan (2) + DDMMYY + serial (4).
_PROVINSI = slice(0, 2)
_KAB_KOTA = slice(2, 4)
_KECAMATAN = slice(4, 6)
_KODE_WILAYAH = slice(0, 6)
_HARI = slice(6, 8)
_BULAN = slice(8, 10)
_TAHUN = slice(10, 12)
_NOMOR_URUT = slice(12, 16)

_DIGITS = re.compile(r"[0-9]+")
# DOMAIN.md §8: how a number cell looks once read as text: scientific notation as Excel or
# Python writes it (`1.87201E+15`, `1,87201e+15`: one leading digit, a short exponent, so a typo
# letter E inside a NIK is not mistaken for it), or a float printed by a CSV export or pandas
# (`1872015004990000.0`).
_NUMBER_AS_TEXT = re.compile(r"[0-9](?:[.,][0-9]*)?[eE][+-]?[0-9]{1,2}|[0-9]+[.,]0+")
# (opening, closing); the last two are typographic quotes pasted from Word.
_QUOTES = (('"', '"'), ("'", "'"), ("“", "”"), ("‘", "’"))
_WHITESPACE = re.compile(r"\s+")  # includes the no-break space Excel exports use

Kelamin = Literal["L", "P"]
NAMA_KELAMIN: dict[Kelamin, str] = {"L": "laki-laki", "P": "perempuan"}


class IdentityError(ValueError):
    """An identifier is malformed; `message` says why, in Indonesian, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NikInfo:
    """What a valid NIK encodes (DOMAIN.md §8); the region is of registration, not domicile."""

    kode_wilayah: str
    # None when DDMMYY is not a calendar date (30 February): DOMAIN.md §8 keeps such NIKs.
    tanggal_lahir: date | None
    jenis_kelamin: Kelamin
    nomor_urut: str
    # DOMAIN.md §8: what is odd but does not reject the NIK (unknown province, a region part
    # "00", a day that is not on the calendar), in Indonesian, for the user.
    peringatan: tuple[str, ...] = ()
    # The DDMMYY digits as written (day without the +40), for comparing with a recorded date.
    hari: int = field(default=0, compare=False)
    bulan: int = field(default=0, compare=False)
    tahun_2digit: int = field(default=0, compare=False)


def _strip_quote_pair(text: str) -> str:
    """Remove one pair of matching quotes around the text, if there is one."""
    for opening, closing in _QUOTES:
        if len(text) >= 2 and text[0] == opening and text[-1] == closing:
            return text[1:-1]
    return text


def _strip_cell_markup(text: str) -> str:
    """Remove spaces, Excel's leading text apostrophe and surrounding quotes."""
    text = _strip_quote_pair(_WHITESPACE.sub("", text))
    # Excel's apostrophe can sit outside CSV quotes (`'"1872…"`) or inside them (`"'1872…"`).
    return _strip_quote_pair(text.removeprefix("'"))


def normalize_identifier(raw: object, *, label: str = "NIK") -> str:
    """Return the 16 digits of an identifier read from a form or spreadsheet cell.

    Raises IdentityError for an empty value, a number cell (DOMAIN.md §8: Excel keeps only 15
    significant digits, so the last digit is gone and is never guessed), non-digits, or a length
    other than 16.
    """
    stored_as_number = f"{label} tersimpan sebagai angka di Excel — format kolom sebagai Teks"
    if raw is None:
        raise IdentityError(f"{label} kosong")
    if isinstance(raw, float) and math.isnan(raw):
        raise IdentityError(f"{label} kosong")  # pandas reads an empty cell as NaN
    if isinstance(raw, bool):
        raise IdentityError(f"{label} hanya boleh berisi angka")
    if isinstance(raw, int | float | Decimal):
        raise IdentityError(stored_as_number)
    if not isinstance(raw, str):
        raise IdentityError(f"{label} hanya boleh berisi angka")

    text = _strip_cell_markup(raw)
    if not text:
        raise IdentityError(f"{label} kosong")
    if _NUMBER_AS_TEXT.fullmatch(text):
        raise IdentityError(stored_as_number)
    if not _DIGITS.fullmatch(text):
        raise IdentityError(f"{label} hanya boleh berisi angka")
    if len(text) != IDENTIFIER_LENGTH:
        raise IdentityError(f"{label} harus {IDENTIFIER_LENGTH} digit (tertulis {len(text)} digit)")
    return text


def _has_valid_kode_wilayah(identifier: str) -> bool:
    """Whether the 6-digit region prefix has a known province and non-zero kab/kota, kecamatan."""
    return (
        identifier[_PROVINSI] in KODE_PROVINSI
        and identifier[_KAB_KOTA] != KODE_KOSONG
        and identifier[_KECAMATAN] != KODE_KOSONG
    )


def _decode_tanggal_lahir(nik: str, *, today: date) -> tuple[int, int, int, Kelamin]:
    """The DDMMYY day, month, year and the sex it carries (day +40 for women).

    DOMAIN.md §8: month 01–12 and day 01–31 or 41–71, or the NIK is rejected.
    """
    day, month, year = int(nik[_HARI]), int(nik[_BULAN]), int(nik[_TAHUN])
    jenis_kelamin: Kelamin = "P" if day > DAY_OFFSET_PEREMPUAN else "L"
    if jenis_kelamin == "P":
        day -= DAY_OFFSET_PEREMPUAN
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise IdentityError("tanggal lahir dalam NIK tidak valid")
    return day, month, year, jenis_kelamin


def _calendar_date(day: int, month: int, year: int, *, today: date) -> date | None:
    """The birth date, or None when DDMMYY is not on the calendar (30 February).

    The NIK has no century: the latest century that does not put the birth in the future.
    """
    for century in (2000, 1900):
        try:
            born = date(century + year, month, day)
        except ValueError:
            continue  # 29 February exists in 2000 but not in 1900
        if born <= today:
            return born
    return None


def parse_nik(raw: object, *, today: date | None = None) -> NikInfo:
    """Normalise and decode a NIK (DOMAIN.md §8); raises IdentityError naming the bad part.

    Rejected (DOMAIN.md §8, exactly): not 16 digits, month outside 01–12, day outside 01–31 and
    41–71, serial 0000. Anything beyond is a warning in `peringatan`, because such NIKs exist in
    Dukcapil's data and the person still has to be served: an unknown province code, a kab/kota
    or kecamatan part "00", a day that is not a calendar date (then `tanggal_lahir` is None).
    `today` (default: today in Jakarta) picks the birth year's century: 20YY unless that is after
    `today`, else 19YY.
    """
    nik = normalize_identifier(raw, label="NIK")
    today = today or datetime.now(JAKARTA).date()
    day, month, year, jenis_kelamin = _decode_tanggal_lahir(nik, today=today)
    if nik[_NOMOR_URUT] == NOMOR_URUT_KOSONG:
        raise IdentityError("nomor urut dalam NIK tidak boleh 0000")
    peringatan: list[str] = []
    if nik[_PROVINSI] not in KODE_PROVINSI:
        peringatan.append(PERINGATAN_PROVINSI)
    elif not _has_valid_kode_wilayah(nik):
        peringatan.append(PERINGATAN_WILAYAH)
    tanggal_lahir = _calendar_date(day, month, year, today=today)
    if tanggal_lahir is None:
        peringatan.append(PERINGATAN_KALENDER)
    return NikInfo(
        kode_wilayah=nik[_KODE_WILAYAH],
        tanggal_lahir=tanggal_lahir,
        jenis_kelamin=jenis_kelamin,
        nomor_urut=nik[_NOMOR_URUT],
        peringatan=tuple(peringatan),
        hari=day,
        bulan=month,
        tahun_2digit=year,
    )


def nik_problem(raw: object) -> str | None:
    """Return why `raw` is not a valid NIK, in Indonesian, or None when it is valid."""
    try:
        parse_nik(raw)
    except IdentityError as error:
        return error.message
    return None


def nik_warnings(nik: str, *, tanggal_lahir: date | None, jenis_kelamin: str | None) -> list[str]:
    """List where the person's recorded sex ("L"/"P") or birth date disagree with a valid NIK.

    DOMAIN.md §8: disagreement is a warning, not a rejection (source data has errors). A None or
    empty field is skipped. Raises IdentityError if `nik` is invalid and ValueError for a sex code
    other than L/P.
    """
    info = parse_nik(nik)
    warnings: list[str] = []  # the NIK's own oddities are in `parse_nik(nik).peringatan`
    if jenis_kelamin:
        recorded = jenis_kelamin.strip().upper()
        if recorded not in NAMA_KELAMIN:
            raise ValueError(f"jenis_kelamin must be 'L' or 'P', got {jenis_kelamin!r}")
        if recorded != info.jenis_kelamin:
            nama = NAMA_KELAMIN[info.jenis_kelamin]
            warnings.append(f"jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan {nama})")
    # The NIK has a 2-digit year, so its century is a guess: a centenarian born in 1925 matches
    # a NIK that decodes to 2025. Compare day, month and the year's last two digits only.
    if tanggal_lahir is not None and (
        (tanggal_lahir.day, tanggal_lahir.month, tanggal_lahir.year % 100)
        != (info.hari, info.bulan, info.tahun_2digit)
    ):
        shown = (
            tanggal(info.tanggal_lahir)
            if info.tanggal_lahir
            else f"{info.hari:02d}-{info.bulan:02d}-{info.tahun_2digit:02d}"
        )
        warnings.append(f"tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan {shown})")
    return warnings


def parse_no_kk(raw: object) -> str:
    """Normalise a No KK and check its region-of-issue prefix (DOMAIN.md §8); returns 16 digits."""
    no_kk = normalize_identifier(raw, label="No KK")
    if not _has_valid_kode_wilayah(no_kk):
        raise IdentityError("kode wilayah dalam No KK tidak valid")
    return no_kk


def no_kk_problem(raw: object) -> str | None:
    """Return why `raw` is not a valid No KK, in Indonesian, or None when it is valid."""
    try:
        parse_no_kk(raw)
    except IdentityError as error:
        return error.message
    return None


def _require_bare_digits(value: str, *, label: str) -> None:
    """Reject a value that is valid only after normalising: the database stores bare digits."""
    if normalize_identifier(value, label=label) != value:
        raise IdentityError(f"{label} hanya boleh berisi angka")


def validate_nik(value: str) -> None:
    """Django validator: reject anything but an exact, valid 16-digit NIK (code "nik")."""
    try:
        _require_bare_digits(value, label="NIK")
        parse_nik(value)
    except IdentityError as error:
        raise ValidationError(error.message, code="nik") from error


def validate_no_kk(value: str) -> None:
    """Django validator: reject anything but an exact, valid 16-digit No KK (code "no_kk")."""
    try:
        _require_bare_digits(value, label="No KK")
        parse_no_kk(value)
    except IdentityError as error:
        raise ValidationError(error.message, code="no_kk") from error
