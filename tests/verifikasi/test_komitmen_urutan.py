"""Issue 21: the month view pages families by pengurus name through the name index; a family
without a pengurus still comes last, whichever page it falls on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kpm.models import Keluarga
from tests.verifikasi.komitmen_helpers import keluarga_komitmen
from verifikasi import selectors
from verifikasi.views import komitmen as views

pytestmark = pytest.mark.django_db


@pytest.fixture
def keluarga(kota_metro, pendamping_hadimulyo) -> list[Keluarga]:
    hadimulyo = kota_metro["Hadimulyo Barat"]
    made = {
        ibu: keluarga_komitmen(kelurahan=hadimulyo, pendamping=pendamping_hadimulyo, ibu=ibu)[0]
        for ibu in ("Citra", "Ani", "Budi")
    }
    tanpa = made["Budi"]
    tanpa.pengurus = None
    tanpa.save(update_fields=["pengurus"])
    return [made["Ani"], made["Citra"], tanpa]


def test_families_by_pengurus_name_then_those_without(keluarga, operator):
    urut = selectors.keluarga_komitmen(user=operator)
    assert urut.count() == 3
    assert urut[0:3] == keluarga
    assert urut[1:3] == keluarga[1:]  # the page crosses into the families without one
    assert urut[2:4] == keluarga[2:]
    assert urut[3:5] == []


def test_the_month_view_pages_the_same_order(client, keluarga, operator, monkeypatch):
    monkeypatch.setattr(views, "PAGE_KELUARGA", 2)
    client.force_login(operator)
    url = reverse("verifikasi:komitmen-bulan")
    first, second = client.get(url), client.get(url, {"page": 2})
    assert [g.keluarga for g in first.context["kelompok"]] == keluarga[:2]
    assert [g.keluarga for g in second.context["kelompok"]] == keluarga[2:]
    assert first.context["page"].paginator.count == 3
