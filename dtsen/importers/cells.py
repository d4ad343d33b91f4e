"""Cell rules shared by the DTSEN and PBI-JK importers: identifiers, dates, desil, RT/RW.

Every function takes a raw cell (str from CSV; str, int, float or bool from XLSX) and returns
the stored value, or raises `CellError` with the Indonesian message for the error report.
Pure and cached where values repeat (dates, region prefixes): they run a million times.
Region codes and names are read by `dinsos.kode_wilayah`.
"""

from __future__ import annotations

import datetime
import re

from dinsos.formatting import mask_identifiers
from dinsos.identity import (
    NOMOR_URUT_KOSONG,
    IdentityError,
    normalize_identifier,
    parse_nik,
    parse_no_kk,
)

DESIL_MIN, DESIL_MAX = 1, 10  # DOMAIN.md §1/§3: desil 1 (poorest) to 10
# Excel stores dates as days since 1899-12-30 (the 1900 system, with its leap-year bug).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31
TAHUN_LAHIR_MIN = 1900
HUBUNGAN_MAX = 30  # DtsenRecord.hubungan's length; a longer relation text is cut
_CACHE_MAX = 200_000  # distinct date texts kept; a million rows have ~40,000

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][0-9:.]*)?")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: [0-9:.]*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SPACES = re.compile(r"\s+")

KELAMIN = {
    "1": "L",
    "2": "P",
    "l": "L",
    "p": "P",
    "lk": "L",
    "pr": "P",
    "laki-laki": "L",
    "laki laki": "L",
    "lakilaki": "L",
    "laki": "L",
    "pria": "L",
    "perempuan": "P",
    "wanita": "P",
}


_KELAMIN_CEPAT = {"1": "L", "2": "P", "L": "L", "P": "P"}


def quoted(value: object, *, min_digits: int | None = None) -> str:
    """A cell as a message quotes it: an identifier-like number masked (`1872**********77`).

    A NIK typed in the wrong column must not reach the page, the report or a log in full.
    """
    shown = text(value)
    if min_digits is None:
        return mask_identifiers(shown)
    return mask_identifiers(shown, min_digits=min_digits)


class CellError(ValueError):
    """A cell that cannot be stored; `message` goes in the error report as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_empty(raw: object) -> bool:
    return raw is None or raw == "" or (isinstance(raw, str) and not raw.strip())


def text(raw: object) -> str:
    """A free-text cell with its spaces tidied; a number cell as written."""
    if (
        type(raw) is str
        and raw.isprintable()
        and "  " not in raw
        and raw[:1] != " "
        and raw[-1:] != " "
    ):
        return raw  # the common case, without a regular expression
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return _SPACES.sub(" ", str(raw)).strip()


class NikParser:
    """NIK checks of dinsos.identity (DOMAIN.md §8), cached by region and by birth date.

    `parse_nik` runs only for a region or a DDMMYY not seen before, on a stand-in NIK that
    isolates that part, so the messages are exactly those of dinsos.identity. A region or a
    calendar oddity is a warning (DOMAIN.md §8: nothing beyond the format rejects a NIK).
    """

    VALID_REGION = "187201"  # a valid prefix, to check a date part alone
    VALID_DATE = "010100"  # a valid DDMMYY, to check a region part alone

    def __init__(self, *, today: datetime.date) -> None:
        self.today = today
        self._region: dict[str, tuple[str, ...]] = {}
        self._date: dict[str, tuple[datetime.date | None, str, tuple[str, ...]] | str] = {}

    def parse(self, raw: object) -> tuple[str, datetime.date | None, str, tuple[str, ...]]:
        """Return (16-digit NIK, birth date or None, "L"/"P", warnings) or raise CellError."""
        if isinstance(raw, str) and len(raw) == 16 and raw.isdigit():
            nik = raw
        else:
            try:
                nik = normalize_identifier(raw, label="NIK")
            except IdentityError as exc:
                raise CellError(exc.message) from exc
        found = self.date_part(nik[6:12])
        if isinstance(found, str):
            raise CellError(found)
        if nik[12:] == NOMOR_URUT_KOSONG:
            raise CellError("nomor urut dalam NIK tidak boleh 0000")
        return nik, found[0], found[1], self.region_warnings(nik[:6]) + found[2]

    def date_part(self, ddmmyy: str) -> tuple[datetime.date | None, str, tuple[str, ...]] | str:
        """(birth date, sex, warnings) a NIK's DDMMYY digits give, or the rejection message."""
        found = self._date.get(ddmmyy)
        if found is None:
            try:
                info = parse_nik(self.VALID_REGION + ddmmyy + "0001", today=self.today)
                found = (info.tanggal_lahir, info.jenis_kelamin, info.peringatan)
            except IdentityError as exc:
                found = exc.message
            self._date[ddmmyy] = found
        return found

    def region_warnings(self, region: str) -> tuple[str, ...]:
        """The warnings a NIK's 6-digit region prefix gives (DOMAIN.md §8: never a rejection)."""
        found = self._region.get(region)
        if found is None:
            found = parse_nik(region + self.VALID_DATE + "0001", today=self.today).peringatan
            self._region[region] = found
        return found


