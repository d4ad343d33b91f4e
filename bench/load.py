"""Load test: concurrent signed-in users on a real gunicorn, bounded and on loopback only.

    .venv/bin/python -m dinsos.devstack exec -- .venv/bin/python bench/load.py \
        [--users 50] [--seconds 120] [--keluarga 6000] [--wait 2 5]

Seeds the `dinsos_load` database with demo data (once), starts gunicorn on 127.0.0.1, and
drives it with locust users: three of four sign in as the demo operator and open the family
list, search by name as the page does (htmx POST) and open family pages; the fourth signs in
as a demo pendamping, opens a meeting's attendance screen and sends the marks through the
phone's JSON sync endpoint (CSRF header, per-family versions, a fresh submission id each time).
Think time is 2–5 s between one user's requests (reading a page, marking a family): 50
users then send ~14 requests/s, several times the peak of an office of ~100 staff and
pendamping. `--wait 0.5 2` finds where this machine saturates.
Prints throughput, median/p95 and the error count (target: 0 errors, p95 ≤ 500 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

# locust patches the standard library with gevent; it must be imported before anything else.
from locust import HttpUser, User, between, task
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


def _csrf(page_text: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_text)
    assert token is not None, "halaman tanpa token CSRF"
    return token.group(1)


class _Masuk(HttpUser):
    abstract = True
    host = HOST
    wait_time = between(2.0, 5.0)  # replaced by --wait (see main)
    username = "operator"

    def on_start(self) -> None:
        page = self.client.get("/akun/masuk/", name="login form")
        self.client.post(
            "/akun/masuk/",
            {
                "username": self._username(),
                "password": "Metro-Demo-2025",
                "csrfmiddlewaretoken": _csrf(page.text),
            },
            headers={"Referer": f"{HOST}/akun/masuk/"},
            name="login",
        )

    def _username(self) -> str:
        return self.username


def _user_classes(names: list[str], family_ids: list[int], rapat: list[Rapat]) -> list[type[User]]:
    class Operator(_Masuk):
        """Office staff: the family list, a name search as typed (htmx POST), family pages."""

        weight = 3

        @task(3)
        def daftar(self) -> None:
            self.client.get("/keluarga/", name="/keluarga/ (daftar)")

        @task(2)
        def cari_nama(self) -> None:
            page = self.client.get("/keluarga/", name="/keluarga/ (daftar)")
            self.client.post(
                "/keluarga/",
                {"q": random.choice(names)[:-1], "csrfmiddlewaretoken": _csrf(page.text)},
                headers={"HX-Request": "true", "Referer": f"{HOST}/keluarga/"},
                name="/keluarga/ cari nama (htmx)",
            )

        @task(3)
        def detail(self) -> None:
            pk = random.choice(family_ids)
            self.client.get(f"/keluarga/{pk}/", name="/keluarga/<id>/")

    antrean = list(rapat)

    class Pendamping(_Masuk):
        """A pendamping on a phone: opens a meeting's attendance screen, sends the marks."""

        weight = 1

        def on_start(self) -> None:
            # each simulated phone takes a meeting of its own (real pendamping do not share)
            self.rapat = antrean.pop() if antrean else random.choice(rapat)
            self.perangkat = str(uuid.uuid4())
            self.versi = dict.fromkeys(self.rapat.keluarga, 0)
            super().on_start()

        def _username(self) -> str:
            return self.rapat.username

        @task
        def kirim_kehadiran(self) -> None:
            self.client.get(
                f"/p2k2/pertemuan/{self.rapat.pertemuan}/kehadiran/",
                name="/p2k2/kehadiran/ (layar)",
            )
            body = {
                "kiriman_id": str(uuid.uuid4()),
                "perangkat": self.perangkat,
                "pertemuan": {"client_id": self.rapat.client_id},
                "kehadiran": [
                    {
                        "keluarga_id": k,
                        "status": random.choice(["hadir", "hadir", "hadir", "izin", "sakit"]),
                        "pemahaman": "",
                        "versi": self.versi[k],
                    }
                    for k in self.rapat.keluarga
                ],
            }
            with self.client.post(
                f"/p2k2/kelompok/{self.rapat.kelompok}/sinkron/",
                data=json.dumps(body),
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                    "Referer": f"{HOST}/p2k2/pertemuan/{self.rapat.pertemuan}/kehadiran/",
                },
                name="/p2k2/kelompok/<id>/sinkron/ (kirim)",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
                    return
                for row in response.json()["hasil"]:
                    self.versi[row["keluarga_id"]] = row["versi"]
                response.success()

    return [Operator, Pendamping]


