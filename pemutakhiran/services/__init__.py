"""Writes of the monthly update cycle (the only code that changes its data)."""

from pemutakhiran.services.batch import batch_ekspor, batch_unduh_catat
from pemutakhiran.services.pencocokan import snapshot_diterapkan, usulan_cocokkan
from pemutakhiran.services.usulan import (
    UsulanBaru,
    UsulanGanda,
    persetujuan_pbijk,
    usulan_ajukan,
    usulan_buat,
    usulan_bukti_tambah,
    usulan_geser_bulan,
    usulan_hasil_lapangan,
    usulan_setujui,
    usulan_tolak,
    usulan_tugaskan,
    usulan_verifikasi,
)

__all__ = [
    "UsulanBaru",
    "UsulanGanda",
    "batch_ekspor",
    "batch_unduh_catat",
    "persetujuan_pbijk",
    "snapshot_diterapkan",
    "usulan_ajukan",
    "usulan_buat",
    "usulan_bukti_tambah",
    "usulan_cocokkan",
    "usulan_geser_bulan",
    "usulan_hasil_lapangan",
    "usulan_setujui",
    "usulan_tolak",
    "usulan_tugaskan",
    "usulan_verifikasi",
]
