"""The admin's changelist search never takes a NIK or No KK (issue 22, finding 12c).

Its search box is a GET form: a NIK typed there would sit in the URL, the browser history and
the access logs. Names stay searchable; identifiers are searched on the portal's family list.
"""

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse

from tests.factories import keluarga_with_pengurus

pytestmark = pytest.mark.django_db

IDENTIFIER_FIELDS = ("nik", "no_kk")


def _field_name(search_field: str) -> str:
    return search_field.lstrip("^=@").split("__")[-1]


def test_no_admin_searches_an_identifier():
    searched = {
        f"{model._meta.label}: {field}"
        for model, model_admin in django_admin.site._registry.items()
        for field in model_admin.search_fields
        if _field_name(field) in IDENTIFIER_FIELDS
    }
    assert searched == set()


@pytest.mark.parametrize(
    ("_case", "changelist"),
    [("keluarga", "admin:kpm_keluarga_changelist"), ("anggota", "admin:kpm_anggota_changelist")],
)
def test_the_admin_finds_by_name_and_never_by_nik(client, admin, kota_metro, _case, changelist):
    # given
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Imopuro"], no_kk="1872010101200033", pengurus_nama="Siti Aminah"
    )
    client.force_login(admin)
    url = reverse(changelist)
    # when
    by_name = client.get(url, {"q": "Siti Aminah"})
    by_nik = client.get(url, {"q": keluarga.pengurus.nik})
    by_kk = client.get(url, {"q": keluarga.no_kk})
    by_prefix = client.get(url, {"q": "1872"})
    # then
    assert by_name.context["cl"].result_count == 1
    assert by_nik.context["cl"].result_count == 0
    assert by_kk.context["cl"].result_count == 0
    assert by_prefix.context["cl"].result_count == 0
    assert "NIK dan No KK dicari di halaman Keluarga portal" in by_name.content.decode()
