"""Benchmark: the complaint list, the Beranda and the monthly figures on 50.000 complaints.

    .venv/bin/python -m dinsos.devstack exec -- .venv/bin/python bench/pengaduan.py [--reuse]

It uses its own database: a DATABASE_URL ending in /dinsos becomes /dinsos_bench_pengaduan
(created and migrated when missing), so neither the demo database nor the other benchmarks'
is touched; only a database whose name contains "bench" is ever emptied. Complaints are
written set-based (one INSERT … SELECT over generate_series: two years, 22 kelurahan, every
category, channel and status), then each page is timed in process with django.test.Client
(server time: middleware, view, queries, template; no network): median and p95 over --repeat
requests after 2 warm-ups, and the query count of one request. Target: p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.kpm_list import (  # noqa: E402  (after the path is set)
    DEFAULT_DATABASE_URL,
    WARM_UPS,
    Result,
    configure_django,
    ensure_database,
)

TARGET_MS = 300.0
LEWAT_SAYA = {"tenggat": "lewat", "pegang": "saya"}
_JUMLAH = re.compile(r'data-testid="jumlah-hasil">([\d.]+) pengaduan')
PETUGAS_PENDAMPING = 44  # two per kelurahan, as bench/kpm_list.py


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urllib.parse.urlsplit(url)
    if parts.path == "/dinsos":
        parts = parts._replace(path="/dinsos_bench_pengaduan")
    return urllib.parse.urlunsplit(parts)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pengaduan", type=int, default=50_000, help="jumlah pengaduan")
    parser.add_argument("--reuse", action="store_true", help="pakai data yang ada bila sama")
    parser.add_argument("--repeat", type=int, default=30, help="permintaan terukur per halaman")
    return parser.parse_args()


# Set-based: every value derives from the series number g, so the data is the same each run
# (the ticket alone is random, mapped from md5 hex onto the ticket alphabet).
_INSERT = """
INSERT INTO {pengaduan} (
    tiket, kanal, kategori, deskripsi, nama, nik, telepon, alamat, kelurahan_id, kecamatan_id,
    petugas_id, status, hasil, tanggal_terima, tenggat_jawab, tenggat_selesai, tanggal_jawab,
    tanggal_tutup, tanggapan_publik, dicatat_oleh_id, created_at, updated_at
)
SELECT
    translate(upper(substr(md5(g::text || random()::text), 1, 10)),
              '0123456789ABCDEF', 'ACDEFHJKMNPQRTUV'),
    (%(kanal)s::text[])[1 + g %% 5],
    (%(kategori)s::text[])[1 + g %% 6],
    'Pengaduan bench.', 'Warga ' || g, '', '08' || lpad((g * 7919 %% 1000000000)::text, 10, '0'),
    '', kel.id, kel.parent_id,
    (%(petugas)s::bigint[])[1 + g %% %(jumlah_petugas)s],
    CASE WHEN g %% 10 < 6 THEN 'ditutup' WHEN g %% 10 < 8 THEN 'ditangani' ELSE 'diterima' END,
    CASE WHEN g %% 10 < 6 THEN 'selesai' ELSE '' END,
    t.terima, t.terima + 7, t.terima + 20,
    CASE WHEN g %% 10 < 8 THEN t.terima + g %% 9 END,
    CASE WHEN g %% 10 < 6 THEN t.terima + 10 + g %% 10 END,
    CASE WHEN g %% 10 < 8 THEN 'Sedang kami periksa.' ELSE '' END,
    %(oleh)s, now(), now()
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (SELECT current_date - (g %% 730) AS terima) AS t
JOIN LATERAL (
    SELECT id, parent_id FROM {wilayah}
    WHERE id = (%(kelurahan)s::bigint[])[1 + g %% %(jumlah_kelurahan)s]
) AS kel ON true
"""


def seed(n: int, *, reuse: bool, database: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from dinsos import services
    from dinsos.models import User, Wilayah
    from dinsos.raw_sql import db_table
    from pengaduan.models import Pengaduan, Riwayat

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
    if not User.objects.filter(username="bench-operator").exists():
        services.user_create(
            username="bench-operator",
            password="Bench-Sandi-2025!",  # noqa: S106 (local benchmark account)
            role=User.Role.OPERATOR,
            nama="bench-operator",
            wilayah=[kota],
        )
    pendamping = []
    for i in range(PETUGAS_PENDAMPING):
        kel = kelurahan[i % len(kelurahan)]
        user, created = User.objects.get_or_create(
            username=f"bench-pengaduan-{i}",
            defaults={"role": User.Role.PENDAMPING, "first_name": f"Pendamping {kel.nama}"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.wilayah.set([kel])
        pendamping.append(user)
    existing = Pengaduan.objects.count()
    if reuse and existing == n:
        print(f"Memakai {existing:,} pengaduan yang ada di {database}.")
        return
    if existing:
        if "bench" not in database:
            sys.exit(f"Menolak mengosongkan {database}: hanya basis data *bench* yang boleh.")
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {db_table(Riwayat)}, {db_table(Pengaduan)} CASCADE")
    operator = User.objects.get(username="bench-operator")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT.format(pengaduan=db_table(Pengaduan), wilayah=db_table(Wilayah)),
            {
                "n": n,
                "kanal": list(Pengaduan.Kanal.values),
                "kategori": list(Pengaduan.Kategori.values)[:6],
                "petugas": [u.pk for u in pendamping] + [operator.pk],
                "jumlah_petugas": len(pendamping) + 1,
                "kelurahan": [k.pk for k in kelurahan],
                "jumlah_kelurahan": len(kelurahan),
                "oleh": operator.pk,
            },
        )
        seconds = time.monotonic() - started
        cursor.execute(f"VACUUM (ANALYZE) {db_table(Pengaduan)}")
    print(f"Seeding: {n:,} pengaduan in {seconds:.1f} s")


def measure(label: str, get: Callable[[], Any], repeat: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UPS):
        assert get().status_code == 200, label
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        get()
    return Result(label, "list", times, len(captured.captured_queries), "")


def run_pages(repeat: int) -> list[tuple[Result, str]]:
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.urls import reverse

    from dinsos.bulan import awal_bulan
    from dinsos.models import User
    from dinsos.pengaturan import today
    from pengaduan import selectors
    from pengaduan.models import Pengaduan

    operator = User.objects.get(username="bench-operator")
    busiest = (
        Pengaduan.objects.exclude(status="ditutup")
        .values("petugas")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    pendamping = User.objects.get(pk=busiest["petugas"])
    bulan = awal_bulan(today(), geser=-1).strftime("%Y-%m")
    lst = reverse("pengaduan:pengaduan-list")
    pages: list[tuple[str, User, str, dict[str, Any]]] = [
        ("Daftar pengaduan (operator, halaman 1)", operator, lst, {}),
        ("Daftar: bulan + kategori", operator, lst, {"bulan": bulan, "kategori": "data_salah"}),
        ("Daftar: lewat tenggat, milik saya", pendamping, lst, LEWAT_SAYA),
        ("Beranda (pendamping)", pendamping, reverse("home"), {}),
        ("Rekap bulanan (operator)", operator, reverse("pengaduan:rekap"), {"bulan": bulan}),
        ("Rekap bulanan XLSX", operator, reverse("pengaduan:rekap-xlsx"), {"bulan": bulan}),
    ]  # fmt: skip
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages
    ):
        for label, user, url, params in pages:
            client = Client()
            client.force_login(user)

            def request(u: str = url, p: dict[str, Any] = params, c: Client = client) -> Any:
                return c.get(u, p)

            shown = "—"
            if found := _JUMLAH.search(request().content.decode(errors="replace")):
                shown = found.group(1)
            if "rekap" in url:
                hasil = selectors.pengaduan_rekap(user=user, bulan=awal_bulan(today(), geser=-1))
                shown = f"{hasil.total.diterima:,}".replace(",", ".")
            results.append((measure(label, request, repeat=repeat), shown))
    return results


def report(results: list[tuple[Result, str]], repeat: int) -> None:
    width = max(len(r.label) for r, _ in results)
    print(f"\nServer time, {repeat} requests per page after {WARM_UPS} warm-ups:")
    print(f"{'Page':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'queries':>7}  "
          f"{'rows':>7}  target")  # fmt: skip
    for r, shown in results:
        ok = "OK" if r.p95 <= TARGET_MS else "MISSED"
        print(f"{r.label:<{width}}  {r.median:>9.1f}  {r.p95:>7.1f}  {r.queries:>7}  "
              f"{shown:>7}  p95 ≤ {TARGET_MS:.0f} ms {ok}")  # fmt: skip


def main() -> int:
    args = parse_args()
    url = bench_database_url()
    database = ensure_database(url)
    configure_django(url)
    seed(args.pengaduan, reuse=args.reuse, database=database)
    results = run_pages(args.repeat)
    report(results, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
