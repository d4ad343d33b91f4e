"""Registering, routing, responding and closing complaints through the services."""

import datetime
import re

import pytest

from dinsos.errors import DomainError
from dinsos.models import AuditEvent
from dinsos.pengaturan import today
from kpm.models import Keluarga
from pendamping import services as pendamping_services
from pendamping.models import Pendamping
from pengaduan import selectors, services
from pengaduan.models import TIKET_PATTERN, Pengaduan, Riwayat
from tests.factories import keluarga_with_pengurus
from tests.pengaduan.helpers import NIK_WARGA, buat_pengaduan


@pytest.fixture
def keluarga_a(kota_metro, pendamping_hadimulyo) -> Keluarga:
    return keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )


def test_a_registry_family_goes_to_its_pendamping(operator, keluarga_a, pendamping_hadimulyo):
    # when: the front desk registers a complaint found by the pengurus' NIK
    pengaduan = buat_pengaduan(
        oleh=operator, nik="", anggota=keluarga_a.pengurus, nama=keluarga_a.pengurus.nama
    )
    # then
    assert pengaduan.petugas == pendamping_hadimulyo
    assert (pengaduan.keluarga, pengaduan.kelurahan.nama, pengaduan.kecamatan.nama) == (
        keluarga_a,
        "Hadimulyo Barat",
        "Metro Pusat",
    )
    assert pengaduan.nik == keluarga_a.pengurus.nik
    assert list(pengaduan.riwayat.values_list("jenis", "isi")) == [
        ("dicatat", "Diteruskan ke Pendamping_A.")
    ]
    assert (
        AuditEvent.objects.filter(
            action="create", object_type="pengaduan.pengaduan", object_id=str(pengaduan.pk)
        ).count()
        == 1
    )


def test_a_citizen_outside_the_registry_stays_with_the_front_desk(operator, kota_metro):
    pengaduan = buat_pengaduan(oleh=operator, kelurahan=kota_metro["Iring Mulyo"])
    assert (pengaduan.petugas, pengaduan.keluarga, pengaduan.nik) == (operator, None, NIK_WARGA)


def test_a_complaint_about_a_pendamping_goes_to_the_koordinator(
    operator, keluarga_a, pendamping_hadimulyo, koordinator_metro_pusat
):
    pengaduan = buat_pengaduan(
        oleh=operator,
        keluarga=keluarga_a,
        kategori=Pengaduan.Kategori.PERILAKU_PETUGAS,
        tentang_pendamping=pendamping_hadimulyo,
    )
    assert pengaduan.petugas == koordinator_metro_pusat


def test_a_complaint_about_a_pendamping_cannot_be_handed_to_them(
    operator, keluarga_a, pendamping_hadimulyo, koordinator_metro_pusat
):
    pengaduan = buat_pengaduan(
        oleh=operator, keluarga=keluarga_a, tentang_pendamping=pendamping_hadimulyo
    )
    with pytest.raises(DomainError) as error:
        services.pengaduan_alihkan(
            pengaduan=pengaduan, petugas=pendamping_hadimulyo, alasan="", oleh=operator
        )
    assert error.value.message == (
        "Pengaduan tentang seorang pendamping tidak boleh dipegang pendamping itu."
    )
    pengaduan.refresh_from_db()
    assert pengaduan.petugas == koordinator_metro_pusat


def test_a_pendamping_cannot_register_a_complaint_about_themself(
    pendamping_hadimulyo, keluarga_a, koordinator_metro_pusat
):
    with pytest.raises(DomainError) as error:
        buat_pengaduan(
            oleh=pendamping_hadimulyo, keluarga=keluarga_a, tentang_pendamping=pendamping_hadimulyo
        )
    assert error.value.message == "Pengaduan tentang diri sendiri dicatat oleh petugas kantor."
    assert Pengaduan.objects.count() == 0


def test_tickets_are_random_and_reveal_nothing(operator, kota_metro):
    tiket = [
        buat_pengaduan(oleh=operator, kelurahan=kota_metro["Imopuro"]).tiket for _ in range(20)
    ]
    assert all(re.fullmatch(TIKET_PATTERN, t) for t in tiket)
    assert len(set(tiket)) == 20
    assert not any(set(t) <= set("0123456789") for t in tiket)
    assert not any(NIK_WARGA[-4:] in t for t in tiket)


