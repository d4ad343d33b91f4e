"""Access rules of the pendamping URLs for tests/test_access_matrix.py.

Pendamping A (Hadimulyo Barat, Metro Pusat: the koordinator's area too) and B (Iring Mulyo)
get PKH profiles; A's family has a case and a referral. Office pages are for admin, operator
and koordinator; records are read by everyone who may see the family (B: 404) and written
by admin, operator and the family's pendamping (the koordinator reads: 403).
"""

import datetime

from pendamping import services
from pendamping.models import (
    Arahan,
    ArahanPenerima,
    Kasus,
    KategoriPmks,
    KlienPmks,
    Pendamping,
    Rujukan,
    Sosialisasi,
)
from tests.access import Rule, ok_for

LOGIN = {"anonim": 302}
_ALL = ("admin", "operator", "koordinator", "pendamping_a", "pendamping_b")
_KANTOR = ("admin", "operator", "koordinator")
_MELIHAT_A = {**LOGIN, **ok_for("admin", "operator", "koordinator", "pendamping_a", deny=404)}
# Without ?keluarga=, office staff are sent to the family list to pick one (302); a
# pendamping picks from their own families (200); the koordinator does not record (403).
_CATAT = {
    **LOGIN,
    **ok_for("pendamping_a", "pendamping_b"),
    "admin": 302,
    "operator": 302,
}
# An empty POST is refused by the form (400) once access is granted.
_UBAH_A = {**LOGIN, **ok_for("admin", "operator", "pendamping_a", ok=400), "pendamping_b": 404}


def _profil_a(world):
    return {"pk": world.profil_a.pk}


def _kasus_a(world):
    return {"pk": world.kasus_a.pk}


def _rujukan_a(world):
    return {"pk": world.rujukan_a.pk}


def _arahan_a(world):
    return {"pk": world.arahan_a.pk}


def _sosialisasi_a(world):
    return {"pk": world.sosialisasi_a.pk}


def _klien_a(world):
    return {"pk": world.klien_a.pk}


RULES = {
    "pendamping:pendamping-list": Rule({**LOGIN, **ok_for(*_KANTOR)}),
    "pendamping:pendamping-saya": Rule({**LOGIN, **ok_for("pendamping_a", "pendamping_b")}),
    "pendamping:pendamping-detail": Rule(_MELIHAT_A, kwargs=_profil_a),
    "pendamping:pendamping-laporan-xlsx": Rule(_MELIHAT_A, kwargs=_profil_a),
    "pendamping:perbandingan": Rule({**LOGIN, **ok_for(*_KANTOR)}),
    "pendamping:perbandingan-xlsx": Rule({**LOGIN, **ok_for(*_KANTOR)}),
    "pendamping:penugasan": Rule({**LOGIN, **ok_for(*_KANTOR)}),
    "pendamping:kasus-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "pendamping:kasus-create": Rule(_CATAT),
    "pendamping:kasus-detail": Rule(_MELIHAT_A, kwargs=_kasus_a),
    "pendamping:kasus-status": Rule(_UBAH_A, kwargs=_kasus_a, method="post"),
    "pendamping:rujukan-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "pendamping:rujukan-create": Rule(_CATAT),
    "pendamping:rujukan-detail": Rule(_MELIHAT_A, kwargs=_rujukan_a),
    "pendamping:rujukan-hasil": Rule(_UBAH_A, kwargs=_rujukan_a, method="post"),
    "pendamping:kunjungan-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "pendamping:kunjungan-create": Rule(_CATAT),
    "pendamping:kunjungan-jatuh-tempo": Rule({**LOGIN, **ok_for(*_ALL)}),
    # The record forms' family picker: whoever records field work; an empty POST finds nothing.
    "pendamping:keluarga-cari": Rule(
        {**LOGIN, **ok_for("admin", "operator", "pendamping_a", "pendamping_b")}, method="post"
    ),
    "pendamping:skor-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "pendamping:skor-create": Rule(_CATAT),
    "pendamping:perubahan-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    # Issue 20: PMKS clients (A handles klien_a in Hadimulyo Barat) and the answer letter
    # (rujukan_a has none: 404 for whoever may see the referral).
    "pendamping:klien-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "pendamping:klien-create": Rule(
        {**LOGIN, **ok_for("admin", "operator", "pendamping_a", "pendamping_b")}
    ),
    "pendamping:klien-detail": Rule(_MELIHAT_A, kwargs=_klien_a),
    "pendamping:klien-update": Rule(
        {**LOGIN, **ok_for("admin", "operator", "pendamping_a"), "pendamping_b": 404},
        kwargs=_klien_a,
    ),
    # UU 27/2022: the register's export (office), and a client's restriction request, which
    # admin and operator record (the GET shows the form; others are refused by role).
    "pendamping:klien-xlsx": Rule({**LOGIN, **ok_for(*_KANTOR)}),
    "pendamping:klien-pembatasan": Rule({**LOGIN, **ok_for("admin", "operator")}, kwargs=_klien_a),
    # Issue 20, RHK 7/8: reports (the pendamping sends their own; an empty POST is 400 but a
    # GET shows the form), directives (arahan_a goes to A only: B gets 404; only A confirms).
    "pendamping:laporan-bulanan-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "pendamping:laporan-bulanan-kirim": Rule({**LOGIN, **ok_for("pendamping_a", "pendamping_b")}),
    "pendamping:arahan-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "pendamping:arahan-create": Rule({**LOGIN, **ok_for("admin", "koordinator")}),
    "pendamping:arahan-detail": Rule(_MELIHAT_A, kwargs=_arahan_a),
    "pendamping:arahan-konfirmasi": Rule(
        {**LOGIN, **ok_for("pendamping_a", ok=302), "pendamping_b": 404},
        kwargs=_arahan_a,
        method="post",
    ),
    # RHK 9: sosialisasi_a (A's, without a photo: 404 for whoever may see it).
    "pendamping:sosialisasi-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "pendamping:sosialisasi-create": Rule({**LOGIN, **ok_for("pendamping_a", "pendamping_b")}),
    "pendamping:sosialisasi-foto": Rule(
        {**LOGIN, **ok_for(*_ALL, ok=404, deny=404)}, kwargs=_sosialisasi_a
    ),
    "pendamping:evaluasi": Rule({**LOGIN, **ok_for("admin", "koordinator")}),
    "pendamping:evaluasi-xlsx": Rule({**LOGIN, **ok_for("admin", "koordinator")}),
    "pendamping:rujukan-dokumen": Rule(
        {**LOGIN, **ok_for(*_ALL, ok=404, deny=404)}, kwargs=_rujukan_a
    ),
}


