"""Benchmark: an office's first Final Closing import (DOMAIN.md §7) through the Django admin.

    make bench
    .venv/bin/python bench/kpm_final_closing.py [--rows 10000]

Standalone: sets DJANGO_SETTINGS_MODULE=dinsos.settings.base, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS=testserver and DINSOS_OTP_WAJIB=false when unset, and always uses its own
database `dinsos_bench_fc` on the server of DATABASE_URL (created and migrated when missing).
Each run empties the families of that database, builds an XLSX in memory with --rows new
families (valid NIKs and No KKs, the real Kota Metro kelurahan), then times the two admin
requests in process with django.test.Client (server time: middleware, view, reading the file,
queries, template; no network): the preview (a dry run that writes nothing) and the confirm.
Target: ≤ 15 s each for 10.000 rows, half the 30 s gunicorn timeout.
"""

from __future__ import annotations

import argparse
import datetime
import html
import io
import os
import re
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
DATABASE_NAME = "dinsos_bench_fc"
TARGET_SECONDS = 15.0
BIRTH_DAYS = 22_000  # birth dates spread over 60 years; NIKs stay unique up to 200 million rows
USERNAME = "bench-admin-fc"
# DOMAIN.md §7: the office's 24 columns (the computed ones are read past, but read).
HEADER = [
    "NAMA PENERIMA",
    "NIK",
    "NO KK",
    "TGL LAHIR",
    "UMUR",
    "ART",
    "HAMIL",
    "AUD",
    "SD",
    "SMP",
    "SMA",
    "DISABIL",
    "LANSIA",
    "HAM",
    "JML KOMPONEN",
    "NOMINAL",
    "STATUS",
    "ALAMAT",
    "RT",
    "RW",
    "KELURAHAN",
    "KECAMATAN",
    "KABUPATEN",
    "PROVINSI",
]
LANSIA_UMUR = 70  # DOMAIN.md §2 default
LANSIA_NOMINAL = 2_400_000
NAMA_DEPAN = ("SITI", "SRI", "NUR", "DEWI", "RINA", "ANI", "BUDI", "AGUS", "EKO", "TRI")
NAMA_BELAKANG = ("AMINAH", "WAHYUNI", "HASANAH", "LESTARI", "SANTOSO", "PURNOMO", "RAHAYU")
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{DATABASE_NAME}"))


def ensure_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
            print(f"Basis data {DATABASE_NAME} dibuat.")


def configure_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    # Production-like: no debug query log; plain HTTP for the in-process client.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # The in-process client cannot pass the TOTP step; the check itself is one middleware.
    os.environ.setdefault("DINSOS_OTP_WAJIB", "false")
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def prepare() -> list[tuple[str, str]]:
    """Migrate, load the areas and the admin account, empty the registry; return the
    (kecamatan, kelurahan) names of Kota Metro."""
    from django.core.management import call_command
    from django.db import connection

    from dinsos import services
    from dinsos.models import User, Wilayah

    assert DATABASE_NAME in connection.settings_dict["NAME"]  # never empty another database
    call_command("migrate", verbosity=0)
    if not Wilayah.objects.exists():
        call_command("load_wilayah", verbosity=0)
    if not User.objects.filter(username=USERNAME).exists():
        services.user_create(
            username=USERNAME,
            password="Bench-Sandi-2025!",  # noqa: S106 (local benchmark account)
            role=User.Role.ADMIN,
            nama="Admin Bench",
            wilayah=[Wilayah.objects.get(kode="18.72", berlaku_sampai__isnull=True)],
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE kpm_riwayatstatus, kpm_riwayatperubahan, kpm_keluargatidakadadiimpor, "
            "kpm_anggota, kpm_keluarga CASCADE"
        )
        cursor.execute("DELETE FROM dinsos_auditevent")
    kelurahan = Wilayah.objects.filter(
        tingkat=Wilayah.Tingkat.KELURAHAN, berlaku_sampai__isnull=True, kode__startswith="18.72."
    ).select_related("parent")
    return [(k.parent.nama if k.parent else "", k.nama) for k in kelurahan.order_by("kode")]


def nik_for(tanggal_lahir: datetime.date, jenis_kelamin: str, serial: int) -> str:
    """A valid NIK (DOMAIN.md §8), as tests/factories.py builds them."""
    day = tanggal_lahir.day + (40 if jenis_kelamin == "P" else 0)
    return f"187201{day:02d}{tanggal_lahir:%m%y}{serial:04d}"


