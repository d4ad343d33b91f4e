"""The Sekolah Rakyat candidate list as XLSX (DOMAIN.md §9), for the office to send on.

Written by `dinsos.ekspor`: identifiers stay text (DOMAIN.md §8: a NIK as a number loses its
last digit in Excel) and no cell can run as a formula. The caller records the export.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from dinsos.ekspor import SafeWorkbook
from dinsos.formatting import tanggal
from kpm.models import Anggota
from verifikasi.models import KandidatSekolahRakyat

KOLOM_SEKOLAH_RAKYAT = (
    "NIK",
    "NAMA ANAK",
    "JENIS KELAMIN",
    "TGL LAHIR",
    "UMUR",
    "JENJANG",
    "GOLONGAN",
    "DESIL",
    "DESIL PER",
    "NO KK",
    "NAMA PENGURUS",
    "ALAMAT",
    "RT",
    "RW",
    "KELURAHAN",
    "KECAMATAN",
    "PENDAMPING",
    "HASIL KUNJUNGAN",
    "TGL KUNJUNGAN",
    "PERSETUJUAN ORANG TUA",
)


def _baris(a: Anggota) -> list[object]:
    keluarga = a.keluarga
    kelurahan = keluarga.kelurahan
    return [
        a.nik,
        a.nama,
        a.get_jenis_kelamin_display(),
        tanggal(a.tanggal_lahir),
        getattr(a, "umur", None),
        KandidatSekolahRakyat.Jenjang(a.jenjang_sr).label,  # type: ignore[attr-defined]
        "Cadangan" if getattr(a, "is_cadangan", False) else "Utama",
        keluarga.desil,
        tanggal(keluarga.desil_per),
        keluarga.no_kk,
        keluarga.pengurus.nama if keluarga.pengurus else "",
        keluarga.alamat,
        keluarga.rt,
        keluarga.rw,
        kelurahan.nama,
        kelurahan.parent.nama if kelurahan.parent else "",
        str(keluarga.pendamping) if keluarga.pendamping else "",
        getattr(a, "sr_status_label", ""),
        tanggal(getattr(a, "sr_tanggal_kunjungan", None)),
        "Ya" if getattr(a, "sr_is_persetujuan_ortu", False) else "Tidak",
    ]


def sekolah_rakyat_xlsx(kandidat: Iterable[Anggota], *, tanggal_acuan: datetime.date) -> bytes:
    """One sheet: a title row, the headers, one row per candidate (as listed by
    `verifikasi.selectors.sekolah_rakyat_kandidat`)."""
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet("Kandidat Sekolah Rakyat")
    sheet.append([f"Kandidat Sekolah Rakyat — umur per {tanggal(tanggal_acuan)}"], bold=True)
    sheet.append(KOLOM_SEKOLAH_RAKYAT, bold=True)
    for anggota in kandidat:
        sheet.append(_baris(anggota))
    return workbook.to_bytes()
