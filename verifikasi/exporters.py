"""The Sekolah Rakyat candidate list as XLSX (DOMAIN.md §9), for the office to send on.

Written by `dinsos.ekspor`: identifiers stay text (DOMAIN.md §8: a NIK as a number loses its
last digit in Excel) and no cell can run as a formula. The caller records the export.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from dinsos.ekspor import SafeXlsxStream
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


JENIS_KELAMIN = dict(Anggota.JenisKelamin.choices)
JENJANG = dict(KandidatSekolahRakyat.Jenjang.choices)
HASIL_KUNJUNGAN = dict(KandidatSekolahRakyat.Status.choices)


def _baris(row: Sequence[Any]) -> list[object]:
    """One candidate's row from `verifikasi.selectors.KOLOM_EKSPOR` values."""
    (
        nik, nama, jenis_kelamin, lahir, umur, jenjang, is_cadangan, desil, desil_per, no_kk,
        pengurus, alamat, rt, rw, kelurahan, kecamatan, pdp_depan, pdp_belakang, pdp_akun,
        status, tanggal_kunjungan, is_persetujuan_ortu,
    ) = row  # fmt: skip
    pendamping = f"{pdp_depan or ''} {pdp_belakang or ''}".strip() or (pdp_akun or "")
    return [
        nik,
        nama,
        JENIS_KELAMIN.get(jenis_kelamin, jenis_kelamin),
        tanggal(lahir),
        umur,
        JENJANG[jenjang],
        "Cadangan" if is_cadangan else "Utama",
        desil,
        tanggal(desil_per),
        no_kk,
        pengurus or "",
        alamat,
        rt,
        rw,
        kelurahan,
        kecamatan or "",
        pendamping,
        HASIL_KUNJUNGAN.get(status, "Belum dikunjungi"),
        tanggal(tanggal_kunjungan),
        "Ya" if is_persetujuan_ortu else "Tidak",
    ]


def sekolah_rakyat_xlsx(
    kandidat: Iterable[Sequence[Any]], *, tanggal_acuan: datetime.date
) -> Iterator[bytes]:
    """One sheet, written while it is sent (issue 21): a title row, the headers, one row per
    candidate (`verifikasi.selectors.sekolah_rakyat_ekspor_baris`, read in chunks, so the
    rows never all sit in memory)."""
    judul = [
        [f"Kandidat Sekolah Rakyat — umur per {tanggal(tanggal_acuan)}"],
        KOLOM_SEKOLAH_RAKYAT,
    ]
    stream = SafeXlsxStream("Kandidat Sekolah Rakyat")
    return stream.chunks(judul, (_baris(row) for row in kandidat))
