"""Reads of the monthly update cycle, always scoped by the user."""

from pemutakhiran.selectors.batch import (
    CalonKiriman,
    PeriksaBatch,
    batch_get,
    batch_list,
    batch_periksa,
)
from pemutakhiran.selectors.rekap import Rekap, bulan_pilihan, usulan_rekap
from pemutakhiran.selectors.usulan import (
    TAHAP_PILIHAN,
    UsulanFilter,
    beranda_items,
    bukti_list,
    data_subjek,
    jendela_hari_ini,
    keluarga_panel,
    kelurahan_pilihan,
    menu_items,
    petugas_pilihan,
    riwayat_list,
    temuan_panel,
    temuan_untuk_usulan,
    usulan_list,
    usulan_terlihat,
)

__all__ = [
    "TAHAP_PILIHAN",
    "CalonKiriman",
    "PeriksaBatch",
    "Rekap",
    "UsulanFilter",
    "batch_get",
    "batch_list",
    "batch_periksa",
    "beranda_items",
    "bukti_list",
    "bulan_pilihan",
    "data_subjek",
    "jendela_hari_ini",
    "keluarga_panel",
    "kelurahan_pilihan",
    "menu_items",
    "petugas_pilihan",
    "riwayat_list",
    "temuan_panel",
    "temuan_untuk_usulan",
    "usulan_list",
    "usulan_rekap",
    "usulan_terlihat",
]
