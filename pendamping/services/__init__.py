"""Writes of the pendamping app: profiles, family assignments, field records and the access recap.

Split by subject; callers import `pendamping.services` and use the names re-exported here.
"""

from pendamping.services.catatan import (
    TRANSISI_KASUS,
    kasus_catat,
    kasus_status_ubah,
    kunjungan_catat,
    rujukan_hasil_catat,
    rujukan_kirim,
)
from pendamping.services.kepuasan import (
    TAUTAN_SUDAH_DIPAKAI,
    kanal_untuk,
    periode_kepuasan,
    skor_catat,
    tautan_jawab,
    tautan_siapkan,
)
from pendamping.services.penugasan import (
    STATUS_DIDAMPINGI,
    HasilPenugasan,
    batas_keluarga,
    keluarga_tugaskan,
    pendamping_create,
    pendamping_wilayah_sync,
    penugasan_lengkapi,
)
from pendamping.services.psks import (
    KLIEN_FIELDS,
    klien_create,
    klien_pembatasan_catat,
    klien_update,
)
from pendamping.services.rekap_akses import REKAP_BATCH_HARI, rekap_akses_harian
from pendamping.services.rhk import (
    arahan_buat,
    arahan_konfirmasi,
    laporan_batas,
    laporan_bulanan_kirim,
    sosialisasi_catat,
)
from pendamping.services.ringkasan import (
    ringkasan_kinerja_basi,
    ringkasan_kinerja_basi_keluarga,
    ringkasan_kinerja_basi_rentang,
    ringkasan_kinerja_berkala,
    ringkasan_kinerja_segarkan,
)

__all__ = [
    "KLIEN_FIELDS",
    "REKAP_BATCH_HARI",
    "STATUS_DIDAMPINGI",
    # Issue 20: RHK 7–9 records and the family's own satisfaction answer
    "TAUTAN_SUDAH_DIPAKAI",
    "TRANSISI_KASUS",
    "HasilPenugasan",
    "arahan_buat",
    "arahan_konfirmasi",
    "batas_keluarga",
    "kanal_untuk",
    "kasus_catat",
    "kasus_status_ubah",
    "keluarga_tugaskan",
    "klien_create",
    "klien_pembatasan_catat",
    "klien_update",
    "kunjungan_catat",
    "laporan_batas",
    "laporan_bulanan_kirim",
    "pendamping_create",
    "pendamping_wilayah_sync",
    "penugasan_lengkapi",
    "periode_kepuasan",
    "rekap_akses_harian",
    "ringkasan_kinerja_basi",
    "ringkasan_kinerja_basi_keluarga",
    "ringkasan_kinerja_basi_rentang",
    "ringkasan_kinerja_berkala",
    "ringkasan_kinerja_segarkan",
    "rujukan_hasil_catat",
    "rujukan_kirim",
    "skor_catat",
    "sosialisasi_catat",
    "tautan_jawab",
    "tautan_siapkan",
]