class NoKkParser:
    """No KK checks of dinsos.identity, cached by the region prefix."""

    def __init__(self) -> None:
        self._prefix: dict[str, str | None] = {}

    def parse(self, raw: object) -> str:
        if isinstance(raw, str) and len(raw) == 16 and raw.isdigit():
            no_kk = raw
        else:
            try:
                no_kk = normalize_identifier(raw, label="No KK")
            except IdentityError as exc:
                raise CellError(exc.message) from exc
        problem = self.prefix_problem(no_kk[:6])
        if problem:
            raise CellError(problem)
        return no_kk

    def prefix_problem(self, key: str) -> str | None:
        """The rejection a No KK's 6-digit region prefix gives, or None."""
        if key not in self._prefix:
            try:
                parse_no_kk(key + "0000000001")
                self._prefix[key] = None
            except IdentityError as exc:
                self._prefix[key] = exc.message
        return self._prefix[key]


class DateParser:
    """Birth dates as Excel dates, Excel serial numbers, or text in the usual layouts."""

    def __init__(self, *, today: datetime.date) -> None:
        self.today = today
        self._cache: dict[str, datetime.date | str] = {}

    def parse(self, raw: object) -> datetime.date | None:
        if is_empty(raw):
            return None
        if isinstance(raw, datetime.datetime):
            return self._check(raw.date(), raw.date().isoformat())
        if isinstance(raw, datetime.date):
            return self._check(raw, raw.isoformat())
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            if not 1 <= raw <= EXCEL_MAX_SERIAL:
                raise CellError(f"tanggal lahir tidak mungkin: '{quoted(raw)}'")
            day = EXCEL_EPOCH + datetime.timedelta(days=int(raw))
            return self._check(day, day.isoformat())
        value = str(raw).strip()
        found = self._cache.get(value)
        if found is None:
            found = self._parse_text(value)
            if len(self._cache) > _CACHE_MAX:
                self._cache.clear()
            self._cache[value] = found
        if isinstance(found, str):
            raise CellError(found)
        return found

    def _parse_text(self, value: str) -> datetime.date | str:
        if match := _ISO.fullmatch(value):
            year, month, day = (int(g) for g in match.groups())
        elif match := _DMY.fullmatch(value):
            day, month, year = (int(g) for g in match.groups())
        elif match := _COMPACT.fullmatch(value):
            year, month, day = (int(g) for g in match.groups())
        else:
            return (
                f"format tanggal lahir tidak dikenali: '{quoted(value)}' "
                "(tulis TTTT-BB-HH atau HH/BB/TTTT)"
            )
        try:
            born = datetime.date(year, month, day)
        except ValueError:
            return f"tanggal lahir tidak mungkin: '{quoted(value)}'"
        try:
            return self._check(born, quoted(value))
        except CellError as exc:
            return exc.message

    def _check(self, born: datetime.date, shown: str) -> datetime.date:
        if born.year < TAHUN_LAHIR_MIN:
            raise CellError(f"tanggal lahir tidak mungkin: '{shown}'")
        if born > self.today:
            raise CellError(f"tanggal lahir di masa depan: '{shown}'")
        return born


_DESIL_TEKS: dict[object, int | None] = {str(d): d for d in range(DESIL_MIN, DESIL_MAX + 1)}
_DESIL_TEKS[""] = None


def desil(raw: object, *, label: str) -> int | None:
    """A desil 1-10; empty means the person has no desil yet (DOMAIN.md §3)."""
    if type(raw) is str and raw in _DESIL_TEKS:
        return _DESIL_TEKS[raw]
    if is_empty(raw):
        return None
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str):
        stripped = raw.strip()
        if stripped.isdigit():
            value = int(stripped)
        elif stripped.endswith((".0", ",0")) and stripped[:-2].isdigit():
            value = int(stripped[:-2])
    if value is None or not DESIL_MIN <= value <= DESIL_MAX:
        raise CellError(
            f"{label} harus angka {DESIL_MIN}–{DESIL_MAX} (tertulis '{quoted(raw)}'); "
            "kosongkan bila belum ada desil"
        )
    return value


def jenis_kelamin(raw: object) -> str:
    """'L' or 'P' (DTSEN: 1 = laki-laki, 2 = perempuan); raises for anything else."""
    if type(raw) is str and raw in _KELAMIN_CEPAT:
        return _KELAMIN_CEPAT[raw]
    if is_empty(raw):
        return ""
    key = text(raw).lower()
    found = KELAMIN.get(key)
    if found is None:
        raise CellError(
            f"jenis kelamin '{quoted(raw)}' tidak dikenal (1 = laki-laki, 2 = perempuan)"
        )
    return found


def rt_rw(raw: object, *, label: str) -> str:
    """RT/RW as three digits with their leading zeros (DOMAIN.md §8)."""
    if type(raw) is str and len(raw) == 3 and raw.isdigit():
        return raw
    if is_empty(raw):
        return ""
    value = text(raw)
    if value.isdigit() and len(value) <= 3:
        return value.zfill(3)
    raise CellError(f"{label} '{quoted(value)}' bukan angka 1–3 digit")
