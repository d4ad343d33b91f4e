import pytest
from django.urls import reverse

from dinsos.access import scope_kelurahan_ids, scope_wilayah

pytestmark = pytest.mark.django_db


def test_admin_sees_every_area(admin, kota_metro):
    assert scope_wilayah(admin).count() == 28


def test_koordinator_sees_only_the_areas_inside_their_kecamatan(koordinator_metro_pusat):
    names = set(scope_wilayah(koordinator_metro_pusat).values_list("nama", flat=True))
    assert names == {
        "Metro Pusat",
        "Metro",
        "Hadimulyo Timur",
        "Imopuro",
        "Hadimulyo Barat",
        "Yosomulyo",
    }


def test_pendamping_area_is_their_kelurahan(pendamping_hadimulyo, kota_metro):
    ids = list(scope_kelurahan_ids(pendamping_hadimulyo))
    assert ids == [kota_metro["Hadimulyo Barat"].pk]


def test_user_without_area_sees_nothing(pendamping_hadimulyo):
    pendamping_hadimulyo.wilayah.clear()
    assert scope_wilayah(pendamping_hadimulyo).count() == 0


def test_wilayah_page_lists_only_the_koordinators_areas(client, koordinator_metro_pusat):
    client.force_login(koordinator_metro_pusat)
    response = client.get(reverse("wilayah-list"))
    kode = [w.kode for w in response.context["wilayah_list"]]
    assert kode == [
        "18.72.01",
        "18.72.01.1001",
        "18.72.01.1002",
        "18.72.01.1003",
        "18.72.01.1004",
        "18.72.01.1005",
    ]


@pytest.mark.parametrize("n_extra", [0, 20])
def test_wilayah_list_query_count_is_flat(
    client, operator, django_assert_num_queries, n_extra, kota_metro
):
    from dinsos.models import Wilayah

    parent = kota_metro["Metro Pusat"]
    Wilayah.objects.bulk_create(
        [
            Wilayah(kode=f"18.72.01.2{i:03d}", nama=f"Desa {i}", tingkat="kelurahan", parent=parent)
            for i in range(n_extra)
        ]
    )
    client.force_login(operator)
    # user (session comes from the cache), list (scoped by a subquery, with parents and
    # child counts), and the idle-expiry session save (savepoint, update, release)
    with django_assert_num_queries(5):
        client.get(reverse("wilayah-list"))
