"""Models of the pendamping app: the workforce and its assignments, and field records."""

from pendamping.models.catatan import Kasus, Kunjungan, RekapAkses, Rujukan, SkorKepuasan
from pendamping.models.pendamping import NIK_PATTERN, SKOR_MAKS, SKOR_MIN, Pendamping, Penugasan
from pendamping.models.ringkasan import RingkasanKinerja

__all__ = [
    "NIK_PATTERN",
    "SKOR_MAKS",
    "SKOR_MIN",
    "Kasus",
    "Kunjungan",
    "Pendamping",
    "Penugasan",
    "RekapAkses",
    "RingkasanKinerja",
    "Rujukan",
    "SkorKepuasan",
]
