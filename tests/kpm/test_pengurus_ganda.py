"""The family form warns when the new head is probably already registered under another NIK
(issue #23; the shared rule of dinsos/kecocokan.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from kpm.models import Anggota, Keluarga
from tests.factories import AnggotaFactory, KeluargaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(kota_metro) -> Anggota:
    """Registered in Imopuro as Siti Aminah, NIK …0012, born 7 March 1985."""
    keluarga = KeluargaFactory(no_kk="1872012001150001", kelurahan=kota_metro["Imopuro"])
    return AnggotaFactory(
        keluarga=keluarga,
        nik="1872014703850012",
        nama="Siti Aminah",
        jenis_kelamin="P",
        tanggal_lahir=datetime.date(1985, 3, 7),
    )


def _daftar(client, kota_metro, **extra):
    data = {
        "no_kk": "1872012001150009",
        "kelurahan": kota_metro["Imopuro"].pk,
        "tanggal_terdaftar": "2020-01-01",
        "pengurus-nik": "1872014703850021",  # the last two digits swapped
        "pengurus-nama": "St. Aminah",
        "pengurus-jenis_kelamin": "P",
        "pengurus-tanggal_lahir": "1985-07-03",  # day and month swapped
        "pengurus-hubungan": "kepala",
        **extra,
    }
    return client.post(reverse("kpm:keluarga-create"), data)


def test_new_head_probably_registered_under_another_nik_is_held_with_a_warning(
    client, operator, kota_metro, siti
):
    # given
    client.force_login(operator)
    # when
    response = _daftar(client, kota_metro)
    # then: nothing registered yet; the warning names the other record, masked, and why
    assert response.status_code == 400
    assert Keluarga.objects.count() == 1
    [k] = response.context["kemungkinan"]
    assert (k.anggota, k.pita, k.hasil.skor) == (siti, "Mungkin", 15.5)
    assert k.alasan == (
        "nama: varian Siti; tanggal lahir tertukar hari/bulan; NIK: dua digit bersebelahan tertukar"
    )
    html = response.content.decode()
    assert "Pengurus ini mungkin sudah terdaftar dengan NIK lain:" in html
    assert siti.nik not in html
    # when: the operator checked and confirms they are different people
    response = _daftar(client, kota_metro, tetap_daftar="1")
    # then
    assert response.status_code == 302
    assert Keluarga.objects.filter(no_kk="1872012001150009").exists()


def test_a_different_person_registers_without_a_warning(client, operator, kota_metro, siti):
    # given: another name, birth date and NIK region
    client.force_login(operator)
    # when
    response = _daftar(
        client,
        kota_metro,
        **{
            "pengurus-nik": "1871022311620005",
            "pengurus-nama": "Joko Susilo",
            "pengurus-jenis_kelamin": "L",
            "pengurus-tanggal_lahir": "1962-11-23",
        },
    )
    # then
    assert response.status_code == 302
    assert Keluarga.objects.count() == 2
