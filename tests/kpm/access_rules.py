"""Access rules of the kpm URLs for tests/test_access_matrix.py."""

from django.core.files.base import ContentFile
from django.utils import timezone

from kpm import services
from kpm.models import PermintaanPembatasan
from tests.access import Rule, ok_for
from tests.factories import keluarga_with_pengurus

LOGIN = {"anonim": 302}


def _a(world):
    return {"pk": world.keluarga_a.pk}


def _pengurus_a(world):
    return {"pk": world.keluarga_a.pengurus_id}


def build(world) -> None:
    # Issue 20: a restriction request about a family of its own in Hadimulyo Barat (family A
    # stays visible for the other rules).
    world.pembatasan = services.pembatasan_catat(
        keluarga=keluarga_with_pengurus(kelurahan=world.kota_metro["Hadimulyo Barat"]),
        anggota=None,
        jenis=PermintaanPembatasan.Jenis.PEMBATASAN,
        diterima_at=timezone.now(),
        dasar="Uji matriks akses.",
        oleh=world.users["admin"],
    )
    # Issue 20, RHK 1: a payout list the operator uploaded for family A, checked.
    daftar = f"NO KK;TAHAP;TAHUN;NOMINAL;STATUS\n'{world.keluarga_a.no_kk};1;2026;750000;TERSALUR\n"
    world.unggahan_penyaluran = services.penyaluran_unggah(
        berkas=ContentFile(daftar.encode(), name="salur.csv"),
        nama_file="salur.csv",
        oleh=world.users["operator"],
    )
    services.penyaluran_periksa(unggahan_id=world.unggahan_penyaluran.pk)


def _pembatasan(world):
    return {"pk": world.pembatasan.pk}


def _unggahan(world):
    return {"pk": world.unggahan_penyaluran.pk}


# Uploading payout lists: admin and operator (each sees their own uploads, the admin all);
# applying or cancelling redirects to the list's page with the outcome as a message.
_UNGGAH = {**LOGIN, **ok_for("admin", "operator")}


RULES = {
    "kpm:keluarga-list": Rule(
        {**LOGIN, **ok_for("admin", "operator", "koordinator", "pendamping_a", "pendamping_b")}
    ),
    "kpm:keluarga-create": Rule({**LOGIN, **ok_for("admin", "operator")}),
    # pendamping B guesses the id of pendamping A's family: 404, like a missing family
    "kpm:keluarga-detail": Rule(
        {**LOGIN, **ok_for("admin", "operator", "koordinator", "pendamping_a", deny=404)},
        kwargs=_a,
    ),
    "kpm:keluarga-update": Rule(
        {**LOGIN, **ok_for("admin", "operator"), "pendamping_b": 404}, kwargs=_a
    ),
    "kpm:keluarga-status": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=400), "pendamping_b": 404},
        kwargs=_a,
        method="post",
    ),
    "kpm:anggota-create": Rule(
        {**LOGIN, **ok_for("admin", "operator"), "pendamping_b": 404}, kwargs=_a
    ),
    "kpm:anggota-update": Rule(
        {**LOGIN, **ok_for("admin", "operator"), "pendamping_b": 404}, kwargs=_pengurus_a
    ),
    "kpm:anggota-nik-reveal": Rule(
        {**LOGIN, **ok_for("admin", "operator", "koordinator", "pendamping_a", ok=400, deny=404)},
        kwargs=_pengurus_a,
        method="post",
    ),
    "kpm:keluarga-akses": Rule({**LOGIN, **ok_for("admin")}, kwargs=_a),
    "kpm:anggota-data-subjek": Rule(
        {**LOGIN, **ok_for("admin", ok=302)}, kwargs=_pengurus_a, method="post"
    ),
    # Issue 20: payouts per tahap: office staff only.
    "kpm:penyaluran-list": Rule({**LOGIN, **ok_for("admin", "operator", "koordinator")}),
    "kpm:penyaluran-unggah": Rule(_UNGGAH),
    "kpm:penyaluran-unggahan": Rule(_UNGGAH, kwargs=_unggahan),
    "kpm:penyaluran-unggahan-progress": Rule(_UNGGAH, kwargs=_unggahan),
    "kpm:penyaluran-unggahan-terapkan": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=302)}, kwargs=_unggahan, method="post"
    ),
    "kpm:penyaluran-unggahan-batal": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=302)}, kwargs=_unggahan, method="post"
    ),
    # Issue 20: restriction requests: office staff read, admin and operator record, the admin
    # decides (an empty POST: 400 on the form, a redirect with a message on a decision).
    "kpm:pembatasan-list": Rule({**LOGIN, **ok_for("admin", "operator", "koordinator")}),
    "kpm:pembatasan-create": Rule({**LOGIN, **ok_for("admin", "operator", ok=400)}, method="post"),
    "kpm:pembatasan-detail": Rule(
        {**LOGIN, **ok_for("admin", "operator", "koordinator")}, kwargs=_pembatasan
    ),
    "kpm:pembatasan-putuskan": Rule(
        {**LOGIN, **ok_for("admin", ok=302)}, kwargs=_pembatasan, method="post"
    ),
    "kpm:pembatasan-cabut": Rule(
        {**LOGIN, **ok_for("admin", ok=302)}, kwargs=_pembatasan, method="post"
    ),
}
