"""Load test: concurrent signed-in users on a real gunicorn, bounded and on loopback only.

    .venv/bin/python -m dinsos.devstack exec -- .venv/bin/python bench/load.py \
        [--users 50] [--seconds 120] [--keluarga 6000]

Seeds the `dinsos_load` database with demo data (once), starts gunicorn on 127.0.0.1, and
drives it with locust users who sign in as the demo operator and open the family list,
search by name, open family pages and (when the p2k2 app provides it) submit attendance.
Prints throughput, median/p95 and the error count (target: 0 errors, p95 ≤ 500 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

# locust patches the standard library with gevent; it must be imported before anything else.
from locust import HttpUser, between, task
from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8077
HOST = f"http://127.0.0.1:{PORT}"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dinsos")
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/dinsos_load"))


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dinsos.settings.base",
        "DATABASE_URL": _database_url(),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-load-" + "x" * 40),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DINSOS_OTP_WAJIB": "false",  # the load users sign in with a password only
        "DINSOS_LOGIN_GAGAL_MAKS": "1000",
    }


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(), check=True)


def _ensure_database(keluarga: int) -> None:
    import psycopg

    url = urllib.parse.urlsplit(_database_url())
    admin_url = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'dinsos_load'").fetchone()
        if not exists:
            conn.execute("CREATE DATABASE dinsos_load")
    _manage("migrate", "--noinput", "-v0")
    _manage("collectstatic", "--noinput", "-v0")
    _manage("seed_demo", "--if-empty", "--keluarga", str(keluarga))


def _wait_port(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", PORT)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _user_class(names: list[str], family_ids: list[int]) -> type[HttpUser]:
    class Petugas(HttpUser):
        host = HOST
        wait_time = between(0.5, 2.0)

        def on_start(self) -> None:
            page = self.client.get("/akun/masuk/", name="login form")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token is not None
            self.client.post(
                "/akun/masuk/",
                {
                    "username": "operator",
                    "password": "Metro-Demo-2025",
                    "csrfmiddlewaretoken": token.group(1),
                },
                headers={"Referer": f"{HOST}/akun/masuk/"},
                name="login",
            )

        @task(3)
        def daftar(self) -> None:
            self.client.get("/keluarga/", name="/keluarga/ (daftar)")

        @task(2)
        def cari_nama(self) -> None:
            nama = random.choice(names)
            self.client.get("/keluarga/", params={"q": nama[:-1]}, name="/keluarga/?q=nama")

        @task(3)
        def detail(self) -> None:
            pk = random.choice(family_ids)
            self.client.get(f"/keluarga/{pk}/", name="/keluarga/<id>/")

    return Petugas


def _sample(n: int = 200) -> tuple[list[str], list[int]]:
    import psycopg

    with psycopg.connect(_database_url()) as conn:
        rows = conn.execute(
            "SELECT k.id, a.nama FROM kpm_keluarga k JOIN kpm_anggota a ON a.id = k.pengurus_id "
            "ORDER BY random() LIMIT %s",
            (n,),
        ).fetchall()
    return [r[1] for r in rows], [r[0] for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--keluarga", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    _ensure_database(args.keluarga)
    names, family_ids = _sample()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dinsos.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(),
    )
    try:
        _wait_port()
        env = Environment(user_classes=[_user_class(names, family_ids)])
        runner = env.create_local_runner()
        runner.start(args.users, spawn_rate=min(args.users, 10))
        time.sleep(args.seconds)  # bounded: the test always stops by itself
        runner.quit()
        total = env.stats.total
        print(f"users={args.users} seconds={args.seconds} gunicorn_workers={args.workers}")
        print(f"{'request':<28}{'count':>8}{'fail':>6}{'median ms':>11}{'p95 ms':>9}")
        for entry in sorted(env.stats.entries.values(), key=lambda e: e.name):
            print(
                f"{entry.name:<28}{entry.num_requests:>8}{entry.num_failures:>6}"
                f"{entry.median_response_time:>11.0f}{entry.get_response_time_percentile(0.95):>9.0f}"
            )
        print(
            f"TOTAL throughput={total.total_rps:.1f} req/s errors={total.num_failures} "
            f"median={total.median_response_time:.0f} ms "
            f"p95={total.get_response_time_percentile(0.95):.0f} ms"
        )
        return 0 if total.num_failures == 0 else 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
