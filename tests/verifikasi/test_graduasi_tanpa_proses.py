"""Issue 20 (D2): families that graduated around the pipeline are reported by a data
migration into the "Lengkapi graduasi" worklist, and the office completes them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from dinsos import selectors as dinsos_selectors
from kpm.models import Keluarga
from tests.factories import keluarga_with_pengurus
from tests.verifikasi.empat_mata import empat_mata_mati  # noqa: F401  (not the point here)
from tests.verifikasi.komitmen_helpers import pelanggaran_berulang
from tests.verifikasi.komitmen_objects import surat_pdf
from verifikasi import services
from verifikasi.models import Graduasi, GraduasiTanpaProses

SEBELUM = [("verifikasi", "0003_graduasitanpaproses")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_migration_lists_a_family_graduated_around_the_pipeline(kota_metro, pendamping_hadimulyo):
    # given: one family made graduasi on the family page (no record), one proposed properly
    hadimulyo = kota_metro["Hadimulyo Barat"]
    di_luar = keluarga_with_pengurus(kelurahan=hadimulyo, pendamping=pendamping_hadimulyo)
    Keluarga.objects.filter(pk=di_luar.pk).update(status=Keluarga.Status.GRADUASI)
    lewat_alur = keluarga_with_pengurus(kelurahan=hadimulyo, pendamping=pendamping_hadimulyo)
    pelanggaran_berulang(lewat_alur)  # D6: paksa needs repeatedly broken commitments
    services.graduasi_propose(
        keluarga=lewat_alur, jenis="paksa", alasan="Surat kelurahan", bukti=surat_pdf(),
        oleh=pendamping_hadimulyo,
    )  # fmt: skip
    keluarga_with_pengurus(kelurahan=hadimulyo)  # aktif: not listed
    try:
        _migrate(SEBELUM)
    finally:
        # when: the data migration runs
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    # then: only the family that skipped the pipeline is listed; nothing else changed
    assert list(GraduasiTanpaProses.objects.values_list("keluarga_id", "status_ditemukan")) == [
        (di_luar.pk, "graduasi")
    ]
    di_luar.refresh_from_db()
    assert di_luar.status == "graduasi"
    assert Graduasi.objects.filter(keluarga=di_luar).count() == 0


@pytest.fixture
def di_luar(kota_metro, pendamping_hadimulyo):
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    Keluarga.objects.filter(pk=keluarga.pk).update(status=Keluarga.Status.GRADUASI)
    return GraduasiTanpaProses.objects.create(keluarga=keluarga, status_ditemukan="graduasi")


@pytest.mark.django_db
def test_office_sees_the_worklist_on_beranda_with_the_same_count(client, operator, di_luar):
    client.force_login(operator)
    items = [
        i for i in dinsos_selectors.beranda_items(user=operator) if i.judul.startswith("Lengkapi")
    ]
    assert [(i.jumlah, i.url) for i in items] == [(1, reverse("verifikasi:graduasi-lengkapi-list"))]
    response = client.get(reverse("verifikasi:graduasi-lengkapi-list"))
    assert response.context["page"].paginator.count == 1
    assert "Lengkapi" in response.content.decode()


@pytest.mark.django_db
def test_completing_records_kind_and_evidence_and_counts_for_the_pendamping(
    client, operator, pendamping_hadimulyo, di_luar
):
    client.force_login(operator)
    url = reverse("verifikasi:graduasi-lengkapi", args=[di_luar.pk])
    # mandiri without the signed statement is refused
    refused = client.post(url, {"jenis": "mandiri", "alasan": "Warung"})
    assert refused.status_code == 400
    assert "surat pernyataan" in refused.content.decode()
    # with it, the graduation is recorded as accepted and leaves the worklist
    done = client.post(url, {"jenis": "mandiri", "alasan": "Warung", "bukti": surat_pdf()})
    assert done.status_code == 302
    graduasi = Graduasi.objects.get(keluarga=di_luar.keluarga)
    assert (graduasi.jenis, graduasi.status, graduasi.pendamping) == (
        "mandiri", "diterima", pendamping_hadimulyo,
    )  # fmt: skip
    assert graduasi.tanggal_graduasi is not None
    assert (
        client.get(reverse("verifikasi:graduasi-lengkapi-list")).context["page"].paginator.count
        == 0
    )
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_pendamping_cannot_open_the_worklist(client, pendamping_hadimulyo, di_luar):
    client.force_login(pendamping_hadimulyo)
    assert client.get(reverse("verifikasi:graduasi-lengkapi-list")).status_code == 403
