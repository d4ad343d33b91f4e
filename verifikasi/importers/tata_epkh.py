"""The e-PKH "Form Verifikasi Komitmen Pendidikan" CSV (DOMAIN.md §4): its columns and layout.

One file per school and quarter (reference/domain-sources.md §1.5). The layout e-PKH writes:
a title block (FORM VERIFIKASI …, TRIWULAN n TAHUN yyyy, NPSN : …, Nama Sekolah : …), then a
header over two rows: the identity columns and each month's name over five sub-columns
(ALPA, IZIN, SAKIT, JML, PERSEN). Offices also retype it with one header row whose cells
name month and measure together ("APRIL ALPA", "PERSEN_MEI"). Both read through the one
alias table below. The file is read by `dinsos.spreadsheet` (CSV in any office dialect,
XLSX, .xls, .ods). The rows are read in `verifikasi.importers.epkh`.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dinsos.formatting import NAMA_BULAN
from dinsos.spreadsheet import FileDitolak, batas_dari_settings, open_table
from kpm.models import Komponen

UKURAN_BYTE_MAKS = 1024 * 1024  # a school's quarter is a few hundred rows (~100 kB)
BARIS_JUDUL_MAKS = 12  # look this far down for the header row
NPSN_DIGIT = 8

# Identity columns.
NIK = "nik"
NISN = "nisn"
NPSN = "npsn"
NAMA = "nama"
TINGKAT = "tingkat"
TAHUN = "tahun"
# Monthly measures (DOMAIN.md §4: alpa / izin / sakit / jumlah / persen).
ALPA = "alpa"
IZIN = "izin"
SAKIT = "sakit"
JUMLAH = "jumlah"  # effective school days of the month
PERSEN = "persen"  # attendance, percent of effective school days
UKURAN = (ALPA, IZIN, SAKIT, JUMLAH, PERSEN)


def kunci_kolom(header: object) -> str:
    """Headers match whatever their case, spaces and punctuation ("NIK_Siswa" = "NIK SISWA")."""
    text = str(header or "").upper().replace("%", " PERSEN ")
    return re.sub(r"[^A-Z0-9]", "", text)


# The one alias table of the importer: header text → column or measure.
ALIAS_IDENTITAS: dict[str, str] = {
    kunci_kolom(alias): kolom
    for kolom, aliases in {
        NIK: ("NIK SISWA", "NIK ANAK", "NIK PESERTA DIDIK", "NIK ART", "NIK"),
        NISN: ("NISN",),
        NPSN: ("NPSN", "NPSN SEKOLAH"),
        NAMA: ("NAMA SISWA", "NAMA ANAK", "NAMA PESERTA DIDIK", "NAMA"),
        TINGKAT: ("TINGKAT PENDIDIKAN", "JENJANG", "TINGKAT", "BENTUK PENDIDIKAN"),
        TAHUN: ("TAHUN",),
    }.items()
    for alias in aliases
}
ALIAS_UKURAN: dict[str, str] = {
    kunci_kolom(alias): ukuran
    for ukuran, aliases in {
        ALPA: ("ALPA", "ALFA", "A"),
        IZIN: ("IZIN", "IJIN", "I"),
        SAKIT: ("SAKIT", "S"),
        JUMLAH: ("JML", "JUMLAH", "HARI EFEKTIF", "JML HARI EFEKTIF", "JUMLAH HARI EFEKTIF"),
        PERSEN: ("PERSEN", "%", "PERSENTASE", "PERSEN KEHADIRAN", "KEHADIRAN"),
    }.items()
    for alias in aliases
}
ALIAS_BULAN: dict[str, int] = {
    **{nama.upper(): nomor for nomor, nama in enumerate(NAMA_BULAN, start=1)},
    **{nama.upper()[:3]: nomor for nomor, nama in enumerate(NAMA_BULAN, start=1)},
    "PEBRUARI": 2,
    "NOPEMBER": 11,
    "AGS": 8,
    "AGT": 8,
    "AGUST": 8,
}
# School levels in the file → the education component (when the registry has none).
TINGKAT_KOMPONEN: dict[str, str] = {
    **dict.fromkeys(("SD", "MI", "SDLB", "PAKETA"), Komponen.ANAK_SD),
    **dict.fromkeys(("SMP", "MTS", "SMPLB", "PAKETB"), Komponen.ANAK_SMP),
    **dict.fromkeys(("SMA", "SMK", "MA", "MAK", "SMALB", "PAKETC"), Komponen.ANAK_SMA),
}
_TAHUN_JUDUL = re.compile(r"TAHUN\s*:?\s*(\d{4})", re.IGNORECASE)
_NPSN_JUDUL = re.compile(r"NPSN\s*:*\s*(\d{8})\b", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Z%]+|\d+")


class KolomTidakDikenali(ValueError):
    """The file has no usable header; `message` says what is missing, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _teks(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def rows_of(content: bytes) -> list[list[str]]:
    """The file's rows as text, read by the portal's one spreadsheet reader (CSV in any office
    dialect, XLSX, .xls, .ods); blank rows kept empty so that row numbers stay the file's.
    Raises KolomTidakDikenali with the reader's reason when the file is refused."""
    with tempfile.NamedTemporaryFile(prefix="dinsos-epkh-") as copy:
        copy.write(content)
        copy.flush()
        try:
            reader = open_table(Path(copy.name), batas=batas_dari_settings())
            try:
                rows: list[list[str]] = []
                for number, cells in reader.rows():
                    rows.extend([] for _ in range(number - 1 - len(rows)))
                    rows.append([_teks(cell) for cell in cells])
            finally:
                reader.close()
        except FileDitolak as exc:
            raise KolomTidakDikenali(exc.message) from exc
    return rows


@dataclass(frozen=True)
class KolomBulan:
    """Where one month's measures are: column index and header as written, per measure."""

    nomor_bulan: int
    label: str  # the month as written ("APRIL")
    kolom: dict[str, tuple[int, str]]


@dataclass(frozen=True)
class Tata:
    """The layout found in a file."""

    baris_data: int  # index of the first data row
    identitas: dict[str, tuple[int, str]]
    bulan: list[KolomBulan]
    tahun: int | None
    npsn: str


def _bulan_ukuran(header: str) -> tuple[int, str, str] | None:
    """(month number, month as written, measure) of a flat header such as "APRIL ALPA"."""
    tokens = _TOKEN.findall(header.upper())
    months = [t for t in tokens if t in ALIAS_BULAN and len(t) >= 3]
    if len(months) != 1:
        return None
    rest = [t for t in tokens if t != months[0]]
    ukuran = ALIAS_UKURAN.get(kunci_kolom(" ".join(rest)))
    if ukuran is None:
        return None
    return ALIAS_BULAN[months[0]], months[0], ukuran


def _is_header(row: Sequence[str]) -> bool:
    return any(ALIAS_IDENTITAS.get(kunci_kolom(cell)) == NIK for cell in row)


def tata_baca(rows: Sequence[Sequence[str]], *, tahun: int) -> Tata:
    """Find the header (one or two rows) under a title block. Raises KolomTidakDikenali."""
    index = next((i for i, r in enumerate(rows[:BARIS_JUDUL_MAKS]) if _is_header(r)), None)
    if index is None:
        raise KolomTidakDikenali(
            "Baris judul kolom tidak ditemukan: harus ada kolom NIK SISWA (atau NIK) di "
            f"{BARIS_JUDUL_MAKS} baris pertama."
        )
    judul = " ".join(" ".join(r) for r in rows[:index])
    header = list(rows[index])
    sub = list(rows[index + 1]) if index + 1 < len(rows) else []
    # Two header rows: the row under the month names holds only measures (ALPA, IZIN, …).
    is_two_rows = sum(1 for c in sub if c.strip() and kunci_kolom(c) in ALIAS_UKURAN) >= 3
    identitas: dict[str, tuple[int, str]] = {}
    bulan: dict[int, KolomBulan] = {}
    current: tuple[int, str] | None = None
    for col, text in enumerate(header):
        kolom = ALIAS_IDENTITAS.get(kunci_kolom(text))
        if kolom and kolom not in identitas:
            identitas[kolom] = (col, text)
            current = None
            continue
        if is_two_rows:
            if kunci_kolom(text) in ALIAS_BULAN:
                current = (ALIAS_BULAN[kunci_kolom(text)], text.strip())
            elif text.strip():
                current = None
            ukuran = ALIAS_UKURAN.get(kunci_kolom(sub[col] if col < len(sub) else ""))
            if current and ukuran:
                found = bulan.setdefault(current[0], KolomBulan(current[0], current[1], {}))
                found.kolom.setdefault(ukuran, (col, f"{current[1]} {sub[col].strip()}"))
        elif parsed := _bulan_ukuran(text):
            nomor, label, ukuran = parsed
            found = bulan.setdefault(nomor, KolomBulan(nomor, label, {}))
            found.kolom.setdefault(ukuran, (col, text.strip()))
    usable = [b for b in bulan.values() if PERSEN in b.kolom or JUMLAH in b.kolom]
    if not usable:
        raise KolomTidakDikenali(
            "Kolom bulan tidak ditemukan: tiap bulan perlu kolom PERSEN atau JML "
            "(mis. APRIL ALPA, APRIL IZIN, APRIL SAKIT, APRIL JML, APRIL PERSEN)."
        )
    tahun_judul = _TAHUN_JUDUL.search(judul)
    npsn_judul = _NPSN_JUDUL.search(judul)
    return Tata(
        baris_data=index + (2 if is_two_rows else 1),
        identitas=identitas,
        bulan=sorted(usable, key=lambda b: b.nomor_bulan),
        tahun=int(tahun_judul.group(1)) if tahun_judul else tahun,
        npsn=npsn_judul.group(1) if npsn_judul else "",
    )
