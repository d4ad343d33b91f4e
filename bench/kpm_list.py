"""Benchmark: the KPM family list, searches and family page on 100.000 families.

    make bench
    .venv/bin/python -m dinsos.devstack exec -- .venv/bin/python bench/kpm_list.py [--reuse]

It uses its own database: a DATABASE_URL ending in /dinsos becomes /dinsos_bench (created and
migrated when missing), so the demo database is never touched; only a database whose name
contains "bench" is ever emptied. It seeds the families with demo.keluarga, then times each page
in process with django.test.Client (server time: middleware, view, queries, template; no
network): median and p95 over --repeat requests after 2 warm-ups, the query count of one
request, and the process's peak RSS. Targets: list/search p95 ≤ 150 ms, detail p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import statistics
import sys
import time
import urllib.parse
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dinsos"
SEED = 1872
WARM_UPS = 2
TARGET_MS = {"list": 150.0, "detail": 100.0}
PENDAMPING_PER_KELURAHAN = 2
_JUMLAH = re.compile(r'data-testid="jumlah-hasil">([\d.]+) keluarga')


def bench_database_url() -> str:
    """The benchmark's own database: /dinsos becomes /dinsos_bench; others are kept."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urllib.parse.urlsplit(url)
    if parts.path == "/dinsos":
        parts = parts._replace(path="/dinsos_bench")
    return urllib.parse.urlunsplit(parts)


def ensure_database(url: str) -> str:
    """Create the database when missing; return its name."""
    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Basis data {name} dibuat.")
    return name


def configure_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    # Production-like: no debug query log; plain HTTP for the in-process client.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # The in-process client cannot pass the TOTP step; the check itself is one middleware.
    os.environ.setdefault("DINSOS_OTP_WAJIB", "false")
    import django

    # WhiteNoise warns that STATIC_ROOT is missing when collectstatic has not run: not our concern.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--keluarga", type=int, default=100_000, help="jumlah keluarga")
    parser.add_argument(
        "--reuse", action="store_true", help="pakai data yang ada bila jumlahnya sudah sama"
    )
    parser.add_argument("--repeat", type=int, default=30, help="permintaan terukur per halaman")
    return parser.parse_args()


def seed(n: int, *, reuse: bool, database: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from demo.keluarga import generate_keluarga
    from dinsos import services
    from dinsos.models import User, Wilayah
    from dinsos.pengaturan import today
    from kpm.models import Keluarga

    call_command("migrate", verbosity=0)
    if not Wilayah.objects.exists():
        call_command("load_wilayah", verbosity=0)
    kota = Wilayah.objects.get(kode="18.72", berlaku_sampai__isnull=True)
    kelurahan = list(
        Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KELURAHAN,
            berlaku_sampai__isnull=True,
            kode__startswith="18.72.",
        ).order_by("kode")
    )
    for username, role in (
        ("bench-admin", User.Role.ADMIN),
        ("bench-operator", User.Role.OPERATOR),
    ):
        if not User.objects.filter(username=username).exists():
            services.user_create(
                username=username,
                password="Bench-Sandi-2025!",  # noqa: S106 (local benchmark account)
                role=role,
                nama=username,
                wilayah=[kota],
            )
    pendamping = _pendamping_users(kelurahan)
    existing = Keluarga.objects.count()
    if reuse and existing == n:
        print(f"Memakai {existing:,} keluarga yang ada di {database}.")
        return
    if existing:
        if "bench" not in database:
            sys.exit(f"Menolak mengosongkan {database}: hanya basis data *bench* yang boleh.")
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE kpm_riwayatstatus, kpm_riwayatperubahan, kpm_keluargatidakadadiimpor, "
                "kpm_anggota, kpm_keluarga CASCADE"
            )
    started = time.monotonic()
    stats = generate_keluarga(
        n=n,
        seed=SEED,
        kelurahan=kelurahan,
        pendamping=pendamping,
        today=today(),
        oleh=User.objects.get(username="bench-admin"),
    )
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) kpm_keluarga, kpm_anggota, kpm_riwayatstatus")
    print(
        f"Seeding: {stats.keluarga:,} keluarga, {stats.anggota:,} anggota, "
        f"{stats.riwayat_status:,} riwayat status in {seconds:.1f} s "
        f"(+ VACUUM ANALYZE {time.monotonic() - started - seconds:.1f} s)"
    )


