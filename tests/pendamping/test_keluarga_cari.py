"""The record forms' family picker (pendamping:keluarga-cari): a typed name, POSTed, brings
at most 10 of the user's own families, with names and masked NIK only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dinsos.formatting import mask_nik
from pendamping.models import Kunjungan
from tests.factories import AnggotaFactory
from tests.pendamping.conftest import buat_keluarga, tugaskan

pytestmark = pytest.mark.django_db
URL = reverse("pendamping:keluarga-cari")


def _names(response) -> list[str]:
    return [k.pengurus.nama for k in response.context["keluarga_list"]]


def test_pendamping_finds_own_family_by_part_of_a_name(client, keluarga_a, keluarga_b):
    # given: A serves Siti Aminah 1; B serves Wati Lestari 1
    client.force_login(keluarga_a.pendamping)
    # when
    response = client.post(URL, {"cari_keluarga": "amin"})
    # then: her family, with its head's NIK masked, never the full NIK
    assert response.status_code == 200
    assert _names(response) == ["Siti Aminah 1"]
    body = response.content.decode()
    nik = keluarga_a.pengurus.nik
    assert f"NIK {mask_nik(nik)}" in body
    assert nik not in body
    assert f'data-keluarga="{keluarga_a.pk}"' in body


def test_another_pendamping_family_is_never_offered(client, keluarga_a, keluarga_b):
    client.force_login(keluarga_b.pendamping)
    response = client.post(URL, {"cari_keluarga": "Siti Aminah"})
    assert _names(response) == []
    assert "Tidak ada keluarga dampingan Anda dengan nama itu." in response.content.decode()


def test_a_member_name_finds_the_family(client, keluarga_a):
    # given: a child of the family
    AnggotaFactory(keluarga=keluarga_a, nama="Bagus Prasetyo")
    client.force_login(keluarga_a.pendamping)
    response = client.post(URL, {"cari_keluarga": "prasetyo"})
    assert _names(response) == ["Siti Aminah 1"]


def test_at_most_ten_families_and_a_hint_to_type_more(
    client, kota_metro, admin, pendamping_hadimulyo, profil_a
):
    keluarga = buat_keluarga(kota_metro["Hadimulyo Barat"], n=12, nama="Sri Wahyuni")
    tugaskan(keluarga, pendamping_hadimulyo, admin)
    client.force_login(pendamping_hadimulyo)
    response = client.post(URL, {"cari_keluarga": "wahyu"})
    assert len(_names(response)) == 10
    assert "Ketik lebih banyak huruf bila keluarga belum tampil." in response.content.decode()


def test_one_letter_asks_for_more(client, keluarga_a):
    client.force_login(keluarga_a.pendamping)
    response = client.post(URL, {"cari_keluarga": "s"})
    assert _names(response) == []
    assert "Ketik paling sedikit 2 huruf nama." in response.content.decode()


def test_a_name_in_the_url_is_refused(client, keluarga_a):
    # POST only: a GET with a name in the query string answers 405 and searches nothing
    client.force_login(keluarga_a.pendamping)
    response = client.get(URL, {"cari_keluarga": "amin"})
    assert response.status_code == 405


def test_koordinator_does_not_record_and_gets_403(client, koordinator_metro_pusat, keluarga_a):
    client.force_login(koordinator_metro_pusat)
    assert client.post(URL, {"cari_keluarga": "amin"}).status_code == 403


def test_without_javascript_the_form_still_saves_a_visit(client, keluarga_a, keluarga_b):
    # given: the plain select of the fallback lists only her own family
    client.force_login(keluarga_a.pendamping)
    page = client.get(reverse("pendamping:kunjungan-create"))
    choices = [value for value, _ in page.context["form"].fields["keluarga"].choices if value]
    assert [c.value for c in choices] == [keluarga_a.pk]
    assert "data-pemilih-keluarga" in page.content.decode()
    # when: the form posts `keluarga` as the picker's hidden field (or the select) does
    response = client.post(
        reverse("pendamping:kunjungan-create"),
        {"keluarga": keluarga_a.pk, "tanggal": "2025-06-02", "jenis": "kunjungan"},
    )
    # then
    assert response.status_code == 302
    assert list(Kunjungan.objects.values_list("keluarga_id", "tanggal")) == [
        (keluarga_a.pk, datetime.date(2025, 6, 2))
    ]


def test_no_family_chosen_says_how_to_choose(client, keluarga_a):
    client.force_login(keluarga_a.pendamping)
    response = client.post(
        reverse("pendamping:kunjungan-create"), {"tanggal": "2025-06-02", "jenis": "kunjungan"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["keluarga"] == [
        "Pilih keluarga: ketik namanya, lalu ketuk keluarga yang dimaksud."
    ]
    assert Kunjungan.objects.count() == 0
