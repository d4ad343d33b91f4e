"""The demo holds an object behind every page opened by id (issue 21): a year of RHK 1/7/8/9
records and one example of each object, made through the apps' services, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from dinsos.models import User
from kpm.models import Keluarga, Penyaluran, PermintaanPembatasan, UnggahanPenyaluran
from laporan.models import LaporanBulanan as LaporanRakor
from pendamping.models import (
    Arahan,
    ArahanPenerima,
    KlienPmks,
    LaporanBulanan,
    Pendamping,
    Sosialisasi,
    TautanKepuasan,
)
from pengaduan.models import Lampiran
from verifikasi.models import Graduasi

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(kurikulum) -> str:
    # The P2K2 curriculum (a data migration) is gone after a transactional test's flush; the
    # demo's groups, and so the satisfaction links, need it.
    out = io.StringIO()
    call_command("seed_demo", "--keluarga", "200", stdout=out)
    return out.getvalue()


def _jumlah() -> dict[str, int]:
    models = (
        Penyaluran, LaporanBulanan, Arahan, ArahanPenerima, Sosialisasi, KlienPmks,
        PermintaanPembatasan, UnggahanPenyaluran, Lampiran, Graduasi, TautanKepuasan,
        LaporanRakor,
    )  # fmt: skip
    return {m._meta.label: m.objects.count() for m in models}


def test_a_year_of_rhk_records_for_every_pkh_pendamping(demo):
    # then: payouts, monthly reports, directives to every PKH pendamping with a login
    pkh = Pendamping.objects.filter(user__isnull=False, jenis__kode=Pendamping.Jenis.PKH)
    assert Penyaluran.objects.exists()
    assert LaporanBulanan.objects.values("pendamping").distinct().count() == pkh.count()
    assert Arahan.objects.count() == 24  # two a month for twelve months
    assert ArahanPenerima.objects.count() == 24 * pkh.count()
    assert "RHK demo (12 bulan):" in demo


def test_the_demo_pendamping_accounts_handle_pmks_clients(demo):
    for username in ("pendamping", "pendamping2"):
        klien = KlienPmks.objects.filter(pendamping__user__username=username)
        assert klien.count() == 3
        assert {k.dicatat_oleh.username for k in klien} == {username}


def test_one_example_of_each_object_a_page_opens_by_id(demo, client):
    # then: a restriction request waiting for the admin, from an active family a pendamping
    # serves (of Metro Pusat in the full demo)
    permintaan = PermintaanPembatasan.objects.get()
    assert permintaan.status == PermintaanPembatasan.Status.MENUNGGU
    assert permintaan.keluarga.status == Keluarga.Status.AKTIF
    assert permintaan.keluarga.pendamping_id is not None
    # a payout list applied (its file gone, as the service does), with what it changed
    unggahan = UnggahanPenyaluran.objects.get()
    assert unggahan.status == UnggahanPenyaluran.Status.DITERAPKAN
    assert unggahan.diubah == unggahan.baris_valid > 0
    assert not unggahan.berkas
    # the demo account's sosialisasi with a photo, a letter on a complaint it holds, and an
    # open graduasi mandiri proposal with its signed statement
    pendamping = User.objects.get(username="pendamping")
    sosialisasi = Sosialisasi.objects.exclude(foto="").get()
    assert sosialisasi.pendamping.user == pendamping
    lampiran = Lampiran.objects.get()
    assert lampiran.pengaduan.petugas == pendamping
    usulan = Graduasi.objects.get(status=Graduasi.Status.DIUSULKAN)
    assert usulan.keluarga.pendamping == pendamping
    assert usulan.keluarga.status == Keluarga.Status.CALON_GRADUASI
    assert TautanKepuasan.objects.filter(keluarga__pendamping=pendamping).exists()
    # last month's rakor report of the city and of the koordinator's kecamatan
    assert set(LaporanRakor.objects.values_list("wilayah__kode", flat=True)) == {
        "18.72",
        "18.72.01",
    }
    # and their pages open for the office
    client.force_login(User.objects.get(username="admin"))
    for url in (
        reverse("kpm:pembatasan-detail", args=[permintaan.pk]),
        reverse("kpm:penyaluran-unggahan", args=[unggahan.pk]),
        reverse("pendamping:sosialisasi-foto", args=[sosialisasi.pk]),
        reverse("pengaduan:lampiran-detail", args=[lampiran.pengaduan_id, lampiran.pk]),
        reverse("verifikasi:graduasi-bukti", args=[usulan.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_a_second_run_adds_nothing(demo):
    # given
    before = _jumlah()
    # when
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    # then
    assert _jumlah() == before
    assert "RHK demo" not in out.getvalue()
