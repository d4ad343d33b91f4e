"""Models of the pendamping app: the workforce and its assignments, and field records."""

from pendamping.models.catatan import Kasus, Kunjungan, RekapAkses, Rujukan, SkorKepuasan
from pendamping.models.kepuasan import TautanKepuasan
from pendamping.models.pendamping import NIK_PATTERN, SKOR_MAKS, SKOR_MIN, Pendamping, Penugasan
from pendamping.models.psks import JenisPsks, KategoriPmks, KlienPmks, PembatasanKlien
from pendamping.models.rhk import Arahan, ArahanPenerima, LaporanBulanan, Sosialisasi
from pendamping.models.ringkasan import RingkasanKinerja

__all__ = [
    "NIK_PATTERN",
    "SKOR_MAKS",
    "SKOR_MIN",
    "Arahan",
    "ArahanPenerima",
    "JenisPsks",
    "Kasus",
    "KategoriPmks",
    "KlienPmks",
    "Kunjungan",
    "LaporanBulanan",
    "PembatasanKlien",
    "Pendamping",
    "Penugasan",
    "RekapAkses",
    "RingkasanKinerja",
    "Rujukan",
    "SkorKepuasan",
    "Sosialisasi",
    "TautanKepuasan",
]
