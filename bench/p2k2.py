"""Benchmark: the P2K2 office recap page, one attendance submit, the attendance screen's weight.

    make bench
    .venv/bin/python bench/p2k2.py [--repeat 20] [--regenerate]

Standalone: sets DJANGO_SETTINGS_MODULE=dinsos.settings.base (and a DJANGO_SECRET_KEY if
unset) and always uses its own database `dinsos_bench_p2k2` on the server of DATABASE_URL
(created and migrated when missing; reused when it already holds the data set). Data set:
40 pendamping, 5.000 families (demo.keluarga), about 200 groups of ~25 with 12 monthly meetings
each and their attendance (demo.p2k2). It prints:
- the office recap page (GET /p2k2/rekap/ for the year, as admin and as a city-wide
  koordinator): median and p95 over --repeat requests after 2 warm-ups; target p95 ≤ 200 ms;
- one attendance submit (p2k2.services.kehadiran_submit) for groups of 10 and 30 families:
  queries (target ≤ 5 whatever the size) and time;
- the attendance screen of a 30-family meeting: bytes of the HTML plus the gzip size of each
  static file it loads (WhiteNoise serves them compressed); target ≤ 150 KB.
BENCH_SQL=1 also prints the statements of one submit.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import importlib
import os
import re
import statistics
import sys
import time
import urllib.parse
import uuid
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dinsos"
DATABASE_NAME = "dinsos_bench_p2k2"
PENDAMPING = 40
KELUARGA = 5_000
SEED = 1872
WARM_UPS = 2
REKAP_TARGET_MS = 200.0
SUBMIT_QUERIES_MAX = 5
HALAMAN_MAKS_BYTE = 150 * 1024
BENCH_PASSWORD = "bench-only-2025"  # noqa: S105 (accounts of a throwaway database)


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{DATABASE_NAME}"))


def ensure_database(url: str) -> bool:
    """Create the database when missing; True when it was created."""
    parts = urllib.parse.urlsplit(url)
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
            print(f"Basis data {DATABASE_NAME} dibuat.")
    return not found


def configure_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "dinsos.settings.base"
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # The test client speaks plain HTTP to "testserver"; sessions are signed in directly.
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    os.environ["DJANGO_SECURE_COOKIES"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DINSOS_OTP_WAJIB"] = "false"
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def seed(today: datetime.date) -> None:
    """Empty the bench database's data and build the data set (inside one transaction)."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction

    from demo import p2k2 as demo
    from demo.keluarga import generate_keluarga
    from dinsos import services as dinsos_services
    from dinsos.models import User, Wilayah

    started = time.monotonic()
    assert DATABASE_NAME in connection.settings_dict["NAME"]  # never flush another database
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        call_command("load_wilayah", verbosity=0)
        importlib.import_module("p2k2.migrations.0002_kurikulum_awal").seed(apps, None)
        kota = Wilayah.objects.get(kode="18.72", berlaku_sampai__isnull=True)
        admin = dinsos_services.user_create(
            username="admin", password=BENCH_PASSWORD, role=User.Role.ADMIN, nama="Admin"
        )
        dinsos_services.user_create(
            username="koordinator",
            password=BENCH_PASSWORD,
            role=User.Role.KOORDINATOR,
            nama="Koordinator Kota",
            wilayah=[kota],
        )
        kelurahan = list(
            Wilayah.objects.filter(
                tingkat=Wilayah.Tingkat.KELURAHAN, berlaku_sampai__isnull=True
            ).order_by("kode")
        )
        users = [
            dinsos_services.user_create(
                username=f"pkh{i + 1:03d}",
                password=BENCH_PASSWORD,
                role=User.Role.PENDAMPING,
                nama=f"Pendamping {i + 1:03d}",
                wilayah=[kelurahan[i % len(kelurahan)]],
            )
            for i in range(PENDAMPING)
        ]
        generate_keluarga(
            n=KELUARGA, seed=SEED, kelurahan=kelurahan, pendamping=users, today=today, oleh=admin
        )
        stats = demo.generate_p2k2(today=today, seed=SEED)
        assert stats is not None
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"Data dibuat dalam {time.monotonic() - started:.0f} detik: {_n(KELUARGA)} keluarga, "
        f"{stats.kelompok} kelompok, {_n(stats.pertemuan)} pertemuan, "
        f"{_n(stats.kehadiran)} catatan kehadiran."
    )


def is_seeded() -> bool:
    from kpm.models import Keluarga
    from p2k2.models import Kelompok

    return Keluarga.objects.count() == KELUARGA and Kelompok.objects.exists()


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure_rekap(username: str, tahun: int, repeat: int) -> float:
    from django.test import Client

    from dinsos.models import User
    from p2k2.selectors import rekap

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    times = []
    for i in range(WARM_UPS + repeat):
        started = time.perf_counter()
        response = client.get("/p2k2/rekap/", {"tahun": tahun})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if i >= WARM_UPS:
            times.append(elapsed)
    data = rekap.rekap_kehadiran(user=user, tahun=tahun)
    p95 = _p95(times)
    status = "OK" if p95 <= REKAP_TARGET_MS else "MELEBIHI TARGET"
    print(
        f"Halaman rekap {tahun} ({username}): {data.jumlah_kelompok} kelompok, "
        f"{_n(data.total.total)} catatan: median {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms (target ≤ {REKAP_TARGET_MS:.0f} ms) {status}"
    )
    return p95


