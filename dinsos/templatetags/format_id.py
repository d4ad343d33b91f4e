"""Template filters over `dinsos.formatting`: `{{ nominal|rupiah }}`, `{{ nik|mask_nik }}`, …

Each filter is one line; the formatting rules and their tests live in `dinsos/formatting.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template

from dinsos import formatting

register = template.Library()


@register.filter
def rupiah(value: int | Decimal | float | None) -> str:
    """Whole Rupiah: `Rp1.500.000`."""
    return formatting.rupiah(value)


@register.filter
def tanggal(value: date | datetime | None) -> str:
    """Indonesian date in Jakarta time: `30 Juni 2025`."""
    return formatting.tanggal(value)


@register.filter
def bulan_tahun(value: date) -> str:
    """Indonesian month and year: `Maret 2025`."""
    return formatting.bulan_tahun(value)


@register.filter
def tanggal_jam(value: datetime | None) -> str:
    """Indonesian date and time in Jakarta time: `30 Juni 2025 14.05 WIB`."""
    return formatting.tanggal_jam(value)


@register.filter
def mask_nik(value: str | None) -> str:
    """Masked NIK: `1872**********07`."""
    return formatting.mask_nik(value)


@register.filter
def mask_no_kk(value: str | None) -> str:
    """Masked No KK: `1872**********03`."""
    return formatting.mask_no_kk(value)


@register.filter
def mask_identifiers(value: str | None) -> str:
    """Free text (a file name) with identifier-like numbers masked: `1872**********01`."""
    return formatting.mask_identifiers(value)


@register.filter
def angka(value: int | None) -> str:
    """Whole number with thousands dots: `12.345`."""
    return formatting.angka(value)


@register.filter
def persen(value: float | Decimal | None, digits: int | str = 1) -> str:
    """Fraction as a percentage with a decimal comma: `{{ 0.853|persen:2 }}` → `85,30%`."""
    return formatting.persen(value, int(digits))
