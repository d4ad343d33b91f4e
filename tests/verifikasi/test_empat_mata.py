"""Four eyes on verifikasi's decisions (issue 20): accepting a suspension proposal, accepting
a graduation (graduasi and graduasi paksa) and confirming a Sekolah Rakyat candidate wait
for a second person; the proposer cannot approve; the change happens only on approval."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.models import Pengaturan, Persetujuan
from kpm.models import Anggota, Keluarga
from tests.factories import AnggotaFactory, keluarga_with_pengurus
from tests.verifikasi.komitmen_helpers import pelanggaran_berulang
from tests.verifikasi.komitmen_objects import surat_pdf
from verifikasi import services
from verifikasi.models import Graduasi, KandidatSekolahRakyat, Usulan

pytestmark = pytest.mark.django_db
J = Persetujuan.Jenis


def _status(keluarga):
    keluarga.refresh_from_db(fields=["status"])
    return keluarga.status


def _tolak_sendiri_lalu_setujui(persetujuan, pengaju, penyetuju):
    with pytest.raises(DomainError, match="prinsip empat mata"):
        dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=pengaju)
    persetujuan.refresh_from_db()
    assert persetujuan.status == "diajukan"
    dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=penyetuju)


# --- Suspension proposals from komitmen ---------------------------------------------
@pytest.fixture
def usulan(kota_metro):
    keluarga = keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"])
    return Usulan.objects.create(
        keluarga=keluarga,
        jenis=Usulan.Jenis.KOMITMEN,
        kunci="2025-01",
        alasan={"ringkasan": "Uji"},
        ringkasan="Tidak patuh komitmen 3 bulan berturut-turut.",
        periode_awal=datetime.date(2025, 1, 1),
        periode_akhir=datetime.date(2025, 3, 31),
    )


def test_suspension_waits_for_a_second_person(usulan, operator, admin):
    # when
    services.usulan_decide(usulan=usulan, is_diterima=True, catatan="Rapat", oleh=operator)
    # then
    usulan.refresh_from_db()
    assert (usulan.status, _status(usulan.keluarga)) == ("diusulkan", "aktif")
    persetujuan = Persetujuan.objects.get(jenis=J.PENANGGUHAN_KOMITMEN)
    assert (persetujuan.sebelum, persetujuan.sesudah) == ("Aktif", "Ditangguhkan")
    _tolak_sendiri_lalu_setujui(persetujuan, operator, admin)
    usulan.refresh_from_db()
    assert (usulan.status, usulan.diputuskan_oleh) == ("diterima", admin)
    assert _status(usulan.keluarga) == "ditangguhkan"


def test_suspension_page_says_it_waits(client, usulan, operator):
    client.force_login(operator)
    response = client.post(
        reverse("verifikasi:usulan-putuskan", args=[usulan.pk]),
        {"keputusan": "terima", "catatan": ""},
        follow=True,
    )
    assert "berlaku setelah disetujui petugas lain" in response.content.decode()
    assert _status(usulan.keluarga) == "aktif"


def test_rejecting_a_suspension_needs_no_second_person(usulan, operator):
    services.usulan_decide(usulan=usulan, is_diterima=False, catatan="Sakit", oleh=operator)
    usulan.refresh_from_db()
    assert usulan.status == "ditolak"
    assert not Persetujuan.objects.exists()


def test_suspension_runs_directly_with_the_setting_off(usulan, operator):
    Pengaturan.objects.create(
        kunci="empat_mata_tindakan", nilai=["graduasi"], berlaku_mulai=datetime.date(2020, 1, 1)
    )
    services.usulan_decide(usulan=usulan, is_diterima=True, catatan="", oleh=operator)
    assert _status(usulan.keluarga) == "ditangguhkan"
    assert not Persetujuan.objects.exists()


# --- Graduasi and graduasi paksa ----------------------------------------------------------
@pytest.mark.parametrize(("jenis", "kind"), [("mandiri", J.GRADUASI), ("paksa", J.GRADUASI_PAKSA)])
def test_graduation_waits_for_a_second_person(
    kota_metro, pendamping_hadimulyo, operator, admin, jenis, kind
):
    # given
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    pelanggaran_berulang(keluarga)  # D6: paksa needs repeatedly broken commitments
    graduasi = services.graduasi_propose(
        keluarga=keluarga, jenis=jenis, alasan="Bukti lengkap", bukti=surat_pdf(),
        oleh=pendamping_hadimulyo,
    )  # fmt: skip
    # when
    services.graduasi_decide(graduasi=graduasi, is_diterima=True, catatan="", oleh=operator)
    # then
    graduasi.refresh_from_db()
    assert (graduasi.status, _status(keluarga)) == ("diusulkan", "calon_graduasi")
    persetujuan = Persetujuan.objects.get(jenis=kind)
    _tolak_sendiri_lalu_setujui(persetujuan, operator, admin)
    graduasi.refresh_from_db()
    assert (graduasi.status, graduasi.diputuskan_oleh) == ("diterima", admin)
    assert _status(keluarga) == "graduasi"
    assert Graduasi.objects.filter(pendamping=pendamping_hadimulyo, status="diterima").count() == 1


def test_graduation_runs_directly_with_the_setting_off(kota_metro, pendamping_hadimulyo, operator):
    Pengaturan.objects.create(
        kunci="empat_mata_tindakan", nilai=["pbijk"], berlaku_mulai=datetime.date(2020, 1, 1)
    )
    keluarga = keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"])
    pelanggaran_berulang(keluarga)
    graduasi = services.graduasi_propose(
        keluarga=keluarga, jenis="paksa", alasan="x", bukti=surat_pdf(), oleh=pendamping_hadimulyo
    )
    services.graduasi_decide(graduasi=graduasi, is_diterima=True, catatan="", oleh=operator)
    assert _status(keluarga) == "graduasi"


# --- Sekolah Rakyat selection -------------------------------------------------------------
def test_confirming_a_candidate_waits_for_the_office(
    client, kota_metro, pendamping_hadimulyo, operator
):
    # given: a desil 1 child aged 14 on 1 July 2026 (SMP window)
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo, desil=1,
        desil_per=datetime.date(2026, 4, 1),
    )  # fmt: skip
    rafi = AnggotaFactory(
        keluarga=keluarga, nama="Rafi", tanggal_lahir=datetime.date(2012, 3, 3),
        jenis_kelamin="L", hubungan=Anggota.Hubungan.ANAK,
    )  # fmt: skip
    url = reverse("verifikasi:sekolah-rakyat-kunjungan", args=[rafi.pk]) + "?acuan=2026-07-01"
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.post(
        url,
        {
            "tanggal_kunjungan": "2026-05-04",
            "status": "dikonfirmasi",
            "is_persetujuan_ortu": "on",
            "catatan": "Ibu setuju",
        },
        follow=True,
    )
    # then
    assert "tercatat setelah disetujui petugas kantor" in response.content.decode()
    assert not KandidatSekolahRakyat.objects.exists()
    persetujuan = Persetujuan.objects.get(jenis=J.SEKOLAH_RAKYAT)
    with pytest.raises(DomainError, match="prinsip empat mata"):
        dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=pendamping_hadimulyo)
    dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=operator)
    kandidat = KandidatSekolahRakyat.objects.get()
    assert (kandidat.anggota, kandidat.status, kandidat.dicatat_oleh) == (
        rafi, "dikonfirmasi", pendamping_hadimulyo,
    )  # fmt: skip
    assert kandidat.keluarga.status == Keluarga.Status.AKTIF