def build_xlsx(rows: int, areas: list[tuple[str, str]]) -> bytes:
    """The Final Closing file of `rows` new families, identifiers written as text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Final Closing")
    sheet.append(HEADER)
    # Pengurus born 1940-2000: about a quarter are lansia (DOMAIN.md §2), so deriving the
    # components writes some rows.
    first_birthday = datetime.date(1940, 1, 1)
    today = datetime.date.today()  # noqa: DTZ011 (an approximate age for the UMUR column)
    for i in range(rows):
        jenis_kelamin = "P" if i % 4 else "L"
        lahir = first_birthday + datetime.timedelta(days=i % BIRTH_DAYS)
        kecamatan, kelurahan = areas[i % len(areas)]
        umur = today.year - lahir.year - ((today.month, today.day) < (lahir.month, lahir.day))
        lansia = int(umur >= LANSIA_UMUR)
        sheet.append(
            [
                f"{NAMA_DEPAN[i % 10]} {NAMA_BELAKANG[(i // 10) % 7]}",
                nik_for(lahir, jenis_kelamin, i // BIRTH_DAYS + 1),
                f"187201{i + 1:010d}",
                f"{lahir:%d-%m-%Y}",
                umur,
                1,
                *[0] * 6,
                lansia,
                0,
                lansia,
                lansia * LANSIA_NOMINAL,
                "AKTIF",
                f"Jl. Melati No. {i % 200 + 1}",
                f"{i % 20 + 1:03d}",
                f"{i % 9 + 1:03d}",
                kelurahan,
                kecamatan,
                "Kota Metro",
                "Lampung",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def confirm_data(content: str) -> dict[str, str]:
    """The hidden fields of the preview's confirm form (what the browser posts back)."""
    start = content.index('action="/admin/kpm/keluarga/process_import/"')
    form = content[start : content.index("</form>", start)]
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(form)}


def run(rows: int) -> bool:
    from django.contrib.messages import get_messages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from dinsos.models import AuditEvent, User
    from kpm.models import Anggota, Keluarga, RiwayatPerubahan, RiwayatStatus

    areas = prepare()
    started = time.perf_counter()
    content = build_xlsx(rows, areas)
    print(
        f"File: {rows:,} baris, {len(content) / 1e6:.1f} MB XLSX "
        f"({time.perf_counter() - started:.1f} s)"
    )
    client = Client()
    client.force_login(User.objects.get(username=USERNAME))

    started = time.perf_counter()
    preview = client.post(
        reverse("admin:kpm_keluarga_import"),
        {
            "import_file": SimpleUploadedFile("final_closing_bench.xlsx", content),
            "format": "1",  # XLSX (kpm.admin.KeluargaAdmin.get_import_formats)
            "resource": "0",
        },
    )
    preview_s = time.perf_counter() - started
    page = preview.content.decode()
    assert preview.status_code == 200, preview.status_code
    assert f"<li>{rows} keluarga baru</li>" in page, "pratinjau tidak memuat semua keluarga baru"
    assert Keluarga.objects.count() == 0, "pratinjau menulis ke registri"

    started = time.perf_counter()
    confirmed = client.post(reverse("admin:kpm_keluarga_process_import"), confirm_data(page))
    confirm_s = time.perf_counter() - started
    assert confirmed.status_code == 302, confirmed.status_code
    [message, *_] = [str(m) for m in get_messages(confirmed.wsgi_request)]
    assert message.startswith(f"Impor Final Closing selesai: {rows} keluarga baru"), message
    counts = (
        Keluarga.objects.filter(pengurus__isnull=False).count(),
        Anggota.objects.count(),
        RiwayatStatus.objects.count(),
        RiwayatPerubahan.objects.count(),
        AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count(),
    )
    assert counts == (rows, rows, rows, rows, 1), counts

    ok = True
    for label, seconds in (("Pratinjau", preview_s), ("Konfirmasi", confirm_s)):
        verdict = "OK" if seconds <= TARGET_SECONDS else f"LEBIH dari {TARGET_SECONDS:.0f} s"
        ok = ok and seconds <= TARGET_SECONDS
        print(f"{label:<11} {seconds:6.1f} s  {rows / seconds:7.0f} baris/s  {verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000, help="jumlah keluarga baru di file")
    args = parser.parse_args()
    url = bench_database_url()
    ensure_database(url)
    configure_django(url)
    return 0 if run(args.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
