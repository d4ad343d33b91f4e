"""Issue 20, RHK 1: a large payout list is checked and applied by a real Celery worker while
the page shows its progress; a job that cannot be queued or that fails says so."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpm import services, tasks
from kpm.models import Penyaluran
from kpm.models import UnggahanPenyaluran as U
from tests.conftest import wait_until
from tests.dtsen.test_fault_restart import _free_port, _publish_to
from tests.factories import keluarga_with_pengurus

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _daftar(keluarga, tahap: int = 1) -> bytes:
    rows = [f"'{k.no_kk};{tahap};2026;750000;TERSALUR" for k in keluarga]
    return ("\n".join(["NO KK;TAHAP;TAHUN;NOMINAL;STATUS", *rows]) + "\n").encode()


def _status(pk: int) -> str:
    return U.objects.get(pk=pk).status


def test_a_large_list_is_checked_and_applied_by_the_worker(
    celery_worker, client, operator, kota_metro, settings
):
    # given: every list counts as large
    settings.PENYALURAN_LANGSUNG_MAX_BYTES = 0
    settings.PENYALURAN_LANGSUNG_MAX_BARIS = 0
    keluarga = [keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"]) for _ in range(30)]
    client.force_login(operator)
    # when: uploaded
    response = client.post(
        reverse("kpm:penyaluran-unggah"),
        {"berkas": SimpleUploadedFile("salur.csv", _daftar(keluarga))},
    )
    unggahan = U.objects.get()
    # then: the page follows the worker
    assert response.status_code == 302
    progres = reverse("kpm:penyaluran-unggahan-progress", args=[unggahan.pk])
    wait_until(lambda: _status(unggahan.pk) == U.Status.SIAP)
    fragment = client.get(progres)
    assert fragment["HX-Refresh"] == "true"
    unggahan.refresh_from_db()
    assert (unggahan.baris_dibaca, unggahan.baru, unggahan.progres) == (30, 30, 100)
    assert unggahan.dialek == "CSV, pemisah titik koma, pengodean UTF-8"
    # when: applied, also by the worker
    client.post(reverse("kpm:penyaluran-unggahan-terapkan", args=[unggahan.pk]))
    wait_until(lambda: _status(unggahan.pk) == U.Status.DITERAPKAN)
    # then
    assert Penyaluran.objects.count() == 30
    assert not U.objects.get(pk=unggahan.pk).berkas


def test_a_check_that_fails_in_the_worker_says_so(celery_worker, operator, kota_metro):
    # given: the stored file disappeared before the worker read it
    unggahan = services.penyaluran_unggah(
        berkas=ContentFile(b"NO KK;TAHAP\n", name="salur.csv"), nama_file="salur.csv", oleh=operator
    )
    unggahan.berkas.delete(save=False)
    # when
    tasks.penyaluran_periksa_task.delay(unggahan.pk)
    # then
    wait_until(lambda: _status(unggahan.pk) == U.Status.GAGAL)
    assert U.objects.get(pk=unggahan.pk).pesan_gagal == services.PESAN_GAGAL_SISTEM


def test_with_the_queue_down_the_upload_fails_at_once(client, operator, kota_metro, settings):
    # given: Redis unreachable for the web side
    settings.PENYALURAN_LANGSUNG_MAX_BYTES = 0
    keluarga = keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"])
    client.force_login(operator)
    # when
    with _publish_to(f"redis://127.0.0.1:{_free_port()}/0"):
        response = client.post(
            reverse("kpm:penyaluran-unggah"),
            {"berkas": SimpleUploadedFile("salur.csv", _daftar([keluarga]))},
        )
    # then: the page says the queue is unavailable; the list can be uploaded again later
    unggahan = U.objects.get()
    assert response.status_code == 302
    assert (unggahan.status, unggahan.pesan_gagal) == (U.Status.GAGAL, services.PESAN_ANTREAN)
    page = client.get(response["Location"]).content.decode()
    assert services.PESAN_ANTREAN in page
