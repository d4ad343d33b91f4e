"""The period, the area and the output shape shared by every section of the report."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse

from dinsos.bulan import awal_bulan
from dinsos.formatting import JAKARTA
from dinsos.models import Wilayah

# The figure's kind decides how the page, the PDF and the XLSX write it.
ANGKA = "angka"
PERSEN = "persen"  # a ratio 0–1
RUPIAH = "rupiah"
TEKS = "teks"


@dataclass(frozen=True)
class Konteks:
    """One report's month and area: the kelurahan and kecamatan ids under the area, and
    the [start, end) bounds of the month, the month before and the year to date."""

    wilayah: Wilayah
    bulan: datetime.date
    kelurahan_ids: list[int]
    kecamatan: list[tuple[int, str]]  # (id, name) of the kecamatan under the area
    pengaturan: Mapping[str, Any] = field(default_factory=dict)

    @property
    def akhir(self) -> datetime.date:
        return awal_bulan(self.bulan, geser=1)

    @property
    def awal_lalu(self) -> datetime.date:
        return awal_bulan(self.bulan, geser=-1)

    @property
    def awal_tahun(self) -> datetime.date:
        return self.bulan.replace(month=1)

    @property
    def kecamatan_ids(self) -> list[int]:
        return [pk for pk, _ in self.kecamatan]

    @property
    def is_kecamatan(self) -> bool:
        return self.wilayah.tingkat == Wilayah.Tingkat.KECAMATAN

    def params(self) -> dict[str, Any]:
        """Named SQL parameters every section uses: dates, WIB instants and the area."""

        def waktu(day: datetime.date) -> datetime.datetime:
            return datetime.datetime.combine(day, datetime.time(), tzinfo=JAKARTA)

        return {
            "kel": self.kelurahan_ids,
            "kec": self.kecamatan_ids,
            "awal": self.bulan,
            "akhir": self.akhir,
            "awal_lalu": self.awal_lalu,
            "awal_tahun": self.awal_tahun,
            "awal_w": waktu(self.bulan),
            "akhir_w": waktu(self.akhir),
            "awal_lalu_w": waktu(self.awal_lalu),
            "awal_tahun_w": waktu(self.awal_tahun),
        }

    def area_filter(self) -> dict[str, Any]:
        """The list pages' filter that narrows to this report's area (none for the city:
        the office's own scope is the city)."""
        return {"kecamatan": self.wilayah.pk} if self.is_kecamatan else {}


def bulan_param(bulan: datetime.date) -> str:
    """A month as the lists' month filters take it ("2025-06")."""
    return bulan.strftime("%Y-%m")


def url(name: str, **params: Any) -> str:
    """A list page's address with its filters (empty values left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def rows(sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def angka(
    label: str,
    nilai: float | int | None,
    *,
    fmt: str = ANGKA,
    lalu: float | int | None = None,
    tahun: float | int | None = None,
    url: str = "",
    keterangan: str = "",
) -> dict[str, Any]:
    """One headline figure: this month, the month before and the year to date (None where
    the figure is a state rather than a flow)."""
    return {
        "label": label,
        "nilai": nilai,
        "format": fmt,
        "lalu": lalu,
        "tahun": tahun,
        "url": url,
        "keterangan": keterangan,
    }


def kolom(judul: str, fmt: str = ANGKA) -> dict[str, str]:
    return {"judul": judul, "format": fmt}


def tabel(
    judul: str,
    kolom_list: Sequence[dict[str, str]],
    baris: Sequence[Sequence[Any]],
    *,
    tautan: Sequence[Sequence[str]] | None = None,
    kosong: str = "Belum ada data.",
    is_rinci: bool = False,
) -> dict[str, Any]:
    """A table: `baris` holds raw values (numbers stay numbers); `tautan`, when given, has
    the same shape and holds each cell's link ("" for none). An `is_rinci` table (a row per
    worker) is on the page and in the XLSX but not in the PDF, which stays a few pages."""
    return {
        "judul": judul,
        "kolom": list(kolom_list),
        "baris": [list(b) for b in baris],
        "tautan": [list(t) for t in tautan] if tautan is not None else None,
        "kosong": kosong,
        "is_rinci": is_rinci,
    }


def grafik(
    judul: str, entri: Sequence[tuple[str, float | int | None]], *, fmt: str = ANGKA
) -> dict[str, Any]:
    """A horizontal bar chart drawn (dinsos.charts) when the report is shown."""
    return {"judul": judul, "entri": [[label, besar] for label, besar in entri], "format": fmt}


def bagian(
    kunci: str,
    judul: str,
    *,
    angka_list: Sequence[dict[str, Any]] = (),
    tabel_list: Sequence[dict[str, Any]] = (),
    grafik_list: Sequence[dict[str, Any]] = (),
    catatan: Sequence[str] = (),
    is_terbatas: bool = False,
) -> dict[str, Any]:
    """One section of the report. `is_terbatas` marks the one only the koordinator and the
    admin may read (the workforce, with names)."""
    return {
        "kunci": kunci,
        "judul": judul,
        "angka": list(angka_list),
        "tabel": list(tabel_list),
        "grafik": list(grafik_list),
        "catatan": list(catatan),
        "is_terbatas": is_terbatas,
    }


def rasio(pembilang: int | None, penyebut: int | None) -> float | None:
    return (pembilang or 0) / penyebut if penyebut else None
