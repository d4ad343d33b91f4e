"""Writes of the dtsen app (the only code that changes its data)."""

from dtsen.services.ekspor import perubahan_desil_export
from dtsen.services.load import snapshot_load_rows
from dtsen.services.snapshot import (
    pemetaan_kolom_save,
    snapshot_apply,
    snapshot_cancel,
    snapshot_create,
    snapshot_requeue,
    snapshot_upload,
)

__all__ = [
    "pemetaan_kolom_save",
    "perubahan_desil_export",
    "snapshot_apply",
    "snapshot_cancel",
    "snapshot_create",
    "snapshot_load_rows",
    "snapshot_requeue",
    "snapshot_upload",
]
