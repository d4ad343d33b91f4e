"""Access rules of the verifikasi URLs for tests/test_access_matrix.py."""

from kpm.models import Keluarga
from tests.access import Rule, ok_for
from tests.factories import keluarga_with_pengurus
from tests.verifikasi.komitmen_objects import build_komitmen
from verifikasi.models import GraduasiTanpaProses

LOGIN = {"anonim": 302}


def _a(world):
    return {"pk": world.keluarga_a.pk}


# --- Verifikasi komitmen, usulan, graduasi, Sekolah Rakyat ----------------------------
# Pendamping A's objects in Hadimulyo Barat (Metro Pusat: the koordinator's area too).
# Recording is for the office and pendamping (koordinator reads); deciding is the office's.
def _usulan_a(world):
    return {"pk": world.usulan_a.pk}


def _graduasi_a(world):
    return {"pk": world.graduasi_a.pk}


def _graduasi_lulus_a(world):
    return {"pk": world.graduasi_lulus_a.pk}


def _anak_sr_a(world):
    # The dtsen build applies snapshots after ours, which re-ranks every family's desil:
    # make the child's family desil 1 again (a Sekolah Rakyat candidate).
    Keluarga.objects.filter(pk=world.anak_sr_a.keluarga_id).update(desil=1)
    return {"pk": world.anak_sr_a.pk}


def _tanpa_proses_a(world):
    """A family of pendamping A graduated around the pipeline (issue 20), made once."""
    if "tanpa_proses_a" not in world.extra:
        keluarga = keluarga_with_pengurus(
            kelurahan=world.kota_metro["Hadimulyo Barat"], pendamping=world.users["pendamping_a"]
        )
        Keluarga.objects.filter(pk=keluarga.pk).update(status=Keluarga.Status.GRADUASI)
        world.tanpa_proses_a = GraduasiTanpaProses.objects.create(
            keluarga=keluarga, status_ditemukan=Keluarga.Status.GRADUASI
        )
    return {"pk": world.tanpa_proses_a.pk}


_ALL = ("admin", "operator", "koordinator", "pendamping_a", "pendamping_b")
_PEREKAM = ("admin", "operator", "pendamping_a", "pendamping_b")
RULES = {
    "verifikasi:komitmen-bulan": Rule({**LOGIN, **ok_for(*_ALL)}),
    "verifikasi:komitmen-impor": Rule({**LOGIN, **ok_for(*_PEREKAM)}),
    # an empty apply has no signed preview: back to the upload page
    "verifikasi:komitmen-impor-terapkan": Rule(
        {**LOGIN, **ok_for(*_PEREKAM, ok=302)}, method="post"
    ),
    "verifikasi:usulan-list": Rule({**LOGIN, **ok_for("admin", "operator", "koordinator")}),
    "verifikasi:usulan-evaluasi": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=400)}, method="post"
    ),
    "verifikasi:usulan-putuskan": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=400)}, kwargs=_usulan_a, method="post"
    ),
    "verifikasi:graduasi-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    # Issue 19: the rakor report's graduation and visit lists, scoped like the families.
    "verifikasi:graduasi-lulus-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "verifikasi:sekolah-rakyat-kunjungan-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "verifikasi:graduasi-create": Rule(
        {**LOGIN, **ok_for("admin", "operator", "pendamping_a"), "pendamping_b": 404},
        kwargs=_a,
    ),
    "verifikasi:graduasi-putuskan": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=400)}, kwargs=_graduasi_a, method="post"
    ),
    "verifikasi:graduasi-bukti": Rule(
        {**LOGIN, **ok_for("admin", "operator", "koordinator", "pendamping_a", deny=404)},
        kwargs=_graduasi_a,
    ),
    "verifikasi:graduasi-surat": Rule(
        {**LOGIN, **ok_for("admin", "operator", "koordinator", "pendamping_a", deny=404)},
        kwargs=_graduasi_lulus_a,
    ),
    "verifikasi:sekolah-rakyat-list": Rule({**LOGIN, **ok_for(*_ALL)}),
    "verifikasi:sekolah-rakyat-kunjungan": Rule(
        {**LOGIN, **ok_for("admin", "operator", "pendamping_a"), "pendamping_b": 404},
        kwargs=_anak_sr_a,
    ),
    "verifikasi:sekolah-rakyat-ekspor": Rule({**LOGIN, **ok_for("admin", "operator")}),
    # Issue 20 (D2): the office completes graduations made around the pipeline.
    "verifikasi:graduasi-lengkapi-list": Rule({**LOGIN, **ok_for("admin", "operator")}),
    "verifikasi:graduasi-lengkapi": Rule(
        {**LOGIN, **ok_for("admin", "operator")}, kwargs=_tanpa_proses_a
    ),
}


def build(world):
    """A proposal, an open and a decided graduation and a Sekolah Rakyat candidate, all of
    pendamping A's families in Hadimulyo Barat."""
    build_komitmen(world)
