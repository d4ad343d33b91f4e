"""Reads of the dtsen app, by subject; the snapshot reads are re-exported here."""

from dtsen.selectors.snapshot import (
    PRATINJAU_MASALAH,
    STATUS_MENUNGGU_PERSETUJUAN,
    STATUS_TERHENTI,
    Perubahan,
    RingkasanKecamatan,
    data_subjek,
    kabkota_pilihan,
    masalah_pratinjau,
    pasangan_default,
    pemetaan_pilihan,
    penerapan_list,
    perubahan_desil_detail,
    perubahan_desil_ringkasan,
    snapshot_aktif,
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
    "perubahan_desil_detail",
    "perubahan_desil_ringkasan",
    "snapshot_aktif",
    "snapshot_list",
    "snapshot_pembanding_list",
]
