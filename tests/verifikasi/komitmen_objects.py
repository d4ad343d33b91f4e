"""Objects of the komitmen/graduasi/Sekolah Rakyat URLs for the access matrix
(tests/verifikasi/access_rules.py `build`)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from dinsos import services as dinsos_services
from dinsos.models import Persetujuan
from dinsos.pengaturan import today
from kpm.models import Anggota
from tests.factories import AnggotaFactory, keluarga_with_pengurus
from tests.verifikasi.komitmen_helpers import pelanggaran_berulang
from verifikasi import services
from verifikasi.models import Usulan

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def surat_pdf(name: str = "surat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_komitmen(world) -> None:
    hadimulyo = world.kota_metro["Hadimulyo Barat"]
    pendamping_a, operator = world.users["pendamping_a"], world.users["operator"]
    world.usulan_a = Usulan.objects.create(
        keluarga=world.keluarga_a,
        jenis=Usulan.Jenis.KOMITMEN,
        kunci="2025-01",
        alasan={"ringkasan": "Uji"},
        ringkasan="Tidak patuh komitmen 3 bulan berturut-turut.",
        periode_awal=datetime.date(2025, 1, 1),
        periode_akhir=datetime.date(2025, 3, 31),
    )
    keluarga = keluarga_with_pengurus(kelurahan=hadimulyo, pendamping=pendamping_a)
    world.graduasi_a = services.graduasi_propose(
        keluarga=keluarga, jenis="mandiri", alasan="Usaha warung berjalan", bukti=surat_pdf(),
        oleh=pendamping_a,
    )  # fmt: skip
    lulus = keluarga_with_pengurus(kelurahan=hadimulyo, pendamping=pendamping_a)
    pelanggaran_berulang(lulus)  # D6: paksa needs repeatedly broken commitments
    world.graduasi_lulus_a = services.graduasi_propose(
        keluarga=lulus, jenis="paksa", alasan="Surat kelurahan", bukti=surat_pdf(),
        oleh=pendamping_a,
    )  # fmt: skip
    services.graduasi_decide(
        graduasi=world.graduasi_lulus_a, is_diterima=True, catatan="", oleh=operator
    )
    # Issue 20: the operator's acceptance waits for a second person (four eyes).
    dinsos_services.persetujuan_setujui(
        # By type and id: the demo's own proposals may carry the same id for another model.
        persetujuan=Persetujuan.objects.get(
            objek_type="verifikasi.graduasi",
            objek_id=str(world.graduasi_lulus_a.pk),
            status=Persetujuan.Status.DIAJUKAN,
        ),
        oleh=world.users["admin"],
    )
    sr = keluarga_with_pengurus(kelurahan=hadimulyo, pendamping=pendamping_a, desil=1)
    acuan = services.tanggal_acuan_bawaan(today())
    world.anak_sr_a = AnggotaFactory(
        keluarga=sr,
        nama="Rafi",
        jenis_kelamin="L",
        tanggal_lahir=acuan.replace(year=acuan.year - 14),
        hubungan=Anggota.Hubungan.ANAK,
    )
