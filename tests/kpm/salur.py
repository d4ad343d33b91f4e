"""Helpers of the payout list tests (issue 20, RHK 1): upload, check, apply as the upload page
does for a small file."""

from __future__ import annotations

from django.core.files.base import ContentFile

from kpm import services
from kpm.models import UnggahanPenyaluran


def daftar_csv(
    *rows: str, header: str = "NO KK;NIK;TAHAP;TAHUN;NOMINAL;STATUS;ALASAN;BANK"
) -> bytes:
    """A bank/Pos list as CSV (semicolons, as Excel in an Indonesian locale writes it)."""
    return ("\n".join([header, *rows]) + "\n").encode()


def periksa(content: bytes, user, nama: str = "salur.csv") -> UnggahanPenyaluran:
    """Upload a list and check it, as the upload page does for a small file."""
    unggahan = services.penyaluran_unggah(
        berkas=ContentFile(content, name=nama), nama_file=nama, oleh=user
    )
    hasil = services.penyaluran_periksa(unggahan_id=unggahan.pk)
    assert hasil is not None
    return hasil


def terapkan(content: bytes, user, nama: str = "salur.csv") -> UnggahanPenyaluran:
    """Upload, check and, when it has no error, apply a list."""
    hasil = periksa(content, user, nama)
    if hasil.status != UnggahanPenyaluran.Status.SIAP:
        return hasil
    services.penyaluran_terapkan_mulai(unggahan=hasil, oleh=user)
    diterapkan = services.penyaluran_terapkan(unggahan_id=hasil.pk)
    assert diterapkan is not None
    return diterapkan


def kesalahan(hasil: UnggahanPenyaluran) -> list[tuple[int, str, str]]:
    return [(e["baris"], e["kolom"], e["pesan"]) for e in hasil.kesalahan]
