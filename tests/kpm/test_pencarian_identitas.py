"""Identifier search on the family list (issue 22, findings 3 and 12a).

A NIK or No KK is searched only as the full 16 digits; every such search is rate-limited per
user and recorded in the audit log (masked, with the result count); the session keeps no
cleartext identifier.
"""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from dinsos.models import AuditEvent
from dinsos.pencarian import SESSION_KEY
from tests.factories import AnggotaFactory, keluarga_with_pengurus, nik_for

pytestmark = pytest.mark.django_db

LIST = reverse("kpm:keluarga-list")
TIDAK_LENGKAP = "Masukkan 16 digit NIK atau No KK lengkap."
BATAS = re.compile(r"^Terlalu banyak pencarian NIK/No KK\. Coba lagi dalam \d+ menit\.$")


@pytest.fixture
def keluarga_a(kota_metro, pendamping_hadimulyo):
    """A family in Hadimulyo Barat assigned to pendamping A, with a wife and a child."""
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"],
        pendamping=pendamping_hadimulyo,
        no_kk="1872010101200033",
        pengurus_nama="Siti Aminah",
        pengurus_nik="1872015512880007",
    )
    AnggotaFactory(
        keluarga=keluarga,
        nama="Rina",
        hubungan="anak",
        tanggal_lahir=datetime.date(2015, 3, 9),
        nik="1872014903150002",
    )
    return keluarga


def _search(client, term, **filters):
    response = client.post(LIST, {"q": term, **filters}, follow=True)
    assert response.status_code == 200
    return response


def _found(response):
    return list(response.context["page"])


def _pesan(response):
    return response.context["pesan_cari"]


def _searches():
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH)
        .order_by("pk")
        .values_list("username", "object_type", "object_repr", "jumlah")
    )


def test_the_prefix_enumeration_of_a_nik_recovers_nothing(client, pendamping_hadimulyo, keluarga_a):
    # given: the attack from the report, as the family's pendamping: extend the known region
    # prefix one digit at a time, keeping the digit for which the family still appears
    nik = "1872014903150002"
    client.force_login(pendamping_hadimulyo)
    known, requests, responses = nik[:4], 0, []
    # when
    for _position in range(4, 16):
        for digit in "0123456789":
            requests += 1
            response = _search(client, known + digit)
            responses.append(response)
            if keluarga_a in _found(response):
                known += digit
                break
        else:
            break  # no digit showed the family: the attack is stuck
    # then: no digit ever shows the family, so nothing past the public region code is learned
    # (the unfixed search gave the whole NIK in 51 requests)
    assert known == "1872"
    assert requests == 10
    assert all(_found(r) == [] for r in responses)
    assert all(_pesan(r) == TIDAK_LENGKAP for r in responses)
    assert TIDAK_LENGKAP in responses[0].content.decode()
    assert _searches() == []  # an incomplete number runs no search, so there is nothing to log


def test_a_full_nik_or_no_kk_finds_the_family_and_is_audited_masked(
    client, pendamping_hadimulyo, keluarga_a
):
    client.force_login(pendamping_hadimulyo)
    # when: the child's full NIK, the No KK, and a NIK nobody has
    by_nik = _search(client, "1872014903150002")
    by_kk = _search(client, "1872 0101 0120 0033")
    missing = _search(client, "1872015512880099")
    # then
    assert _found(by_nik) == [keluarga_a]
    assert _found(by_kk) == [keluarga_a]
    assert _found(missing) == []
    assert _pesan(by_nik) == _pesan(missing) == ""
    assert _searches() == [
        ("pendamping_a", "kpm.keluarga", "1872**********02", 1),
        ("pendamping_a", "kpm.keluarga", "1872**********33", 1),
        ("pendamping_a", "kpm.keluarga", "1872**********99", 0),
    ]
    rows = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "1872014903150002" not in rows
    assert "1872010101200033" not in rows


def test_a_nik_outside_the_users_scope_finds_nothing(client, pendamping_iringmulyo, keluarga_a):
    client.force_login(pendamping_iringmulyo)
    response = _search(client, "1872014903150002")
    assert _found(response) == []
    assert _searches() == [("pendamping_b", "kpm.keluarga", "1872**********02", 0)]


