"""No query string and no id in a URL makes a page answer 500 (issue 22, finding 10).

Walks every GET URL of the access matrix (tests/test_access_matrix.py) as every persona that
may open it, on the matrix's shared objects. The query parameters a page reads are found by
watching `request.GET`: each page is opened once and every key it asks for is recorded (a
page that reads more keys once one is set, such as a filter form, is opened again until no
new key appears). Each key is then sent alone, and all of them together, with a huge, a
negative, a non-numeric, an overlong, a malformed and an edge-of-calendar date value; the
page must answer 200, 302, 400 or 404. Every integer in the URL path is also replaced by a
24-digit number, which must answer 404 like any missing object (or the 302/403/405 the
persona gets anyway).
"""

from __future__ import annotations

import traceback
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from tests.access import PERSONAS, World
from tests.test_access_matrix import RULES, world  # noqa: F401  (the matrix's shared objects)

HOSTILE_VALUES = {
    "huge": "9" * 24,
    "negative": "-1",
    "non-numeric": "abc",
    "overlong": "9" * 5000,
    "malformed date": "2024-13-45",
    "year zero month": "0000-01",
    "first date": "0001-01-01",
    "last date": "9999-12-31",
}
OUT_OF_RANGE_ID = 10**24
ANSWERS = {200, 302, 400, 404}
DISCOVERY_KEY = "_uji"  # makes `request.GET or None` bind the page's filter form

_read_keys: set[str] = set()


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key the page asks for, present or not."""

    def __getitem__(self, key: str) -> Any:
        _read_keys.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            _read_keys.add(key)
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        _read_keys.add(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        _read_keys.add(key)
        return super().getlist(key, default)


@pytest.fixture
def recorded_get(monkeypatch: pytest.MonkeyPatch) -> None:
    def get(request: WSGIRequest) -> QueryDict:
        if not hasattr(request, "_recorded_get"):
            query = request.META.get("QUERY_STRING", "")
            request._recorded_get = RecordingQueryDict(query, encoding=request.encoding)  # type: ignore[attr-defined]
        return request._recorded_get  # type: ignore[attr-defined]

    monkeypatch.setattr(WSGIRequest, "GET", property(get))


def _open(client: Client, method: str, url: str) -> tuple[int, set[str], str]:
    """Status, keys read and, for a crash, where it happened. In a savepoint rolled back
    after a crash, so a failed query does not abort the test's transaction."""
    _read_keys.clear()
    with transaction.atomic():
        response = getattr(client, method)(url)
        if response.status_code >= 500:
            transaction.set_rollback(True)
    where = ""
    if response.exc_info:
        _, exc, tb = response.exc_info
        frame = traceback.extract_tb(tb)[-1]
        where = f"{type(exc).__name__}: {str(exc)[:120]} ({frame.filename}:{frame.lineno})"
    return response.status_code, set(_read_keys) - {DISCOVERY_KEY}, where


@pytest.fixture
def crash_client() -> Client:
    """A client that answers an unhandled error with the 500 a user would get."""
    return Client(raise_request_exception=False)


def _sign_in(client: Client, objects: World, persona: str) -> None:
    client.logout()
    if persona != "anonim":
        client.force_login(objects.users[persona])


def _follow_keys(client: Client, url: str, keys: set[str]) -> tuple[set[str], list[str]]:
    """Keys that a page reads only once another key is set (a filter form, a pager)."""
    crashes: list[str] = []
    tried: set[str] = set()
    while pending := keys - tried:
        key = min(pending)
        tried.add(key)
        status, more, where = _open(client, "get", f"{url}?{urlencode({key: '1'})}")
        if status == 500:
            crashes.append(f"?{key}=1 → {where}")
        keys = keys | more
    return keys, crashes


def _fuzz(client: Client, url: str, queries: list[dict[str, str]], label: str) -> list[str]:
    failures = []
    for query in queries:
        status, _, where = _open(client, "get", f"{url}?{urlencode(query)}")
        if status not in ANSWERS:
            failures.append(f"{'&'.join(sorted(query))}={label} → {status} {where}")
    return failures


def _fuzz_page(client: Client, url: str, fuzzed: set[str] | None) -> tuple[set[str], list[str]]:
    """Fuzz one page as the signed-in persona: the keys not `fuzzed` yet one at a time, and
    (as the first persona that may open it, `fuzzed` None) all keys together too."""
    failures: list[str] = []
    status, keys, where = _open(client, "get", f"{url}?{DISCOVERY_KEY}=1")
    if status == 500:
        failures.append(f"?{DISCOVERY_KEY}=1 → {where}")
    if status != 200:
        return set(), failures  # denied or redirected before the page reads anything
    first = fuzzed is None
    if first:
        keys, crashes = _follow_keys(client, url, keys)
        failures += crashes
    for label, value in HOSTILE_VALUES.items():
        queries = [{key: value} for key in sorted(keys - (fuzzed or set()))]
        if first and len(keys) > 1:
            queries.append(dict.fromkeys(keys, value))
        failures += _fuzz(client, url, queries, label)
    return keys, failures


def _kwargs(rule: Any, objects: World) -> dict[str, Any]:
    return rule.kwargs(objects) if rule.kwargs else {}


def test_no_query_value_makes_a_page_answer_500(crash_client, world, recorded_get):  # noqa: F811
    client = crash_client
    urls = {
        name: reverse(name, kwargs=_kwargs(rule, world) or None)
        for name, rule in sorted(RULES.items())
        if rule.method == "get"
    }
    fuzzed: dict[str, set[str]] = {}  # keys already fuzzed per page, by an earlier persona
    failures: list[str] = []
    for persona in PERSONAS:
        _sign_in(client, world, persona)
        for name, url in urls.items():
            keys, found = _fuzz_page(client, url, fuzzed.get(name))
            failures += [f"{name} sebagai {persona}: {f}" for f in found]
            if keys:
                fuzzed[name] = fuzzed.get(name, set()) | keys
    assert failures == [], "\n".join(failures)


REFUSED_BEFORE_LOOKUP = {302, 403, 405}  # signed out, wrong role, wrong method


def test_an_out_of_range_id_in_the_path_answers_404(crash_client, world):  # noqa: F811
    client = crash_client
    failures: list[str] = []
    for persona in PERSONAS:
        _sign_in(client, world, persona)
        for name, rule in sorted(RULES.items()):
            expected = rule.statuses[persona]
            allowed = set(expected) if isinstance(expected, tuple) else {expected}
            if allowed <= REFUSED_BEFORE_LOOKUP:
                continue
            kwargs = _kwargs(rule, world)
            for key in [k for k, v in kwargs.items() if isinstance(v, int)]:
                url = reverse(name, kwargs={**kwargs, key: OUT_OF_RANGE_ID})
                status, _, where = _open(client, rule.method, url)
                if status != 404:
                    failures.append(f"{name} {key}=10**24 sebagai {persona}: {status} {where}")
    assert failures == [], "\n".join(failures)
