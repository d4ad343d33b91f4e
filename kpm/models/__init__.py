"""The KPM registry (`keluarga`) and the payouts per tahap (`penyaluran`); callers import
`kpm.models` and use the names re-exported here."""

from kpm.models.keluarga import (
    Anggota,
    Keluarga,
    KeluargaTidakAdaDiImpor,
    Komponen,
    NominalKomponen,
    PermintaanPembatasan,
    PerubahanDesil,
    RiwayatPerubahan,
    RiwayatStatus,
)
from kpm.models.penyaluran import (
    TAHAP_PER_TAHUN,
    BarisUnggahanPenyaluran,
    Penyaluran,
    UnggahanPenyaluran,
)

__all__ = [
    "TAHAP_PER_TAHUN",
    "Anggota",
    "BarisUnggahanPenyaluran",
    "Keluarga",
    "KeluargaTidakAdaDiImpor",
    "Komponen",
    "NominalKomponen",
    "Penyaluran",
    "PermintaanPembatasan",
    "PerubahanDesil",
    "RiwayatPerubahan",
    "RiwayatStatus",
    "UnggahanPenyaluran",
]
