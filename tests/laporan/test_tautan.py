"""The lists the rakor report links to: the month and area filters added for its figures
(issue 19). Each filter is a visible control that shows the value in effect, refuses a bad
value in Indonesian, and keeps the list's query count flat."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dinsos.forms import BulanField
from kpm.models import Keluarga
from tests.factories import keluarga_with_pengurus
from tests.laporan.dunia import JUNI, bangun
from tests.laporan.test_susun import MEI, status_berubah_sesudah_mei

pytestmark = pytest.mark.django_db


@pytest.fixture
def dunia(kota_metro, operator, pendamping_hadimulyo):
    return bangun(kota_metro, operator, pendamping_hadimulyo)


def _count(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response, response.context["page"].paginator.count


# --- kpm: the family list as it stood at a month's end ------------------------------------
def test_family_list_per_month_end_replays_the_status_history(client, dunia, admin, operator):
    # given: i registered in April, cancelled in June
    status_berubah_sesudah_mei(dunia, operator)
    client.force_login(admin)
    # when
    response, aktif_mei = _count(client, "kpm:keluarga-list", status="aktif", per="2025-05")
    _, aktif_kini = _count(client, "kpm:keluarga-list", status="aktif")
    _, semua_mei = _count(client, "kpm:keluarga-list", per="2025-05")
    # then: c d e f g i were aktif at the end of May; a b c f g are aktif now
    assert aktif_mei == 6
    assert aktif_kini == 5
    assert semua_mei == 7  # a and b were registered in June
    page = response.content.decode()
    assert 'type="month"' in page
    assert 'value="2025-05"' in page
    assert "Keadaan per akhir Mei 2025" in page
    assert "kini graduasi" in page  # e: aktif then, graduated since


def test_family_list_refuses_a_bad_month_and_shows_everyone(client, dunia, admin):
    client.force_login(admin)
    response, n = _count(client, "kpm:keluarga-list", per="2025-13")
    assert n == Keluarga.objects.count()
    assert "Tulis bulan seperti 2025-03." in response.content.decode()


@pytest.mark.parametrize("n", [1, 30])
def test_family_list_per_month_end_query_count_is_flat(
    client, kota_metro, operator, django_assert_num_queries, n
):
    for _ in range(n):
        keluarga_with_pengurus(
            kelurahan=kota_metro["Imopuro"], tanggal_terdaftar=datetime.date(2025, 1, 1)
        )
    client.force_login(operator)
    with django_assert_num_queries(10):  # as without the filter (tests/kpm/test_views.py)
        response = client.get(reverse("kpm:keluarga-list"), {"per": "2025-05", "status": "aktif"})
    assert response.context["page"].paginator.count == n


def test_bulan_field_is_shared():
    field = BulanField()
    assert field.clean("2025-06") == JUNI
    assert field.clean("") is None
    assert field.prepare_value(MEI) == "2025-05"
    for bad in ("2025-00", "juni", "1999-12"):
        with pytest.raises(ValidationError, match=r"Tulis bulan|Tahun harus"):
            field.clean(bad)
