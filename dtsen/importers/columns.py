"""Header matching: one declared alias table per importer, compared in a canonical form.

`canonical("No. NIK")` == `canonical("nomor_nik")` == "nonik": case, spaces, dots, underscores
and dashes are ignored and common long words are shortened the way offices abbreviate them,
so one alias covers its spellings. Headers an admin mapped once (`PemetaanKolom`) are looked
up first, then the alias table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dinsos.errors import DomainError
from dinsos.formatting import mask_identifiers

ABAIKAN = ""  # field value of a column that is known and deliberately ignored

# Long word → the abbreviation offices write. Applied to every token of a header.
SINGKATAN = {
    "nomor": "no",
    "nomer": "no",
    "nmr": "no",
    "num": "no",
    "number": "no",
    "tanggal": "tgl",
    "tangal": "tgl",
    "kode": "kd",
    "kabupaten": "kab",
    "kelurahan": "kel",
    "kecamatan": "kec",
    "provinsi": "prov",
    "propinsi": "prov",
    "jenis": "jns",
    "kelamin": "klm",
    "lahir": "lhr",
    "nasional": "nas",
    "status": "st",
    "hubungan": "hub",
}
_TOKEN = re.compile(r"[a-z0-9]+")


def canonical(header: str) -> str:
    """The form headers are compared in: lower case, no separators, common words shortened."""
    tokens = _TOKEN.findall(header.lower())
    return "".join(SINGKATAN.get(token, token) for token in tokens)


@dataclass(frozen=True)
class Kolom:
    """One field the importer knows, with the headers that mean it."""

    field: str
    label: str  # shown to the admin (and in "Kolom wajib tidak ditemukan: …")
    aliases: tuple[str, ...]
    is_wajib: bool = False
    kelompok: str = ""  # fields of one group stand in for each other (any one is enough)


@dataclass(frozen=True)
class TabelKolom:
    """An importer's alias table."""

    kolom: tuple[Kolom, ...]
    diabaikan: tuple[str, ...] = ()  # headers known to carry nothing the importer keeps
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for kolom in self.kolom:
            for alias in (kolom.field, *kolom.aliases):
                self._claim(canonical(alias), kolom.field)
        for header in self.diabaikan:
            self._claim(canonical(header), ABAIKAN)

    def _claim(self, key: str, field_name: str) -> None:
        owner = self._index.setdefault(key, field_name)
        if owner != field_name:
            raise ValueError(f"alias {key!r} claimed by {owner!r} and {field_name!r}")

    def lookup(self, header: str) -> str | None:
        return self._index.get(canonical(header))

    @property
    def fields(self) -> dict[str, Kolom]:
        return {k.field: k for k in self.kolom}

    def label(self, field_name: str) -> str:
        return self.fields[field_name].label


@dataclass(frozen=True)
class HasilPencocokan:
    """Which file column feeds which field, and what could not be placed."""

    posisi: dict[str, int]  # field → column index
    header: dict[str, str]  # field → the header as written in the file
    pemetaan: dict[str, str]  # header as written → field ("" = ignored)
    tak_dikenal: list[str]
    wajib_hilang: list[str]  # labels


def match_headers(
    headers: Sequence[object], tabel: TabelKolom, remembered: Mapping[str, str]
) -> HasilPencocokan:
    """Match a header row; raises DomainError when two columns claim one field.

    Also raises when a "header" holds an identifier-like number: the file has no header row
    and its first data row would otherwise be shown (and remembered) as column names.
    """
    posisi: dict[str, int] = {}
    header_of: dict[str, str] = {}
    pemetaan: dict[str, str] = {}
    unknown: list[str] = []
    for index, raw in enumerate(headers):
        # A NUL cannot be stored in PostgreSQL text or JSON; in a header it carries nothing.
        header = str(raw).replace("\x00", "").strip() if raw is not None else ""
        if not header:
            continue
        masked = mask_identifiers(header)
        if masked != header:
            raise DomainError(
                f"Baris judul kolom berisi angka seperti NIK/No KK ('{masked}'), bukan judul "
                "kolom. Pastikan di atas data ada satu baris judul kolom (mis. NIK, Nama, No KK)."
            )
        key = canonical(header)
        field_name = remembered[key] if key in remembered else tabel.lookup(header)
        if field_name is None:
            unknown.append(header)
            continue
        pemetaan[header] = field_name
        if field_name == ABAIKAN:
            continue
        if field_name in posisi:
            raise DomainError(
                f"Kolom {tabel.label(field_name)} muncul dua kali: "
                f"'{header_of[field_name]}' dan '{header}'. Hapus salah satunya."
            )
        posisi[field_name] = index
        header_of[field_name] = header
    missing: list[str] = []
    groups_done: set[str] = set()
    for kolom in tabel.kolom:
        if not kolom.is_wajib:
            continue
        if kolom.kelompok:
            if kolom.kelompok in groups_done:
                continue
            groups_done.add(kolom.kelompok)
            members = [k.field for k in tabel.kolom if k.kelompok == kolom.kelompok]
            if not any(m in posisi for m in members):
                missing.append(kolom.label)
        elif kolom.field not in posisi:
            missing.append(kolom.label)
    return HasilPencocokan(
        posisi=posisi,
        header=header_of,
        pemetaan=pemetaan,
        tak_dikenal=unknown,
        wajib_hilang=missing,
    )


def find_header_row(
    rows: Sequence[tuple[int, list[object]]], tabel: TabelKolom
) -> tuple[int, list[object]] | None:
    """The header row among the first rows: the first with 2+ known headers, else the first."""
    for number, cells in rows:
        known = sum(1 for c in cells if c is not None and tabel.lookup(str(c)) is not None)
        if known >= 2:
            return number, cells
    return rows[0] if rows else None