def build(world):
    """PKH profiles for pendamping A and B, and a case and a referral of A's family."""
    profiles = {}
    for key in ("pendamping_a", "pendamping_b"):
        user = world.users[key]
        profiles[key] = services.pendamping_create(
            nama=f"Profil {key}",
            jenis=Pendamping.Jenis.PKH,
            mulai=datetime.date(2024, 1, 1),
            wilayah=list(user.wilayah.all()),
            user=user,
        )
    world.profil_a = profiles["pendamping_a"]
    world.kasus_a = Kasus.objects.create(
        keluarga=world.keluarga_a,
        pendamping=world.profil_a,
        tanggal_lapor=datetime.date(2025, 3, 1),
        kategori=Kasus.Kategori.PENDIDIKAN,
        deskripsi="Anak tidak sekolah.",
        dicatat_oleh=world.users["pendamping_a"],
    )
    world.klien_a = KlienPmks.objects.create(
        nama="Mbah Sarno",
        jenis_kelamin=KlienPmks.JenisKelamin.LAKI_LAKI,
        kelurahan=world.keluarga_a.kelurahan,
        kategori=KategoriPmks.objects.get(kode="lansia_terlantar"),
        pendamping=world.profil_a,
        dicatat_oleh=world.users["pendamping_a"],
    )
    world.rujukan_a = Rujukan.objects.create(
        keluarga=world.keluarga_a,
        pendamping=world.profil_a,
        kasus=world.kasus_a,
        tujuan=Rujukan.Tujuan.SEKOLAH,
        tanggal_kirim=datetime.date(2025, 3, 2),
        dicatat_oleh=world.users["pendamping_a"],
    )
    world.arahan_a = Arahan.objects.create(
        judul="Validasi data bulan ini",
        isi="Mohon selesaikan validasi.",
        tanggal=datetime.date(2025, 3, 3),
        dibuat_oleh=world.users["koordinator"],
    )
    ArahanPenerima.objects.create(arahan=world.arahan_a, pendamping=world.profil_a)
    world.sosialisasi_a = Sosialisasi.objects.create(
        pendamping=world.profil_a,
        tanggal=datetime.date(2025, 3, 4),
        tempat="Balai kelurahan",
        topik="Syarat PKH",
        jumlah_peserta=20,
        dicatat_oleh=world.users["pendamping_a"],
    )
