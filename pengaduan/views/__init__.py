"""Complaint pages: the office's list and actions, the monthly figures, the public page."""

from pengaduan.views.pengaduan import (
    lampiran_create,
    lampiran_detail,
    pengaduan_alihkan,
    pengaduan_catatan,
    pengaduan_create,
    pengaduan_detail,
    pengaduan_list,
    pengaduan_surat,
    pengaduan_tanggapan,
    pengaduan_tindak_lanjut,
    pengaduan_tutup,
)
from pengaduan.views.publik import status_publik
from pengaduan.views.rekap import rekap, rekap_xlsx

__all__ = [
    "lampiran_create",
    "lampiran_detail",
    "pengaduan_alihkan",
    "pengaduan_catatan",
    "pengaduan_create",
    "pengaduan_detail",
    "pengaduan_list",
    "pengaduan_surat",
    "pengaduan_tanggapan",
    "pengaduan_tindak_lanjut",
    "pengaduan_tutup",
    "rekap",
    "rekap_xlsx",
    "status_publik",
]
