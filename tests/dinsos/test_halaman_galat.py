"""Error pages speak Indonesian (issue 14): 400, 403, 404, CSRF failure and 500 use the
portal's own templates, with no English from Django's debug or CSRF pages and no inline
style the CSP would block."""

import pytest
from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

# Phrases of Django's built-in English pages (technical_404.html, csrf.py, defaults.py).
DJANGO_ENGLISH = (
    "Page not found",
    "Not Found",
    "Forbidden",
    "CSRF verification failed",
    "Reason given for failure",
    "Bad Request",
    "Server Error",
    "Using the URLconf",
)


def _assert_indonesian(html: str, judul: str) -> None:
    assert f'<h1 class="h4">{judul}</h1>' in html
    assert [phrase for phrase in DJANGO_ENGLISH if phrase in html] == []
    assert " style=" not in html
    assert "<style" not in html


def test_missing_page_is_the_portals_404(client, operator):
    client.force_login(operator)
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    _assert_indonesian(response.content.decode(), "Halaman tidak ditemukan")


def test_forbidden_page_is_the_portals_403(client, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("audit-list"))
    assert response.status_code == 403
    _assert_indonesian(response.content.decode(), "Akses ditolak")


def test_failed_csrf_check_explains_what_to_do_in_indonesian(operator):
    # given: a form posted without its token (an expired page, another tab signed out)
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    # when
    response = client.post(reverse("logout"))
    # then
    assert response.status_code == 403
    html = response.content.decode()
    _assert_indonesian(html, "Formulir kedaluwarsa")
    assert "Muat ulang halaman sebelumnya lalu kirim lagi." in html
    assert "_auth_user_id" in client.session  # nothing happened


def test_bad_host_is_the_portals_400(client):
    response = client.get("/akun/masuk/", HTTP_HOST="bukan-portal.example")
    assert response.status_code == 400
    _assert_indonesian(response.content.decode(), "Permintaan tidak dapat diproses")


def test_server_error_page_is_indonesian(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    _assert_indonesian(response.content.decode(), "Terjadi kesalahan")
