"""Demo graduations go through the pipeline (issue 20, D2): every demo family at graduasi has
its decided graduasi record, so none lands in the "Lengkapi graduasi" worklist."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from demo.graduasi import generate_graduasi
from dinsos.models import User
from kpm.models import Keluarga, RiwayatStatus
from verifikasi.models import Graduasi, GraduasiTanpaProses

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--keluarga", "200", stdout=out)
    return out.getvalue()


def test_every_demo_graduation_has_a_decided_record(demo):
    # given
    lulus = Keluarga.objects.filter(status=Keluarga.Status.GRADUASI)
    # then
    assert lulus.count() > 5
    records = Graduasi.objects.filter(keluarga__in=lulus)
    assert sorted(records.values_list("keluarga_id", flat=True)) == sorted(
        lulus.values_list("pk", flat=True)
    )
    assert set(records.values_list("status", flat=True)) == {Graduasi.Status.DITERIMA}
    assert f"Graduasi demo: {lulus.count()} usulan diputuskan." in demo
    admin = User.objects.get(username="admin")
    for g in records.select_related("keluarga"):
        assert g.diputuskan_oleh_id == admin.pk != g.diusulkan_oleh_id  # four eyes
        assert g.tanggal_usulan < g.tanggal_graduasi
        assert g.nomor_surat == f"{g.pk:04d}/GRAD-PKH/{g.tanggal_graduasi.year}"
        assert g.pendamping_id == g.keluarga.pendamping_id
        assert bool(g.bukti) == (g.jenis == Graduasi.Jenis.MANDIRI)
    assert set(records.values_list("jenis", flat=True)) == {"mandiri", "alamiah"}


def test_the_history_shows_the_proposal_then_the_decision(demo):
    # given
    keluarga = Keluarga.objects.filter(status=Keluarga.Status.GRADUASI).first()
    graduasi = Graduasi.objects.get(keluarga=keluarga)
    # when
    steps = list(
        RiwayatStatus.objects.filter(keluarga=keluarga)
        .order_by("created_at")
        .values_list("dari", "ke", "oleh_id")
    )
    # then
    assert steps == [
        ("", "aktif", graduasi.diputuskan_oleh_id),
        ("aktif", "calon_graduasi", graduasi.diusulkan_oleh_id),
        ("calon_graduasi", "graduasi", graduasi.diputuskan_oleh_id),
    ]


def test_the_worklist_report_finds_no_demo_family(demo, client):
    # when: the data migration's check for graduations made around the pipeline runs again
    migration = importlib.import_module("verifikasi.migrations.0004_laporan_graduasi_tanpa_proses")
    migration.laporkan(django_apps, None)
    # then
    assert GraduasiTanpaProses.objects.count() == 0
    client.force_login(User.objects.get(username="operator"))
    page = client.get(reverse("verifikasi:graduasi-lengkapi-list"))
    assert page.status_code == 200
    assert "Lengkapi graduasi (jenis dan bukti)" not in client.get("/").content.decode()


def test_the_evidence_of_a_mandiri_graduation_opens(demo, client):
    # given
    graduasi = Graduasi.objects.filter(jenis=Graduasi.Jenis.MANDIRI).first()
    client.force_login(User.objects.get(username="admin"))
    # when
    response = client.get(reverse("verifikasi:graduasi-bukti", args=[graduasi.pk]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_a_second_run_adds_nothing(demo):
    # given
    before = Graduasi.objects.count()
    # when
    written = generate_graduasi()
    # then
    assert written == 0
    assert Graduasi.objects.count() == before
