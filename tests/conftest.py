"""Shared fixtures: the Kota Metro areas, named personas, a real Celery worker, a real browser.

Personas (what each may see):
- `admin`: everything, and the Django admin.
- `operator`: all of Kota Metro; edits the registry.
- `koordinator_metro_pusat`: kecamatan Metro Pusat only.
- `pendamping_hadimulyo`: kelurahan Hadimulyo Barat (Metro Pusat); later only own families.
- `pendamping_iringmulyo`: kelurahan Iring Mulyo (Metro Timur).
- `operator_kelurahan_hadimulyo`: the operator kelurahan/desa of Hadimulyo Barat: its
  DTSEN proposals only (issue 17), no other page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dinsos import services
from dinsos.celery import app as celery_app
from dinsos.management.commands.load_wilayah import DEFAULT_CSV
from dinsos.models import User, Wilayah

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "var" / "test-artifacts"
PASSWORD = "Uji-Sandi-2025!"
R = User.Role


# --- Reference data of data migrations ------------------------------------------------
@pytest.fixture(autouse=True)
def _data_migrasi(request: pytest.FixtureRequest) -> None:
    """Put back what data migrations seed (PKH amounts, PSKS kinds, PMKS categories) for every
    test that uses the database: a transactional test's flush removes it for the tests after."""
    if not request.node.get_closest_marker("django_db") and not (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("db")
    from django.apps import apps as django_apps

    import_module("kpm.migrations.0002_nominal_komponen_awal").seed(django_apps, None)
    import_module("pendamping.migrations.0005_psks_seed").seed(django_apps, None)


# --- Areas and personas --------------------------------------------------------
@pytest.fixture
def kota_metro(db: None) -> dict[str, Wilayah]:
    """The real Kota Metro areas (kota, 5 kecamatan, 22 kelurahan), by name."""
    services.wilayah_load_csv(path=DEFAULT_CSV)
    return {w.nama: w for w in Wilayah.objects.all()}


def make_user(username: str, role: User.Role, *areas: Wilayah) -> User:
    return services.user_create(
        username=username, password=PASSWORD, role=role, nama=username.title(), wilayah=areas
    )


@pytest.fixture
def admin(kota_metro: dict[str, Wilayah]) -> User:
    return make_user("admin", R.ADMIN, kota_metro["Kota Metro"])


@pytest.fixture
def operator(kota_metro: dict[str, Wilayah]) -> User:
    return make_user("operator", R.OPERATOR, kota_metro["Kota Metro"])


@pytest.fixture
def koordinator_metro_pusat(kota_metro: dict[str, Wilayah]) -> User:
    return make_user("koordinator", R.KOORDINATOR, kota_metro["Metro Pusat"])


@pytest.fixture
def pendamping_hadimulyo(kota_metro: dict[str, Wilayah]) -> User:
    return make_user("pendamping_a", R.PENDAMPING, kota_metro["Hadimulyo Barat"])


@pytest.fixture
def pendamping_iringmulyo(kota_metro: dict[str, Wilayah]) -> User:
    return make_user("pendamping_b", R.PENDAMPING, kota_metro["Iring Mulyo"])


@pytest.fixture
def operator_kelurahan_hadimulyo(kota_metro: dict[str, Wilayah]) -> User:
    return make_user("operator_kel", R.OPERATOR_KELURAHAN, kota_metro["Hadimulyo Barat"])


# --- A real Celery worker --------------------------------------------------------
def _database_url_for_worker() -> str:
    """DATABASE_URL of the *test* database, for a worker in another process."""
    db = connection.settings_dict
    host = db.get("HOST") or ""
    host_part = urllib.parse.quote(host, safe="") if host.startswith("/") else host
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host_part}{port}/{db['NAME']}"


def spawn_celery_worker(
    *,
    name: str,
    database_url: str,
    redis_url: str,
    queues: str,
    pool: tuple[str, ...] = ("--concurrency", "2"),
    own_session: bool = False,
) -> subprocess.Popen[bytes]:
    """Start a real Celery worker process on `database_url`/`redis_url`; its output goes to
    var/test-artifacts/celery-<name>[-gw<n>].log. `own_session` puts it in its own process group, so
    that killing the group takes its pool processes with it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dinsos.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
    log_name = f"celery-{name}{'-' + xdist if xdist else ''}.log"
    with (ARTIFACTS / log_name).open("wb") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dinsos",
                "worker",
                "-l",
                "info",
                "-Q",
                queues,
                *pool,
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{name}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=own_session,
        )


def _wait_for_worker(process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited with code {process.returncode}")
        if celery_app.control.ping(timeout=0.5):
            return
    raise RuntimeError("Celery worker did not answer a ping in time")


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[None]:
    """Start a real worker process on the test database and the real broker."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        worker_db = _database_url_for_worker()
    celery_app.control.purge()  # messages left by an earlier, interrupted run
    process = spawn_celery_worker(
        name="uji", database_url=worker_db, redis_url=settings.REDIS_URL, queues="default,berat"
    )
    try:
        _wait_for_worker(process, timeout=60)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until(predicate: object, *, timeout: float = 30.0, interval: float = 0.2) -> None:
    """Poll `predicate()` until it is truthy (used to wait for work done by the worker)."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


# --- A real browser --------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} tidak ada: jalankan `make test` (memasang paket chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, live_server: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser page on the live server; a screenshot is saved when the test fails."""
    context = browser.new_context(base_url=live_server.url, locale="id-ID")  # type: ignore[attr-defined]
    new_page = context.new_page()
    new_page.set_default_timeout(10_000)
    yield new_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        new_page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def login(page: object, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form."""
    page.goto("/akun/masuk/")  # type: ignore[attr-defined]
    page.get_by_label("Nama pengguna").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Kata sandi").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Masuk").click()  # type: ignore[attr-defined]
