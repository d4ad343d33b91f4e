"""The SIKS-NG upload sheets of the monthly batch, one declared column table per kind
(our reading of the SIKS-NG templates, in the shape of dtsen/services/ekspor_siks.py).
Written by `dinsos.ekspor`: identifiers are text cells, no cell runs as a formula."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dinsos.ekspor import SafeWorkbook
from dinsos.formatting import tanggal
from pemutakhiran.models import Jenis, Usulan

JENIS_KELAMIN = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}


@dataclass(frozen=True)
class Kolom:
    header: str
    nilai: Callable[[Usulan], object]
    is_teks: bool = False  # identifiers: always a text cell (leading zeros, 16 digits)


def _tanggal(value: object) -> str:
    return value.strftime("%d-%m-%Y") if hasattr(value, "strftime") else ""


_DASAR = (
    Kolom("NIK", lambda u: u.nik, is_teks=True),
    Kolom("NO KK", lambda u: u.no_kk or (u.keluarga.no_kk if u.keluarga else ""), is_teks=True),
    Kolom("NAMA", lambda u: u.nama.upper()),
    Kolom("KODE DESA/KELURAHAN", lambda u: u.kelurahan.kode_bps, is_teks=True),
    Kolom("DESA/KELURAHAN", lambda u: u.kelurahan.nama.upper()),
    Kolom("KECAMATAN", lambda u: u.kecamatan.nama.upper()),
)
_MUSDES = (
    Kolom("TGL MUSDES/MUSKEL", lambda u: _tanggal(u.tanggal_musdes)),
    Kolom("NO BERITA ACARA", lambda u: u.nomor_berita_acara, is_teks=True),
)
KOLOM: dict[str, tuple[Kolom, ...]] = {
    Jenis.USULAN_BARU: (
        *_DASAR,
        Kolom("TGL LAHIR", lambda u: _tanggal(u.tanggal_lahir)),
        Kolom("JENIS KELAMIN", lambda u: JENIS_KELAMIN.get(u.jenis_kelamin, "")),
        Kolom("ALAMAT", lambda u: u.alamat.upper()),
        Kolom("KETERANGAN", lambda u: u.keterangan),
        *_MUSDES,
    ),
    Jenis.PERBAIKAN_DATA: (
        *_DASAR,
        Kolom("DATA DIPERBAIKI", lambda u: u.get_data_diperbaiki_display().upper()),
        Kolom("DATA TERCATAT", lambda u: u.nilai_lama, is_teks=True),
        Kolom("DATA BENAR", lambda u: u.nilai_baru, is_teks=True),
        *_MUSDES,
    ),
    Jenis.KONDISI: (*_DASAR, Kolom("KONDISI", lambda u: u.keterangan), *_MUSDES),
    Jenis.PENONAKTIFAN: (
        *_DASAR,
        Kolom("ALASAN", lambda u: u.get_alasan_nonaktif_display().upper()),
        Kolom("NO AKTA KEMATIAN", lambda u: u.nomor_akta_kematian, is_teks=True),
        Kolom("NO KK BARU", lambda u: u.no_kk_baru, is_teks=True),
        Kolom("NIK DATA GANDA", lambda u: u.nik_ganda, is_teks=True),
        Kolom("KETERANGAN", lambda u: u.keterangan),
        *_MUSDES,
    ),
    Jenis.REAKTIVASI_PBIJK: (
        *_DASAR,
        Kolom("NO SURAT FASKES", lambda u: u.nomor_surat_faskes, is_teks=True),
        Kolom("TGL PENGAJUAN", lambda u: tanggal(u.diajukan_at)),
    ),
    Jenis.SANGGAHAN: (
        *_DASAR,
        Kolom("DESIL DISANGGAH", lambda u: u.desil_disanggah or "TIDAK ADA DI DTSEN"),
        Kolom("ALASAN SANGGAHAN", lambda u: u.keterangan),
        *_MUSDES,
    ),
}


def _value(kolom: Kolom, usulan: Usulan) -> object:
    value = kolom.nilai(usulan)
    if kolom.is_teks:
        return "" if value is None else str(value)
    return value


def batch_workbook(jenis: str, rows: list[Usulan]) -> bytes:
    """One kind's SIKS-NG sheet: a numbered row per proposal, in the order given."""
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet(Jenis(jenis).label)
    columns = KOLOM[jenis]
    sheet.append(("NO", *(k.header for k in columns)), bold=True)
    for nomor, usulan in enumerate(rows, start=1):
        sheet.append([nomor, *(_value(k, usulan) for k in columns)])
    return workbook.to_bytes()
