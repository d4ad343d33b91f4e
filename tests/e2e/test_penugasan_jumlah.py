"""A bulk re-assignment of families says how many it moves before it runs (issue 15)."""

import datetime

import pytest
from playwright.sync_api import expect

from dinsos.formatting import mask_no_kk
from kpm.models import Keluarga
from tests.conftest import login, make_user
from tests.pendamping.conftest import buat_keluarga, buat_profil, tugaskan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_moving_families_asks_with_the_count_first(
    page, kota_metro, admin, operator, pendamping_hadimulyo
):
    # given: Ani has 3 families in Hadimulyo Barat; Cici works there too
    hadimulyo = kota_metro["Hadimulyo Barat"]
    ani = buat_profil(pendamping_hadimulyo, nama="Ani")
    cici = buat_profil(
        make_user("pendamping_c", pendamping_hadimulyo.Role.PENDAMPING, hadimulyo), nama="Cici"
    )
    keluarga = buat_keluarga(hadimulyo, 3)
    tugaskan(keluarga, ani.user, admin, datetime.date(2025, 1, 1))
    login(page, "operator")
    page.goto(f"/pendamping/penugasan/?dari={ani.user.pk}")
    page.get_by_label("Pindahkan ke pendamping").select_option(value=str(cici.pk))
    # when: "all filtered" is refused at the question
    dialogs: list[str] = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Tugaskan").click()
    # then: nothing moved
    assert dialogs == ["Tugaskan 3 keluarga ke pendamping ini?"]
    assert Keluarga.objects.filter(pendamping=cici.user).count() == 0
    # when: two ticked families, accepted
    page.get_by_label(f"Pilih KK {mask_no_kk(keluarga[0].no_kk)}").check()
    page.get_by_label(f"Pilih KK {mask_no_kk(keluarga[1].no_kk)}").check()
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.get_by_role("button", name="Tugaskan").click()
    # then
    expect(page.get_by_role("alert").first).to_contain_text("2 keluarga ditugaskan ke Cici")
    assert dialogs[1] == "Tugaskan 2 keluarga ke pendamping ini?"
    assert Keluarga.objects.filter(pendamping=cici.user).count() == 2
