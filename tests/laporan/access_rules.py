"""Access rules of the laporan URLs for tests/test_access_matrix.py.

Two built reports of June 2025: the city's and Metro Pusat's. The admin and the operator
(Kota Metro) see both; the koordinator of Metro Pusat sees only the kecamatan's (the city's
is a 404, like a missing id); pendamping and the operator kelurahan/desa get 403 everywhere.
"""

import datetime

from laporan import services
from tests.access import Rule, ok_for

LOGIN = {"anonim": 302}
_KANTOR = ("admin", "operator", "koordinator")
_SEMUA_KANTOR = {**LOGIN, **ok_for(*_KANTOR)}
_KOTA = {**LOGIN, **ok_for("admin", "operator"), "koordinator": 404}
JUNI = datetime.date(2025, 6, 1)


def _kota(world):
    return {"pk": world.laporan_kota.pk}


def _pusat(world):
    return {"pk": world.laporan_pusat.pk}


RULES = {
    "laporan:laporan-list": Rule(_SEMUA_KANTOR),
    # An empty POST is refused by the form (400) once the role is allowed.
    "laporan:laporan-create": Rule({**LOGIN, **ok_for(*_KANTOR, ok=400)}, method="post"),
    "laporan:laporan-detail": Rule(_SEMUA_KANTOR, kwargs=_pusat),  # walked by the layout test
    "laporan:laporan-progress": Rule(_KOTA, kwargs=_kota),
    "laporan:laporan-pdf": Rule(_SEMUA_KANTOR, kwargs=_pusat),
    "laporan:laporan-xlsx": Rule(_KOTA, kwargs=_kota),
}


def build(world):
    """Both reports built in the test's own process (no worker needed)."""
    admin = world.users["admin"]
    for name, wilayah in (
        ("laporan_kota", world.kota_metro["Kota Metro"]),
        ("laporan_pusat", world.kota_metro["Metro Pusat"]),
    ):
        laporan = services.laporan_minta(wilayah=wilayah, bulan=JUNI, oleh=admin)
        setattr(world, name, services.laporan_proses(laporan=laporan))
