"""Reads of verifikasi komitmen, graduasi and Sekolah Rakyat, always scoped through kpm.access.

Split by subject; callers import `verifikasi.selectors` and use the names re-exported here.
"""

from verifikasi.selectors.beranda import beranda_graduasi_tanpa_proses, beranda_komitmen
from verifikasi.selectors.bulan import (
    BarisKomitmen,
    KeluargaBulan,
    KeluargaUrutPengurus,
    keluarga_komitmen,
    komitmen_bulan,
    pendamping_pilihan,
)
from verifikasi.selectors.graduasi import (
    KemajuanGraduasi,
    graduasi_alamiah_kandidat,
    graduasi_kemajuan,
    graduasi_list,
    graduasi_tanpa_proses_list,
)
from verifikasi.selectors.keluarga import BarisPanel, data_subjek, keluarga_panel
from verifikasi.selectors.komitmen import (
    JADWAL_KESEHATAN,
    STATUS_PESERTA,
    FilterUsulan,
    pelanggaran_komitmen,
    rentang_bulan,
    rhk_komitmen,
    ringkasan_komitmen,
    tanda_list,
    usulan_list,
)
from verifikasi.selectors.riwayat import (
    FilterGraduasi,
    FilterKunjungan,
    graduasi_lulus_list,
    kunjungan_list,
)
from verifikasi.selectors.sekolah_rakyat import (
    KOLOM_EKSPOR,
    FilterSekolahRakyat,
    KuotaJenjang,
    RingkasSekolahRakyat,
    kelurahan_pilihan,
    sekolah_rakyat_anggota,
    sekolah_rakyat_anggota_list,
    sekolah_rakyat_dtsen,
    sekolah_rakyat_ekspor_baris,
    sekolah_rakyat_kandidat,
    sekolah_rakyat_kuota,
    sekolah_rakyat_ringkas,
    sekolah_rakyat_tercatat,
)

__all__ = [
    "JADWAL_KESEHATAN",
    "KOLOM_EKSPOR",
    "STATUS_PESERTA",
    "BarisKomitmen",
    "BarisPanel",
    "FilterGraduasi",
    "FilterKunjungan",
    "FilterSekolahRakyat",
    "FilterUsulan",
    "KeluargaBulan",
    "KeluargaUrutPengurus",
    "KemajuanGraduasi",
    "KuotaJenjang",
    "RingkasSekolahRakyat",
    "beranda_graduasi_tanpa_proses",
    "beranda_komitmen",
    "data_subjek",
    "graduasi_alamiah_kandidat",
    "graduasi_kemajuan",
    "graduasi_list",
    "graduasi_lulus_list",
    "graduasi_tanpa_proses_list",
    "keluarga_komitmen",
    "keluarga_panel",
    "kelurahan_pilihan",
    "komitmen_bulan",
    "kunjungan_list",
    "pelanggaran_komitmen",
    "pendamping_pilihan",
    "rentang_bulan",
    "rhk_komitmen",
    "ringkasan_komitmen",
    "sekolah_rakyat_anggota",
    "sekolah_rakyat_anggota_list",
    "sekolah_rakyat_dtsen",
    "sekolah_rakyat_ekspor_baris",
    "sekolah_rakyat_kandidat",
    "sekolah_rakyat_kuota",
    "sekolah_rakyat_ringkas",
    "sekolah_rakyat_tercatat",
    "tanda_list",
    "usulan_list",
]
