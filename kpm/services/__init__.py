"""Writes to the KPM registry: the only code that changes families and members.

Split by subject; callers import `kpm.services` and use the names re-exported here.
"""

from kpm.services.desil import (
    HasilPengembalianDesil,
    keluarga_desil_apply,
    keluarga_desil_undo,
)
from kpm.services.final_closing import (
    AKSI_BARU,
    AKSI_DIPERBARUI,
    AKSI_TETAP,
    HUBUNGAN_PENGURUS_IMPOR,
    STATUS_SELESAI,
    HasilFinalClosing,
    KeluargaBaruImpor,
    keluarga_final_closing_apply,
    keluarga_final_closing_finish,
    keluarga_final_closing_register_bulk,
)
from kpm.services.keluarga import (
    ANGGOTA_FIELDS,
    KELUARGA_FIELDS,
    KOMPONEN_BATCH,
    TRANSISI_STATUS,
    S,
    anggota_create,
    anggota_data_subjek_record,
    anggota_nik_reveal,
    anggota_update,
    keluarga_create,
    keluarga_komponen_refresh,
    keluarga_lock,
    keluarga_pendamping_set,
    keluarga_register,
    keluarga_status_change,
    keluarga_update,
)

__all__ = [
    "AKSI_BARU",
    "AKSI_DIPERBARUI",
    "AKSI_TETAP",
    "ANGGOTA_FIELDS",
    "HUBUNGAN_PENGURUS_IMPOR",
    "KELUARGA_FIELDS",
    "KOMPONEN_BATCH",
    "STATUS_SELESAI",
    "TRANSISI_STATUS",
    "HasilFinalClosing",
    "HasilPengembalianDesil",
    "KeluargaBaruImpor",
    "S",
    "anggota_create",
    "anggota_data_subjek_record",
    "anggota_nik_reveal",
    "anggota_update",
    "keluarga_create",
    "keluarga_desil_apply",
    "keluarga_desil_undo",
    "keluarga_final_closing_apply",
    "keluarga_final_closing_finish",
    "keluarga_final_closing_register_bulk",
    "keluarga_komponen_refresh",
    "keluarga_lock",
    "keluarga_pendamping_set",
    "keluarga_register",
    "keluarga_status_change",
    "keluarga_update",
]
