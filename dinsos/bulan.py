"""Calendar-month arithmetic on dates: the one place for it (CONVENTIONS 3.1, toolbox).

Two questions sound alike and differ at a month's end, so they have different names:
- `awal_bulan(day, geser=n)`: the *first day* of the month n months away. The office's
  months (Komitmen.bulan, a recap's month, a report period) are stored and compared this way.
- `tambah_bulan(day, n)`: the *same day* n months later (31 January + 1 → 28 or 29 February).
  A deadline counted in months from a date uses this (a PBI-JK reactivation window).

Plain `calendar` arithmetic: four one-line rules do not need a date library.
"""

from __future__ import annotations

import calendar
import datetime

from dinsos.formatting import JAKARTA


def _geser(day: datetime.date, months: int) -> tuple[int, int]:
    """(year, month) of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def awal_bulan(day: datetime.date, *, geser: int = 0) -> datetime.date:
    """The first day of `day`'s month, or of the month `geser` months after it (negative:
    before): `awal_bulan(15 Mar 2025, geser=-1)` is 1 Feb 2025."""
    year, month = _geser(day, geser)
    return datetime.date(year, month, 1)


def akhir_bulan(day: datetime.date) -> datetime.date:
    """The last day of `day`'s month: 28 Feb 2025, 29 Feb 2024, 31 Mar 2025."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def tambah_bulan(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months later (negative: earlier), or that month's last day when
    it is shorter: 31 Jan 2025 + 1 is 28 Feb 2025; 30 Apr 2025 - 2 is 28 Feb 2025."""
    year, month = _geser(day, months)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def jumlah_bulan(awal: datetime.date, akhir: datetime.date) -> int:
    """How many calendar months from `awal`'s month to `akhir`'s month, both counted:
    January to March is 3, within one month 1, and 0 when `akhir` is before `awal`'s month."""
    return max(0, (akhir.year - awal.year) * 12 + akhir.month - awal.month + 1)


def rentang_wib(bulan: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of `bulan`'s month as instants in office time (Asia/Jakarta): a record
    stamped 30 June 23.00 WIB belongs to June. Lists filter their timestamps by it."""
    tengah_malam = datetime.time(tzinfo=JAKARTA)
    return (
        datetime.datetime.combine(awal_bulan(bulan), tengah_malam),
        datetime.datetime.combine(awal_bulan(bulan, geser=1), tengah_malam),
    )
