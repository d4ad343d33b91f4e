"""P2K2 pages, one module per subject: groups and meetings, the attendance screen, recaps."""

from p2k2.views.kelompok import (
    anggota_keluar,
    anggota_pindah,
    anggota_tambah,
    daftar_hadir,
    kelompok_create,
    kelompok_detail,
    kelompok_list,
    kelompok_update,
    konflik_resolve,
    pertemuan_create,
    pertemuan_detail,
    pertemuan_foto,
    pertemuan_list,
    pertemuan_update,
    siks_ng,
)
from p2k2.views.kepuasan import kepuasan_isi
from p2k2.views.layar import (
    kehadiran,
    kehadiran_baru,
    kehadiran_sinkron,
    service_worker,
)
from p2k2.views.rekap import (
    rekap_alfa,
    rekap_kehadiran,
    rekap_kurikulum,
)

__all__ = [
    "anggota_keluar",
    "anggota_pindah",
    "anggota_tambah",
    "daftar_hadir",
    "kehadiran",
    "kehadiran_baru",
    "kehadiran_sinkron",
    "kelompok_create",
    "kelompok_detail",
    "kelompok_list",
    "kelompok_update",
    "kepuasan_isi",
    "konflik_resolve",
    "pertemuan_create",
    "pertemuan_detail",
    "pertemuan_foto",
    "pertemuan_list",
    "pertemuan_update",
    "rekap_alfa",
    "rekap_kehadiran",
    "rekap_kurikulum",
    "service_worker",
    "siks_ng",
]
