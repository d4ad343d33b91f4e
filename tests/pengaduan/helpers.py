"""Complaints made through the real service, for the pengaduan tests."""

from __future__ import annotations

import datetime
from typing import Any

from dinsos.models import User
from pengaduan import services
from pengaduan.models import Pengaduan

# A valid NIK of someone outside the registry (registered in Kota Metro, born 17-05-1990).
NIK_WARGA = "1872015705900001"
TELEPON_WARGA = "081234567890"


def buat_pengaduan(*, oleh: User, **kwargs: Any) -> Pengaduan:
    """A complaint from a non-KPM citizen unless `keluarga`/`anggota` is given."""
    values: dict[str, Any] = {
        "kanal": Pengaduan.Kanal.LOKET,
        "kategori": Pengaduan.Kategori.BANSOS_TIDAK_DITERIMA,
        "deskripsi": "Bantuan bulan ini belum diterima.",
        "tanggal_terima": datetime.date(2025, 3, 3),
        "nama": "Sumarni",
        "nik": NIK_WARGA,
        "telepon": TELEPON_WARGA,
    }
    values.update(kwargs)
    return services.pengaduan_catat(data=services.PengaduanBaru(**values), oleh=oleh)
