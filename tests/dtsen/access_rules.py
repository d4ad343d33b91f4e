"""Access rules of the dtsen URLs (imports, desil changes, reconciliation, findings) for
tests/test_access_matrix.py.

`build` adds: two applied DTSEN snapshots (June with a rejected row, September), a finished
KPM-vs-DTSEN run whose findings include family A's pengurus (Hadimulyo Barat, pendamping A)
and family B's (Iring Mulyo), an evidence file on A's finding and an operator's SIKS-NG export.
"""

from __future__ import annotations

import datetime
import io

from django.core.files import File
from django.core.files.base import ContentFile

from dtsen import services
from dtsen.models import EksporSiks, Jenis, Rekonsiliasi, Temuan
from tests.access import Rule, ok_for
from tests.dtsen.conftest import HEADERS, orang

LOGIN = {"anonim": 302}
ADMIN = {**LOGIN, **ok_for("admin")}
KANTOR = ("admin", "operator", "koordinator")
PDF = b"%PDF-1.4\n% bukti kunjungan\n"


def _snapshot(world, nama: str, tanggal: datetime.date, rows: list[list[object]]):
    buffer = io.StringIO()
    buffer.write("|".join(HEADERS) + "\r\n")
    for row in rows:
        buffer.write("|".join(str(v) for v in row) + "\r\n")
    snapshot = services.snapshot_create(
        jenis=Jenis.DTSEN,
        tanggal_data=tanggal,
        wilayah=world.kota_metro["Kota Metro"],
        file=File(io.BytesIO(buffer.getvalue().encode()), name=nama),
        nama_file=nama,
        created_by=world.users["admin"],
    )
    services.snapshot_load_rows(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    services.snapshot_apply(snapshot=snapshot, applied_by=world.users["admin"])
    return snapshot


def build(world) -> None:
    world.snapshot_lama = _snapshot(
        world, "juni.csv", datetime.date(2025, 6, 30), [orang(1), orang(2, desil="11")]
    )
    world.snapshot_baru = _snapshot(
        world, "september.csv", datetime.date(2025, 9, 30), [orang(1, desil="5")]
    )
    run = services.rekonsiliasi_create(
        jenis=Rekonsiliasi.Jenis.KPM_DTSEN,
        wilayah=world.kota_metro["Kota Metro"],
        started_by=world.users["operator"],
    )
    services.rekonsiliasi_run(rekonsiliasi_id=run.pk)
    world.rekonsiliasi = run
    world.temuan_a = Temuan.objects.get(
        kategori="kpm_tidak_di_dtsen", nik=world.keluarga_a.pengurus.nik
    )
    services.temuan_follow_up(
        temuan=world.temuan_a,
        user=world.users["pendamping_a"],
        tahap=Temuan.Tahap.DIVERIFIKASI,
        catatan="Dikunjungi.",
        bukti=ContentFile(PDF, name="kunjungan.pdf"),
        jenis_bukti="foto",
        tipe_bukti="application/pdf",
    )
    world.riwayat_a = world.temuan_a.riwayat.get()
    ekspor = EksporSiks(
        jenis=EksporSiks.Jenis.NONAKTIF, dibuat_oleh=world.users["operator"], jumlah_baris=0
    )
    ekspor.file.save("siks.xlsx", ContentFile(b"PK"), save=False)
    ekspor.save()
    world.ekspor = ekspor


def _snapshot_kwargs(world):
    return {"pk": world.snapshot_lama.pk}


def _penerapan(world):
    return {"pk": world.snapshot_lama.penerapan.get().pk}


def _perubahan(world):
    return {
        "lama_id": world.snapshot_lama.pk,
        "baru_id": world.snapshot_baru.pk,
        "kecamatan_id": world.kota_metro["Metro Pusat"].pk,
    }


def _run(world):
    return {"pk": world.rekonsiliasi.pk}


def _temuan(world):
    return {"pk": world.temuan_a.pk}


RULES = {
    # --- Imports (issue #6): the admin only ---------------------------------------------
    "dtsen:snapshot-list": Rule(ADMIN),
    "dtsen:snapshot-create": Rule(ADMIN),
    "dtsen:snapshot-detail": Rule(ADMIN, kwargs=_snapshot_kwargs),
    "dtsen:snapshot-progress": Rule(ADMIN, kwargs=_snapshot_kwargs),
    # An applied snapshot: no mapping to save, no confirmation sent, nothing to cancel/requeue.
    "dtsen:snapshot-mapping": Rule(
        {**LOGIN, **ok_for("admin", ok=400)}, kwargs=_snapshot_kwargs, method="post"
    ),
    "dtsen:snapshot-apply": Rule(
        {**LOGIN, **ok_for("admin", ok=400)}, kwargs=_snapshot_kwargs, method="post"
    ),
    "dtsen:snapshot-cancel": Rule(
        {**LOGIN, **ok_for("admin", ok=302)}, kwargs=_snapshot_kwargs, method="post"
    ),
    "dtsen:snapshot-requeue": Rule(
        {**LOGIN, **ok_for("admin", ok=302)}, kwargs=_snapshot_kwargs, method="post"
    ),
    "dtsen:snapshot-report": Rule(ADMIN, kwargs=_snapshot_kwargs),
    # Issue 15: a history snapshot cannot be undone, an applied apply is not waiting for
    # approval: the admin is sent back to the page with the reason, nothing changes.
    "dtsen:snapshot-undo": Rule(
        {**LOGIN, **ok_for("admin", ok=302)}, kwargs=_snapshot_kwargs, method="post"
    ),
    "dtsen:penerapan-approve": Rule(
        {**LOGIN, **ok_for("admin", ok=302)}, kwargs=_penerapan, method="post"
    ),
    "dtsen:penerapan-reject": Rule(
        {**LOGIN, **ok_for("admin", ok=302)}, kwargs=_penerapan, method="post"
    ),
    "dtsen:perubahan-desil": Rule({**LOGIN, **ok_for(*KANTOR)}),
    "dtsen:perubahan-desil-kecamatan": Rule({**LOGIN, **ok_for(*KANTOR)}, kwargs=_perubahan),
    "dtsen:perubahan-desil-export": Rule(
        {**LOGIN, **ok_for(*KANTOR)}, kwargs=_perubahan, method="post"
    ),
    # --- Reconciliation runs (issue #7): the office; pendamping see findings only --------
    "dtsen:rekonsiliasi-list": Rule({**LOGIN, **ok_for(*KANTOR)}),
    "dtsen:rekonsiliasi-create": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=400)}, method="post"
    ),
    "dtsen:rekonsiliasi-detail": Rule({**LOGIN, **ok_for(*KANTOR)}, kwargs=_run),
    "dtsen:rekonsiliasi-progress": Rule({**LOGIN, **ok_for(*KANTOR)}, kwargs=_run),
    # A finished run: nothing to cancel, sent back with a message.
    "dtsen:rekonsiliasi-cancel": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=302)}, kwargs=_run, method="post"
    ),
    # --- Findings: pendamping A's family; pendamping B guesses the id → 404 ----------------
    "dtsen:temuan-list": Rule({**LOGIN, **ok_for(*KANTOR, "pendamping_a", "pendamping_b")}),
    "dtsen:temuan-summary": Rule({**LOGIN, **ok_for(*KANTOR)}),
    "dtsen:kecocokan-presisi": Rule({**LOGIN, **ok_for(*KANTOR)}),
    "dtsen:temuan-assign-bulk": Rule({**LOGIN, **ok_for(*KANTOR, ok=302)}, method="post"),
    "dtsen:temuan-detail": Rule(
        {**LOGIN, **ok_for(*KANTOR, "pendamping_a", deny=404)}, kwargs=_temuan
    ),
    "dtsen:temuan-assign": Rule(
        {**LOGIN, **ok_for(*KANTOR, ok=400), "pendamping_b": 404},
        kwargs=_temuan,
        method="post",
    ),
    "dtsen:temuan-follow-up": Rule(
        {**LOGIN, **ok_for(*KANTOR, "pendamping_a", ok=400, deny=404)},
        kwargs=_temuan,
        method="post",
    ),
    "dtsen:temuan-bukti": Rule(
        {**LOGIN, **ok_for(*KANTOR, "pendamping_a", deny=404)},
        kwargs=lambda w: {"pk": w.temuan_a.pk, "riwayat_pk": w.riwayat_a.pk},
    ),
    # --- SIKS-NG lists: admin and operator ------------------------------------------------
    "dtsen:siks-list": Rule({**LOGIN, **ok_for("admin", "operator")}),
    "dtsen:siks-export": Rule(
        {**LOGIN, **ok_for("admin", "operator", ok=302)},
        kwargs=lambda w: {"jenis": "nonaktif"},
        method="post",
    ),
    # The operator's own export; the admin sees every export.
    "dtsen:siks-download": Rule(
        {**LOGIN, **ok_for("admin", "operator")}, kwargs=lambda w: {"pk": w.ekspor.pk}
    ),
}
