"""Columnar checks of a batch of DTSEN rows (issue 21): the clean rows in bulk, the rest per row.

A 100.000-row file spent most of its load in Python, one row at a time: the checks
(`DtsenChecker.check_cells`, ~13 µs a row) and psycopg's `write_row` for COPY. Here a batch of
rows is checked column by column:

- identifiers and free text (NIK, No KK, nama, alamat, hubungan) with vectorised string tests
  in polars: 16 digits, a NIK's DDMMYY and region prefix and a No KK's prefix looked up among
  the distinct values of the batch, text that `cells.text` would keep as it is;
- cells with few distinct values (dates, sex, RT/RW, desil, the region cells) through the very
  functions of `dtsen.importers.cells` and the resolver, once per distinct value;
- a NIK against the row's sex and birth date (DOMAIN.md §8: a warning) by comparing DDMMYY.

A row passing every test is one the per-row checker would load without any message, with the
same values: it goes into a polars frame written to COPY as CSV. Every other row (≈2% of a
real file: any error, any warning, a number cell, a NUL, non-ASCII text) goes through
`DtsenChecker.check` exactly as before, so each message, its row and its column are those of
the per-row checker (tests/dtsen/test_kolumnar.py compares both on a corpus of bad rows).
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Callable, Sequence
from functools import partial
from operator import itemgetter

import polars as pl

from dinsos.identity import (
    DAY_OFFSET_PEREMPUAN,
    KODE_KOSONG,
    KODE_PROVINSI,
    NOMOR_URUT_KOSONG,
)
from dinsos.spreadsheet import Row, RowWithNul
from dtsen.importers.cells import (
    HUBUNGAN_MAX,
    TAHUN_LAHIR_MIN,
    CellError,
    desil,
    jenis_kelamin,
    rt_rw,
)
from dtsen.importers.checker import HasilBatch, RowChecker

# What `cells.text` returns unchanged, in its ASCII part: printable, no leading or trailing
# space (a double space is tested apart). Anything else (non-ASCII letters too) is checked per
# row, so the rules of `str.isprintable` never need restating here.
_TEKS_RAPI = r"^[!-~](?:[ -~]*[!-~])?$"
_DIGIT16 = r"^[0-9]{16}$"
_BURUK = object()  # a cell value the per-row checker must see

DESIL_FIELDS = ("desil_nasional", "desil_provinsi", "desil_kabupaten_kota")
DESIL_LABEL = {
    "desil_nasional": "desil nasional",
    "desil_provinsi": "desil provinsi",
    "desil_kabupaten_kota": "desil kabupaten/kota",
}


def _peta(
    column: Sequence[object], fn: Callable[[object], object]
) -> tuple[list[object], list[bool]]:
    """`fn` of every cell, computed once per distinct value; (values, ok) with ok False where
    `fn` raised CellError or the cell is a bool (True == 1 would share 1's answer)."""
    values: dict[object, object] = {}
    ok: dict[object, bool] = {}
    for value in set(column):
        if isinstance(value, bool):
            values[value], ok[value] = None, False
            continue
        try:
            values[value], ok[value] = fn(value), True
        except CellError:
            values[value], ok[value] = None, False
    return list(map(values.__getitem__, column)), list(map(ok.__getitem__, column))


def _teks_kolom(column: Sequence[object], *, angka: bool) -> tuple[list[str | None], list[bool]]:
    """A text column as str/None for polars, and which cells the per-row checker must see.

    With `angka` (free text: nama, alamat, hubungan) a whole-number cell from XLSX counts as
    its digits, as `cells.text` writes it; in an identifier column (`angka` False) a number
    cell is the per-row checker's "format kolom sebagai Teks" error.
    """
    if set(map(type, column)) <= {str, type(None)}:
        return list(column), []  # type: ignore[arg-type]
    out: list[str | None] = []
    aneh: list[bool] = []
    for value in column:
        if value is None or type(value) is str:
            out.append(value)  # type: ignore[arg-type]
            aneh.append(False)
        elif angka and type(value) is int:
            out.append(str(value))
            aneh.append(False)
        elif angka and type(value) is float and value.is_integer():
            out.append(str(int(value)))
            aneh.append(False)
        else:
            out.append(None)
            aneh.append(True)
    return out, aneh


_PROVINSI = sorted(KODE_PROVINSI)


def nik_kolom(nik: pl.Expr, *, today: datetime.date) -> dict[str, pl.Expr]:
    """DOMAIN.md §8 on a column of NIK texts, deciding as `dinsos.identity.parse_nik` does.

    - `diterima`: exactly 16 ASCII digits, month 01–12, day 01–31 or 41–71 (women: +40),
      serial ≠ 0000 — the whole list of rejections. A NIK written any other way (spaces,
      quotes, a number cell) is not `diterima` here: the per-row checker normalises it first;
    - `bersih`: accepted without a warning: a known province, kab/kota and kecamatan ≠ 00, and
      a DDMMYY that is a calendar date (otherwise a warning, never a rejection);
    - `jenis_kelamin` ("L"/"P"), `tanggal_lahir` (the latest century not after `today`; null
      when DDMMYY is not on the calendar) and `ddmmyy` (the day of women less 40).

    tests/dtsen/test_kolumnar.py holds it to `parse_nik` on a corpus and hypothesis's NIKs.
    """
    digits = nik.str.contains(_DIGIT16).fill_null(False)
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    perempuan = day > DAY_OFFSET_PEREMPUAN
    hari = pl.when(perempuan).then(day - DAY_OFFSET_PEREMPUAN).otherwise(day)
    month = nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    diterima = (
        digits
        & month.is_between(1, 12)
        & hari.is_between(1, 31)
        & (nik.str.slice(12, 4) != NOMOR_URUT_KOSONG)
    ).fill_null(False)
    hh = hari.cast(pl.String).str.zfill(2)
    yymmdd = pl.concat_str(nik.str.slice(10, 2), nik.str.slice(8, 2), hh)
    abad_21 = pl.concat_str(pl.lit("20"), yymmdd).str.to_date("%Y%m%d", strict=False)
    abad_20 = pl.concat_str(pl.lit("19"), yymmdd).str.to_date("%Y%m%d", strict=False)
    tanggal = pl.when(abad_21 <= today).then(abad_21).when(abad_20 <= today).then(abad_20)
    bersih = (
        diterima
        & nik.str.slice(0, 2).is_in(_PROVINSI)
        & (nik.str.slice(2, 2) != KODE_KOSONG)
        & (nik.str.slice(4, 2) != KODE_KOSONG)
        & tanggal.is_not_null()
    ).fill_null(False)
    return {
        "diterima": diterima,
        "bersih": bersih,
        "jenis_kelamin": pl.when(perempuan).then(pl.lit("P")).otherwise(pl.lit("L")),
        "tanggal_lahir": tanggal,
        "ddmmyy": pl.concat_str(hh, nik.str.slice(8, 4)),
    }


def tanggal_kolom(teks: pl.Expr, *, today: datetime.date) -> tuple[pl.Expr, pl.Expr]:
    """(date, ok) of birth-date texts written TTTT-BB-HH or HH/BB/TTTT with all their digits,
    or empty. `ok` is False for anything else `DateParser` must see (other layouts, impossible
    or future dates, years before 1900); the per-row checker then reports it."""
    iso = teks.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    dmy = teks.str.contains(r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$")
    date = (
        pl.when(iso)
        .then(teks.str.to_date("%Y-%m-%d", strict=False))
        .when(dmy)
        .then(teks.str.to_date("%d/%m/%Y", strict=False))
    )
    tepat = date.is_between(datetime.date(TAHUN_LAHIR_MIN, 1, 1), today).fill_null(False)
    return date, teks.is_null() | (teks == "") | tepat


class PemeriksaKolom:
    """Check DTSEN rows a batch at a time; construct once per file, after `detect`."""

    def __init__(self, checker: RowChecker) -> None:
        self.checker = checker
        index = checker.index
        self.need = checker.width  # every row padded to this width (its last cell is padding)
        self.fields = (
            "nik",
            "no_kk",
            "nama",
            "tanggal_lahir",
            "jenis_kelamin",
            "hubungan",
            "alamat",
            "rt",
            "rw",
            *DESIL_FIELDS,
        )
        self.getter = itemgetter(*(index[f] for f in self.fields), *checker.wilayah_index)
        self._kk_prefix: dict[str, bool] = {}

    def _kk_prefix_clean(self, prefix: str) -> bool:
        found = self._kk_prefix.get(prefix)
        if found is None:
            found = self.checker.kks.prefix_problem(prefix) is None
            self._kk_prefix[prefix] = found
        return found

    # --- one batch ---------------------------------------------------------------------------
    def check(self, numbers: list[int], rows: list[Row]) -> HasilBatch:
        """The batch's clean rows as a frame, the others through the per-row checker.

        The cyclic garbage collector is paused meanwhile: cutting 10.000 rows into columns
        allocates ~200.000 tuples and strings without a reference cycle, and the collections
        they triggered took four fifths of the time (reference counting still frees them).
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._check(numbers, rows)
        finally:
            if was_enabled:
                gc.enable()

    def _check(self, numbers: list[int], rows: list[Row]) -> HasilBatch:
        checker = self.checker
        need = self.need
        for cells in rows:
            if len(cells) < need:
                cells.extend([None] * (need - len(cells)))
        picked = list(map(self.getter, rows))
        n_fields = len(self.fields)
        columns = list(zip(*picked, strict=True)) if picked else [()] * (n_fields + 4)
        by_field = dict(zip(self.fields, columns, strict=False))
        wilayah_keys = list(zip(*columns[n_fields:], strict=True))

        slow: list[bool] = [type(cells) is RowWithNul for cells in rows]
        # Cells with few distinct values: the per-row checker's own functions, once per value.
        lahir_teks = set(map(type, by_field["tanggal_lahir"])) <= {str, type(None)}
        if lahir_teks:  # text (CSV): vectorised below
            born: list[object] = list(by_field["tanggal_lahir"])
            born_ok = [True] * len(rows)
        else:  # date cells (XLSX): DateParser once per distinct value
            born, born_ok = _peta(by_field["tanggal_lahir"], checker.dates.parse)
        kelamin, kelamin_ok = _peta(by_field["jenis_kelamin"], jenis_kelamin)
        rt, rt_ok = _peta(by_field["rt"], partial(rt_rw, label="RT"))
        rw, rw_ok = _peta(by_field["rw"], partial(rt_rw, label="RW"))
        desil_values: dict[str, list[object]] = {}
        desil_ok: dict[str, list[bool]] = {}
        for f in DESIL_FIELDS:
            desil_values[f], desil_ok[f] = _peta(by_field[f], partial(desil, label=DESIL_LABEL[f]))
        penentu = checker.wilayah
        kunci: dict[tuple[object, ...], int] = {}
        kelurahan_of: list[int | None] = []
        for key in set(wilayah_keys):
            found = penentu.resolve(*key, jumlah=0)
            kunci[key] = len(kelurahan_of)
            kelurahan_of.append(None if found.pesan else found.kelurahan_id)
        kunci_baris = list(map(kunci.__getitem__, wilayah_keys))

        teks = {}
        for f in ("nik", "no_kk", "nama", "hubungan", "alamat"):
            values, aneh = _teks_kolom(by_field[f], angka=f not in ("nik", "no_kk"))
            teks[f] = pl.Series(f, values, dtype=pl.String)
            if aneh:
                slow = [a or b for a, b in zip(slow, aneh, strict=True)]

        sel_ok = pl.Series(born_ok, dtype=pl.Boolean)
        for flags in (kelamin_ok, rt_ok, rw_ok, *desil_ok.values()):
            sel_ok = sel_ok & pl.Series(flags, dtype=pl.Boolean)
        frame = pl.DataFrame(
            {
                **teks,
                "baris": pl.Series(numbers, dtype=pl.Int64),
                "slow": pl.Series(slow, dtype=pl.Boolean),
                "tanggal_lahir": pl.Series(born, dtype=pl.String if lahir_teks else pl.Date),
                "jenis_kelamin": pl.Series(kelamin, dtype=pl.String),
                "rt": pl.Series(rt, dtype=pl.String),
                "rw": pl.Series(rw, dtype=pl.String),
                **{f: pl.Series(desil_values[f], dtype=pl.Int16) for f in DESIL_FIELDS},
                "sel_ok": sel_ok,
                "kunci": pl.Series(kunci_baris, dtype=pl.Int64),
            }
        )
        today = checker.dates.today
        if lahir_teks:
            lahir, lahir_ok = tanggal_kolom(pl.col("tanggal_lahir"), today=today)
            frame = frame.with_columns(tanggal_lahir=lahir, sel_ok=pl.col("sel_ok") & lahir_ok)
        nik = nik_kolom(pl.col("nik"), today=today)
        no_kk = pl.col("no_kk")
        kks = frame["no_kk"].filter(frame["no_kk"].str.contains(_DIGIT16).fill_null(False))
        clean_prefixes = [
            p for p in kks.str.slice(0, 6).unique().to_list() if self._kk_prefix_clean(p)
        ]

        def rapi(name: str, *, boleh_kosong: bool) -> pl.Expr:
            col = pl.col(name)
            tidy = col.str.contains(_TEKS_RAPI) & ~col.str.contains("  ", literal=True)
            if boleh_kosong:
                return col.is_null() | (col == "") | tidy
            return tidy

        lahir_ddmmyy = pl.col("tanggal_lahir").dt.strftime("%d%m%y")
        fast = (
            ~pl.col("slow")
            & pl.col("sel_ok")
            & pl.col("kunci")
            .replace_strict(list(range(len(kelurahan_of))), kelurahan_of, return_dtype=pl.Int64)
            .is_not_null()
            & nik["bersih"]
            & no_kk.str.contains(_DIGIT16)
            & no_kk.str.slice(0, 6).is_in(clean_prefixes)
            & rapi("nama", boleh_kosong=False)
            & rapi("alamat", boleh_kosong=True)
            & rapi("hubungan", boleh_kosong=True)
            # DOMAIN.md §8: a NIK that disagrees with the sex or birth date is a warning.
            & ((pl.col("jenis_kelamin") == "") | (pl.col("jenis_kelamin") == nik["jenis_kelamin"]))
            & (lahir_ddmmyy.is_null() | (lahir_ddmmyy == nik["ddmmyy"]))
        )
        frame = frame.with_columns(
            fast=fast.fill_null(False),
            kelurahan_id=pl.col("kunci").replace_strict(
                list(range(len(kelurahan_of))), kelurahan_of, return_dtype=pl.Int64
            ),
        )

        hasil = HasilBatch(frame=None)
        # Rows of the slow path, in file order, through the per-row checker as before.
        sid = checker.snapshot_id
        for position in frame["fast"].not_().arg_true().to_list():
            per_row = checker.check(numbers[position], rows[position])
            if per_row.masalah:
                nik_value = per_row.nik
                hasil.problems.extend(
                    (sid, m.row, m.column, m.message, m.is_warning, nik_value)
                    for m in per_row.masalah
                )
            if per_row.record is None:
                hasil.rejected += 1
                if per_row.nik:
                    hasil.ditolak_nik.append((numbers[position], per_row.nik))
            else:
                hasil.records.append(per_row.record)
                hasil.valid += 1
                if per_row.masalah:
                    hasil.warned += 1
        loaded = frame.filter(pl.col("fast"))
        hasil.valid += loaded.height
        # The resolver counts the loaded rows' rules, as the per-row resolve would have.
        keys = list(kunci)
        for key_index, count in loaded.group_by("kunci").len().iter_rows():
            penentu.resolve(*keys[key_index], jumlah=count)
        hasil.frame = loaded.select(
            pl.lit(sid, dtype=pl.Int64).alias("snapshot_id"),
            "baris",
            "nik",
            "no_kk",
            "nama",
            "tanggal_lahir",
            "jenis_kelamin",
            pl.col("hubungan").fill_null("").str.slice(0, HUBUNGAN_MAX),
            pl.col("alamat").fill_null(""),
            "rt",
            "rw",
            "kelurahan_id",
            *DESIL_FIELDS,
        )
        return hasil
