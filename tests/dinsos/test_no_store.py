"""Responses to a signed-in user are never stored by a browser or proxy (issue 22, 12d).

`dinsos.middleware.NoStoreMiddleware` covers every page and export behind the login, so a
shared office PC keeps no personal data in its disk cache and Back after sign-out shows none.
"""

import pytest
from django.urls import reverse

from tests.factories import keluarga_with_pengurus

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.fixture
def keluarga(kota_metro):
    return keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Siti Aminah")


def test_personal_data_pages_are_not_stored(client, operator, keluarga):
    client.force_login(operator)
    for url in (
        reverse("kpm:keluarga-list"),
        reverse("kpm:keluarga-detail", args=[keluarga.pk]),
        reverse("kpm:anggota-update", args=[keluarga.pengurus_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"no-store", "no-cache", "private", "max-age=0"} <= _directives(response), url


def test_an_export_is_not_stored(client, admin, keluarga):
    client.force_login(admin)
    response = client.post(
        reverse("kpm:anggota-data-subjek", args=[keluarga.pengurus_id]),
        {"alasan": "Permintaan data pribadi oleh yang bersangkutan."},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in _directives(response)


def test_a_response_to_nobody_signed_in_keeps_its_own_caching(client):
    response = client.get(reverse("p2k2:service-worker"))
    assert response.status_code == 200
    assert _directives(response) == {"no-cache"}


def test_static_files_stay_cacheable_for_a_signed_in_user(client, operator):
    client.force_login(operator)
    response = client.get("/static/dinsos/base.css")
    assert "no-store" not in _directives(response)