def test_the_same_search_with_another_filter_is_counted_once(client, operator, keluarga_a):
    client.force_login(operator)
    # when: a NIK search, then the same NIK with a filter, and the masked NIK the search box
    # shows sent back with another filter (what the page's form does)
    first = _search(client, "1872015512880007")
    again = _search(client, "1872015512880007", status="aktif")
    shown = first.context["form"]["q"].value()
    from_box = _search(client, shown, status="ditangguhkan")
    # then
    assert shown == "1872**********07"
    assert _found(first) == _found(again) == [keluarga_a]
    assert _found(from_box) == []  # the family is aktif
    assert _pesan(from_box) == ""
    assert _searches() == [("operator", "kpm.keluarga", "1872**********07", 1)]


def test_the_page_never_shows_the_searched_nik(client, operator, keluarga_a):
    client.force_login(operator)
    full_page = _search(client, "1872015512880007")
    partial = client.post(LIST, {"q": "1872015512880007"}, headers={"HX-Request": "true"})
    assert "1872015512880007" not in full_page.content.decode()
    assert 'value="1872**********07"' in full_page.content.decode()
    assert list(partial.context["page"]) == [keluarga_a]
    assert "1872015512880007" not in partial.content.decode()


@override_settings(DINSOS_CARI_IDENTITAS_BATAS="30/1d")  # a day: the window never ends mid-test
def test_identifier_searches_are_limited_per_user(
    client, operator, koordinator_metro_pusat, keluarga_a
):
    # given: 30 guesses of a full NIK, each a different number
    client.force_login(operator)
    guesses = [nik_for(datetime.date(1988, 12, 15), "P", serial) for serial in range(101, 131)]
    for guess in guesses:
        assert _pesan(_search(client, guess)) == ""
    # when: the 31st search, for a NIK that exists
    refused = _search(client, "1872015512880007")
    # then: refused with a clear message, not run and not logged
    assert _found(refused) == []
    assert BATAS.match(_pesan(refused))
    assert "Terlalu banyak pencarian NIK/No KK." in refused.content.decode()
    assert len(_searches()) == 30
    # a name search still works, and so does another user's identifier search
    assert _found(_search(client, "Siti Aminah")) == [keluarga_a]
    client.force_login(koordinator_metro_pusat)
    assert _found(_search(client, "1872015512880007")) == [keluarga_a]
    assert len(_searches()) == 31


def test_the_default_limit_is_30_searches_per_10_minutes():
    assert settings.DINSOS_CARI_IDENTITAS_BATAS == "30/10m"


def _stored_session(client) -> str:
    """Everything kept for the client's session: the database row and the Redis copy."""
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    row = Session.objects.get(session_key=key)
    from_db = SessionStore().decode(row.session_data)
    from_cache = cache.get(SessionStore(session_key=key).cache_key)
    return json.dumps([from_db, from_cache], default=str)


def test_the_session_keeps_no_searched_identifier(client, operator, keluarga_a):
    # given: a session from before the fix, holding a searched NIK in cleartext
    client.force_login(operator)
    session = client.session
    session[SESSION_KEY] = {"lama": "1872014903150002"}
    session.save()
    # when: a NIK search, a No KK search and a name search
    _search(client, "1872015512880007")
    _search(client, "1872010101200033")
    _search(client, "Siti Aminah")
    # then: the session holds the masked numbers, a keyed hash and the ids found, the name
    stored = _stored_session(client)
    for identifier in ("1872015512880007", "1872010101200033", "1872014903150002"):
        assert identifier not in stored
    entries = list(client.session[SESSION_KEY].values())
    assert [e["q"] for e in entries] == ["1872**********07", "1872**********33", "Siti Aminah"]
    assert [e.get("ids") for e in entries] == [[keluarga_a.pk], [keluarga_a.pk], None]
    assert all(re.fullmatch(r"[0-9a-f]{40,}", e["kunci"]) for e in entries[:2])


def test_paging_an_identifier_search_repeats_it_within_the_users_scope(
    client, operator, keluarga_a, kota_metro
):
    # given: the search found the family; then the operator loses the family's area
    client.force_login(operator)
    found = _search(client, "1872015512880007")
    url = found.redirect_chain[-1][0]
    assert _found(client.get(url)) == [keluarga_a]
    operator.wilayah.set([kota_metro["Metro Timur"]])
    # when: the same list URL again
    again = client.get(url)
    # then: the kept ids pass through the scope again
    assert _found(again) == []
    assert len(_searches()) == 1
