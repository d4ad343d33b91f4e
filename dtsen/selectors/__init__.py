"""Reads of the dtsen app, by subject; the snapshot and desil-change reads are re-exported
here."""

from dtsen.selectors.perubahan import (
    Perubahan,
    RingkasanKecamatan,
    perbandingan_ada,
    perubahan_desil_detail,
    perubahan_desil_halaman,
    perubahan_desil_potongan,
    perubahan_desil_ringkasan,
)
from dtsen.selectors.snapshot import (
    PRATINJAU_MASALAH,
    STATUS_MENUNGGU_PERSETUJUAN,
    STATUS_TERHENTI,
    data_subjek,
    kabkota_pilihan,
    masalah_pratinjau,
    pasangan_default,
    pemetaan_pilihan,
    penerapan_list,
    snapshot_aktif,
    snapshot_aktif_ids,
    snapshot_list,
    snapshot_pembanding_list,
)

__all__ = [
    "PRATINJAU_MASALAH",
    "STATUS_MENUNGGU_PERSETUJUAN",
    "STATUS_TERHENTI",
    "Perubahan",
    "RingkasanKecamatan",
    "data_subjek",
    "kabkota_pilihan",
    "masalah_pratinjau",
    "pasangan_default",
    "pemetaan_pilihan",
    "penerapan_list",
    "perbandingan_ada",
    "perubahan_desil_detail",
    "perubahan_desil_halaman",
    "perubahan_desil_potongan",
    "perubahan_desil_ringkasan",
    "snapshot_aktif",
    "snapshot_aktif_ids",
    "snapshot_list",
    "snapshot_pembanding_list",
]
