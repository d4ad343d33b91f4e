"""Access rules of the p2k2 URLs for tests/test_access_matrix.py.

Pendamping A's group in Hadimulyo Barat (Metro Pusat, the koordinator's area) with one held
meeting (photo, attendance, an open conflict). Changes are for admins, operators and the
group's pendamping; the koordinator reads (403 on changes); pendamping B gets 404.
"""

import datetime
import importlib
import uuid

from django.apps import apps
from django.core.files.base import ContentFile

from dinsos.pengaturan import today
from p2k2 import services
from p2k2.models import KonflikKehadiran, Sesi
from pendamping import services as pendamping_services
from tests.access import Rule, ok_for

LOGIN = {"anonim": 302}
_ALL = ("admin", "operator", "koordinator", "pendamping_a", "pendamping_b")
_MELIHAT = ("admin", "operator", "koordinator", "pendamping_a")  # pendamping B: 404
_PENGELOLA = {**ok_for("admin", "operator", "pendamping_a"), "pendamping_b": 404}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _kelompok(world):
    return {"pk": world.kelompok_a.pk}


def _pertemuan(world):
    return {"pk": world.pertemuan_a.pk}


def _konflik(world):
    return {"pk": world.konflik_a.pk}


def _token_kepuasan(world):
    return {"token": world.token_kepuasan}


def _kelola(ok=200):
    return {**LOGIN, **{k: (ok if v == 200 else v) for k, v in _PENGELOLA.items()}}


RULES = {
    "p2k2:kelompok-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    # Issue 19: meetings by month and kecamatan, scoped like the groups (pendamping B: none).
    "p2k2:pertemuan-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "p2k2:kelompok-create": Rule(
        {**LOGIN, **ok_for("admin", "operator", "pendamping_a", "pendamping_b")}
    ),
    "p2k2:kelompok-detail": Rule({**LOGIN, **ok_for(*_MELIHAT, deny=404)}, kwargs=_kelompok),
    "p2k2:kelompok-update": Rule(_kelola(), kwargs=_kelompok),
    # an empty POST is refused by the form (400) once access is granted
    "p2k2:anggota-tambah": Rule(_kelola(400), kwargs=_kelompok, method="post"),
    "p2k2:anggota-pindah": Rule(_kelola(400), kwargs=_kelompok, method="post"),
    "p2k2:anggota-keluar": Rule(_kelola(400), kwargs=_kelompok, method="post"),
    "p2k2:pertemuan-create": Rule(_kelola(), kwargs=_kelompok),
    "p2k2:kehadiran-baru": Rule(_kelola(), kwargs=_kelompok),
    "p2k2:kehadiran-sinkron": Rule(_kelola(400), kwargs=_kelompok, method="post"),
    "p2k2:pertemuan-detail": Rule({**LOGIN, **ok_for(*_MELIHAT, deny=404)}, kwargs=_pertemuan),
    "p2k2:pertemuan-update": Rule(_kelola(), kwargs=_pertemuan),
    "p2k2:kehadiran": Rule(_kelola(), kwargs=_pertemuan),
    "p2k2:pertemuan-foto": Rule({**LOGIN, **ok_for(*_MELIHAT, deny=404)}, kwargs=_pertemuan),
    "p2k2:daftar-hadir": Rule({**LOGIN, **ok_for(*_MELIHAT, deny=404)}, kwargs=_pertemuan),
    "p2k2:siks-ng": Rule(_kelola(), kwargs=_pertemuan),
    # an empty choice changes nothing and goes back to the meeting
    "p2k2:konflik-resolve": Rule(_kelola(302), kwargs=_konflik, method="post"),
    "p2k2:rekap": Rule({**LOGIN, **ok_for(*_ALL)}),
    "p2k2:rekap-alfa": Rule({**LOGIN, **ok_for(*_ALL)}),
    "p2k2:rekap-kurikulum": Rule({**LOGIN, **ok_for(*_ALL)}),
    # the service worker script holds no data
    "p2k2:service-worker": Rule({"anonim": 200, **ok_for(*_ALL)}),
    # Issue 20 (D10): the family's satisfaction page is public; the token is the key (a GET
    # only shows the form). The operator kelurahan/desa opens only its own pages.
    "p2k2:kepuasan-isi": Rule({"anonim": 200, **ok_for(*_ALL)}, kwargs=_token_kepuasan),
}


def build(world):
    """Pendamping A's group with keluarga A, a complete held meeting and an open conflict."""
    importlib.import_module("p2k2.migrations.0002_kurikulum_awal").seed(apps, None)
    pendamping = world.users["pendamping_a"]
    kelompok = services.kelompok_create(
        data={
            "nama": "Melati",
            "pendamping": pendamping,
            "kelurahan": world.kota_metro["Hadimulyo Barat"],
            "tempat": "Balai",
        },
        oleh=pendamping,
    )
    services.keanggotaan_tambah(
        kelompok=kelompok,
        keluarga_ids=[world.keluarga_a.pk],
        oleh=pendamping,
        tanggal=datetime.date(2025, 1, 1),
    )
    pertemuan = services.pertemuan_create(
        kelompok=kelompok,
        data={
            "sesi": Sesi.objects.get(modul__nama="Kesehatan dan Gizi", urutan=1),
            "tanggal": datetime.date(2025, 3, 10),
            "jam_mulai": datetime.time(9, 0),
            "jam_selesai": datetime.time(10, 30),
            "tempat": "Balai",
            "narasumber_1": "Sri Lestari (Pendamping PKH)",
            "deskripsi": "Pertemuan rutin.",
        },
        oleh=pendamping,
    )
    pertemuan.foto.save("kegiatan.jpg", ContentFile(JPEG))
    for oleh, status in ((pendamping, "alfa"), (world.users["operator"], "sakit")):
        services.kehadiran_submit(
            pertemuan=pertemuan,
            kiriman_id=uuid.uuid4(),
            tanda=[services.Tanda(world.keluarga_a.pk, status, "", 0)],
            oleh=oleh,
        )
    world.kelompok_a = kelompok
    world.pertemuan_a = pertemuan
    world.konflik_a = KonflikKehadiran.objects.get(pertemuan=pertemuan)
    # Pendamping A's profile comes from tests/pendamping/access_rules.py (built before).
    token = pendamping_services.tautan_siapkan(keluarga_ids=[world.keluarga_a.pk], hari=today())
    world.token_kepuasan = token[world.keluarga_a.pk]
