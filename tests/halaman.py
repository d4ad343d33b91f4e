"""Every GET page of the portal as each signed-in persona, on the demo data plus the access
matrix's objects: shared by the layout, accessibility and count tests (issue 14).

`dunia_demo()` seeds once per test module (the caller holds `django_db_blocker`, and flushes
at the end as a transactional test would): `seed_demo` with a few hundred families, the
access matrix's personas mapped onto the demo accounts, then each app's `build(world)`.
`halaman_get()` lists the pages (url name, address) that a persona opens with 200 by the
access matrix's rules, so a new page is walked as soon as it has a rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management import call_command
from django.urls import reverse

from dinsos.models import User, Wilayah
from tests.access import World
from tests.conftest import make_user
from tests.factories import keluarga_with_pengurus
from tests.test_access_matrix import RULES, _builders

KELUARGA_DEMO = 300
# Office personas of the access matrix are the demo accounts with the same role and area
# (dinsos.demo); the two pendamping are new accounts beside the demo's, because the apps'
# `build` gives them a workforce profile of their own.
AKUN = {"admin": "admin", "operator": "operator", "koordinator": "koordinator"}
PENDAMPING = {"pendamping_a": "Hadimulyo Barat", "pendamping_b": "Iring Mulyo"}
PERSONA_MASUK = (*AKUN, *PENDAMPING)
# Pages that are not a screen: downloads, JSON, the service worker, an uploaded photo, the
# progress fragments that htmx swaps into a page.
BUKAN_HALAMAN = (
    "xlsx",
    "ekspor",
    "unduh",
    "pdf",  # the rakor report's PDF (issue 19); its pages (laporan:laporan-…) are walked
    "healthz",
    "progress",
    "service-worker",
    "foto",
    "bukti",
    "siks-ng",
    "data-subjek",
    "daftar-hadir",
)


def dunia_demo() -> World:
    """Seed the demo and the access matrix's objects (needs database access)."""
    call_command("seed_demo", "--keluarga", str(KELUARGA_DEMO), verbosity=0)
    kota_metro = {w.nama: w for w in Wilayah.objects.all()}
    users = {persona: User.objects.get(username=akun) for persona, akun in AKUN.items()}
    for persona, kelurahan in PENDAMPING.items():
        users[persona] = make_user(persona, User.Role.PENDAMPING, kota_metro[kelurahan])
    users["operator_kelurahan"] = make_user(
        "operator_kel", User.Role.OPERATOR_KELURAHAN, kota_metro["Hadimulyo Barat"]
    )
    world = World(users=users, kota_metro=kota_metro)
    world.keluarga_a = keluarga_with_pengurus(
        kelurahan=world.kota_metro["Hadimulyo Barat"], pendamping=users["pendamping_a"]
    )
    world.keluarga_b = keluarga_with_pengurus(
        kelurahan=world.kota_metro["Iring Mulyo"], pendamping=users["pendamping_b"]
    )
    for build in _builders():
        build(world)
    return world


@contextmanager
def dunia_bersama(django_db_blocker: Any) -> Iterator[World]:
    """`dunia_demo()` committed for a whole module, flushed afterwards as a transactional test
    would — also when the seeding itself fails, so the next module on this worker starts from
    an empty database."""
    try:
        with django_db_blocker.unblock():
            world = dunia_demo()
        yield world
    finally:
        with django_db_blocker.unblock():
            call_command("flush", "--noinput", verbosity=0)


def halaman_get(world: World, persona: str) -> list[tuple[str, str]]:
    """(url name, address) of every GET page `persona` may open (status 200)."""
    pages = []
    for name, rule in sorted(RULES.items()):
        if rule.method != "get" or rule.statuses[persona] not in (200, (200,)):
            continue
        if any(part in name for part in BUKAN_HALAMAN):
            continue
        pages.append((name, reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)))
    return pages
