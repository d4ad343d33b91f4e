"""The month view's "Hanya yang belum diverifikasi" filter and the pendamping's Beranda line
that counts it: families with a member's commitment component not recorded for the month."""

import pytest
from django.urls import reverse

from dinsos.bulan import awal_bulan
from dinsos.pengaturan import today
from tests.verifikasi.komitmen_helpers import P, catat, keluarga_komitmen

pytestmark = pytest.mark.django_db
URL = reverse("verifikasi:komitmen-bulan")


@pytest.fixture
def tiga_keluarga(kota_metro, pendamping_hadimulyo):
    """Last month: Siti's family fully recorded, Rina's only the mother, Dewi's nothing."""
    bulan = awal_bulan(today(), geser=-1)
    kelurahan = kota_metro["Hadimulyo Barat"]
    _, siti, budi = keluarga_komitmen(kelurahan=kelurahan, pendamping=pendamping_hadimulyo)
    _, rina, _ = keluarga_komitmen(
        kelurahan=kelurahan, pendamping=pendamping_hadimulyo, ibu="Rina", anak="Citra"
    )
    keluarga_komitmen(kelurahan=kelurahan, pendamping=pendamping_hadimulyo, ibu="Dewi", anak="Eko")
    catat(siti, "ibu_hamil", bulan, pendamping_hadimulyo, status=P)
    catat(budi, "anak_sd", bulan, pendamping_hadimulyo, status=P)
    catat(rina, "ibu_hamil", bulan, pendamping_hadimulyo, status=P)
    return bulan


def test_only_families_with_an_unrecorded_member_component(
    client, tiga_keluarga, pendamping_hadimulyo
):
    client.force_login(pendamping_hadimulyo)
    query = {"bulan": tiga_keluarga.strftime("%Y-%m"), "belum": "on"}
    response = client.get(URL, query)
    names = [k.pengurus.nama for k in response.context["page"]]
    assert names == ["Dewi", "Rina"]
    assert response.context["filter_form"]["belum"].value() is True  # the box shows it
    everyone = client.get(URL, {"bulan": query["bulan"]}).context["page"]
    assert [k.pengurus.nama for k in everyone] == ["Dewi", "Rina", "Siti Aminah"]


def test_pendamping_beranda_counts_them_and_links_to_the_filtered_month(
    client, tiga_keluarga, pendamping_hadimulyo
):
    client.force_login(pendamping_hadimulyo)
    worklist = client.get(reverse("home")).context["worklist"]
    (item,) = [i for i in worklist if i.judul == "Keluarga dengan komitmen belum diverifikasi"]
    assert item.jumlah == 2
    assert item.url == f"{URL}?bulan={tiga_keluarga:%Y-%m}&belum=on"
    assert client.get(item.url).context["page"].paginator.count == 2
