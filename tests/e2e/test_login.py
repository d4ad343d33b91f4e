"""Each role signs in through a real browser and sees its own navigation."""

import pytest

from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("_case", "persona", "username", "labels"),
    [
        ("admin", "admin", "admin", ["Wilayah", "Audit", "Admin"]),
        ("operator", "operator", "operator", ["Wilayah"]),
        ("koordinator", "koordinator_metro_pusat", "koordinator", ["Wilayah"]),
        ("pendamping", "pendamping_hadimulyo", "pendamping_a", []),
    ],
)
def test_each_role_signs_in_and_sees_its_own_navigation(
    page, request, _case, persona, username, labels
):
    # given
    request.getfixturevalue(persona)
    page.set_viewport_size({"width": 1280, "height": 800})
    # when
    login(page, username)
    # then
    assert page.url.endswith("/")
    shown = page.get_by_test_id("nav").locator("a").all_inner_texts()
    assert shown[:2] == ["Beranda", "Keluarga"]
    role_only = {"Wilayah", "Audit", "Admin"}
    assert [label for label in shown if label in role_only] == labels


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
    nav.get_by_role("link", name="Wilayah").click()
    assert page.url.endswith("/wilayah/")
