"""Benchmark: evaluate every suspension rule (DOMAIN.md §4) for 30.000 families × 12 months.

    .venv/bin/python bench/komitmen.py [--repeat 3] [--regenerate]

Standalone: sets DJANGO_SETTINGS_MODULE=dinsos.settings.base (and a DJANGO_SECRET_KEY if
unset) and always uses its own database `dinsos_bench_komitmen` on the server of DATABASE_URL
(created and migrated when missing; reused when it already holds the data set).

Data set: 30.000 families (demo.keluarga, 100 pendamping), the last 12 full months of compliance
for every member with a commitment component (demo.komitmen), and P2K2: 1.000 groups of
30 families with one held meeting a month and every family's mark (360.000 marks; most hadir,
some izin/sakit/alfa, 2% of families with a run of 3 alfa).

It times `verifikasi.services.usulan_evaluate` over the 12 months: the first run (proposals
written) and --repeat re-runs (idempotent: nothing new), plus each rule's query alone, in a
process that did not build the data set, so its peak RSS is the evaluation's. Target ≤ 10 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import urllib.parse
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dinsos"
DATABASE_NAME = "dinsos_bench_komitmen"
KELUARGA = 30_000
PENDAMPING = 100
KELOMPOK_UKURAN = 30  # DOMAIN.md §6: groups of ~20–30 KPM
BULAN = 12
SEED = 1872
TARGET_S = 10.0
P_ALFA, P_IZIN, P_SAKIT = 0.05, 0.03, 0.03
P_RUNTUN_ALFA = 0.02


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
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def _copy(table: str, columns: list[str], rows: object) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with raw.copy(statement) as copy:
            for row in rows:  # type: ignore[attr-defined]
                copy.write_row(row)


def _months(today: datetime.date) -> list[datetime.date]:
    from dinsos.bulan import awal_bulan

    return [awal_bulan(today, geser=-i) for i in range(BULAN, 0, -1)]


def seed_p2k2(today: datetime.date, rng: random.Random) -> int:
    """1.000 groups of 30 families, a held meeting a month, every family's mark (COPY)."""
    from django.utils import timezone

    from dinsos.models import User
    from kpm.models import Keluarga
    from p2k2.models import Kehadiran, Kelompok, Pertemuan

    now = timezone.now()
    families = list(Keluarga.objects.order_by("kelurahan_id", "pk").values_list(
        "pk", "kelurahan_id", "pendamping_id"
    ))  # fmt: skip
    admin = User.objects.filter(role=User.Role.ADMIN).order_by("pk").first()
    assert admin is not None
    groups = [families[i : i + KELOMPOK_UKURAN] for i in range(0, len(families), KELOMPOK_UKURAN)]
    kelompok = Kelompok.objects.bulk_create(
        Kelompok(
            nama=f"Kelompok {n + 1}",
            pendamping_id=members[0][2] or admin.pk,
            kelurahan_id=members[0][1],
        )
        for n, members in enumerate(groups)
    )
    months = _months(today)
    pertemuan = Pertemuan.objects.bulk_create(
        Pertemuan(
            kelompok=k,
            topik="Pertemuan bulanan",
            tanggal=bulan.replace(day=10),
            jam_mulai=datetime.time(9, 0),
            jam_selesai=datetime.time(10, 30),
            status=Pertemuan.Status.TERLAKSANA,
            dibuat_oleh_id=k.pendamping_id,
        )
        for k in kelompok
        for bulan in months
    )
    by_group: dict[int, list[Pertemuan]] = {}
    for p in pertemuan:
        by_group.setdefault(p.kelompok_id, []).append(p)

    def marks():  # type: ignore[no-untyped-def]
        for k, members in zip(kelompok, groups, strict=True):
            meetings = by_group[k.pk]
            for keluarga_id, _, _ in members:
                run = rng.randrange(0, BULAN - 2) if rng.random() < P_RUNTUN_ALFA else -10
                for index, p in enumerate(meetings):
                    draw = rng.random()
                    if run <= index < run + 3 or draw < P_ALFA:
                        status = Kehadiran.Status.ALFA
                    elif draw < P_ALFA + P_IZIN:
                        status = Kehadiran.Status.IZIN
                    elif draw < P_ALFA + P_IZIN + P_SAKIT:
                        status = Kehadiran.Status.SAKIT
                    else:
                        status = Kehadiran.Status.HADIR
                    yield (p.pk, keluarga_id, status, "", 1, k.pendamping_id, now, now)

    _copy(
        Kehadiran._meta.db_table,
        ["pertemuan_id", "keluarga_id", "status", "pemahaman", "versi", "recorded_by_id",
         "created_at", "updated_at"],
        marks(),
    )  # fmt: skip
    return len(families) * BULAN


