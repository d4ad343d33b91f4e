"""Beside the layers: pure working-day arithmetic for complaint deadlines, shared by services
(which set deadlines) and selectors (which find what is nearly due); it reads and writes nothing.

A working day is Monday to Friday, not an Indonesian public holiday (the maintained `holidays`
library: national holidays by law, Islamic dates by its estimate until the decree is out) and
not a day in the office's own table `HariLibur` — cuti bersama are decreed yearly and are not
in the library, so the office enters them there.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass, field

import holidays

SABTU = 5  # date.weekday(): Saturday and Sunday are 5 and 6


@dataclass
class Kalender:
    """The office calendar: weekends, public holidays, and the extra closing days given."""

    libur_kantor: Collection[datetime.date] = ()
    _nasional: holidays.HolidayBase = field(
        default_factory=lambda: holidays.country_holidays("ID"), repr=False
    )

    def is_hari_kerja(self, day: datetime.date) -> bool:
        return day.weekday() < SABTU and day not in self._nasional and day not in self.libur_kantor

    def tambah_hari_kerja(self, start: datetime.date, hari: int) -> datetime.date:
        """The `hari`-th working day after `start` (`start` itself does not count; 0 gives
        `start`). A complaint received on Saturday with 5 days is due on Friday."""
        day = start
        remaining = hari
        while remaining > 0:
            day += datetime.timedelta(days=1)
            if self.is_hari_kerja(day):
                remaining -= 1
        return day
