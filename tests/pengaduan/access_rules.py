"""Access rules of the pengaduan URLs for tests/test_access_matrix.py.

Two complaints: `pengaduan_a` from pendamping A's family, held by A; `tentang_a` about
pendamping A (from the same family), held by the koordinator of Metro Pusat. Office staff see
both (area), A sees only the first and never the one about them (404, like a missing id), B
sees neither. Rekap pages are for office staff; the public status page is open to everyone.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from pengaduan import services
from pengaduan.models import Pengaduan
from tests.access import Rule, ok_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LOGIN = {"anonim": 302}
_KANTOR = ("admin", "operator", "koordinator")
_A = {**LOGIN, **ok_for(*_KANTOR, "pendamping_a", deny=404)}
_TENTANG_A = {**LOGIN, **ok_for(*_KANTOR, deny=404)}
# An empty POST is refused by the form (400) once access is granted.
_POST_A = {**LOGIN, **ok_for(*_KANTOR, "pendamping_a", ok=400, deny=404)}


def _a(world):
    return {"pk": world.pengaduan_a.pk}


def _tentang_a(world):
    return {"pk": world.tentang_a.pk}


def _lampiran_a(world):
    return {"pk": world.pengaduan_a.pk, "lampiran_pk": world.lampiran_a.pk}


RULES = {
    "pengaduan:pengaduan-list": Rule({**LOGIN, **ok_for(*_KANTOR, "pendamping_a", "pendamping_b")}),
    "pengaduan:pengaduan-create": Rule(
        {**LOGIN, **ok_for(*_KANTOR, "pendamping_a", "pendamping_b")}
    ),
    "pengaduan:rekap": Rule({**LOGIN, **ok_for(*_KANTOR)}),
    "pengaduan:rekap-xlsx": Rule({**LOGIN, **ok_for(*_KANTOR)}),
    # The persona rule of issue 18: a pendamping never sees a complaint about themself (A
    # sees her own family's other complaint: tests/pengaduan/test_access.py).
    "pengaduan:pengaduan-detail": Rule(_TENTANG_A, kwargs=_tentang_a),
    "pengaduan:pengaduan-surat": Rule(_A, kwargs=_a),
    "pengaduan:pengaduan-catatan": Rule(_POST_A, kwargs=_a, method="post"),
    "pengaduan:pengaduan-tanggapan": Rule(_POST_A, kwargs=_a, method="post"),
    "pengaduan:pengaduan-tutup": Rule(_POST_A, kwargs=_a, method="post"),
    "pengaduan:pengaduan-tindak-lanjut": Rule(_POST_A, kwargs=_a, method="post"),
    "pengaduan:lampiran-create": Rule(_POST_A, kwargs=_a, method="post"),
    # Moving a complaint is for office staff: A may see it but gets 403.
    "pengaduan:pengaduan-alihkan": Rule(
        {**LOGIN, **ok_for(*_KANTOR, ok=400, deny=404), "pendamping_a": 403},
        kwargs=_a,
        method="post",
    ),
    "pengaduan:lampiran-detail": Rule(_A, kwargs=_lampiran_a),
    "pengaduan:status-publik": Rule(
        {"anonim": 200, **ok_for(*_KANTOR, "pendamping_a", "pendamping_b")}
    ),
}


def build(world):
    """Pendamping A's family's complaint (held by A, answered, with a PDF attachment) and one
    about A (held by the koordinator)."""
    oleh = world.users["operator"]
    common = {
        "kanal": Pengaduan.Kanal.LOKET,
        "deskripsi": "Bantuan belum diterima.",
        "tanggal_terima": datetime.date(2025, 3, 3),
        "nama": "Pengadu A",
        "telepon": "081200001234",
        "keluarga": world.keluarga_a,
    }
    world.pengaduan_a = services.pengaduan_catat(
        data=services.PengaduanBaru(kategori=Pengaduan.Kategori.BANSOS_TIDAK_DITERIMA, **common),
        oleh=oleh,
    )
    world.tentang_a = services.pengaduan_catat(
        data=services.PengaduanBaru(
            kategori=Pengaduan.Kategori.PERILAKU_PETUGAS,
            tentang_pendamping=world.users["pendamping_a"],
            **common,
        ),
        oleh=oleh,
    )
    services.pengaduan_tanggapi(
        pengaduan=world.pengaduan_a, tanggapan="Sedang kami periksa.", oleh=oleh
    )
    world.lampiran_a = services.pengaduan_lampiran_tambah(
        pengaduan=world.pengaduan_a,
        berkas=SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf"),
        keterangan="Surat RT",
        oleh=oleh,
    )
