"""Demo DTSEN proposals for Kota Metro, for `seed_demo`: this month's cycle in Hadimulyo
Barat at every step, and last month's objections already sent to SIKS-NG.

Demo data only: never run it on a production database. Every proposal goes through the real
services (history, audit, evidence), made by the demo operator kelurahan/desa, verified by
the operator, ground-checked by the Hadimulyo Barat pendamping and approved by the admin.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from dinsos.bulan import awal_bulan
from dinsos.models import User
from dinsos.uploads import FOTO, upload_clean
from kpm.models import Anggota
from pemutakhiran import services
from pemutakhiran.models import Jenis, Status, Usulan

KELURAHAN = "18.72.01.1004"  # Hadimulyo Barat, the demo operator kelurahan/desa's area
PER_BULAN = 18
BULAN_LALU = 6
# Where this month's proposals stop, in turn: every step shows on the pages and Beranda.
TAHAP = ("draf", "diajukan", "diverifikasi", "cek_lapangan", "lapangan", "disetujui")


def _foto(nama: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(buffer, "JPEG")
    raw = SimpleUploadedFile(nama, buffer.getvalue(), content_type="image/jpeg")
    return upload_clean(raw, allowed=FOTO)


def _data(a: Anggota, i: int, lain: Anggota) -> services.UsulanBaru:
    jenis = (Jenis.SANGGAHAN, Jenis.PENONAKTIFAN, Jenis.KONDISI)[i % 3]
    nilai: dict[str, Any] = {"no_kk": a.keluarga.no_kk, "keterangan": "Hasil Musdes."}
    if jenis == Jenis.PENONAKTIFAN:
        nilai = {"nik_ganda": lain.nik}
    return services.UsulanBaru(
        jenis=jenis,
        alasan_nonaktif="ganda" if jenis == Jenis.PENONAKTIFAN else "",
        nik=a.nik,
        nama=a.nama,
        kelurahan=a.keluarga.kelurahan,
        nilai=nilai,
    )


def _maju(usulan: Usulan, tahap: str, users: dict[str, User], hari_ini: datetime.date) -> None:
    langkah: dict[str, Callable[[Usulan], Usulan]] = {
        "diajukan": lambda u: services.usulan_ajukan(
            usulan=u,
            tanggal_musdes=awal_bulan(hari_ini),
            nomor_berita_acara=f"BA/{hari_ini:%m}/{hari_ini:%Y}",
            oleh=users["operator_kelurahan"],
            hari_ini=hari_ini,
        ),
        "diverifikasi": lambda u: services.usulan_verifikasi(
            usulan=u, catatan="Sesuai data desa.", oleh=users["operator"]
        ),
        "cek_lapangan": lambda u: services.usulan_tugaskan(
            usulan=u, petugas=users["pendamping"], oleh=users["operator"]
        ),
        "lapangan": lambda u: services.usulan_hasil_lapangan(
            usulan=u,
            hasil="sesuai",
            catatan="Sudah dikunjungi.",
            foto=_foto("lapangan.jpg"),
            oleh=users["pendamping"],
        ),
        "disetujui": lambda u: services.usulan_setujui(
            usulan=u, oleh=users["admin"], hari_ini=hari_ini
        ),
    }
    for step in TAHAP[1 : TAHAP.index(tahap) + 1]:
        usulan = langkah[step](usulan)


@transaction.atomic
def generate_usulan(*, today: datetime.date, tulis: Callable[[str], object]) -> int:
    """Write the demo proposals; a no-op once any proposal exists. Returns how many."""
    if Usulan.objects.exists():
        return 0
    names = ("operator_kelurahan", "operator", "pendamping", "admin")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    anggota = list(
        Anggota.objects.filter(keluarga__kelurahan__kode=KELURAHAN)
        .select_related("keluarga__kelurahan")
        .order_by("pk")[: PER_BULAN + BULAN_LALU + 1]
    )
    if len(users) < len(names) or len(anggota) <= PER_BULAN + BULAN_LALU:
        return 0
    lain = anggota[-1]
    # Last month's objections: approved and sent in its SIKS-NG batch.
    bulan_lalu = awal_bulan(today, geser=-1) + datetime.timedelta(days=4)
    for a in anggota[PER_BULAN : PER_BULAN + BULAN_LALU]:
        data = _data(a, 0, lain)
        usulan = services.usulan_buat(
            data=data, oleh=users["operator_kelurahan"], hari_ini=bulan_lalu
        )
        _maju(usulan, "disetujui", users, bulan_lalu)
    services.batch_ekspor(bulan=awal_bulan(bulan_lalu), jenis=Jenis.SANGGAHAN, oleh=users["admin"])
    # This month's, at every step.
    hari_ini = min(today, awal_bulan(today) + datetime.timedelta(days=4))
    for i, a in enumerate(anggota[:PER_BULAN]):
        data = _data(a, i, lain)
        bukti = _foto("bukti.jpg") if data.jenis == Jenis.KONDISI else None
        usulan = services.usulan_buat(
            data=data, oleh=users["operator_kelurahan"], bukti=bukti, hari_ini=hari_ini
        )
        _maju(usulan, TAHAP[i % len(TAHAP)], users, hari_ini)
    jumlah = Usulan.objects.count()
    terkirim = Usulan.objects.filter(status=Status.DIKIRIM).count()
    tulis(f"Usulan pemutakhiran demo: {jumlah} usulan, {terkirim} terkirim bulan lalu.")
    return jumlah