def test_the_first_response_answers_and_closing_needs_an_outcome_and_a_response(
    operator, kota_metro
):
    pengaduan = buat_pengaduan(oleh=operator, kelurahan=kota_metro["Imopuro"])
    # when: answered
    services.pengaduan_tanggapi(
        pengaduan=pengaduan, tanggapan="Data Ibu sedang kami periksa.", oleh=operator
    )
    pengaduan.refresh_from_db()
    assert (pengaduan.status, pengaduan.tanggal_jawab) == ("ditangani", today())
    # when: closed without a response
    with pytest.raises(DomainError) as error:
        services.pengaduan_tutup(pengaduan=pengaduan, hasil="selesai", tanggapan=" ", oleh=operator)
    assert error.value.message == "Tuliskan tanggapan yang diberikan kepada pengadu."
    # when: closed as referred without a referral
    with pytest.raises(DomainError) as error:
        services.pengaduan_tutup(pengaduan=pengaduan, hasil="dirujuk", tanggapan="X", oleh=operator)
    assert error.value.message == (
        "Hasil 'dirujuk' memerlukan rujukan; buat rujukan dulu di tindak lanjut."
    )
    # when: closed properly
    services.pengaduan_tutup(
        pengaduan=pengaduan,
        hasil="tidak_terbukti",
        tanggapan="Bantuan sudah tersalur pada 10 Maret.",
        oleh=operator,
    )
    pengaduan.refresh_from_db()
    assert (pengaduan.status, pengaduan.hasil, pengaduan.tanggapan_publik) == (
        "ditutup",
        "tidak_terbukti",
        "Bantuan sudah tersalur pada 10 Maret.",
    )
    assert list(pengaduan.riwayat.values_list("jenis", flat=True)) == [
        "dicatat",
        "tanggapan",
        "ditutup",
    ]
    # and a closed complaint takes no more responses
    with pytest.raises(DomainError) as error:
        services.pengaduan_tanggapi(pengaduan=pengaduan, tanggapan="Lagi", oleh=operator)
    assert error.value.message == "Pengaduan ini sudah selesai; tidak dapat diubah lagi."


def test_a_case_and_a_referral_are_opened_in_the_pendamping_app(
    operator, keluarga_a, pendamping_hadimulyo
):
    pendamping_services.pendamping_create(
        nama="Ani",
        jenis=Pendamping.Jenis.PKH,
        mulai=datetime.date(2024, 1, 1),
        wilayah=list(pendamping_hadimulyo.wilayah.all()),
        user=pendamping_hadimulyo,
    )
    pengaduan = buat_pengaduan(oleh=operator, keluarga=keluarga_a, nik="")
    services.pengaduan_kasus_buat(pengaduan=pengaduan, kategori="bantuan", oleh=operator)
    services.pengaduan_rujukan_buat(
        pengaduan=pengaduan, tujuan="dukcapil", tujuan_lain="", oleh=operator
    )
    pengaduan.refresh_from_db()
    assert (pengaduan.kasus.keluarga, pengaduan.kasus.kategori) == (keluarga_a, "bantuan")
    assert (pengaduan.rujukan.tujuan, pengaduan.rujukan.kasus) == ("dukcapil", pengaduan.kasus)
    services.pengaduan_tutup(
        pengaduan=pengaduan, hasil="dirujuk", tanggapan="Ke Dukcapil.", oleh=operator
    )
    assert Riwayat.objects.filter(pengaduan=pengaduan, jenis="tindak_lanjut").count() == 2


def test_data_subject_export_lists_the_persons_complaints(operator, keluarga_a):
    buat_pengaduan(oleh=operator, anggota=keluarga_a.pengurus, nik="", nama="Bu Ani")
    data = selectors.data_subjek(anggota=keluarga_a.pengurus)
    assert [(r["nama"], r["kategori"], r["status"]) for r in data["pengaduan"]] == [
        ("Bu Ani", "bansos_tidak_diterima", "diterima")
    ]
