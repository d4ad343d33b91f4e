"""Benchmark: the Beranda worklist of each role on 100.000 families.

    .venv/bin/python -m dinsos.devstack exec -- .venv/bin/python bench/beranda.py [--reuse]

Seeds like bench/kpm_list.py (its own *_bench database, demo.keluarga, two pendamping per
kelurahan, an admin and an operator) plus a koordinator of kecamatan Metro Pusat, then times
`GET /` in process with django.test.Client for admin, operator, koordinator and one pendamping:
median and p95 over --repeat requests after 2 warm-ups and the query count of one request.
Target (issue 14): p95 ≤ 300 ms. The registry is full; the P2K2, findings and visit tables
are as the seed leaves them (empty), so their lines cost their queries on empty tables.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time

import kpm_list  # bench/kpm_list.py: the same database, seed and settings

TARGET_MS = 300.0
WARM_UPS = 2


def _koordinator() -> object:
    from dinsos import services
    from dinsos.models import User, Wilayah

    user = User.objects.filter(username="bench-koordinator").first()
    if user is None:
        user = services.user_create(
            username="bench-koordinator",
            password="Bench-Sandi-2025!",  # noqa: S106 (local benchmark account)
            role=User.Role.KOORDINATOR,
            nama="bench-koordinator",
            wilayah=[Wilayah.objects.get(nama="Metro Pusat", berlaku_sampai__isnull=True)],
        )
    return user


def measure(user: object, repeat: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    for _ in range(WARM_UPS):
        assert client.get("/").status_code == 200
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get("/")
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    lines = response.content.decode().count('<li class="list-group-item')  # type: ignore[attr-defined]
    return times, len(captured.captured_queries), lines


def main() -> int:
    args = kpm_list.parse_args()
    url = kpm_list.bench_database_url()
    database = kpm_list.ensure_database(url)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")  # the in-process client
    kpm_list.configure_django(url)
    kpm_list.seed(args.keluarga, reuse=args.reuse, database=database)
    from dinsos.models import User

    users = {
        "admin": User.objects.get(username="bench-admin"),
        "operator": User.objects.get(username="bench-operator"),
        "koordinator": _koordinator(),
        "pendamping": User.objects.filter(username__startswith="bench-pendamping-")
        .order_by("username")
        .first(),
    }
    print(f"\nBeranda (GET /), {args.repeat} requests per role after {WARM_UPS} warm-ups:")
    print(f"{'Role':<12} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'lines':>5}  target")
    missed = False
    for role, user in users.items():
        times, queries, lines = measure(user, args.repeat)
        p95 = sorted(times)[math.ceil(0.95 * len(times)) - 1]  # nearest rank
        ok = p95 <= TARGET_MS
        missed |= not ok
        print(f"{role:<12} {statistics.median(times):>9.1f} {p95:>7.1f} {queries:>7} {lines:>5}  "
              f"p95 ≤ {TARGET_MS:.0f} ms {'OK' if ok else 'MISSED'}")  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
