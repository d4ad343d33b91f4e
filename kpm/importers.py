"""The PKH "Final Closing" list (DOMAIN.md §7): its columns and reading its rows.

The office exchanges one row per family (the pengurus) with the centre. Reading a row only
normalises and checks cells, with Indonesian messages naming the column; the changes it implies
are made by `kpm.services` (`keluarga_final_closing_apply` for a known family,
`keluarga_final_closing_register_bulk` for the new ones). Nothing here writes; the export rows
are built in `kpm.resources`.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tablib
from django.db.models import Q, QuerySet
from openpyxl.utils.datetime import from_excel

from dinsos.ekspor import unescape_text
from dinsos.errors import RowError
from dinsos.identity import (
    IdentityError,
    nik_warnings,
    normalize_identifier,
    parse_nik,
    parse_no_kk,
)
from dinsos.kode_wilayah import PenentuWilayah
from dinsos.models import User, Wilayah
from dinsos.spreadsheet import Row, batas_dari_settings, open_table
from dinsos.spreadsheet.ringkasan import PemilahRingkasan
from kpm.models import Anggota, Keluarga, Komponen

# DOMAIN.md §7: the Final Closing columns, in the office's order.
NAMA_PENERIMA = "NAMA PENERIMA"
NIK = "NIK"
NO_KK = "NO KK"
TGL_LAHIR = "TGL LAHIR"
UMUR = "UMUR"
ART = "ART"
JML_KOMPONEN = "JML KOMPONEN"
NOMINAL = "NOMINAL"
STATUS = "STATUS"
ALAMAT = "ALAMAT"
RT = "RT"
RW = "RW"
KELURAHAN = "KELURAHAN"
KECAMATAN = "KECAMATAN"
KABUPATEN = "KABUPATEN"
PROVINSI = "PROVINSI"
# Optional (issue 16): a kelurahan code in either system; the names are read when it is empty.
KODE_WILAYAH = "KODE WILAYAH"
KOLOM_KOMPONEN: dict[str, Komponen] = {
    "HAMIL": Komponen.IBU_HAMIL,
    "AUD": Komponen.ANAK_USIA_DINI,
    "SD": Komponen.ANAK_SD,
    "SMP": Komponen.ANAK_SMP,
    "SMA": Komponen.ANAK_SMA,
    "DISABIL": Komponen.DISABILITAS_BERAT,
    "LANSIA": Komponen.LANSIA,
    "HAM": Komponen.KORBAN_HAM,
}
KOLOM: tuple[str, ...] = (
    NAMA_PENERIMA,
    NIK,
    NO_KK,
    TGL_LAHIR,
    UMUR,
    ART,
    *KOLOM_KOMPONEN,
    JML_KOMPONEN,
    NOMINAL,
    STATUS,
    ALAMAT,
    RT,
    RW,
    KELURAHAN,
    KECAMATAN,
    KABUPATEN,
    PROVINSI,
)
# Without these a row cannot be matched to a family or registered.
KOLOM_WAJIB: tuple[str, ...] = (NAMA_PENERIMA, NIK, NO_KK, TGL_LAHIR, KELURAHAN, KECAMATAN)


def _kunci_kolom(header: object) -> str:
    """Headers match whatever their case, spaces and punctuation ("No. KK" = "NO KK")."""
    return re.sub(r"[^A-Z0-9]", "", str(header or "").upper())


# The one table of headers: every canonical column, plus the variants offices write.
ALIAS_KOLOM: dict[str, str] = {
    **{_kunci_kolom(k): k for k in KOLOM},
    _kunci_kolom("NAMA"): NAMA_PENERIMA,
    _kunci_kolom("NAMA PENGURUS"): NAMA_PENERIMA,
    _kunci_kolom("NIK PENERIMA"): NIK,
    _kunci_kolom("NOMOR KK"): NO_KK,
    _kunci_kolom("NO KARTU KELUARGA"): NO_KK,
    _kunci_kolom("TANGGAL LAHIR"): TGL_LAHIR,
    _kunci_kolom("JUMLAH ART"): ART,
    _kunci_kolom("DISABILITAS"): "DISABIL",
    _kunci_kolom("JUMLAH KOMPONEN"): JML_KOMPONEN,
    _kunci_kolom("KAB/KOTA"): KABUPATEN,
    _kunci_kolom("KABUPATEN/KOTA"): KABUPATEN,
    _kunci_kolom("KELURAHAN/DESA"): KELURAHAN,
    _kunci_kolom("DESA/KELURAHAN"): KELURAHAN,
    _kunci_kolom(KODE_WILAYAH): KODE_WILAYAH,  # read, never exported (not in KOLOM)
    _kunci_kolom("KODE KELURAHAN"): KODE_WILAYAH,
    _kunci_kolom("KODE DESA"): KODE_WILAYAH,
    _kunci_kolom("KODE DESA/KELURAHAN"): KODE_WILAYAH,
    _kunci_kolom("KODE KELURAHAN/DESA"): KODE_WILAYAH,
    _kunci_kolom("KODE KEL"): KODE_WILAYAH,
}
# A title block above the header row is common; look this far down for the headers.
BARIS_JUDUL_MAKS = 10

STATUS_FILE: dict[str, Keluarga.Status] = {
    **{_kunci_kolom(s.label): s for s in Keluarga.Status},
    **{_kunci_kolom(s.value): s for s in Keluarga.Status},
}
RT_RW_DIGIT = 3  # DOMAIN.md §8: keep leading zeros in RT/RW ("001")
NAMA_MAKS = 100  # Anggota.nama
ALAMAT_MAKS = 200  # Keluarga.alamat
FORMAT_TANGGAL = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")
TAHUN_LAHIR_MIN = 1900  # a 2-digit year ("10-04-99") would otherwise read as the year 99
_SPASI = re.compile(r"\s+")


class KolomTidakLengkap(ValueError):
    """The file lacks required columns; `message` says which, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Reading cells --------------------------------------------------------------
