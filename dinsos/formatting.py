"""Indonesian display formats: Rupiah, dates, numbers, and masked identifiers.

Pure functions with their own unit tests; templates reach them through the one-line filters in
`dinsos/templatetags/format_id.py`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")  # the office's time zone (WIB, UTC+7, no DST)
ZONA_WAKTU = "WIB"

NAMA_BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

IDENTIFIER_LENGTH = 16  # DOMAIN.md §8: NIK and No KK are 16 digits
MASK_KEEP_START = 4  # DOMAIN.md §8: first 4 digits are province + kab/kota, not personal
# Office choice (DOMAIN.md §10 asks for protection, gives no number): enough to tell two people
# apart on screen.
MASK_KEEP_END = 2
MASK_CHAR = "*"


def _group_thousands(number: int) -> str:
    """Put a dot between thousands, the Indonesian separator (`-12345` → `-12.345`)."""
    return f"{number:,}".replace(",", ".")


def _to_decimal(value: int | Decimal | float) -> Decimal:
    """Convert a number to Decimal, reading a float by its shortest repr so 2.5 stays 2.5."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def rupiah(value: int | Decimal | float | None) -> str:
    """Format an amount as whole Rupiah (`Rp1.500.000`), rounding cents half-up; None gives ""."""
    if value is None:
        return ""
    amount = int(_to_decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{_group_thousands(abs(amount))}"


def _in_jakarta(value: datetime) -> datetime:
    """Convert an aware datetime to Jakarta time; a naive one is a bug (CONVENTIONS 3.14)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware datetime (USE_TZ)")
    return value.astimezone(JAKARTA)


def tanggal(value: date | datetime | None) -> str:
    """Format a date as `30 Juni 2025`; an aware datetime is first converted to Jakarta time."""
    if value is None:
        return ""
    day = _in_jakarta(value).date() if isinstance(value, datetime) else value
    return f"{day.day} {NAMA_BULAN[day.month - 1]} {day.year}"


def bulan_tahun(value: date) -> str:
    """Format a date's month as `Maret 2025` (a Komitmen month, a report period)."""
    return f"{NAMA_BULAN[value.month - 1]} {value.year}"


def tanggal_jam(value: datetime | None) -> str:
    """Format an aware datetime in Jakarta time as `30 Juni 2025 14.05 WIB`; None gives ""."""
    if value is None:
        return ""
    local = _in_jakarta(value)
    return f"{tanggal(local.date())} {local:%H.%M} {ZONA_WAKTU}"


def diperbarui(value: datetime | None, *, today: date | None = None) -> str:
    """When a summary figure was computed, as text (templates/dinsos/_diperbarui.html in a
    sentence): `Angka dari ringkasan, diperbarui 14.05 WIB.`, with the date when it is not
    today (Jakarta); None gives ""."""
    if value is None:
        return ""
    local = _in_jakarta(value)
    hari = today or datetime.now(JAKARTA).date()
    waktu = f"{local:%H.%M} {ZONA_WAKTU}"
    if local.date() != hari:
        waktu = f"{tanggal(local.date())} {waktu}"
    return f"Angka dari ringkasan, diperbarui {waktu}."


def mask_nik(value: str | None) -> str:
    """Hide a NIK but its region prefix and last 2 digits (`1872**********07`); None gives ""."""
    if not value:
        return ""
    if len(value) == IDENTIFIER_LENGTH:
        hidden = IDENTIFIER_LENGTH - MASK_KEEP_START - MASK_KEEP_END
        return value[:MASK_KEEP_START] + MASK_CHAR * hidden + value[-MASK_KEEP_END:]
    if len(value) <= MASK_KEEP_END:
        # Showing "the last 2" of a 2-character value would show all of it.
        return MASK_CHAR * len(value)
    return MASK_CHAR * (len(value) - MASK_KEEP_END) + value[-MASK_KEEP_END:]


def mask_no_kk(value: str | None) -> str:
    """Hide a No KK the same way as a NIK (`1872**********03`); None gives ""."""
    return mask_nik(value)


# A run of this many digits (spaces, dots or dashes between them allowed) may be a NIK or No KK,
# or most of one: shown masked wherever free text quotes what a user typed (issue 22).
IDENTIFIER_MIN_DIGITS = 10
_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d)*")
_NOT_DIGIT = re.compile(r"\D")


def mask_identifiers(value: str | None, *, min_digits: int = IDENTIFIER_MIN_DIGITS) -> str:
    """Mask every identifier-like digit run in free text like `mask_nik`; None gives "".

    `NIK 1872012345678901.xlsx` → `NIK 1872**********01.xlsx`. Shorter runs (dates, RT) stay.
    """
    if not value:
        return ""

    def _mask(match: re.Match[str]) -> str:
        digits = _NOT_DIGIT.sub("", match.group())
        return mask_nik(digits) if len(digits) >= min_digits else match.group()

    return _DIGIT_RUN.sub(_mask, value)


def angka(value: int | None) -> str:
    """Format a whole number with dots between thousands (`12.345`); None gives ""."""
    if value is None:
        return ""
    return _group_thousands(value)


def persen(value: float | Decimal | None, digits: int = 1) -> str:
    """Format a fraction as a percentage with a decimal comma (`0.853` → `85,3%`); None gives ""."""
    if value is None:
        return ""
    step = Decimal(1).scaleb(-digits)
    percent = (_to_decimal(value) * 100).quantize(step, rounding=ROUND_HALF_UP)
    if percent == 0:
        percent = abs(percent)  # no "-0,0%"
    # Format with English separators, then swap them: "1,234.5" -> "1.234,5".
    english = f"{percent:,.{digits}f}"
    return english.translate(str.maketrans(",.", ".,")) + "%"
