"""Writes of the dtsen app (the only code that changes its data)."""

from dtsen.services.ekspor import perubahan_desil_export
from dtsen.services.ekspor_siks import siks_download_record, siks_export
from dtsen.services.gabung import rekonsiliasi_merge
from dtsen.services.jalankan import (
    RekonsiliasiMulai,
    rekonsiliasi_begin,
    rekonsiliasi_chunk,
    rekonsiliasi_compare_all,
    rekonsiliasi_fail,
    rekonsiliasi_run,
)
from dtsen.services.load import snapshot_load_rows
from dtsen.services.penerapan import (
    penerapan_approve,
    penerapan_reject,
    snapshot_apply,
    snapshot_propose,
    snapshot_undo,
)
from dtsen.services.perubahan import (
    perbandingan_desil_pastikan,
    perbandingan_desil_siapkan,
    perubahan_desil_simpan_orang,
)
from dtsen.services.rekonsiliasi import (
    rekonsiliasi_cancel,
    rekonsiliasi_create,
    rekonsiliasi_fail_unqueued,
)
from dtsen.services.snapshot import (
    AntreanTidakTersedia,
    pemetaan_kolom_save,
    snapshot_cancel,
    snapshot_create,
    snapshot_fail,
    snapshot_fail_unqueued,
    snapshot_requeue,
    snapshot_upload,
)
from dtsen.services.temuan import (
    HasilPenugasan,
    temuan_assign,
    temuan_assign_bulk,
    temuan_follow_up,
)

__all__ = [
    "AntreanTidakTersedia",
    "HasilPenugasan",
    "RekonsiliasiMulai",
    "pemetaan_kolom_save",
    "penerapan_approve",
    "penerapan_reject",
    "perbandingan_desil_pastikan",
    "perbandingan_desil_siapkan",
    "perubahan_desil_export",
    "perubahan_desil_simpan_orang",
    "rekonsiliasi_begin",
    "rekonsiliasi_cancel",
    "rekonsiliasi_chunk",
    "rekonsiliasi_compare_all",
    "rekonsiliasi_create",
    "rekonsiliasi_fail",
    "rekonsiliasi_fail_unqueued",
    "rekonsiliasi_merge",
    "rekonsiliasi_run",
    "siks_download_record",
    "siks_export",
    "snapshot_apply",
    "snapshot_cancel",
    "snapshot_create",
    "snapshot_fail",
    "snapshot_fail_unqueued",
    "snapshot_load_rows",
    "snapshot_propose",
    "snapshot_requeue",
    "snapshot_undo",
    "snapshot_upload",
    "temuan_assign",
    "temuan_assign_bulk",
    "temuan_follow_up",
]
