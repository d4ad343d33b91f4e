"""The operator kelurahan/desa: its kelurahan's proposals only, no other page, a navigation
and a Beranda of its own pages."""

import datetime

import pytest
from django.urls import reverse

from dinsos.models import AuditEvent
from pemutakhiran.models import Usulan
from tests.dtsen.conftest import make_nik
from tests.factories import keluarga_with_pengurus
from tests.pemutakhiran.helpers import buat

pytestmark = pytest.mark.django_db

NIK_A = make_nik(datetime.date(1950, 3, 4), "1", 21)
NIK_B = make_nik(datetime.date(1950, 3, 4), "1", 22)


@pytest.fixture
def dua_usulan(operator, kota_metro):
    return (
        buat(oleh=operator, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK_A),
        buat(oleh=operator, kelurahan=kota_metro["Iring Mulyo"], nik=NIK_B),
    )


def test_operator_kelurahan_sees_only_its_kelurahan(
    client, operator_kelurahan_hadimulyo, dua_usulan
):
    # given
    mine, other = dua_usulan
    client.force_login(operator_kelurahan_hadimulyo)
    # when
    listed = client.get(reverse("pemutakhiran:usulan-list"))
    hidden = client.get(reverse("pemutakhiran:usulan-detail", args=[other.pk]))
    bukti = client.get(reverse("pemutakhiran:bukti-detail", args=[other.pk, other.bukti.get().pk]))
    # then
    assert list(listed.context["page"]) == [mine]
    assert (hidden.status_code, bukti.status_code) == (404, 404)
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(other.pk)
    ).exists()


def test_a_kecamatan_assigned_by_mistake_does_not_widen_the_operator_kelurahan(
    client, operator_kelurahan_hadimulyo, dua_usulan, kota_metro
):
    operator_kelurahan_hadimulyo.wilayah.add(kota_metro["Metro Timur"])
    client.force_login(operator_kelurahan_hadimulyo)
    response = client.get(reverse("pemutakhiran:usulan-list"))
    assert [u.pk for u in response.context["page"]] == [dua_usulan[0].pk]


@pytest.mark.parametrize(
    "url_name",
    [
        "kpm:keluarga-list",
        "pengaduan:pengaduan-list",
        "dtsen:temuan-list",
        "wilayah-list",
        "pemutakhiran:rekap",
        "pemutakhiran:batch-list",
    ],
)
def test_operator_kelurahan_opens_no_other_page(client, operator_kelurahan_hadimulyo, url_name):
    client.force_login(operator_kelurahan_hadimulyo)
    assert client.get(reverse(url_name)).status_code == 403


def test_operator_kelurahan_does_not_reach_a_family_of_its_own_kelurahan(
    client, operator_kelurahan_hadimulyo, kota_metro
):
    keluarga = keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"])
    client.force_login(operator_kelurahan_hadimulyo)
    response = client.get(reverse("kpm:keluarga-detail", args=[keluarga.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_operator_kelurahan_navigation_and_beranda_show_only_its_pages(
    client, operator_kelurahan_hadimulyo, kota_metro
):
    # given: a draft of its own
    buat(oleh=operator_kelurahan_hadimulyo, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK_A)
    client.force_login(operator_kelurahan_hadimulyo)
    # when
    response = client.get(reverse("home"))
    # then
    menu = [(g.label, [t.label for t in g.items]) for g in response.context["nav_groups"]]
    assert menu == [("Data DTSEN", ["Usulan pemutakhiran"])]
    worklist = [(i.judul, i.jumlah) for i in response.context["worklist"]]
    assert worklist == [
        ("Usulan draf belum diajukan", 1),
        ("Kalender pemutakhiran DTSEN", None),
    ]
    assert Usulan.objects.count() == 1
