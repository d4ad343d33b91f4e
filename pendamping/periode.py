"""Beside the layers: a value object used alike by forms, selectors and exporters.

A reporting period: a calendar month, or a whole year (office calendar, WIB).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dinsos.bulan import akhir_bulan
from dinsos.formatting import JAKARTA, bulan_tahun


@dataclass(frozen=True)
class Periode:
    """A calendar month, or a whole year when `bulan` is None (office calendar, WIB)."""

    tahun: int
    bulan: int | None = None

    @property
    def awal(self) -> datetime.date:
        return datetime.date(self.tahun, self.bulan or 1, 1)

    @property
    def akhir(self) -> datetime.date:
        return akhir_bulan(datetime.date(self.tahun, self.bulan or 12, 1))

    @property
    def awal_waktu(self) -> datetime.datetime:
        return datetime.datetime.combine(self.awal, datetime.time(), tzinfo=JAKARTA)

    @property
    def akhir_waktu(self) -> datetime.datetime:
        """The first instant after the period (exclusive bound)."""
        besok = self.akhir + datetime.timedelta(days=1)
        return datetime.datetime.combine(besok, datetime.time(), tzinfo=JAKARTA)

    @property
    def is_tahunan(self) -> bool:
        return self.bulan is None

    @property
    def label(self) -> str:
        if self.bulan is None:
            return f"Tahun {self.tahun}"
        return bulan_tahun(self.awal)

    @property
    def params(self) -> dict[str, int]:
        return {"tahun": self.tahun, **({"bulan": self.bulan} if self.bulan else {})}

    def bulan_bulan(self) -> list[Periode]:
        """The months of the period (one for a month, twelve for a year)."""
        if self.bulan is not None:
            return [self]
        return [Periode(self.tahun, b) for b in range(1, 13)]
