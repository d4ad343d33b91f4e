"""Beside the layers: pure date rules read by services, selectors and views alike.

The monthly update calendar (DOMAIN.md §7) as dated settings: Musdes/Muskel on days
1–14, SIKS-NG entry on days 1–11. A proposal submitted after the SIKS-NG cut-off goes to next
month's batch; the pages show the window in force today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dinsos.bulan import awal_bulan
from dinsos.formatting import NAMA_BULAN, bulan_tahun
from dinsos.selectors import pengaturan_semua


@dataclass(frozen=True)
class Jendela:
    """The update window as seen on `hari_ini`: this month's, or (after the cut-off) the one
    the next proposals join."""

    hari_ini: datetime.date
    bulan: datetime.date  # the batch month a proposal submitted today joins
    musdes_akhir: int  # last day of Musdes/Muskel
    siks_akhir: int  # last day of SIKS-NG entry

    @property
    def is_siks_terbuka(self) -> bool:
        return self.bulan == awal_bulan(self.hari_ini)

    @property
    def is_musdes_terbuka(self) -> bool:
        return self.hari_ini.day <= self.musdes_akhir

    @property
    def sisa_hari(self) -> int:
        """Days of SIKS-NG entry left, today included (0 once closed)."""
        return self.siks_akhir - self.hari_ini.day + 1 if self.is_siks_terbuka else 0

    @property
    def label(self) -> str:
        """`Input SIKS-NG: 1–11 Desember, sisa 3 hari`, or where late proposals go."""
        bulan = NAMA_BULAN[self.bulan.month - 1]
        if self.is_siks_terbuka:
            return f"Input SIKS-NG: 1–{self.siks_akhir} {bulan}, sisa {self.sisa_hari} hari"
        return (
            f"Input SIKS-NG bulan ini sudah ditutup; usulan yang diajukan sekarang ikut "
            f"kiriman {bulan_tahun(self.bulan)} (1–{self.siks_akhir} {bulan})"
        )

    @property
    def label_musdes(self) -> str:
        bulan = NAMA_BULAN[self.hari_ini.month - 1]
        keadaan = "berlangsung" if self.is_musdes_terbuka else "sudah lewat"
        return f"Musdes/Muskel: 1–{self.musdes_akhir} {bulan} ({keadaan})"


def jendela(hari_ini: datetime.date) -> Jendela:
    """The window in force on `hari_ini` (1 query for the settings of that day)."""
    pengaturan = pengaturan_semua(on=hari_ini)
    siks_akhir = int(pengaturan["pemutakhiran_siks_hari_akhir"])
    late = hari_ini.day > siks_akhir
    return Jendela(
        hari_ini=hari_ini,
        bulan=awal_bulan(hari_ini, geser=1 if late else 0),
        musdes_akhir=int(pengaturan["pemutakhiran_musdes_hari_akhir"]),
        siks_akhir=siks_akhir,
    )


def bulan_kiriman(tanggal: datetime.date) -> datetime.date:
    """The batch month of a proposal submitted on `tanggal`: its own month up to the SIKS-NG
    cut-off, the next one after it (a proposal on the 12th goes to next month)."""
    return jendela(tanggal).bulan
