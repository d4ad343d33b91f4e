"""Every URL of the portal, as every persona: the allowed status, and nothing else.

The URL list comes from the resolver, so a new page without a rule here fails
`test_every_url_has_an_access_rule`. Rules live in `tests/<app>/access_rules.py` (RULES and
an optional `build(world)` that creates the objects the app's URLs need), plus the shared
ones below. Ids of objects in another area must answer 404, the same as a missing id.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dinsos import services as dinsos_services
from dinsos.models import Persetujuan
from tests.access import PERSONAS, Rule, World, ok_for
from tests.factories import keluarga_with_pengurus

APPS_WITH_RULES = (
    "kpm",
    "pendamping",
    "verifikasi",
    "p2k2",
    "dtsen",
    "pengaduan",
    "pemutakhiran",
    "laporan",
)
SKIPPED_NAMESPACES = ("admin",)  # the admin site has its own test (admin role only)


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def all_url_names() -> list[str]:
    names = set(_walk(get_resolver().url_patterns))
    return sorted(n for n in names if n.split(":")[0] not in SKIPPED_NAMESPACES)


_PENGAJU = ("admin", "operator", "koordinator", "pendamping_a", "pendamping_b")


def _persetujuan_a(world: World) -> int:
    """An operator's four-eyes proposal about A's family (issue 20), made once per world."""
    if "persetujuan_a" not in world.extra:
        world.persetujuan_a = dinsos_services.persetujuan_ajukan(
            jenis=Persetujuan.Jenis.STATUS_KELUARGA,
            objek=world.keluarga_a,
            wilayah=world.keluarga_a.kelurahan,
            judul="Keluarga A",
            sebelum="Aktif",
            sesudah="Ditangguhkan",
            alasan="Uji matriks akses.",
            data={"ke": "ditangguhkan"},
            oleh=world.users["operator"],
        )
    return int(world.persetujuan_a.pk)


S = {p: 200 for p in PERSONAS if p != "anonim"}  # every signed-in persona, operator kelurahan too
ANON_LOGIN = {"anonim": 302}
CORE_RULES: dict[str, Rule] = {
    "home": Rule({**ANON_LOGIN, **S}),
    "healthz": Rule(dict.fromkeys(PERSONAS, (200, 503))),  # 503 without a worker
    "wilayah-list": Rule({**ANON_LOGIN, **ok_for("admin", "operator", "koordinator", deny=403)}),
    "audit-list": Rule({**ANON_LOGIN, **ok_for("admin", deny=403)}),
    # Issue 20: the four-eyes queue; an empty POST goes back to it (302) for whoever may
    # decide or withdraw the operator's proposal in Hadimulyo Barat, 404 for the rest.
    "persetujuan-list": Rule({**ANON_LOGIN, **ok_for(*_PENGAJU)}),
    "persetujuan-putuskan": Rule(
        {**ANON_LOGIN, **ok_for("admin", "operator", "koordinator", ok=302, deny=404)},
        kwargs=lambda w: {"persetujuan_id": _persetujuan_a(w)},
        method="post",
    ),
    "login": Rule({"anonim": 200, **{p: 302 for p in PERSONAS if p != "anonim"}}),
    "logout": Rule({**ANON_LOGIN, **dict.fromkeys(S, 405)}),  # POST only
    "otp-verify": Rule({**ANON_LOGIN, **dict.fromkeys(S, 302)}),  # no device: sent to setup
    "otp-setup": Rule({**ANON_LOGIN, **S}),
    "password_reset": Rule(dict.fromkeys(PERSONAS, 200)),
    "password_reset_done": Rule(dict.fromkeys(PERSONAS, 200)),
    "password_reset_confirm": Rule(
        dict.fromkeys(PERSONAS, 200), kwargs=lambda w: {"uidb64": "MA", "token": "x-y"}
    ),
    "password_reset_complete": Rule(dict.fromkeys(PERSONAS, 200)),
    "password_change": Rule({**ANON_LOGIN, **S}),
    "password_change_done": Rule({**ANON_LOGIN, **S}),
    # Issue 20: the record of processing activities, read-only for office staff.
    "pemrosesan-list": Rule({**ANON_LOGIN, **ok_for("admin", "operator", "koordinator", deny=403)}),
    "pemrosesan-xlsx": Rule({**ANON_LOGIN, **ok_for("admin", "operator", "koordinator", deny=403)}),
}


def _rules() -> dict[str, Rule]:
    rules = dict(CORE_RULES)
    for app in APPS_WITH_RULES:
        try:
            module = importlib.import_module(f"tests.{app}.access_rules")
        except ModuleNotFoundError:
            continue
        rules.update(module.RULES)
    return rules


def _builders() -> list[Any]:
    builders = []
    for app in APPS_WITH_RULES:
        try:
            module = importlib.import_module(f"tests.{app}.access_rules")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "build"):
            builders.append(module.build)
    return builders


RULES = _rules()


def test_every_url_has_an_access_rule():
    missing = [name for name in all_url_names() if name not in RULES]
    assert missing == [], f"URL tanpa aturan akses di tests/<app>/access_rules.py: {missing}"


@pytest.fixture
def world(
    db,
    kota_metro,
    admin,
    operator,
    koordinator_metro_pusat,
    pendamping_hadimulyo,
    pendamping_iringmulyo,
    operator_kelurahan_hadimulyo,
) -> World:
    """Objects every rule can point at: A's family in Hadimulyo Barat (Metro Pusat), B's in
    Iring Mulyo (Metro Timur), plus what each app's `build` adds."""
    w = World(
        users={
            "admin": admin,
            "operator": operator,
            "koordinator": koordinator_metro_pusat,
            "pendamping_a": pendamping_hadimulyo,
            "pendamping_b": pendamping_iringmulyo,
            "operator_kelurahan": operator_kelurahan_hadimulyo,
        },
        kota_metro=kota_metro,
    )
    w.keluarga_a = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    w.keluarga_b = keluarga_with_pengurus(
        kelurahan=kota_metro["Iring Mulyo"], pendamping=pendamping_iringmulyo
    )
    for build in _builders():
        build(w)
    return w


