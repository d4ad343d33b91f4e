"""Access rules of the pemutakhiran URLs for tests/test_access_matrix.py.

`usulan_dtsen_a`: a deactivation in Hadimulyo Barat made by the operator kelurahan/desa there,
about pendamping A's family (so A sees it); still a draft. Office staff of the area see it
too; B sees nothing of it (404, like a missing id). The office's steps (verify, assign,
decide) are for admin and operator: others who see the proposal get 403. An empty or
out-of-order POST from someone allowed answers 400 with the reason. `batch`: a frozen
SIKS-NG batch (sanggahan) for the download.
"""

from pemutakhiran import services
from pemutakhiran.models import Jenis, Status
from tests.access import Rule, ok_for
from tests.pemutakhiran.helpers import buat, sampai

LOGIN = {"anonim": 302}
_SEMUA = ("admin", "operator", "koordinator", "pendamping_a", "pendamping_b", "operator_kelurahan")
_MELIHAT_A = ("admin", "operator", "koordinator", "pendamping_a", "operator_kelurahan")
_PEMERIKSA = ("admin", "operator")


def _tolak(*personas: str, ok: int = 400) -> dict[str, int]:
    """Allowed personas get `ok`; those who see usulan_dtsen_a but may not act 403; B 404."""
    statuses = ok_for(*personas, ok=ok, deny=403)
    statuses["pendamping_b"] = 404
    return {**LOGIN, **statuses}


def _a(world):
    return {"pk": world.usulan_dtsen_a.pk}


def _bukti_a(world):
    return {"pk": world.usulan_dtsen_a.pk, "bukti_pk": world.bukti_a.pk}


RULES = {
    "pemutakhiran:usulan-list": Rule({**LOGIN, **ok_for(*_SEMUA)}),
    "pemutakhiran:usulan-create": Rule({**LOGIN, **ok_for(*_SEMUA)}),
    "pemutakhiran:usulan-detail": Rule({**LOGIN, **ok_for(*_MELIHAT_A, deny=404)}, kwargs=_a),
    "pemutakhiran:bukti-detail": Rule({**LOGIN, **ok_for(*_MELIHAT_A, deny=404)}, kwargs=_bukti_a),
    # A draft without the Musdes date: refused by the service (400) for whoever may submit.
    "pemutakhiran:usulan-ajukan": Rule(_tolak(*_MELIHAT_A), kwargs=_a, method="post"),
    "pemutakhiran:usulan-verifikasi": Rule(_tolak(*_PEMERIKSA), kwargs=_a, method="post"),
    "pemutakhiran:usulan-tugaskan": Rule(_tolak(*_PEMERIKSA), kwargs=_a, method="post"),
    "pemutakhiran:usulan-hasil-lapangan": Rule(_tolak(*_PEMERIKSA), kwargs=_a, method="post"),
    "pemutakhiran:usulan-setujui": Rule(_tolak(*_PEMERIKSA), kwargs=_a, method="post"),
    # Rejecting is the office's; the operator kelurahan/desa withdraws what it made.
    "pemutakhiran:usulan-tolak": Rule(
        _tolak(*_PEMERIKSA, "operator_kelurahan"), kwargs=_a, method="post"
    ),
    "pemutakhiran:batch-list": Rule({**LOGIN, **ok_for(*_PEMERIKSA)}),
    # An empty POST: back to the batch page with a message.
    "pemutakhiran:batch-ekspor": Rule({**LOGIN, **ok_for(*_PEMERIKSA, ok=302)}, method="post"),
    "pemutakhiran:batch-unduh": Rule(
        {**LOGIN, **ok_for(*_PEMERIKSA)}, kwargs=lambda w: {"pk": w.batch.pk}
    ),
    "pemutakhiran:rekap": Rule({**LOGIN, **ok_for("admin", "operator", "koordinator")}),
}


def build(world):
    users = world.users
    hadimulyo = world.kota_metro["Hadimulyo Barat"]
    world.usulan_dtsen_a = buat(
        oleh=users["operator_kelurahan"],
        kelurahan=hadimulyo,
        nik=world.keluarga_a.pengurus.nik,
        nama=world.keluarga_a.pengurus.nama,
    )
    world.bukti_a = world.usulan_dtsen_a.bukti.get()
    sanggahan = buat(
        oleh=users["operator"],
        kelurahan=hadimulyo,
        nik=world.keluarga_a.pengurus.nik,
        nama=world.keluarga_a.pengurus.nama,
        jenis=Jenis.SANGGAHAN,
        alasan="",
        nilai={"no_kk": world.keluarga_a.no_kk, "keterangan": "Rumah masih semi permanen."},
        bukti=False,
    )
    sanggahan = sampai(
        sanggahan,
        Status.DISETUJUI,
        pemeriksa=users["operator"],
        petugas=users["pendamping_a"],
        pengesah=users["admin"],
    )
    world.batch = services.batch_ekspor(
        bulan=sanggahan.bulan, jenis=Jenis.SANGGAHAN, oleh=users["admin"]
    )