def teks(raw: object) -> str:
    """A cell as trimmed text; undoes the apostrophe our export puts before formula signs."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unescape_text(_SPASI.sub(" ", str(raw)).strip()).strip()


def tanggal(raw: object) -> datetime.date:
    """A date cell: a real date, text as written in Indonesia (10-04-1999), or an Excel serial."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = from_excel(raw)
        if isinstance(value, datetime.datetime):
            return value.date()
        raise ValueError(raw)
    text = teks(raw)
    for fmt in FORMAT_TANGGAL:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007  # a date only
        except ValueError:
            continue
    raise ValueError(text)


def rt_rw(raw: object, *, label: str) -> str:
    """RT/RW as 3 digits with leading zeros ("1" → "001"); empty stays empty."""
    text = teks(raw)
    text = re.sub(rf"^{label}\.?\s*", "", text, flags=re.IGNORECASE)
    if not text:
        return ""
    if not text.isdigit() or int(text) >= 10**RT_RW_DIGIT:
        raise ValueError(
            f"{label} harus angka, paling banyak {RT_RW_DIGIT} digit (tertulis '{text}')"
        )
    return f"{int(text):0{RT_RW_DIGIT}d}"


def _kunci_nama(nama: str, *, awalan: str) -> str:
    """Area names match whatever the case, spacing and a leading "Kec."/"Kel."."""
    text = re.sub(rf"^(?:{awalan})\.?\s+", "", nama.strip(), flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _kunci_kecamatan(nama: str) -> str:
    return _kunci_nama(nama, awalan="kecamatan|kec")


def _kunci_kelurahan(nama: str) -> str:
    return _kunci_nama(nama, awalan="kelurahan|kel|desa")


# --- The importing user's areas and the registry rows the file touches -----------------
def kelurahan_impor(user: User) -> QuerySet[Wilayah]:
    """Current kelurahan inside the importing user's assigned areas; an admin with no assigned
    area imports for every area in the table."""
    kelurahan = Wilayah.objects.filter(
        tingkat=Wilayah.Tingkat.KELURAHAN, berlaku_sampai__isnull=True
    ).select_related("parent")
    kodes = list(user.wilayah.values_list("kode", flat=True))
    if not kodes:
        return kelurahan if user.role == User.Role.ADMIN else kelurahan.none()
    inside = Q()
    for kode in kodes:
        inside |= Q(kode=kode) | Q(kode__startswith=f"{kode}.")
    return kelurahan.filter(inside)


@dataclass(frozen=True)
class WilayahImpor:
    """Kelurahan the user may import into, and the one resolver that reads a row's region
    (`dinsos.kode_wilayah`: a code in either system, else names, typo-tolerant)."""

    kelurahan: dict[int, Wilayah]
    penentu: PenentuWilayah

    @property
    def kelurahan_ids(self) -> set[int]:
        return set(self.kelurahan)

    @classmethod
    def untuk(cls, user: User) -> WilayahImpor:
        rows = list(kelurahan_impor(user))
        penentu = PenentuWilayah(
            nama_wilayah="wilayah Anda",
            kelurahan=[
                (
                    w.pk,
                    w.kode,
                    w.kode_bps,
                    w.nama,
                    w.parent.kode if w.parent else "",
                    w.parent.kode_bps if w.parent else "",
                    w.parent.nama if w.parent else "",
                )
                for w in rows
            ],
        )
        return cls(kelurahan={w.pk: w for w in rows}, penentu=penentu)


@dataclass
class Registri:
    """The families (by No KK) and members (by NIK) a file mentions, loaded in bulk."""

    keluarga: dict[str, Keluarga]
    anggota: dict[str, Anggota]


_IN_BATCH = 10_000  # stays far below PostgreSQL's 65,535 parameters per query


def _batches(values: Collection[str]) -> Iterator[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _IN_BATCH):
        yield items[start : start + _IN_BATCH]


def registri_muat(*, no_kk: Collection[str], nik: Collection[str]) -> Registri:
    """Load the registry rows for the identifiers in a file (one query per 10,000 values)."""
    keluarga: dict[str, Keluarga] = {}
    for batch in _batches(no_kk):
        related = Keluarga.objects.select_related("pengurus", "kelurahan")
        keluarga.update((k.no_kk, k) for k in related.filter(no_kk__in=batch))
    anggota: dict[str, Anggota] = {}
    for batch in _batches(nik):
        anggota.update((a.nik, a) for a in Anggota.objects.filter(nik__in=batch))
    return Registri(keluarga=keluarga, anggota=anggota)


# --- Reading rows ----------------------------------------------------------------
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
        status = STATUS_FILE.get(_kunci_kolom(text))
        if status is None:
            pilihan = ", ".join(s.label.upper() for s in Keluarga.Status)
            error(STATUS, f"STATUS '{text}' tidak dikenal (pilihan: {pilihan})")
            return None
        return status.value


# --- The dataset as read from the file ---------------------------------------------
def kolom_normal(headers: Sequence[object]) -> list[str]:
    """Each header as its canonical column; unknown headers keep their text."""
    return [ALIAS_KOLOM.get(_kunci_kolom(h), teks(h)) for h in headers]


@dataclass(frozen=True)
class TataBaris:
    """The data rows' numbers as the spreadsheet shows them, and the footer rows skipped."""

    nomor: list[int]
    ringkasan: list[tuple[int, str]]


def dataset_siapkan(dataset: tablib.Dataset) -> TataBaris:
    """Normalise the headers in place (finding them under a title block), drop blank rows and
    totals or notes under the data (`dinsos.spreadsheet.ringkasan`), and return each remaining
    row's number as Excel shows it with the rows skipped. Raises KolomTidakLengkap."""
    offset = 1  # the header row
    headers = kolom_normal(dataset.headers or [])
    if not set(KOLOM_WAJIB) <= set(headers):
        for index in range(min(BARIS_JUDUL_MAKS, len(dataset))):
            candidate = kolom_normal(dataset[index])
            if set(KOLOM_WAJIB) <= set(candidate):
                for _ in range(index + 1):
                    del dataset[0]
                offset += index + 1
                headers = candidate
                break
    missing = [k for k in KOLOM_WAJIB if k not in headers]
    if missing:
        raise KolomTidakLengkap(
            f"Kolom wajib tidak ada di file: {', '.join(missing)}. Baris judul kolom harus "
            f"memuat {', '.join(KOLOM_WAJIB)}."
        )
    duplicates = [k for k, n in Counter(h for h in headers if h in KOLOM).items() if n > 1]
    if duplicates:
        raise KolomTidakLengkap(f"Kolom muncul lebih dari sekali: {', '.join(duplicates)}.")
    dataset.headers = headers
    rows = [
        (index + 1 + offset, list(dataset[index]))
        for index in range(len(dataset))
        if any(teks(v) != "" for v in dataset[index])
    ]
    pemilah = PemilahRingkasan(identitas=[headers.index(NIK), headers.index(NO_KK)])
    kept = list(pemilah.rows(rows))
    del dataset[0 : len(dataset)]
    for _, cells in kept:
        dataset.append(cells)
    return TataBaris(nomor=[number for number, _ in kept], ringkasan=pemilah.dilewati)


def _rectangular(rows: Iterable[Sequence[object]]) -> tablib.Dataset:
    """A dataset from rows of any length, all padded to the widest (blank rows are kept, so
    row numbers stay those of the file)."""
    table = [list(row) for row in rows]
    width = max((len(row) for row in table), default=0)
    dataset = tablib.Dataset()
    if not table:
        return dataset
    dataset.headers = table[0] + [None] * (width - len(table[0]))
    for row in table[1:]:
        dataset.append(row + [None] * (width - len(row)))
    return dataset


def dataset_dari_berkas(content: bytes) -> tablib.Dataset:
    """Read the first sheet of any spreadsheet the portal reads (`dinsos.spreadsheet`: XLSX,
    .xls, .ods, CSV in any office dialect), keeping each cell's type (a number cell stays a
    number, so an identifier typed as a number is caught rather than guessed). Blank rows
    are kept as empty rows so that row numbers stay those of the file. Raises FileDitolak."""
    with tempfile.NamedTemporaryFile(prefix="dinsos-fc-") as copy:
        copy.write(content)
        copy.flush()
        reader = open_table(Path(copy.name), batas=batas_dari_settings())
        try:
            table: list[Row] = []
            for number, cells in reader.rows():
                table.extend([] for _ in range(number - 1 - len(table)))
                table.append(cells)
        finally:
            reader.close()
    return _rectangular(table)