@dataclass(frozen=True)
class Rapat:
    """A pendamping's meeting with the families marked at it (sampled before the run)."""

    username: str
    kelompok: int
    pertemuan: int
    client_id: str
    keluarga: list[int]


def _sample(n: int = 200) -> tuple[list[str], list[int], list[Rapat]]:
    import psycopg

    with psycopg.connect(_database_url()) as conn:
        rows = conn.execute(
            "SELECT k.id, a.nama FROM kpm_keluarga k JOIN kpm_anggota a ON a.id = k.pengurus_id "
            "ORDER BY random() LIMIT %s",
            (n,),
        ).fetchall()
        # one recent held meeting per demo pendamping, with the families marked at it
        rapat = conn.execute(
            """
            SELECT DISTINCT ON (u.id) u.username, g.id, p.id, p.client_id::text,
                   array_agg(h.keluarga_id ORDER BY h.keluarga_id)
            FROM p2k2_pertemuan p
            JOIN p2k2_kelompok g ON g.id = p.kelompok_id
            JOIN dinsos_user u ON u.id = g.pendamping_id
            JOIN p2k2_kehadiran h ON h.pertemuan_id = p.id
            WHERE u.is_active
            GROUP BY u.id, u.username, g.id, p.id
            ORDER BY u.id, p.tanggal DESC, p.id
            """
        ).fetchall()
    return (
        [r[1] for r in rows],
        [r[0] for r in rows],
        [Rapat(r[0], r[1], r[2], r[3], list(r[4])) for r in rapat],
    )


def _table(env: Environment, title: str) -> None:
    print(title)
    print(f"{'request':<40}{'count':>8}{'fail':>6}{'median ms':>11}{'p95 ms':>9}")
    for entry in sorted(env.stats.entries.values(), key=lambda e: e.name):
        print(
            f"{entry.name:<40}{entry.num_requests:>8}{entry.num_failures:>6}"
            f"{entry.median_response_time:>11.0f}{entry.get_response_time_percentile(0.95):>9.0f}"
        )
    for error in env.stats.errors.values():
        print(f"  galat {error.method} {error.name}: {error.error} ×{error.occurrences}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--keluarga", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=(2.0, 5.0),
        metavar=("MIN", "MAX"),
        help="think time between a user's requests, seconds (default 2 5: reading a page)",
    )
    args = parser.parse_args()

    _ensure_database(args.keluarga)
    names, family_ids, rapat = _sample()
    if not rapat:
        raise SystemExit("Data demo tanpa pertemuan P2K2: jalankan seed_demo lebih dulu.")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dinsos.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,  # reads gunicorn.conf.py, as the Docker image does
        env={**_env(), "GUNICORN_WORKERS": str(args.workers)},
    )
    try:
        _wait_port()
        classes = _user_classes(names, family_ids, rapat)
        for cls in classes:
            cls.wait_time = between(*args.wait)
        env = Environment(user_classes=classes)
        runner = env.create_local_runner()
        runner.start(args.users, spawn_rate=min(args.users, 10))
        # Ramp-up: every user signs in once (PBKDF2 by design costs ~0.3 s of CPU each, so
        # 50 sign-ins at once queue for seconds). Reported apart; the steady phase is measured
        # from a clean slate once all are in.
        deadline = time.monotonic() + 120
        while env.stats.get("login", "POST").num_requests < args.users:
            if time.monotonic() > deadline:
                raise SystemExit("Tidak semua pengguna berhasil masuk dalam 120 detik.")
            time.sleep(0.5)
        ramp_errors = env.stats.total.num_failures
        _table(env, "Ramp-up (sign-in)")
        env.stats.reset_all()
        started = time.monotonic()
        time.sleep(args.seconds)  # bounded: the test always stops by itself
        elapsed = time.monotonic() - started
        runner.quit()
        total = env.stats.total
        print(
            f"users={args.users} seconds={args.seconds} gunicorn_workers={args.workers} "
            f"think_time={args.wait[0]:g}-{args.wait[1]:g} s"
        )
        _table(env, f"Steady phase ({elapsed:.0f} s, all users signed in)")
        errors = ramp_errors + total.num_failures
        print(
            f"TOTAL throughput={total.num_requests / elapsed:.1f} req/s errors={errors} "
            f"median={total.median_response_time:.0f} ms "
            f"p95={total.get_response_time_percentile(0.95):.0f} ms"
        )
        for error in env.stats.errors.values():
            print(f"  galat {error.method} {error.name}: {error.error} ×{error.occurrences}")
        return 0 if errors == 0 else 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
