"""Reads of the pendamping app, always scoped through pendamping.access / kpm.access.

Split by subject; callers import `pendamping.selectors` and use the names re-exported here:
pendamping, assignments and field records (`pendamping`), the performance indicators from one
aggregate statement (`indikator`) and the figures built from its rows (`kinerja`), a
pendamping's own families for field work (`keluarga`: the family picker, visits due). The
Beranda's lines are `pendamping.selectors.beranda` (registered as a hook in `pendamping.apps`).
"""

from pendamping.selectors.indikator import (
    STATUS_DIDAMPINGI,
    indikator_list,
    is_p2k2_tersedia,
    kinerja_pendamping,
    perbandingan,
)
from pendamping.selectors.keluarga import (
    CARI_HURUF_MIN,
    PILIHAN_CARI_MAKS,
    keluarga_kunjungan_jatuh_tempo,
    keluarga_pilihan_cari,
    kunjungan_batas_hari,
)
from pendamping.selectors.kepuasan import tautan_get
from pendamping.selectors.kinerja import KOSONG, Indikator, ItemRhk, grafik_list
from pendamping.selectors.pendamping import (
    PANEL_ROWS,
    CatatanFilter,
    PendampingFilter,
    PenugasanFilter,
    data_subjek,
    kasus_list,
    kasus_terbuka_keluarga,
    keluarga_ids,
    keluarga_panel,
    keluarga_pilihan,
    keluarga_untuk_penugasan,
    kelurahan_pilihan,
    kontak_kunjungan,
    kunjungan_list,
    pendamping_filter_pilihan,
    pendamping_list,
    pendamping_milik,
    pendamping_pilihan,
    pendamping_wilayah,
    perubahan_list,
    rujukan_kasus,
    rujukan_list,
    skor_list,
)
from pendamping.selectors.ringkasan import (
    indikator_ringkas,
    kinerja_ringkas,
    perbandingan_profil,
    perbandingan_ringkas,
    periode_kinerja,
)

__all__ = [
    "CARI_HURUF_MIN",
    "KOSONG",
    "PANEL_ROWS",
    "PILIHAN_CARI_MAKS",
    "STATUS_DIDAMPINGI",
    "CatatanFilter",
    "Indikator",
    "ItemRhk",
    "PendampingFilter",
    "PenugasanFilter",
    "data_subjek",
    "grafik_list",
    "indikator_list",
    "indikator_ringkas",
    "is_p2k2_tersedia",
    "kasus_list",
    "kasus_terbuka_keluarga",
    "keluarga_ids",
    "keluarga_kunjungan_jatuh_tempo",
    "keluarga_panel",
    "keluarga_pilihan",
    "keluarga_pilihan_cari",
    "keluarga_untuk_penugasan",
    "kelurahan_pilihan",
    "kinerja_pendamping",
    "kinerja_ringkas",
    "kontak_kunjungan",
    "kunjungan_batas_hari",
    "kunjungan_list",
    "pendamping_filter_pilihan",
    "pendamping_list",
    "pendamping_milik",
    "pendamping_pilihan",
    "pendamping_wilayah",
    "perbandingan",
    "perbandingan_profil",
    "perbandingan_ringkas",
    "periode_kinerja",
    "perubahan_list",
    "rujukan_kasus",
    "rujukan_list",
    "skor_list",
    "tautan_get",
]
