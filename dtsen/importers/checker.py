"""The row checker both importers share: cells in, a COPY-ready record and RowErrors out."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import ClassVar

import polars as pl
from django.db import models

from dinsos.errors import RowError
from dinsos.identity import nik_warnings as identity_nik_warnings
from dinsos.kode_wilayah import PenentuWilayah, Sistem
from dinsos.spreadsheet import Row, RowWithNul
from dtsen.importers.cells import (
    CellError,
    DateParser,
    NikParser,
    NoKkParser,
    jenis_kelamin,
)
from dtsen.importers.columns import HasilPencocokan, TabelKolom

# Region-code fields, in the order one is chosen when a file has several, with the system
# their header names (None: the codes say which, dinsos.kode_wilayah).
KODE_WILAYAH_FIELDS: tuple[tuple[str, Sistem | None], ...] = (
    ("kode_wilayah_bps", Sistem.BPS),
    ("kode_wilayah_kemendagri", Sistem.KEMENDAGRI),
    ("kode_wilayah", None),
)
# Columns of a row's identifiers: a row with none of them filled may be a total or a note.
IDENTITAS_FIELDS = ("nik", "no_kk")


def kode_wilayah_field(cocok: HasilPencocokan) -> tuple[str, Sistem | None]:
    """The region-code field a file uses and the system its header names."""
    return next(
        ((f, s) for f, s in KODE_WILAYAH_FIELDS if f in cocok.posisi), ("kode_wilayah", None)
    )


@dataclass
class HasilBatch:
    """What a batch gave: clean rows as a COPY-ready frame, the rest as per-row results."""

    frame: pl.DataFrame | None
    records: list[tuple[object, ...]] = field(default_factory=list)
    problems: list[tuple[object, ...]] = field(default_factory=list)
    valid: int = 0
    rejected: int = 0
    warned: int = 0
    # (row, NIK) of the rejected rows whose NIK was valid: one NIK twice in a file is a
    # duplicate even when one copy was rejected for another reason.
    ditolak_nik: list[tuple[int, str]] = field(default_factory=list)

    def csv(self) -> bytes:
        """The frame as CSV for `COPY … (FORMAT csv)`: NULL unquoted empty, '' quoted."""
        if self.frame is None or self.frame.is_empty():
            return b""
        buffer = io.BytesIO()
        self.frame.write_csv(buffer, include_header=False)
        return buffer.getvalue()


MSG_NUL = (
    "sel berisi karakter NUL (kode 0) yang tidak boleh ada dalam data; hapus karakter itu "
    "atau simpan ulang file dari Excel"
)


@dataclass
class Hasil:
    """What one row gave: the record to load (None when rejected), its problems, its NIK."""

    record: tuple[object, ...] | None
    masalah: list[RowError]
    nik: str


class RowChecker:
    """Validate rows of one file; construct once per file, call `check` per row."""

    TABEL: ClassVar[TabelKolom]
    MODEL: ClassVar[type[models.Model]]
    COPY_COLUMNS: ClassVar[tuple[str, ...]]
    # Rows loaded into a table of their own, attached as the snapshot's partition at the end
    # (dtsen.services.partisi); otherwise straight into the model's table.
    PARTISI: ClassVar[bool] = False

    def __init__(
        self,
        *,
        snapshot_id: int,
        cocok: HasilPencocokan,
        wilayah: PenentuWilayah,
        today: datetime.date,
    ) -> None:
        self.snapshot_id = snapshot_id
        self.niks = NikParser(today=today)
        self.kks = NoKkParser()
        self.dates = DateParser(today=today)
        self.wilayah = wilayah
        self.header = {f: cocok.header.get(f, self.TABEL.label(f)) for f in self.TABEL.fields}
        self.header_at = {i: cocok.header[f] for f, i in cocok.posisi.items()}
        # Every field reads a fixed index; absent fields read the padding cell (always None).
        self.width = max(cocok.posisi.values(), default=0) + 2
        self.index = {f: cocok.posisi.get(f, self.width - 1) for f in self.TABEL.fields}
        self.kode_field = kode_wilayah_field(cocok)[0]
        self.kode_header = (
            self.header[self.kode_field]
            if self.kode_field in cocok.posisi or "nama_kelurahan" not in cocok.posisi
            else self.header["nama_kelurahan"]
        )
        self.wilayah_index = (
            self.index[self.kode_field],
            self.index["kode_kecamatan"],
            self.index["nama_kelurahan"],
            self.index["nama_kecamatan"],
        )

    def wilayah_cells(self, cells: Row) -> tuple[object, object]:
        """The (kelurahan code, kecamatan code) cells the resolver detects the system from."""
        i_kode, i_kec, _, _ = self.wilayah_index
        return (
            cells[i_kode] if i_kode < len(cells) else None,
            cells[i_kec] if i_kec < len(cells) else None,
        )

    def pad(self, cells: Row) -> Row:
        missing = self.width - len(cells)
        if missing > 0:
            cells.extend([None] * missing)
        elif cells[self.width - 1] is not None:
            cells = [*cells[: self.width - 1], None]
        return cells

    def check(self, number: int, cells: Row) -> Hasil:
        """The row's record and problems; a row holding a NUL is always rejected."""
        if type(cells) is RowWithNul:
            return self._check_with_nul(number, cells)
        return self.check_cells(number, cells)

    def check_cells(self, number: int, cells: Row) -> Hasil:
        raise NotImplementedError

    def check_batch(self, numbers: list[int], rows: list[Row]) -> HasilBatch:
        """A batch of rows, row by row; DtsenChecker checks its batches column by column."""
        hasil = HasilBatch(frame=None)
        sid = self.snapshot_id
        for number, cells in zip(numbers, rows, strict=True):
            per_row = self.check(number, cells)
            if per_row.masalah:
                hasil.problems.extend(
                    (sid, m.row, m.column, m.message, m.is_warning, per_row.nik)
                    for m in per_row.masalah
                )
            if per_row.record is None:
                hasil.rejected += 1
                if per_row.nik:
                    hasil.ditolak_nik.append((number, per_row.nik))
            else:
                hasil.records.append(per_row.record)
                hasil.valid += 1
                if per_row.masalah:
                    hasil.warned += 1
        return hasil

    def _check_with_nul(self, number: int, cells: Row) -> Hasil:
        """Reject the row naming each cell with a NUL; report its other problems as usual."""
        masalah = [
            RowError(number, self.header_at.get(index, f"kolom ke-{index + 1}"), MSG_NUL)
            for index, value in enumerate(cells)
            if isinstance(value, str) and "\x00" in value
        ]
        clean: Row = [v.replace("\x00", "") if isinstance(v, str) else v for v in cells]
        hasil = self.check_cells(number, clean)
        return Hasil(None, masalah + hasil.masalah, hasil.nik)

    def nik_warnings(
        self,
        number: int,
        nik: str,
        nik_born: datetime.date | None,
        nik_kelamin: str,
        born: datetime.date | None,
        kelamin: str,
        masalah: list[RowError],
    ) -> None:
        """DOMAIN.md §8: sex or birth date against the NIK is a warning, not a rejection."""
        same_sex = not kelamin or kelamin == nik_kelamin
        same_day = born is None or (
            nik_born is not None
            and (born.day, born.month, born.year % 100)
            == (nik_born.day, nik_born.month, nik_born.year % 100)
        )
        if same_sex and same_day:
            return  # the common case, without building messages
        for message in identity_nik_warnings(nik, tanggal_lahir=born, jenis_kelamin=kelamin):
            field = "jenis_kelamin" if message.startswith("jenis kelamin") else "tanggal_lahir"
            masalah.append(RowError(number, self.header[field], message, is_warning=True))

    def common(
        self, number: int, c: Row, masalah: list[RowError]
    ) -> tuple[str, datetime.date | None, str, int | None]:
        """NIK, birth date, sex and kelurahan: the cells both kinds of file carry."""
        index, header = self.index, self.header
        nik, nik_born, nik_kelamin, nik_ok = "", None, "", False
        try:
            nik, nik_born, nik_kelamin, peringatan = self.niks.parse(c[index["nik"]])
            nik_ok = True
            masalah.extend(RowError(number, header["nik"], m, True) for m in peringatan)
        except CellError as exc:
            masalah.append(RowError(number, header["nik"], exc.message))
        born = None
        try:
            born = self.dates.parse(c[index["tanggal_lahir"]])
        except CellError as exc:
            masalah.append(RowError(number, header["tanggal_lahir"], exc.message))
        kelamin = ""
        try:
            kelamin = jenis_kelamin(c[index["jenis_kelamin"]])
        except CellError as exc:
            masalah.append(RowError(number, header["jenis_kelamin"], exc.message, True))
        i_kode, i_kec, i_nama_kel, i_nama_kec = self.wilayah_index
        penentuan = self.wilayah.resolve(c[i_kode], c[i_kec], c[i_nama_kel], c[i_nama_kec])
        kelurahan = penentuan.kelurahan_id
        if penentuan.pesan:
            masalah.append(
                RowError(number, self.kode_header, penentuan.pesan, kelurahan is not None)
            )
        if nik_ok:
            self.nik_warnings(number, nik, nik_born, nik_kelamin, born, kelamin, masalah)
        return nik, born, kelamin, kelurahan


def is_rejected(masalah: list[RowError]) -> bool:
    return any(not m.is_warning for m in masalah)
