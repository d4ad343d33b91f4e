"""The sound of a name's last word, as PostgreSQL's `soundex(reverse(split_part(reverse(
btrim(nama)), ' ', 1)))` computes it: the block key of the import's probable-duplicate check
(dtsen.services.ganda_mungkin), computed while the rows stream instead of over the loaded
table (issue 21: on a million rows the SQL spent ~3 s on it).

`soundex` follows contrib/fuzzystrmatch byte for byte: it reads the UTF-8 bytes, only ASCII
letters are letters (any other byte is kept as its own "code", so a digit before a letter
whose code is that digit hides it), and a word without a letter sounds "".
tests/dtsen/test_ganda_bunyi.py holds it to PostgreSQL's soundex on a corpus and on
hypothesis's text.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

# fuzzystrmatch's table, A..Z.
_TABEL = "01230120022455012623010202"
PANJANG = 4
_KATA_TERAKHIR = r"([^ ]*)$"


def _kode(byte: int) -> int:
    """soundex_code(): the table's digit for an ASCII letter, otherwise the byte itself."""
    if 97 <= byte <= 122:
        byte -= 32
    if 65 <= byte <= 90:
        return ord(_TABEL[byte - 65])
    return byte


def _huruf(byte: int) -> bool:
    return 65 <= byte <= 90 or 97 <= byte <= 122


@lru_cache(maxsize=65_536)
def soundex(teks: str) -> str:
    """PostgreSQL's soundex(teks)."""
    data = teks.encode()
    i, n = 0, len(data)
    while i < n and not _huruf(data[i]):
        i += 1
    if i == n:
        return ""
    first = data[i]
    out = [chr(first - 32 if first >= 97 else first)]
    i += 1
    while i < n and len(out) < PANJANG:
        byte = data[i]
        if _huruf(byte):
            kode = _kode(byte)
            if kode != _kode(data[i - 1]) and kode != ord("0"):
                out.append(chr(kode))
        i += 1
    return "".join(out).ljust(PANJANG, "0")


def kata_terakhir(nama: str) -> str:
    """The text after the last space of the name without its outer spaces (SQL's
    reverse(split_part(reverse(btrim(nama)), ' ', 1)))."""
    return nama.strip(" ").rpartition(" ")[2]


def angka_bunyi(kode: str) -> int:
    """A soundex as a small number (0 for "", letter·1000 + digits), for grouping."""
    if not kode:
        return 0
    return (ord(kode[0]) - 64) * 1000 + int(kode[1:])


@lru_cache(maxsize=65_536)
def bunyi_kata(kata: str) -> int:
    return angka_bunyi(soundex(kata))


def bunyi_nama(nama: str) -> int:
    """The block key's sound of one name."""
    return bunyi_kata(kata_terakhir(nama))


def bunyi_kolom(nama: pl.Series) -> pl.Series:
    """`bunyi_nama` of a column of names, computed once per distinct last word."""
    kata = nama.str.strip_chars(" ").str.extract(_KATA_TERAKHIR, 1).fill_null("")
    unik = kata.unique()
    return kata.replace_strict(
        unik, [bunyi_kata(k) for k in unik.to_list()], return_dtype=pl.UInt16
    ).rename("bunyi")
