"""Pages of the monthly update cycle: proposals, the SIKS-NG batch, the figures."""

from pemutakhiran.views.batch import batch_ekspor, batch_list, batch_unduh, rekap
from pemutakhiran.views.usulan import (
    bukti_detail,
    usulan_ajukan,
    usulan_create,
    usulan_detail,
    usulan_hasil_lapangan,
    usulan_list,
    usulan_setujui,
    usulan_tolak,
    usulan_tugaskan,
    usulan_verifikasi,
)

__all__ = [
    "batch_ekspor",
    "batch_list",
    "batch_unduh",
    "bukti_detail",
    "rekap",
    "usulan_ajukan",
    "usulan_create",
    "usulan_detail",
    "usulan_hasil_lapangan",
    "usulan_list",
    "usulan_setujui",
    "usulan_tolak",
    "usulan_tugaskan",
    "usulan_verifikasi",
]
