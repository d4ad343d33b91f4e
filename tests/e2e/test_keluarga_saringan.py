"""The family list's filters on a phone: kelurahan follow the kecamatan, and a search shows
that it is working."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.factories import keluarga_with_pengurus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_kelurahan_choices_follow_the_kecamatan_chosen(page, operator, kota_metro):
    # given
    iring = keluarga_with_pengurus(kelurahan=kota_metro["Iring Mulyo"], pengurus_nama="Sri Rahayu")
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Budi Santoso")
    page.set_viewport_size(PHONE)
    login(page, "operator")
    page.goto("/keluarga/")
    kelurahan = page.locator("#id_kelurahan")
    kelurahan.select_option(label="Imopuro")
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("1 keluarga")
    # when: she then picks another kecamatan
    page.locator("#id_kecamatan").select_option(label="Metro Timur")
    # then: the kelurahan list holds only Metro Timur's, none chosen, and the list follows
    expect(kelurahan.locator("option")).to_have_text(
        ["Semua kelurahan", "Iring Mulyo", "Tejo Agung", "Tejosari", "Yosodadi", "Yosorejo"]
    )
    expect(kelurahan).to_have_value("")
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("1 keluarga")
    expect(page.get_by_role("link", name="Sri Rahayu")).to_have_attribute(
        "href", f"/keluarga/{iring.pk}/"
    )
    # when: a kelurahan of the new list, then back to every kecamatan
    kelurahan.select_option(label="Tejosari")
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("0 keluarga")
    page.locator("#id_kecamatan").select_option(label="Semua kecamatan")
    # then
    expect(kelurahan.locator("option")).to_have_count(1 + 22)
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("2 keluarga")


def test_live_search_shows_a_loading_indicator_until_the_answer_comes(page, operator, kota_metro):
    # given: the server's answer is held back
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Hj. Siti Aminah")
    page.set_viewport_size(PHONE)
    login(page, "operator")
    page.goto("/keluarga/")
    indicator = page.get_by_test_id("memuat-cari")
    expect(indicator).to_have_css("opacity", "0")
    held = []
    page.route("**/keluarga/", lambda route: held.append(route))
    # when: she types
    page.get_by_placeholder("NIK/No KK lengkap (16 digit) atau nama").fill("siti")
    # then: the spinner shows while the search runs, and goes once the list has come
    expect(indicator).to_have_css("opacity", "1")
    page.wait_for_function("() => true")  # let the route handler run
    assert len(held) == 1
    held[0].continue_()
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("1 keluarga")
    expect(indicator).to_have_css("opacity", "0")
