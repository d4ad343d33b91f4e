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
    skor_catat,
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
from pendamping.services.rekap_akses import REKAP_BATCH_HARI, rekap_akses_harian
from pendamping.services.ringkasan import (
    ringkasan_kinerja_basi,
    ringkasan_kinerja_berkala,
    ringkasan_kinerja_segarkan,
)

__all__ = [
    "REKAP_BATCH_HARI",
    "STATUS_DIDAMPINGI",
    "TRANSISI_KASUS",
    "HasilPenugasan",
    "batas_keluarga",
    "kasus_catat",
    "kasus_status_ubah",
    "keluarga_tugaskan",
    "kunjungan_catat",
    "pendamping_create",
    "pendamping_wilayah_sync",
    "penugasan_lengkapi",
    "rekap_akses_harian",
    "ringkasan_kinerja_basi",
    "ringkasan_kinerja_berkala",
    "ringkasan_kinerja_segarkan",
    "rujukan_hasil_catat",
    "rujukan_kirim",
    "skor_catat",
]
