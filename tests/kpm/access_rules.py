"""Access rules of the kpm URLs for tests/test_access_matrix.py."""

from kpm.models import Keluarga
from tests.access import Rule, ok_for
from tests.kpm.komitmen_objects import build_komitmen

LOGIN = {"anonim": 302}


def _a(world):
    return {"pk": world.keluarga_a.pk}


def _pengurus_a(world):
    return {"pk": world.keluarga_a.pengurus_id}


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
}


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


_ALL = ("admin", "operator", "koordinator", "pendamping_a", "pendamping_b")
_PEREKAM = ("admin", "operator", "pendamping_a", "pendamping_b")
RULES.update(
    {
        "kpm:komitmen-bulan": Rule({**LOGIN, **ok_for(*_ALL)}),
        "kpm:komitmen-impor": Rule({**LOGIN, **ok_for(*_PEREKAM)}),
        # an empty apply has no signed preview: back to the upload page
        "kpm:komitmen-impor-terapkan": Rule({**LOGIN, **ok_for(*_PEREKAM, ok=302)}, method="post"),
        "kpm:usulan-list": Rule({**LOGIN, **ok_for("admin", "operator", "koordinator")}),
        "kpm:usulan-evaluasi": Rule(
            {**LOGIN, **ok_for("admin", "operator", ok=400)}, method="post"
        ),
        "kpm:usulan-putuskan": Rule(
            {**LOGIN, **ok_for("admin", "operator", ok=400)}, kwargs=_usulan_a, method="post"
        ),
        "kpm:graduasi-list": Rule({**LOGIN, **ok_for(*_ALL)}),
        "kpm:graduasi-create": Rule(
            {**LOGIN, **ok_for("admin", "operator", "pendamping_a"), "pendamping_b": 404},
            kwargs=_a,
        ),
        "kpm:graduasi-putuskan": Rule(
            {**LOGIN, **ok_for("admin", "operator", ok=400)}, kwargs=_graduasi_a, method="post"
        ),
        "kpm:graduasi-bukti": Rule(
            {**LOGIN, **ok_for("admin", "operator", "koordinator", "pendamping_a", deny=404)},
            kwargs=_graduasi_a,
        ),
        "kpm:graduasi-surat": Rule(
            {**LOGIN, **ok_for("admin", "operator", "koordinator", "pendamping_a", deny=404)},
            kwargs=_graduasi_lulus_a,
        ),
        "kpm:sekolah-rakyat-list": Rule({**LOGIN, **ok_for(*_ALL)}),
        "kpm:sekolah-rakyat-kunjungan": Rule(
            {**LOGIN, **ok_for("admin", "operator", "pendamping_a"), "pendamping_b": 404},
            kwargs=_anak_sr_a,
        ),
        "kpm:sekolah-rakyat-ekspor": Rule({**LOGIN, **ok_for("admin", "operator")}),
    }
)


def build(world):
    """A proposal, an open and a decided graduation and a Sekolah Rakyat candidate, all of
    pendamping A's families in Hadimulyo Barat."""
    build_komitmen(world)
