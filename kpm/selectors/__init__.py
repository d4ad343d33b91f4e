"""Reads of the KPM registry, always scoped through kpm.access.

Split by subject; callers import `kpm.selectors` and use the names re-exported here. The
Beranda's lines are `kpm.selectors.beranda` (registered as a hook in `kpm.apps`).
"""

from kpm.selectors.anggota import anggota_data_subjek, anggota_list, keluarga_akses
from kpm.selectors.keluarga import (
    DESIL_KOSONG,
    PILIHAN_CACHE_SECONDS,
    SORTS,
    STATUS_DIDAMPINGI,
    AnggotaBaris,
    KeluargaDetail,
    KeluargaFilter,
    PilihanFilter,
    keluarga_detail,
    keluarga_filter_choices,
    keluarga_ids_by_identifier,
    keluarga_list,
    keluarga_panels,
    kelurahan_pilihan,
    nominal_komponen,
)
from kpm.selectors.pembatasan import (
    DEKAT,
    PENCATAT,
    pembatasan_anggota,
    pembatasan_beranda,
    pembatasan_list,
    pembatasan_subjek,
    pembatasan_subjek_lain,
)
from kpm.selectors.pengurus_ganda import (
    CALON_MAKS,
    TAMPIL_MAKS,
    KemungkinanSama,
    pengurus_kemungkinan_terdaftar,
)

__all__ = [
    "CALON_MAKS",
    "DEKAT",
    "DESIL_KOSONG",
    "PENCATAT",
    "PILIHAN_CACHE_SECONDS",
    "SORTS",
    "STATUS_DIDAMPINGI",
    "TAMPIL_MAKS",
    "AnggotaBaris",
    "KeluargaDetail",
    "KeluargaFilter",
    "KemungkinanSama",
    "PilihanFilter",
    "anggota_data_subjek",
    "anggota_list",
    "keluarga_akses",
    "keluarga_detail",
    "keluarga_filter_choices",
    "keluarga_ids_by_identifier",
    "keluarga_list",
    "keluarga_panels",
    "kelurahan_pilihan",
    "nominal_komponen",
    "pembatasan_anggota",
    "pembatasan_beranda",
    "pembatasan_list",
    "pembatasan_subjek",
    "pembatasan_subjek_lain",
    "pengurus_kemungkinan_terdaftar",
]