def _kelompok_uji(size: int) -> tuple[object, list[int]]:
    """A group of `size` families of one pendamping, made for the bench (reused)."""
    from django.db import transaction
    from django.db.models import Exists, OuterRef

    from dinsos.models import User
    from kpm.models import Keluarga
    from p2k2 import services
    from p2k2.models import Keanggotaan, Kelompok

    nama = f"Bench {size}"
    kelompok = Kelompok.objects.filter(nama=nama).first()
    if kelompok is None:
        pendamping = User.objects.get(username="pkh001")
        area = pendamping.wilayah.get()
        # Families of the pendamping's demo groups (a move keeps their history).
        in_demo_group = Keanggotaan.objects.filter(
            keluarga_id=OuterRef("pk"), selesai__isnull=True
        ).exclude(kelompok__nama__startswith="Bench")
        ids = list(
            Keluarga.objects.filter(Exists(in_demo_group), pendamping=pendamping)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        assert len(ids) == size, f"pkh001 punya {len(ids)} keluarga berkelompok, perlu {size}"
        with transaction.atomic():
            kelompok = services.kelompok_create(
                data={"nama": nama, "pendamping": pendamping, "kelurahan": area, "tempat": "Balai"},
                oleh=pendamping,
            )
            services.keanggotaan_pindah(ke=kelompok, keluarga_ids=ids, oleh=pendamping)
    ids = list(
        kelompok.keanggotaan.filter(selesai__isnull=True).values_list("keluarga_id", flat=True)
    )
    return kelompok, ids


def _pertemuan_baru(kelompok: object) -> object:
    from dinsos.pengaturan import today
    from p2k2 import services
    from p2k2.models import Sesi

    return services.pertemuan_create(
        kelompok=kelompok,  # type: ignore[arg-type]
        data={
            "sesi": Sesi.objects.order_by("pk").first(),
            "tanggal": today(),
            "jam_mulai": datetime.time(9, 0),
            "jam_selesai": datetime.time(10, 30),
            "tempat": "Balai",
            "narasumber_1": "Bench",
            "deskripsi": "Bench.",
        },
        oleh=kelompok.pendamping,  # type: ignore[attr-defined]
    )


_TX = {"BEGIN", "COMMIT"}


def measure_submit(size: int, repeat: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from p2k2 import services
    from p2k2.models import Pertemuan

    kelompok, ids = _kelompok_uji(size)
    times, queries = [], []
    made = []
    for i in range(WARM_UPS + repeat):
        pertemuan = _pertemuan_baru(kelompok)
        made.append(pertemuan.pk)  # type: ignore[attr-defined]
        tanda = [services.Tanda(pk, "hadir", "", 0) for pk in ids]
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            services.kehadiran_submit(
                pertemuan=pertemuan,  # type: ignore[arg-type]
                kiriman_id=uuid.uuid4(),
                tanda=tanda,
                oleh=kelompok.pendamping,  # type: ignore[attr-defined]
            )
            elapsed = (time.perf_counter() - started) * 1000
        if i >= WARM_UPS:
            times.append(elapsed)
            # Statements of the service; BEGIN/COMMIT of its transaction are not queries.
            queries.append(sum(1 for q in ctx.captured_queries if q["sql"] not in _TX))
        if i == WARM_UPS and os.environ.get("BENCH_SQL"):
            for q in ctx.captured_queries:
                print("   ", q["sql"][:150])
    Pertemuan.objects.filter(pk__in=made).delete()
    worst = max(queries)
    status = "OK" if worst <= SUBMIT_QUERIES_MAX else "MELEBIHI TARGET"
    print(
        f"Kirim kehadiran {size} keluarga: {worst} query + BEGIN/COMMIT (target ≤ "
        f"{SUBMIT_QUERIES_MAX}) "
        f"{status}; median {statistics.median(times):.1f} ms, p95 {_p95(times):.1f} ms"
    )
    return worst


def measure_weight() -> int:
    from django.contrib.staticfiles import finders
    from django.test import Client

    kelompok, _ = _kelompok_uji(30)
    pertemuan = _pertemuan_baru(kelompok)
    client = Client()
    client.force_login(kelompok.pendamping)  # type: ignore[attr-defined]
    response = client.get(f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    html = response.content
    sizes = {"HTML": len(html)}
    for path in re.findall(rb'(?:href|src)="/static/([^"]+)"', html):
        found = finders.find(path.decode())
        assert found, path
        sizes[path.decode()] = len(gzip.compress(Path(str(found)).read_bytes()))
    pertemuan.delete()  # type: ignore[attr-defined]
    total = sum(sizes.values())
    status = "OK" if total <= HALAMAN_MAKS_BYTE else "MELEBIHI TARGET"
    rincian = ", ".join(f"{k} {_n(v)}" for k, v in sizes.items())
    print(
        f"Layar kehadiran 30 keluarga: {_n(total)} byte terkirim (target ≤ "
        f"{_n(HALAMAN_MAKS_BYTE)}) {status} — {rincian} (statis: ukuran gzip)"
    )
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--regenerate", action="store_true", help="Buat ulang data uji.")
    args = parser.parse_args()
    url = bench_database_url()
    created = ensure_database(url)
    configure_django(url)
    from django.core.management import call_command

    from dinsos.pengaturan import today

    call_command("migrate", verbosity=0)
    day = today()
    if created or args.regenerate or not is_seeded():
        seed(day)
    from django.conf import settings
    from django.test.utils import override_settings

    # Templates name static files; the manifest exists only after collectstatic.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        p95 = max(measure_rekap(u, day.year, args.repeat) for u in ("admin", "koordinator"))
        queries = max(measure_submit(size, args.repeat) for size in (10, 30))
        weight = measure_weight()
    ok = p95 <= REKAP_TARGET_MS and queries <= SUBMIT_QUERIES_MAX and weight <= HALAMAN_MAKS_BYTE
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
