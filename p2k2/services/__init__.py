"""Writes of the P2K2 app: groups and members, meetings, attendance sync and conflicts.

The attendance submit is the part that must survive poor signal: see `kehadiran_submit`.
"""

from p2k2.services.kehadiran import (
    Hasil,
    Tanda,
    kehadiran_submit,
    kehadiran_sync,
    konflik_resolve,
)
from p2k2.services.kelompok import (
    KELOMPOK_FIELDS,
    STATUS_BOLEH_BERGABUNG,
    keanggotaan_akhiri,
    keanggotaan_pindah,
    keanggotaan_tambah,
    kelompok_create,
    kelompok_update,
)
from p2k2.services.pertemuan import (
    FOTO_FIELDS,
    PERTEMUAN_FIELDS,
    PertemuanGanda,
    kinerja_basi,
    pertemuan_create,
    pertemuan_update,
)

__all__ = [
    "FOTO_FIELDS",
    "KELOMPOK_FIELDS",
    "PERTEMUAN_FIELDS",
    "STATUS_BOLEH_BERGABUNG",
    "Hasil",
    "PertemuanGanda",
    "Tanda",
    "keanggotaan_akhiri",
    "keanggotaan_pindah",
    "keanggotaan_tambah",
    "kehadiran_submit",
    "kehadiran_sync",
    "kelompok_create",
    "kelompok_update",
    "kinerja_basi",
    "konflik_resolve",
    "pertemuan_create",
    "pertemuan_update",
]