def _pendamping_users(kelurahan: list) -> list:
    """Two pendamping per kelurahan (bench accounts without a usable password)."""
    from dinsos.models import User

    users = []
    for kel in kelurahan:
        for i in range(1, PENDAMPING_PER_KELURAHAN + 1):
            username = f"bench-pendamping-{kel.kode}-{i}"
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"role": User.Role.PENDAMPING, "first_name": f"Pendamping {kel.nama} {i}"},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.wilayah.set([kel])
            users.append(user)
    return users


@dataclass
class Result:
    label: str
    kind: str
    times_ms: list[float]
    queries: int
    hasil: str

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank

    @property
    def ok(self) -> bool:
        return self.p95 <= TARGET_MS[self.kind]


def measure(label: str, kind: str, get: Callable[[], object], repeat: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UPS):
        response = get()
        assert response.status_code == 200, (label, response.status_code)  # type: ignore[attr-defined]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = get()
    found = _JUMLAH.search(response.content.decode())  # type: ignore[attr-defined]
    hasil = found.group(1) if found else "—"
    return Result(label, kind, times, len(captured.captured_queries), hasil)


def typo(nama: str) -> str:
    """Drop one letter from the last word: "siti aminah" → "siti aminh"."""
    head, _, last = nama.rpartition(" ")
    cut = max(1, len(last) - 2)
    return f"{head} {last[:cut]}{last[cut + 1 :]}".strip()


def run_pages(repeat: int) -> list[Result]:
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    from dinsos.models import User, Wilayah
    from kpm.models import Keluarga

    operator = User.objects.get(username="bench-operator")
    n = Keluarga.objects.count()
    family = Keluarga.objects.select_related("pengurus").order_by("no_kk")[n // 2]
    nik = family.anggota.order_by("-tanggal_lahir").values_list("nik", flat=True)[0]
    named = (
        Keluarga.objects.filter(pengurus__nama_cari="siti aminah").order_by("no_kk").first()
        or Keluarga.objects.filter(pengurus__nama_cari__contains=" ").order_by("no_kk")[n // 3]
    )
    assert named.pengurus is not None
    name_query = typo(named.pengurus.nama_cari)
    kecamatan = Wilayah.objects.get(kode="18.72.04", berlaku_sampai__isnull=True)
    list_url = reverse("kpm:keluarga-list")
    pages: list[tuple[str, str, str, dict[str, Any]]] = [
        ("Daftar keluarga (halaman 1)", "list", list_url, {}),
        (
            "Saring kecamatan+status+komponen",
            "list",
            list_url,
            {"kecamatan": kecamatan.pk, "status": "aktif", "komponen": "anak_sd"},
        ),
        ("Cari NIK 16 digit", "list", list_url, {"q": nik}),
        (f'Cari nama salah ketik "{name_query}"', "list", list_url, {"q": name_query}),
        ("Detail keluarga", "detail", reverse("kpm:keluarga-detail", args=[family.pk]), {}),
    ]
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages
    ):
        client = Client()
        client.force_login(operator)
        for label, kind, url, params in pages:
            if "q" in params:  # searches are POSTed by the page's htmx (the term stays out
                # of the URL) and answered with the results fragment, as timed here
                def request(u: str = url, p: dict[str, Any] = params) -> object:
                    return client.post(u, p, headers={"HX-Request": "true"})
            else:

                def request(u: str = url, p: dict[str, Any] = params) -> object:
                    return client.get(u, p)

            results.append(measure(label, kind, request, repeat=repeat))
    return results


def report(results: list[Result], repeat: int) -> None:
    width = max(len(r.label) for r in results)
    print(f"\nServer time, {repeat} requests per page after {WARM_UPS} warm-ups:")
    print(f"{'Page':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'queries':>7}  "
          f"{'results':>8}  target")  # fmt: skip
    for r in results:
        target = f"p95 ≤ {TARGET_MS[r.kind]:.0f} ms {'OK' if r.ok else 'MISSED'}"
        print(f"{r.label:<{width}}  {r.median:>9.1f}  {r.p95:>7.1f}  {r.queries:>7}  "
              f"{r.hasil:>8}  {target}")  # fmt: skip
    # A name search reads the matching members with their score first: one query more.
    lists = {r.queries for r in results if r.kind == "list" and not r.label.startswith("Cari nama")}
    print(f"List/search query count the same for 25 rows and 1 row: {len(lists) == 1}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak RSS: {peak:.0f} MB")


def main() -> int:
    args = parse_args()
    url = bench_database_url()
    database = ensure_database(url)
    configure_django(url)
    seed(args.keluarga, reuse=args.reuse, database=database)
    results = run_pages(args.repeat)
    report(results, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
