"""The PKH "Final Closing" list (DOMAIN.md §7): its columns, headers and cells.

The office exchanges one row per family (the pengurus) with the centre. Reading only normalises
and checks cells, with Indonesian messages naming the column; nothing here writes.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tablib
from openpyxl.utils.datetime import from_excel

from dinsos.ekspor import unescape_text
from dinsos.spreadsheet import Row, batas_dari_settings, open_table
from dinsos.spreadsheet.ringkasan import PemilahRingkasan
from kpm.models import Keluarga, Komponen

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


def kunci_kolom(header: object) -> str:
    """Headers match whatever their case, spaces and punctuation ("No. KK" = "NO KK")."""
    return re.sub(r"[^A-Z0-9]", "", str(header or "").upper())


# The one table of headers: every canonical column, plus the variants offices write.
ALIAS_KOLOM: dict[str, str] = {
    **{kunci_kolom(k): k for k in KOLOM},
    kunci_kolom("NAMA"): NAMA_PENERIMA,
    kunci_kolom("NAMA PENGURUS"): NAMA_PENERIMA,
    kunci_kolom("NIK PENERIMA"): NIK,
    kunci_kolom("NOMOR KK"): NO_KK,
    kunci_kolom("NO KARTU KELUARGA"): NO_KK,
    kunci_kolom("TANGGAL LAHIR"): TGL_LAHIR,
    kunci_kolom("JUMLAH ART"): ART,
    kunci_kolom("DISABILITAS"): "DISABIL",
    kunci_kolom("JUMLAH KOMPONEN"): JML_KOMPONEN,
    kunci_kolom("KAB/KOTA"): KABUPATEN,
    kunci_kolom("KABUPATEN/KOTA"): KABUPATEN,
    kunci_kolom("KELURAHAN/DESA"): KELURAHAN,
    kunci_kolom("DESA/KELURAHAN"): KELURAHAN,
    kunci_kolom(KODE_WILAYAH): KODE_WILAYAH,  # read, never exported (not in KOLOM)
    kunci_kolom("KODE KELURAHAN"): KODE_WILAYAH,
    kunci_kolom("KODE DESA"): KODE_WILAYAH,
    kunci_kolom("KODE DESA/KELURAHAN"): KODE_WILAYAH,
    kunci_kolom("KODE KELURAHAN/DESA"): KODE_WILAYAH,
    kunci_kolom("KODE KEL"): KODE_WILAYAH,
}
# A title block above the header row is common; look this far down for the headers.
BARIS_JUDUL_MAKS = 10

STATUS_FILE: dict[str, Keluarga.Status] = {
    **{kunci_kolom(s.label): s for s in Keluarga.Status},
    **{kunci_kolom(s.value): s for s in Keluarga.Status},
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


# --- The dataset as read from the file ---------------------------------------------
def kolom_normal(headers: Sequence[object]) -> list[str]:
    """Each header as its canonical column; unknown headers keep their text."""
    return [ALIAS_KOLOM.get(kunci_kolom(h), teks(h)) for h in headers]


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
