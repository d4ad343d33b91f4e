"""Forms of the dtsen app, by subject; the snapshot forms are re-exported here."""

from dtsen.forms.snapshot import (
    MB,
    PEMETAAN_PER_HALAMAN,
    KembalikanForm,
    KonfirmasiForm,
    PemetaanKolomForm,
    PerubahanForm,
    SnapshotFilterForm,
    SnapshotUploadForm,
    TerapkanForm,
)

__all__ = [
    "MB",
    "PEMETAAN_PER_HALAMAN",
    "KembalikanForm",
    "KonfirmasiForm",
    "PemetaanKolomForm",
    "PerubahanForm",
    "SnapshotFilterForm",
    "SnapshotUploadForm",
    "TerapkanForm",
]