def seed(today: datetime.date) -> None:
    """Empty the bench database's data and build the data set (one transaction)."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from demo.keluarga import generate_keluarga
    from demo.komitmen import generate_komitmen
    from dinsos import services as dinsos_services
    from dinsos.formatting import angka
    from dinsos.models import User, Wilayah
    from verifikasi.models import Komitmen

    started = time.monotonic()
    assert DATABASE_NAME in connection.settings_dict["NAME"]  # never flush another database
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(SEED)
    with transaction.atomic():
        call_command("load_wilayah", verbosity=0)
        admin = dinsos_services.user_create(
            username="admin",
            password="Bench-Sandi-2025!",  # noqa: S106 (local benchmark account)
            role=User.Role.ADMIN,
            nama="Admin",
        )
        kelurahan = list(
            Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN, kode__startswith="18.72.")
        )
        password = make_password(None)
        pendamping = User.objects.bulk_create(
            User(username=f"pendamping{i:03d}", password=password, role=User.Role.PENDAMPING,
                 first_name=f"Pendamping {i}")
            for i in range(PENDAMPING)
        )  # fmt: skip
        User.wilayah.through.objects.bulk_create(
            User.wilayah.through(user_id=p.pk, wilayah_id=kelurahan[i % len(kelurahan)].pk)
            for i, p in enumerate(pendamping)
        )
        generate_keluarga(
            n=KELUARGA, seed=SEED, kelurahan=kelurahan, pendamping=pendamping, today=today,
            oleh=admin,
        )  # fmt: skip
        marks = seed_p2k2(today, rng)
        stats = generate_komitmen(today=today, seed=SEED)
        assert stats is not None
        with connection.cursor() as cursor:
            for table in ("p2k2_kehadiran", "p2k2_pertemuan", "p2k2_kelompok"):
                cursor.execute(f"ANALYZE {table}")
    print(
        f"Data dibuat dalam {time.monotonic() - started:.0f} s: {angka(KELUARGA)} keluarga, "
        f"{angka(Komitmen.objects.count())} catatan komitmen, {angka(marks)} tanda kehadiran "
        "P2K2."
    )


def has_data() -> bool:
    from kpm.models import Keluarga
    from p2k2.models import Kehadiran
    from verifikasi.models import Komitmen

    return (
        Keluarga.objects.count() == KELUARGA
        and Komitmen.objects.exists()
        and Kehadiran.objects.exists()
    )


def _timed(fn: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()  # type: ignore[operator]
    return time.perf_counter() - started, result


def evaluate(today: datetime.date, repeat: int) -> None:
    from dinsos.bulan import akhir_bulan
    from dinsos.formatting import angka
    from kpm.models import Keluarga
    from p2k2.models import Kehadiran
    from p2k2.selectors.pelanggaran import pelanggaran_alfa
    from verifikasi import services
    from verifikasi.models import Komitmen, Usulan
    from verifikasi.selectors import pelanggaran_komitmen

    months = _months(today)
    start, end = months[0], akhir_bulan(months[-1])
    Usulan.objects.all().delete()  # the first run writes every proposal
    print(
        f"Data: {angka(Keluarga.objects.count())} keluarga, "
        f"{angka(Komitmen.objects.count())} catatan komitmen ({months[0]:%m/%Y}–"
        f"{months[-1]:%m/%Y}), {angka(Kehadiran.objects.count())} tanda kehadiran P2K2."
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    first_s, first = _timed(
        lambda: services.usulan_evaluate(bulan_awal=months[0], bulan_akhir=months[-1])
    )
    print(
        f"Evaluasi pertama (semua aturan, {BULAN} bulan): {first_s:.2f} s — "
        f"{angka(first.ditemukan)} pelanggaran, {angka(first.baru)} usulan baru."  # type: ignore[attr-defined]
    )
    runs = []
    for _ in range(repeat):
        seconds, again = _timed(
            lambda: services.usulan_evaluate(bulan_awal=months[0], bulan_akhir=months[-1])
        )
        runs.append(seconds)
        assert (again.baru, again.diperbarui) == (0, 0)  # type: ignore[attr-defined]
    komitmen_s, komitmen_rows = _timed(lambda: pelanggaran_komitmen(start, end))
    alfa_s, alfa_rows = _timed(lambda: pelanggaran_alfa(start, end))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"Evaluasi ulang (idempoten, {repeat}×): median {statistics.median(runs):.2f} s, "
        f"maks {max(runs):.2f} s — 0 usulan baru."
    )
    print(
        f"  aturan bulan tidak patuh: {komitmen_s:.2f} s ({angka(len(komitmen_rows))} runtun); "  # type: ignore[arg-type]
        f"aturan alfa P2K2: {alfa_s:.2f} s ({angka(len(alfa_rows))} runtun)."  # type: ignore[arg-type]
    )
    print(
        f"Peak RSS proses evaluasi: {rss_after / 1024:.0f} MB "
        f"(sebelum evaluasi {rss_before / 1024:.0f} MB)."
    )
    worst = max(first_s, *runs)
    print(f"Target ≤ {TARGET_S:.0f} s: {'TERCAPAI' if worst <= TARGET_S else 'TIDAK tercapai'}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true", help="Buat ulang data set.")
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = bench_database_url()
    created = ensure_database(url)
    configure_django(url)
    from django.core.management import call_command

    from dinsos.pengaturan import today

    day = today()
    if args.seed_only:
        seed(day)
        return
    call_command("migrate", verbosity=0)
    if created or args.regenerate or not has_data():
        # Built in another process, so this one's peak RSS is the evaluation's alone.
        subprocess.run([sys.executable, __file__, "--seed-only"], check=True, cwd=ROOT)
    evaluate(day, args.repeat)


if __name__ == "__main__":
    main()
