"""Reading the rows of a PKH "Final Closing" list (DOMAIN.md §7).

Reading a row only normalises and checks cells, with Indonesian messages naming the column; the
changes it implies are made by `kpm.services` (`keluarga_final_closing_apply` for a known family,
`keluarga_final_closing_register_bulk` for the new ones). Nothing here writes; the export rows
are built in `kpm.resources`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dinsos.errors import RowError
from dinsos.identity import (
    IdentityError,
    nik_warnings,
    normalize_identifier,
    parse_nik,
    parse_no_kk,
)
from dinsos.models import Wilayah
from kpm.importers.kolom import (
    ALAMAT,
    ALAMAT_MAKS,
    KECAMATAN,
    KELURAHAN,
    KODE_WILAYAH,
    NAMA_MAKS,
    NAMA_PENERIMA,
    NIK,
    NO_KK,
    RT,
    RW,
    STATUS,
    STATUS_FILE,
    TAHUN_LAHIR_MIN,
    TGL_LAHIR,
    kunci_kolom,
    rt_rw,
    tanggal,
    teks,
)
from kpm.importers.registri import WilayahImpor
from kpm.models import Keluarga


@dataclass(frozen=True)
class BarisFinalClosing:
    """One valid row: the family and its pengurus as the file gives them."""

    nomor: int  # the row number as Excel shows it
    no_kk: str
    nik: str
    nama: str
    tanggal_lahir: datetime.date
    jenis_kelamin: str
    kelurahan: Wilayah
    alamat: str | None  # None: the column is not in the file, so the registry keeps its value
    rt: str | None
    rw: str | None
    status: str | None  # None: no STATUS column or an empty cell
    peringatan: tuple[RowError, ...] = ()

    @property
    def keluarga_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"no_kk": self.no_kk, "kelurahan": self.kelurahan}
        for name in ("alamat", "rt", "rw"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data

    @property
    def pengurus_data(self) -> dict[str, Any]:
        return {
            "nik": self.nik,
            "nama": self.nama,
            "tanggal_lahir": self.tanggal_lahir,
            "jenis_kelamin": self.jenis_kelamin,
        }


def identifier_or_none(raw: object, *, label: str) -> str | None:
    """The 16 digits of a No KK/NIK cell, or None when the cell is not valid."""
    try:
        return parse_no_kk(raw) if label == NO_KK else _nik(raw)
    except IdentityError:
        return None


def _nik(raw: object, *, today: datetime.date | None = None) -> str:
    parse_nik(raw, today=today)
    return normalize_identifier(raw, label=NIK)


@dataclass
class PembacaFinalClosing:
    """Reads the rows of one file: checks each cell and spots a family or NIK listed twice."""

    wilayah: WilayahImpor
    hari_ini: datetime.date
    kolom: frozenset[str]
    _baris_no_kk: dict[str, int] = field(default_factory=dict)
    _baris_nik: dict[str, int] = field(default_factory=dict)

    def baca(self, row: Mapping[str, object], *, nomor: int) -> BarisFinalClosing | list[RowError]:
        """The parsed row, or every problem found in it."""
        errors: list[RowError] = []
        warnings: list[RowError] = []

        def error(column: str, message: str) -> None:
            errors.append(RowError(row=nomor, column=column, message=message))

        no_kk = nik = nama = ""
        try:
            no_kk = parse_no_kk(row.get(NO_KK))
        except IdentityError as exc:
            error(NO_KK, exc.message)
        try:
            info = parse_nik(row.get(NIK), today=self.hari_ini)
            nik = normalize_identifier(row.get(NIK), label=NIK)
        except IdentityError as exc:
            error(NIK, exc.message)
            info = None
        if no_kk and no_kk in self._baris_no_kk:
            error(NO_KK, f"NO KK sama dengan baris {self._baris_no_kk[no_kk]}")
        elif no_kk:
            self._baris_no_kk[no_kk] = nomor
        if nik and nik in self._baris_nik:
            error(NIK, f"NIK sama dengan baris {self._baris_nik[nik]}")
        elif nik:
            self._baris_nik[nik] = nomor

        nama = teks(row.get(NAMA_PENERIMA))
        if not nama:
            error(NAMA_PENERIMA, "NAMA PENERIMA kosong")
        elif len(nama) > NAMA_MAKS:
            error(NAMA_PENERIMA, f"NAMA PENERIMA lebih dari {NAMA_MAKS} huruf")

        tanggal_lahir = self._tanggal_lahir(row.get(TGL_LAHIR), error)
        if info is not None:
            # DOMAIN.md §8: an odd region or a day off the calendar does not reject the NIK.
            warnings.extend(
                RowError(row=nomor, column=NIK, message=m, is_warning=True) for m in info.peringatan
            )
        if info is not None and tanggal_lahir is not None:
            warnings.extend(
                RowError(row=nomor, column=TGL_LAHIR, message=m, is_warning=True)
                for m in nik_warnings(nik, tanggal_lahir=tanggal_lahir, jenis_kelamin=None)
            )

        kelurahan = self._kelurahan(row, error, warnings, nomor)
        alamat = rt = rw = None
        if ALAMAT in self.kolom:
            alamat = teks(row.get(ALAMAT))
            if len(alamat) > ALAMAT_MAKS:
                error(ALAMAT, f"ALAMAT lebih dari {ALAMAT_MAKS} huruf")
        for label in (RT, RW):
            if label not in self.kolom:
                continue
            try:
                value = rt_rw(row.get(label), label=label)
            except ValueError as exc:
                error(label, str(exc))
                continue
            if label == RT:
                rt = value
            else:
                rw = value
        status = self._status(row.get(STATUS), error)

        if errors or info is None or tanggal_lahir is None or kelurahan is None:
            return errors
        return BarisFinalClosing(
            nomor=nomor,
            no_kk=no_kk,
            nik=nik,
            nama=nama,
            tanggal_lahir=tanggal_lahir,
            jenis_kelamin=info.jenis_kelamin,
            kelurahan=kelurahan,
            alamat=alamat,
            rt=rt,
            rw=rw,
            status=status,
            peringatan=tuple(warnings),
        )

    def _tanggal_lahir(self, raw: object, error: Any) -> datetime.date | None:
        if teks(raw) == "":
            error(TGL_LAHIR, "TGL LAHIR kosong")
            return None
        try:
            value = tanggal(raw)
        except (ValueError, OverflowError):
            error(TGL_LAHIR, f"TGL LAHIR '{teks(raw)}' bukan tanggal (tulis seperti 10-04-1999)")
            return None
        if value.year < TAHUN_LAHIR_MIN:
            error(TGL_LAHIR, f"TGL LAHIR '{teks(raw)}' bukan tanggal (tulis seperti 10-04-1999)")
            return None
        if value > self.hari_ini:
            error(TGL_LAHIR, f"TGL LAHIR {value:%d-%m-%Y} belum terjadi")
            return None
        return value

    def _kelurahan(
        self, row: Mapping[str, object], error: Any, warnings: list[RowError], nomor: int
    ) -> Wilayah | None:
        kode = teks(row.get(KODE_WILAYAH))
        kelurahan, kecamatan = teks(row.get(KELURAHAN)), teks(row.get(KECAMATAN))
        if not kode and not kelurahan:
            error(KELURAHAN, "KELURAHAN kosong")
            return None
        penentuan = self.wilayah.penentu.resolve(
            kode or None, nama_kelurahan=kelurahan or None, nama_kecamatan=kecamatan or None
        )
        column = KODE_WILAYAH if kode else KELURAHAN
        if penentuan.kelurahan_id is None:
            error(column, penentuan.pesan)
            return None
        if penentuan.pesan:
            warnings.append(
                RowError(row=nomor, column=column, message=penentuan.pesan, is_warning=True)
            )
        return self.wilayah.kelurahan[penentuan.kelurahan_id]

    def _status(self, raw: object, error: Any) -> str | None:
        text = teks(raw)
        if not text:
            return None
        status = STATUS_FILE.get(kunci_kolom(text))
        if status is None:
            pilihan = ", ".join(s.label.upper() for s in Keluarga.Status)
            error(STATUS, f"STATUS '{text}' tidak dikenal (pilihan: {pilihan})")
            return None
        return status.value
