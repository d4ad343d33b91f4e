"""Access rules of the kpm URLs for tests/test_access_matrix.py."""

from tests.access import Rule, ok_for

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
