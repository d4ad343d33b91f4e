"""Writes of verifikasi komitmen, graduasi and Sekolah Rakyat (DOMAIN.md §4, §5, §9).

Split by subject; callers import `verifikasi.services` and use the names re-exported here.
A change to a family's status goes through `kpm.services.keluarga_status_change`.
"""

from verifikasi.services.graduasi import (
    graduasi_decide,
    graduasi_lengkapi,
    graduasi_propose,
    persetujuan_graduasi,
    tipe_bukti,
)
from verifikasi.services.komitmen import (
    EntriKomitmen,
    HasilEvaluasi,
    Pelanggaran,
    epkh_unggahan_hapus_kedaluwarsa,
    epkh_unggahan_simpan,
    epkh_unggahan_terapkan,
    komitmen_impor_apply,
    komitmen_record,
    pelanggaran_list,
    persen_teks,
    persetujuan_penangguhan,
    status_pendidikan,
    usulan_decide,
    usulan_evaluate,
)
from verifikasi.services.ringkasan import (
    sekolah_rakyat_ringkasan_basi,
    sekolah_rakyat_ringkasan_berkala,
    sekolah_rakyat_ringkasan_hitung,
    sekolah_rakyat_ringkasan_siapkan,
    sekolah_rakyat_snapshot_diterapkan,
)
from verifikasi.services.sekolah_rakyat import (
    JendelaUsia,
    jendela_usia,
    jenjang_untuk,
    persetujuan_sekolah_rakyat,
    sekolah_rakyat_kunjungan_ajukan,
    sekolah_rakyat_kunjungan_record,
    tanggal_acuan_bawaan,
)

__all__ = [
    "EntriKomitmen",
    "HasilEvaluasi",
    "JendelaUsia",
    "Pelanggaran",
    "epkh_unggahan_hapus_kedaluwarsa",
    "epkh_unggahan_simpan",
    "epkh_unggahan_terapkan",
    "graduasi_decide",
    "graduasi_lengkapi",
    "graduasi_propose",
    "jendela_usia",
    "jenjang_untuk",
    "komitmen_impor_apply",
    "komitmen_record",
    "pelanggaran_list",
    "persen_teks",
    "persetujuan_graduasi",
    "persetujuan_penangguhan",
    "persetujuan_sekolah_rakyat",
    "sekolah_rakyat_kunjungan_ajukan",
    "sekolah_rakyat_kunjungan_record",
    "sekolah_rakyat_ringkasan_basi",
    "sekolah_rakyat_ringkasan_berkala",
    "sekolah_rakyat_ringkasan_hitung",
    "sekolah_rakyat_ringkasan_siapkan",
    "sekolah_rakyat_snapshot_diterapkan",
    "status_pendidikan",
    "tanggal_acuan_bawaan",
    "tipe_bukti",
    "usulan_decide",
    "usulan_evaluate",
]
