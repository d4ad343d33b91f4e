"""Benchmark: the aggregate pages of issue 21 through the Django test client.

    DATABASE_URL=postgres://…/<db> .venv/bin/python bench/halaman_agregat.py [--repeat 10]
    DATABASE_URL=… .venv/bin/python bench/halaman_agregat.py pendamping:/pendamping/saya/

Server time of each page (persona:path; the defaults are the pages of issue 21: the
pendamping performance pages and the P2K2 recaps), one warm-up request (which also computes a
summary row still missing) then --repeat timed requests, with the query count of one more.
Prints a markdown table: p50, p95 (ms), queries, size. Uses the test settings (plain static
files storage, DEBUG off) against the database of DATABASE_URL, e.g. the demo data of
`manage.py seed_demo` or the province set of bench/skala_provinsi.py. Quicker than
bench/pages.py (no gunicorn) for these few pages; target: p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HALAMAN = (
    "pendamping:/pendamping/saya/",
    "admin:/pendamping/perbandingan/",
    "admin:/pendamping/perbandingan/?tahun={tahun}",
    "admin:/pendamping/{pendamping}/",
    "admin:/p2k2/rekap/kurikulum/",
    "koordinator:/p2k2/rekap/kurikulum/",
    "admin:/p2k2/rekap/alfa/",
    "admin:/p2k2/rekap/",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("halaman", nargs="*", help="persona:path (bawaan: halaman issue 21)")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.test")
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dinsos.models import User
    from dinsos.pengaturan import today
    from pendamping.models import Pendamping

    contoh = Pendamping.objects.filter(user__isnull=False).order_by("pk").first()
    isi = {"tahun": today().year, "pendamping": contoh.pk if contoh else 0}
    print("| Halaman | Persona | p50 ms | p95 ms | Kueri | Ukuran |")
    print("|---|---|---|---|---|---|")
    for spec in args.halaman or [h.format(**isi) for h in HALAMAN]:
        username, path = spec.split(":", 1)
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(path)  # warm-up
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        times.sort()
        p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
        print(
            f"| `{path}` | {username} | {statistics.median(times):.0f} | {p95:.0f} "
            f"| {len(queries)} | {len(response.content) // 1024} kB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
