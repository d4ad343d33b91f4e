"""Every page holds on a phone and an office screen, passes axe-core and speaks Indonesian
(issue 14).

One seeded database (the demo plus the access matrix's objects, tests/halaman.py) and one
browser serve every check: for each signed-in persona, every GET page the access matrix lets
it open is loaded once at 1366×768, checked, axe-core'd, then narrowed to 360×740 and checked
again (tests/e2e/periksa_tata_letak.js):
- the document never scrolls sideways (a wide table scrolls inside its own box);
- no word is broken in the middle or wider than its box;
- the top navigation stays on one line at 1366 px;
- every tap target on the phone is at least 44 px high;
- axe-core (axe-playwright-python, axe-core 4.12 bundled; never a CDN) finds no violation of
  impact "serious" or "critical";
- no English from Django's debug or CSRF pages.
A screenshot of each page at each width goes to var/test-artifacts/tata-letak/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from tests.conftest import ARTIFACTS
from tests.halaman import PERSONA_MASUK, dunia_bersama, halaman_get

# django_db: the test database exists only when a collected test asks for it. The seed and
# the sign-ins are committed by the module's fixtures, which the live server's own
# connection reads.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PERIKSA = (Path(__file__).parent / "periksa_tata_letak.js").read_text(encoding="utf-8")
DESKTOP = {"width": 1366, "height": 768}
PONSEL = {"width": 360, "height": 740}
SCREENSHOTS = ARTIFACTS / "tata-letak"
# Phrases of Django's English debug and CSRF pages (technical_404.html, csrf.py).
DJANGO_INGGRIS = (
    "Page not found",
    "Using the URLconf",
    "CSRF verification failed",
    "Reason given for failure",
    "Traceback",
    "You're seeing this error because you have",
    "Forbidden (403)",
)
DAMPAK_BERAT = {"serious", "critical"}
# axe-core judges markup, which is the same for every persona: each address is checked once,
# by the first persona that opens it (it keeps the whole walk within about three minutes).
AXE_SUDAH: set[str] = set()


@pytest.fixture(scope="module")
def dunia(django_db_setup: None, django_db_blocker: object) -> Iterator[object]:
    with dunia_bersama(django_db_blocker) as world:
        yield world


@pytest.fixture(scope="module")
def server(dunia: object, django_db_blocker: object) -> Iterator[LiveServer]:
    # pytest-django's live_server would make each test transactional and flush the seed.
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        live = LiveServer("localhost")
    yield live
    live.stop()


@pytest.fixture(scope="module")
def sesi(dunia: object, django_db_blocker: object) -> dict[str, str]:
    """A signed-in session cookie per persona (committed, so the live server reads it)."""
    cookies = {}
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        for persona in PERSONA_MASUK:
            client = Client()
            client.force_login(dunia.users[persona])  # type: ignore[attr-defined]
            cookies[persona] = client.cookies["sessionid"].value
    return cookies


def _walk(browser, server, dunia, sesi, persona):
    """Open every page of `persona`; return (layout problems, axe violations, English)."""
    context = browser.new_context(base_url=server.url, locale="id-ID", viewport=DESKTOP)
    host = server.url.split("//", 1)[1].split(":", 1)[0]
    cookie = sesi[persona]
    context.add_cookies([{"name": "sessionid", "value": cookie, "domain": host, "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    axe = Axe()
    folder = SCREENSHOTS / persona
    folder.mkdir(parents=True, exist_ok=True)
    layout, a11y, english = [], [], []
    try:
        for name, url in halaman_get(dunia, persona):
            page.set_viewport_size(DESKTOP)
            try:
                response = page.goto(url, wait_until="load")
            except PlaywrightError as exc:  # a download (attachment), not a screen
                if "Download is starting" in str(exc):
                    continue
                raise
            assert response is not None, url
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            english += [f"{url}: «{p}»" for p in DJANGO_INGGRIS if p in page.content()]
            if response.status != 200:  # the demo data changed the object (access matrix: 200)
                continue
            slug = name.replace(":", "-")
            layout += [f"{url} @1366: {p}" for p in page.evaluate(PERIKSA, {"isPhone": False})]
            page.screenshot(path=str(folder / f"{slug}-1366.jpg"), type="jpeg", quality=50)
            if url not in AXE_SUDAH:
                AXE_SUDAH.add(url)
                for v in axe.run(page).response["violations"]:
                    if v["impact"] in DAMPAK_BERAT:
                        targets = [n["target"] for n in v["nodes"][:3]]
                        a11y.append(f"{url}: {v['id']} ({v['impact']}) {targets}")
            page.set_viewport_size(PONSEL)
            layout += [f"{url} @360: {p}" for p in page.evaluate(PERIKSA, {"isPhone": True})]
            page.screenshot(path=str(folder / f"{slug}-360.jpg"), type="jpeg", quality=50)
    finally:
        context.close()
    return layout, a11y, english


@pytest.mark.parametrize("persona", PERSONA_MASUK)
def test_every_page_holds_is_accessible_and_indonesian(browser, server, dunia, sesi, persona):
    # when
    layout, a11y, english = _walk(browser, server, dunia, sesi, persona)
    # then
    assert english == []
    assert layout == [], "\n".join(layout)
    assert a11y == [], "\n".join(a11y)
