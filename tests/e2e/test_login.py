"""Each role signs in through a real browser and sees its own navigation."""

import pytest

from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("_case", "persona", "username", "groups"),
    [
        (
            "admin",
            "admin",
            "admin",
            ["Keluarga", "Pendampingan", "P2K2", "Data DTSEN", "Laporan", "Admin"],
        ),
        (
            "operator",
            "operator",
            "operator",
            ["Keluarga", "Pendampingan", "P2K2", "Data DTSEN", "Laporan", "Admin"],
        ),
        (
            "koordinator",
            "koordinator_metro_pusat",
            "koordinator",
            ["Keluarga", "Pendampingan", "P2K2", "Data DTSEN", "Laporan", "Admin"],
        ),
        (
            "pendamping",
            "pendamping_hadimulyo",
            "pendamping_a",
            ["Keluarga", "Pendampingan", "P2K2", "Data DTSEN", "Laporan"],
        ),
    ],
)
def test_each_role_signs_in_and_sees_its_own_navigation(
    page, request, _case, persona, username, groups
):
    # given
    request.getfixturevalue(persona)
    page.set_viewport_size({"width": 1366, "height": 768})
    # when
    login(page, username)
    # then: Beranda, then the task groups as dropdowns on one line
    assert page.url.endswith("/")
    nav = page.get_by_test_id("nav")
    assert nav.locator("> li > a").all_inner_texts() == ["Beranda"]
    assert nav.locator("> li > button").all_inner_texts() == groups
    assert nav.get_by_role("link", name="Beranda").get_attribute("aria-current") == "page"


def test_desktop_menu_opens_a_group_and_marks_the_page(page, operator):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "operator")
    nav = page.get_by_test_id("nav")
    assert not nav.get_by_role("link", name="Wilayah").is_visible()
    nav.get_by_role("button", name="Admin").click()
    nav.get_by_role("link", name="Wilayah").click()
    assert page.url.endswith("/wilayah/")
    assert nav.locator("[aria-current=page]").text_content() == "Wilayah"
    assert nav.get_by_role("button", name="Admin").get_attribute("class").endswith(" active")
    assert page.title() == "Wilayah — Portal Dinsos"
    crumbs = page.get_by_role("navigation", name="Jejak halaman").locator("li")
    assert crumbs.all_inner_texts() == ["Beranda", "Admin", "Wilayah"]


def test_wrong_password_shows_an_indonesian_error(page, operator):
    login(page, "operator", password="bukan-sandinya")
    error = page.get_by_test_id("login-error")
    assert error.inner_text().strip() == (
        "Nama pengguna atau kata sandi salah. Periksa lalu coba lagi."
    )
    assert "/akun/masuk/" in page.url


@pytest.mark.parametrize("path", ["/akun/masuk/", "/", "/wilayah/"])
def test_no_horizontal_scroll_on_a_360px_phone(page, operator, path):
    # given: a cheap phone's viewport
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "operator")
    # when
    page.goto(path)
    # then
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0


def test_phone_menu_opens_from_the_toggler(page, operator):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "operator")
    nav = page.get_by_test_id("nav")
    assert not nav.is_visible()
    page.get_by_role("button", name="Buka menu").click()
    # on a phone every group is open in the side menu: one tap to any page
    nav.get_by_role("link", name="Wilayah").click()
    assert page.url.endswith("/wilayah/")
