"""Edit forms never put a full NIK or No KK in the page (issue 22, finding 2).

The portal's member and family forms and the admin's change forms for members, families and
pendamping show identifiers masked; a new NIK is accepted only when one is typed.
"""

import datetime
import re

import pytest
from django.urls import reverse

from dinsos.models import AuditEvent
from kpm.models import Anggota, RiwayatPerubahan
from pendamping.models import Pendamping
from tests.factories import AnggotaFactory, keluarga_with_pengurus

pytestmark = pytest.mark.django_db

PENGURUS_NIK = "1872015512880007"
ANAK_NIK = "1872014903150002"
NO_KK = "1872010101200033"
PENDAMPING_NIK = "1872016707900004"
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


@pytest.fixture
def keluarga(kota_metro, pendamping_hadimulyo):
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"],
        pendamping=pendamping_hadimulyo,
        no_kk=NO_KK,
        pengurus_nama="Siti Aminah",
        pengurus_nik=PENGURUS_NIK,
        pengurus_tanggal_lahir=datetime.date(1988, 12, 15),
    )
    AnggotaFactory(
        keluarga=keluarga,
        nama="Rina",
        hubungan="anak",
        tanggal_lahir=datetime.date(2015, 3, 9),
        nik=ANAK_NIK,
    )
    return keluarga


@pytest.fixture
def profil(pendamping_hadimulyo, kota_metro):
    profil = Pendamping.objects.create(
        user=pendamping_hadimulyo,
        nama="Ani Pendamping",
        nik=PENDAMPING_NIK,
        mulai=datetime.date(2024, 1, 1),
    )
    profil.wilayah.set([kota_metro["Hadimulyo Barat"]])
    return profil


def _url(case, keluarga, profil):
    pengurus = keluarga.pengurus
    return {
        "anggota": reverse("kpm:anggota-update", args=[pengurus.pk]),
        "keluarga": reverse("kpm:keluarga-update", args=[keluarga.pk]),
        "admin_anggota": reverse("admin:kpm_anggota_change", args=[pengurus.pk]),
        "admin_keluarga": reverse("admin:kpm_keluarga_change", args=[keluarga.pk]),
        "admin_pendamping": reverse("admin:pendamping_pendamping_change", args=[profil.pk]),
    }[case]


@pytest.mark.parametrize(
    ("_case", "persona", "masked"),
    [
        ("anggota", "operator", "1872**********07"),
        ("anggota", "admin", "1872**********07"),
        ("keluarga", "operator", "1872**********33"),
        ("keluarga", "admin", "1872**********33"),
        ("admin_anggota", "admin", "1872**********07"),
        ("admin_keluarga", "admin", "1872**********33"),
        ("admin_pendamping", "admin", "1872**********04"),
    ],
)
def test_an_edit_form_shows_no_full_identifier(
    client, request, keluarga, profil, _case, persona, masked
):
    # given
    client.force_login(request.getfixturevalue(persona))
    # when
    response = client.get(_url(_case, keluarga, profil))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert SIXTEEN_DIGITS.findall(page) == []
    for identifier in (PENGURUS_NIK, ANAK_NIK, NO_KK, PENDAMPING_NIK):
        assert identifier not in page
    assert masked in page


def _anggota_post(**changes):
    data = {
        "nik": "",
        "nama": "Siti Aminah",
        "jenis_kelamin": "P",
        "tanggal_lahir": "1988-12-15",
        "hubungan": Anggota.Hubungan.ISTRI_SUAMI,
        "jenjang_sekolah": "",
        "is_pengurus": "on",
    }
    return {**data, **changes}


def test_an_empty_nik_field_keeps_the_stored_nik(client, operator, keluarga):
    client.force_login(operator)
    url = reverse("kpm:anggota-update", args=[keluarga.pengurus_id])
    response = client.post(url, _anggota_post(nama="Siti Aminah Putri"))
    assert response.status_code == 302
    pengurus = Anggota.objects.get(pk=keluarga.pengurus_id)
    assert (pengurus.nik, pengurus.nama) == (PENGURUS_NIK, "Siti Aminah Putri")
    assert RiwayatPerubahan.objects.get().perubahan == {
        "nama": ["Siti Aminah", "Siti Aminah Putri"]
    }


def test_a_typed_nik_replaces_the_stored_one(client, operator, keluarga):
    client.force_login(operator)
    url = reverse("kpm:anggota-update", args=[keluarga.pengurus_id])
    response = client.post(url, _anggota_post(nik="1872015512880015"))
    assert response.status_code == 302
    assert Anggota.objects.get(pk=keluarga.pengurus_id).nik == "1872015512880015"
    assert RiwayatPerubahan.objects.get().perubahan == {
        "nik": ["1872**********07", "1872**********15"]
    }


def test_a_form_error_does_not_put_the_stored_nik_in_the_page(client, operator, keluarga):
    client.force_login(operator)
    url = reverse("kpm:anggota-update", args=[keluarga.pengurus_id])
    response = client.post(url, _anggota_post(nama=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert PENGURUS_NIK not in page
    assert "1872**********07" in page
    assert Anggota.objects.get(pk=keluarga.pengurus_id).nama == "Siti Aminah"


def test_the_full_nik_is_still_there_through_reveal_with_reason(client, operator, keluarga):
    client.force_login(operator)
    response = client.post(
        reverse("kpm:anggota-nik-reveal", args=[keluarga.pengurus_id]),
        {"alasan": "Verifikasi data di loket."},
    )
    assert PENGURUS_NIK in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL_NIK)
    assert event.reason == "Verifikasi data di loket."


def _pendamping_post(profil, **changes):
    data = {
        "user": profil.user_id,
        "nama": profil.nama,
        "jenis": profil.jenis_id,  # the kind's code (issue 20: kinds are a table)
        "nik": "",
        "telepon": "0812",
        "wilayah": [w.pk for w in profil.wilayah.all()],
        "mulai": "2024-01-01",
        "selesai": "",
    }
    return {**data, **changes}


def test_the_admin_keeps_a_pendamping_nik_left_empty(client, admin, profil):
    client.force_login(admin)
    url = reverse("admin:pendamping_pendamping_change", args=[profil.pk])
    response = client.post(url, _pendamping_post(profil))
    assert response.status_code == 302
    profil.refresh_from_db()
    assert (profil.nik, profil.telepon) == (PENDAMPING_NIK, "0812")
    response = client.post(url, _pendamping_post(profil, nik="1872016707900012"))
    assert response.status_code == 302
    profil.refresh_from_db()
    assert profil.nik == "1872016707900012"
