import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["home", "wilayah-list", "audit-list", "password_change"])
def test_pages_redirect_anonymous_users_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_login_page_speaks_indonesian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()
    assert "Nama pengguna" in response.content.decode()


def test_wrong_password_gives_an_indonesian_error_that_reveals_no_account(client, operator):
    # when: a real account with a wrong password, and an account that does not exist
    wrong = client.post(reverse("login"), {"username": "operator", "password": "salah"})
    missing = client.post(reverse("login"), {"username": "tidak-ada", "password": "salah"})
    # then: the same message for both
    message = "Nama pengguna atau kata sandi salah. Periksa lalu coba lagi."
    assert message in wrong.content.decode()
    assert message in missing.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_then_logout(client, operator):
    response = client.post(reverse("login"), {"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("_case", "persona", "expected"),
    [
        ("admin", "admin", 200),
        ("operator", "operator", 302),
        ("koordinator", "koordinator_metro_pusat", 302),
        ("pendamping", "pendamping_hadimulyo", 302),
    ],
)
def test_admin_site_is_for_the_admin_role_only(client, request, _case, persona, expected):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("_case", "persona", "visible", "hidden"),
    [
        (
            "admin",
            "admin",
            ["Beranda", "Daftar keluarga", "Wilayah", "Log audit", "Admin Django"],
            ["Kinerja saya"],
        ),
        (
            "operator",
            "operator",
            ["Beranda", "Daftar keluarga", "Wilayah"],
            ["Log audit", "Admin Django", "Kinerja saya"],
        ),
        (
            "koordinator",
            "koordinator_metro_pusat",
            ["Beranda", "Daftar keluarga", "Wilayah"],
            ["Log audit", "Admin Django", "Impor DTSEN dan PBI-JK"],
        ),
        (
            "pendamping",
            "pendamping_hadimulyo",
            ["Beranda", "Daftar keluarga", "Kinerja saya"],
            ["Wilayah", "Log audit", "Admin Django", "Daftar pendamping"],
        ),
    ],
)
def test_navigation_shows_only_what_the_role_may_use(
    client, request, _case, persona, visible, hidden
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("home"))
    labels = [item.label for item in response.context["nav_items"]]
    assert [label for label in labels if label in visible] == visible
    assert not set(labels) & set(hidden)
    assert len(response.context["nav_groups"]) <= 6  # issue 14: a few groups by task
    for item in response.context["nav_items"]:  # every entry opens for this role
        assert client.get(item.url).status_code == 200, item.label


@pytest.mark.parametrize(
    ("_case", "persona", "status"),
    [
        ("admin", "admin", 200),
        ("operator", "operator", 403),
        ("pendamping", "pendamping_hadimulyo", 403),
    ],
)
def test_audit_page_is_for_admins(client, request, _case, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit-list")).status_code == status


def test_password_change_page_speaks_indonesian(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Kata sandi terlalu pendek. Harus mengandung setidaknya 10 karakter." in content
