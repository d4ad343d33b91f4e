"""Reads of the P2K2 app, always scoped through p2k2.access / kpm.access.

Split by subject; callers import `p2k2.selectors` and use the names re-exported here: groups
and curriculum (`kelompok`), meetings and attendance (`kehadiran`), runs of consecutive alfa
(`alfa`), the office recaps read from the summaries (`rekap`, `kurikulum`) and what P2K2
gives the apps above it (`sumber`). The hook modules `beranda` (the Beranda's lines) and
`pelanggaran` (the komitmen rule) are registered in `p2k2.apps`.
"""

from p2k2.selectors.alfa import (
    RuntunAlfa,
    runtun_alfa_batas,
    runtun_alfa_berlangsung,
    runtun_alfa_list,
    runtun_alfa_pertemuan,
)
from p2k2.selectors.kehadiran import (
    BarisKehadiran,
    FilterPertemuan,
    Ringkasan,
    kehadiran_rows,
    konflik_terbuka,
    pertemuan_by_client_id,
    pertemuan_is_milik_lain,
    pertemuan_list,
    pertemuan_terakhir,
    ringkasan,
)
from p2k2.selectors.kelompok import (
    KelompokDetail,
    anggota_keluarga,
    anggota_list,
    kelompok_detail,
    kelompok_diperbarui,
    kelompok_list,
    kelompok_tujuan,
    keluarga_pilihan,
    kelurahan_pilihan,
    kurikulum_sesi,
    modul_list,
    pendamping_pilihan,
    sesi_belum,
)
from p2k2.selectors.kurikulum import (
    KemajuanKelompok,
    jumlah_kurikulum_tertinggal,
    kemajuan_kurikulum,
    kemajuan_kurikulum_halaman,
)
from p2k2.selectors.rekap import (
    Angka,
    FilterAlfa,
    RekapKehadiran,
    RuntunAlfaKeluarga,
    grafik_bulan,
    grafik_kecamatan,
    jumlah_runtun_alfa,
    rekap_kehadiran,
    runtun_alfa_halaman,
    runtun_alfa_rekap,
    tahun_pilihan,
)
from p2k2.selectors.sumber import PANEL_BARIS, data_subjek, keluarga_panel, kontak_p2k2, rhk_p2k2

__all__ = [
    "PANEL_BARIS",
    "Angka",
    "BarisKehadiran",
    "FilterAlfa",
    "FilterPertemuan",
    "KelompokDetail",
    "KemajuanKelompok",
    "RekapKehadiran",
    "Ringkasan",
    "RuntunAlfa",
    "RuntunAlfaKeluarga",
    "anggota_keluarga",
    "anggota_list",
    "data_subjek",
    "grafik_bulan",
    "grafik_kecamatan",
    "jumlah_kurikulum_tertinggal",
    "jumlah_runtun_alfa",
    "kehadiran_rows",
    "kelompok_detail",
    "kelompok_diperbarui",
    "kelompok_list",
    "kelompok_tujuan",
    "keluarga_panel",
    "keluarga_pilihan",
    "kelurahan_pilihan",
    "kemajuan_kurikulum",
    "kemajuan_kurikulum_halaman",
    "konflik_terbuka",
    "kontak_p2k2",
    "kurikulum_sesi",
    "modul_list",
    "pendamping_pilihan",
    "pertemuan_by_client_id",
    "pertemuan_is_milik_lain",
    "pertemuan_list",
    "pertemuan_terakhir",
    "rekap_kehadiran",
    "rhk_p2k2",
    "ringkasan",
    "runtun_alfa_batas",
    "runtun_alfa_berlangsung",
    "runtun_alfa_halaman",
    "runtun_alfa_list",
    "runtun_alfa_pertemuan",
    "runtun_alfa_rekap",
    "sesi_belum",
    "tahun_pilihan",
]
