"""Reconciliation through the real Celery worker: in one task or as a chord per kecamatan, a
cancel seen between two steps, and a failure that leaves the findings alone."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from dtsen import services, tasks
from dtsen.models import Rekonsiliasi, Temuan, TemuanHasil
from dtsen.tasks import rekonsiliasi_run_task
from tests.conftest import wait_until
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, keluarga, terapkan

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
J = Rekonsiliasi.Jenis
S = Rekonsiliasi.Status

HADIR = Orang(1, "Budi Santoso", kk=1)  # in DTSEN, desil 7
HILANG = Orang(2, "Paijo", kk=2)  # not in DTSEN
TIMUR = Orang(3, "Painem", jk="P", kk=3)  # Iring Mulyo, not in DTSEN


@pytest.fixture
def sumber(muat, admin, tmp_path, kota_metro):
    terapkan(muat, admin, tmp_path, [dtsen_row(HADIR, desil=7)])
    keluarga(HADIR, kelurahan=kota_metro["Hadimulyo Barat"])
    keluarga(HILANG, kelurahan=kota_metro["Hadimulyo Barat"])
    keluarga(TIMUR, kelurahan=kota_metro["Iring Mulyo"])
    return kota_metro["Kota Metro"]


def _found() -> list[tuple[str, str]]:
    return sorted(
        (t.kategori, t.nik or t.no_kk) for t in Temuan.objects.filter(closed_at__isnull=True)
    )


EXPECTED = [
    ("desil_di_atas_pkh", HADIR.no_kk),
    ("kpm_tanpa_desil", HILANG.no_kk),
    ("kpm_tanpa_desil", TIMUR.no_kk),
    ("kpm_tidak_di_dtsen", HILANG.nik),
    ("kpm_tidak_di_dtsen", TIMUR.nik),
]


@pytest.mark.parametrize("mode", ["tunggal", "chord"])
def test_operator_starts_a_run_and_the_worker_finds_the_same_in_both_modes(
    celery_worker, client, settings, sumber, operator, mode
):
    # given
    settings.DTSEN_REKONSILIASI_MODE = mode
    client.force_login(operator)
    # when
    response = client.post(
        reverse("dtsen:rekonsiliasi-create"), {"jenis": "kpm-dtsen", "wilayah": sumber.pk}
    )
    run = Rekonsiliasi.objects.get()
    assert response["Location"] == reverse("dtsen:rekonsiliasi-detail", args=[run.pk])
    wait_until(lambda: Rekonsiliasi.objects.get(pk=run.pk).status == S.SELESAI)
    # then
    run.refresh_from_db()
    assert (run.mode, run.langkah_selesai, run.langkah_total) == (
        mode,
        run.langkah_total,
        {"tunggal": 9, "chord": 5 * 8 + 1}[mode],
    )
    assert _found() == EXPECTED
    assert run.jumlah == {"desil_di_atas_pkh": 1, "kpm_tanpa_desil": 2, "kpm_tidak_di_dtsen": 2}
    assert TemuanHasil.objects.count() == 0
    if mode == "chord":  # each kecamatan ran as its own task
        assert sorted(k for k in run.durasi if k.endswith(": total")) == [
            "Metro Barat: total",
            "Metro Pusat: total",
            "Metro Selatan: total",
            "Metro Timur: total",
            "Metro Utara: total",
        ]


def _lock_keluarga() -> psycopg.Connection:
    """Another session holds the KPM table, so the run's first step waits on it."""
    db = connection.settings_dict
    other = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or None
    )
    other.execute("LOCK TABLE kpm_keluarga IN ACCESS EXCLUSIVE MODE")
    return other


def test_a_cancel_requested_mid_run_stops_it_at_the_next_step(celery_worker, sumber, operator):
    # given: a finished earlier run, then a new one stuck in its first step
    first = services.rekonsiliasi_create(jenis=J.KPM_DTSEN, wilayah=sumber, started_by=operator)
    services.rekonsiliasi_run(rekonsiliasi_id=first.pk)
    lock = _lock_keluarga()
    try:
        run = services.rekonsiliasi_create(jenis=J.KPM_DTSEN, wilayah=sumber, started_by=operator)
        tasks.rekonsiliasi_queue(rekonsiliasi_id=run.pk)
        wait_until(lambda: Rekonsiliasi.objects.get(pk=run.pk).status == S.BERJALAN)
        # when: the operator cancels while the step runs
        services.rekonsiliasi_cancel(rekonsiliasi=run, user=operator)
    finally:
        lock.rollback()
        lock.close()
    # then: the step in progress finishes, the next check stops the run
    wait_until(lambda: Rekonsiliasi.objects.get(pk=run.pk).status == S.DIBATALKAN)
    run.refresh_from_db()
    assert (run.langkah_selesai, run.tahap, run.is_batal_diminta) == (1, "", True)
    assert _found() == EXPECTED
    assert set(Temuan.objects.values_list("last_seen_run", flat=True)) == {first.pk}
    assert TemuanHasil.objects.count() == 0


def test_a_run_failing_in_the_worker_is_marked_failed_and_changes_no_finding(
    celery_worker, sumber, operator
):
    # given: findings from a first run; a second run whose stored rules are unreadable
    first = services.rekonsiliasi_create(jenis=J.KPM_DTSEN, wilayah=sumber, started_by=operator)
    services.rekonsiliasi_run(rekonsiliasi_id=first.pk)
    broken = services.rekonsiliasi_create(jenis=J.KPM_DTSEN, wilayah=sumber, started_by=operator)
    Rekonsiliasi.objects.filter(pk=broken.pk).update(aturan={})
    # when
    rekonsiliasi_run_task.delay(broken.pk)
    # then
    wait_until(lambda: Rekonsiliasi.objects.get(pk=broken.pk).status == S.GAGAL)
    broken.refresh_from_db()
    assert broken.pesan_gagal == (
        "Terjadi kesalahan sistem saat rekonsiliasi (KeyError). Temuan lama tidak berubah; "
        "jalankan ulang, dan bila tetap gagal hubungi pengelola sistem."
    )
    assert _found() == EXPECTED
    assert set(Temuan.objects.values_list("last_seen_run", flat=True)) == {first.pk}
