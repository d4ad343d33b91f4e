"""Proposals built through the real services, up to any step of the cycle."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from dinsos.models import User, Wilayah
from dinsos.uploads import FOTO, upload_clean
from pemutakhiran import services
from pemutakhiran.models import Jenis, Status, Usulan
from tests.factories import foto_bytes

HARI_INI = datetime.date(2025, 12, 5)  # inside the December window (1–11)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def foto(name: str = "bukti.jpg") -> SimpleUploadedFile:
    """A phone photo as the upload field hands it to a service (checked, re-encoded)."""
    raw = SimpleUploadedFile(name, foto_bytes(), content_type="image/jpeg")
    return upload_clean(raw, allowed=FOTO)


def buat(
    *,
    oleh: User,
    kelurahan: Wilayah,
    nik: str,
    nama: str = "Sutarmi",
    jenis: str = Jenis.PENONAKTIFAN,
    alasan: str = Usulan.AlasanNonaktif.MENINGGAL,
    nilai: dict[str, Any] | None = None,
    bukti: bool = True,
    hari_ini: datetime.date = HARI_INI,
    **extra: Any,
) -> Usulan:
    """A draft; by default a deactivation for death with its certificate number and photo."""
    if nilai is None:
        nilai = {"nomor_akta_kematian": "1872-KM-25-0001"} if alasan == "meninggal" else {}
    return services.usulan_buat(
        data=services.UsulanBaru(
            jenis=jenis,
            alasan_nonaktif=alasan if jenis == Jenis.PENONAKTIFAN else "",
            nik=nik,
            nama=nama,
            kelurahan=kelurahan,
            nilai=nilai,
            **extra,
        ),
        oleh=oleh,
        bukti=foto() if bukti else None,
        hari_ini=hari_ini,
    )


def sampai(
    usulan: Usulan,
    status: str,
    *,
    pemeriksa: User,
    petugas: User,
    pengesah: User,
    hari_ini: datetime.date = HARI_INI,
) -> Usulan:
    """Move a draft along the cycle up to `status` (diajukan … disetujui)."""
    urutan = [
        Status.DIAJUKAN,
        Status.DIVERIFIKASI,
        Status.CEK_LAPANGAN,
        "lapangan",
        Status.DISETUJUI,
    ]
    langkah = {
        Status.DIAJUKAN: lambda u: services.usulan_ajukan(
            usulan=u,
            tanggal_musdes=hari_ini - datetime.timedelta(days=2),
            nomor_berita_acara="BA/12/2025",
            oleh=u.dibuat_oleh,
            hari_ini=hari_ini,
        ),
        Status.DIVERIFIKASI: lambda u: services.usulan_verifikasi(
            usulan=u, catatan="Dokumen lengkap.", oleh=pemeriksa
        ),
        Status.CEK_LAPANGAN: lambda u: services.usulan_tugaskan(
            usulan=u, petugas=petugas, oleh=pemeriksa
        ),
        "lapangan": lambda u: services.usulan_hasil_lapangan(
            usulan=u, hasil="sesuai", catatan="Benar.", foto=foto(), oleh=petugas
        ),
        Status.DISETUJUI: lambda u: services.usulan_setujui(
            usulan=u, oleh=pengesah, hari_ini=hari_ini
        ),
    }
    for step in urutan[: urutan.index(status) + 1]:
        usulan = langkah[step](usulan)
    return usulan