@pytest.mark.parametrize("url_name", sorted(RULES))
def test_each_persona_gets_the_allowed_status(client, world, url_name):
    rule = RULES[url_name]
    url = reverse(url_name, kwargs=rule.kwargs(world) if rule.kwargs else None)
    for persona in PERSONAS:
        client.logout()
        if persona != "anonim":
            client.force_login(world.users[persona])
        response = getattr(client, rule.method)(url)
        expected = rule.statuses[persona]
        allowed = expected if isinstance(expected, tuple) else (expected,)
        assert response.status_code in allowed, (
            f"{url_name} sebagai {persona}: {response.status_code}, harus {expected}"
        )
        _assert_no_identifier_exposed(response, f"{url_name} sebagai {persona}")


# DOMAIN.md §10: a NIK/No KK (16 digits) never travels in a URL, and an error page never
# echoes one. Links, form targets and redirects of every page are checked here.
_IDENTIFIER = re.compile(r"(?<!\d)\d{16}(?!\d)")
_URL_ATTRIBUTE = re.compile(
    r'\b(?:href|src|action|formaction|hx-get|hx-post|hx-push-url|data-url)="([^"]*)"'
)


def _assert_no_identifier_exposed(response: Any, where: str) -> None:
    location = response.headers.get("Location", "") + response.headers.get("HX-Push-Url", "")
    assert not _IDENTIFIER.search(location), f"{where}: NIK/No KK di alamat {location}"
    content_type = response.headers.get("Content-Type", "")
    if "html" not in content_type or getattr(response, "streaming", False):
        return
    html = response.content.decode()
    urls = [u for u in _URL_ATTRIBUTE.findall(html) if _IDENTIFIER.search(u)]
    assert urls == [], f"{where}: NIK/No KK di tautan {urls}"
    if response.status_code >= 400:
        assert not _IDENTIFIER.search(html), f"{where}: halaman galat memuat NIK/No KK"
