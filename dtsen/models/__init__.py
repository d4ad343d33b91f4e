"""Models of the dtsen app, by subject: snapshots (imports) and reconciliation.

The private upload-path functions are re-exported because migrations name them here.
"""

from dtsen.models.perubahan import (
    PerbandinganDesil,
    PerubahanDesilKelurahan,
    PerubahanDesilOrang,
)
from dtsen.models.rekonsiliasi import (
    PBIJK_NONAKTIF_REGEX,
    EksporSiks,
    EksporSiksBaris,
    Kategori,
    PasanganBerlabel,
    Rekonsiliasi,
    Temuan,
    TemuanHasil,
    TemuanRiwayat,
    _bukti_path,
    _ekspor_path,
)
from dtsen.models.snapshot import (
    BATAS_TANPA_KEMAJUAN,
    DESIL_VALID,
    DtsenRecord,
    Jenis,
    MasalahBaris,
    PbiJkRecord,
    PemetaanKolom,
    Penerapan,
    Snapshot,
    _report_path,
    _upload_path,
)

__all__ = [
    "BATAS_TANPA_KEMAJUAN",
    "DESIL_VALID",
    "PBIJK_NONAKTIF_REGEX",
    "DtsenRecord",
    "EksporSiks",
    "EksporSiksBaris",
    "Jenis",
    "Kategori",
    "MasalahBaris",
    "PasanganBerlabel",
    "PbiJkRecord",
    "PemetaanKolom",
    "Penerapan",
    "PerbandinganDesil",
    "PerubahanDesilKelurahan",
    "PerubahanDesilOrang",
    "Rekonsiliasi",
    "Snapshot",
    "Temuan",
    "TemuanHasil",
    "TemuanRiwayat",
    "_bukti_path",
    "_ekspor_path",
    "_report_path",
    "_upload_path",
]
