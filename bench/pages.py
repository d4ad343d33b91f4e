"""Every GET page as every persona: p50/p95 server time and query count, slowest first.

    .venv/bin/python bench/pages.py --db dinsos_halaman                   # demo data (seed_demo)
    .venv/bin/python bench/skala_provinsi.py --db dinsos_bench_provinsi   # once: province scale
    .venv/bin/python bench/pages.py --db dinsos_bench_provinsi
    .venv/bin/python bench/pages.py --db … --only 'p2k2:|pendamping:' --repeat 9

The URL list is the access matrix's (tests/test_access_matrix.py: every named URL of the
resolver, admin excepted) and each URL's ids come from its rule in tests/<app>/access_rules.py,
fed with real objects of the database instead of the test's: pendamping A is the demo account
"pendamping" (Hadimulyo Barat), B is "pendamping2" (Iring Mulyo), the koordinator has Metro
Pusat, and so on. Each page is opened by every persona the rule lets in (status 200), and so
are the filter and page links the page itself shows for its own path (up to --links of them).

Timing: gunicorn started from gunicorn.conf.py (DEBUG off, loopback, OTP step off), one
keep-alive connection, sequential requests: the time from sending the request to the last byte of
the answer, --repeat times after one warm-up. A download (an answer with Content-Disposition:
attachment, such as an XLSX export written while it is sent) is judged by the time to its first
byte, when the browser's download starts and the page is free again; its time to the last byte
and its size are printed in the note (an export of 36.000 rows is a file, not a page to wait
for). The warm-up is made in this process with django.test.Client to count the queries (the
same view code, settings and database). Personas are signed in by a session made in this
process (the session store is shared with gunicorn). The summary tasks Celery beat runs every
few minutes run here too (`Beat`), so summaries are as fresh as in production.
Prints a markdown table (slowest p95 first) and writes it, with the raw times, under
var/bench/pages-<db>.{md,json}. Target (issue 21): every page p95 ≤ 300 ms at both scales.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PORT = 8091
TARGET_MS = 300.0
PERSONA_USERNAMES = {
    "admin": "admin",
    "operator": "operator",
    "koordinator": "koordinator",
    "pendamping_a": "pendamping",
    "pendamping_b": "pendamping2",
    "operator_kelurahan": "operator_kelurahan",
}
# Not pages: the health probe and the sign-in/out and password-reset flow.
SKIP = {"healthz", "logout", "login", "otp-verify", "password_reset_confirm"}
_HREF = re.compile(r'\bhref="([^"#]*\?[^"#]*)"')


def _env(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "dinsos.settings.base",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
        ),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DINSOS_OTP_WAJIB": "false",
        "DJANGO_MEDIA_ROOT": os.environ.get(
            "DJANGO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media")
        ),
    }


def configure(db: str) -> str:
    base = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(base)._replace(path="/" + db))
    os.environ.update(_env(url))
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    return url


# --- The objects the access rules point at, taken from the database ---------------------


class _Dibaca:
    def __init__(self, world: DataWorld) -> None:
        self.world = world

    def __contains__(self, name: str) -> bool:
        return hasattr(type(self.world), f"_{name}")


class DataWorld:
    """tests.access.World with real rows: attributes resolve lazily; a missing object is None."""

    def __init__(self) -> None:
        from dinsos.models import User, Wilayah

        self.users = {
            persona: User.objects.get(username=username)
            for persona, username in PERSONA_USERNAMES.items()
        }
        self.kota_metro = {w.nama: w for w in Wilayah.objects.filter(berlaku_sampai__isnull=True)}
        self._cache: dict[str, Any] = {}
        # Rules that build an object once ask `name in world.extra` first: here every object
        # with a resolver "exists" (it is read, never made: the bench writes nothing).
        self.extra = _Dibaca(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._cache:
            resolver = getattr(self, f"_{name}", None)
            if resolver is None:
                raise AttributeError(name)
            self._cache[name] = resolver()
        value = self._cache[name]
        if value is None:
            raise LookupError(f"tidak ada data untuk {name}")
        return value

    def _model(self, label: str) -> Any:
        from django.apps import apps

        return apps.get_model(label)

    def _keluarga_a(self) -> Any:
        # The family of pendamping A with the most P2K2 attendance and a pengurus.
        from django.db.models import Count

        return (
            self._model("kpm.Keluarga")
            .objects.filter(pendamping=self.users["pendamping_a"], pengurus__isnull=False)
            .annotate(n=Count("anggota"))
            .order_by("-n", "pk")
            .first()
        )

    def _kelompok_a(self) -> Any:
        return (
            self._model("p2k2.Kelompok")
            .objects.filter(pendamping=self.users["pendamping_a"])
            .order_by("pk")
            .first()
        )

    def _pertemuan_a(self) -> Any:
        return (
            self._model("p2k2.Pertemuan")
            .objects.filter(kelompok=self.kelompok_a)
            .order_by("-tanggal")
            .first()
        )

    def _konflik_a(self) -> Any:
        return self._model("p2k2.KonflikKehadiran").objects.order_by("-pk").first()

    def _profil_a(self) -> Any:
        return (
            self._model("pendamping.Pendamping")
            .objects.filter(user=self.users["pendamping_a"])
            .first()
        )

    def _klien_a(self) -> Any:
        return (
            self._model("pendamping.KlienPmks")
            .objects.filter(pendamping=self.profil_a)
            .order_by("pk")
            .first()
        )

    def _arahan_a(self) -> Any:
        penerima = (
            self._model("pendamping.ArahanPenerima")
            .objects.filter(pendamping=self.profil_a)
            .select_related("arahan")
            .order_by("-pk")
            .first()
        )
        return penerima.arahan if penerima else None

    def _sosialisasi_a(self) -> Any:
        # One with a photo when there is one (seed_demo records one): its photo page opens.
        sosialisasi = self._model("pendamping.Sosialisasi").objects.filter(pendamping=self.profil_a)
        return (
            sosialisasi.exclude(foto="").order_by("-pk").first()
            or sosialisasi.order_by("-pk").first()
        )

    def _token_kepuasan(self) -> Any:
        return (
            self._model("pendamping.TautanKepuasan")
            .objects.filter(keluarga__pendamping=self.users["pendamping_a"])
            .order_by("-pk")
            .values_list("token", flat=True)
            .first()
        )

    def _pembatasan(self) -> Any:
        return self._model("kpm.PermintaanPembatasan").objects.order_by("-pk").first()

    def _unggahan_penyaluran(self) -> Any:
        return self._model("kpm.UnggahanPenyaluran").objects.order_by("-pk").first()

    def _tanpa_proses_a(self) -> Any:
        return (
            self._model("verifikasi.GraduasiTanpaProses")
            .objects.filter(keluarga__pendamping=self.users["pendamping_a"])
            .order_by("-pk")
            .first()
        )

    def _kasus_a(self) -> Any:
        return (
            self._model("pendamping.Kasus")
            .objects.filter(pendamping=self.profil_a)
            .order_by("-pk")
            .first()
        )

    def _rujukan_a(self) -> Any:
        return (
            self._model("pendamping.Rujukan")
            .objects.filter(pendamping=self.profil_a)
            .order_by("-pk")
            .first()
        )

    def _pengaduan_a(self) -> Any:
        model = self._model("pengaduan.Pengaduan")
        hadimulyo = self.kota_metro["Hadimulyo Barat"]
        return (
            model.objects.filter(kelurahan=hadimulyo, lampiran__isnull=False).first()
            or model.objects.filter(kelurahan=hadimulyo).order_by("-pk").first()
        )

    def _tentang_a(self) -> Any:
        return (
            self._model("pengaduan.Pengaduan")
            .objects.filter(tentang_pendamping=self.users["pendamping_a"])
            .order_by("-pk")
            .first()
        )

    def _lampiran_a(self) -> Any:
        return self._model("pengaduan.Lampiran").objects.filter(pengaduan=self.pengaduan_a).first()

    def _usulan_a(self) -> Any:
        return self._model("verifikasi.Usulan").objects.order_by("-pk").first()

    def _graduasi_a(self) -> Any:
        # An open proposal for a family of pendamping A (the rule lets A in, B not), with an
        # evidence file when there is one (seed_demo proposes one): its evidence page opens.
        usulan = self._model("verifikasi.Graduasi").objects.filter(
            status="diusulkan", keluarga__pendamping=self.users["pendamping_a"]
        )
        return usulan.exclude(bukti="").order_by("-pk").first() or usulan.order_by("-pk").first()

    def _graduasi_lulus_a(self) -> Any:
        model = self._model("verifikasi.Graduasi")
        return model.objects.filter(status="diterima").order_by("-pk").first()

    def _anak_sr_a(self) -> Any:
        # Its rule sets the family's desil to 1: pick a child whose family has it already.
        return (
            self._model("kpm.Anggota")
            .objects.filter(keluarga__desil=1, keluarga__pendamping=self.users["pendamping_a"])
            .order_by("-tanggal_lahir")
            .first()
        )

    def _snapshot_baru(self) -> Any:
        model = self._model("dtsen.Snapshot")
        return model.objects.filter(jenis="dtsen", status="diterapkan").first()

    def _snapshot_lama(self) -> Any:
        model = self._model("dtsen.Snapshot")
        return (
            model.objects.filter(jenis="dtsen", penerapan__isnull=False)
            .order_by("created_at")
            .first()
        )

    def _rekonsiliasi(self) -> Any:
        model = self._model("dtsen.Rekonsiliasi")
        return model.objects.filter(status="selesai").order_by("-pk").first()

    def _temuan_a(self) -> Any:
        model = self._model("dtsen.Temuan")
        hadimulyo = self.kota_metro["Hadimulyo Barat"]
        return model.objects.filter(kelurahan=hadimulyo).order_by("-pk").first()

    def _riwayat_a(self) -> Any:
        model = self._model("dtsen.TemuanRiwayat")
        return model.objects.order_by("-pk").first()

    def _ekspor(self) -> Any:
        return self._model("dtsen.EksporSiks").objects.order_by("-pk").first()

    def _usulan_dtsen_a(self) -> Any:
        model = self._model("pemutakhiran.Usulan")
        hadimulyo = self.kota_metro["Hadimulyo Barat"]
        return (
            model.objects.filter(kelurahan=hadimulyo, bukti__isnull=False).order_by("-pk").first()
        )

    def _bukti_a(self) -> Any:
        return self._model("pemutakhiran.Bukti").objects.filter(usulan=self.usulan_dtsen_a).first()

    def _laporan(self, kode: str) -> Any:
        model = self._model("laporan.LaporanBulanan")
        return model.objects.filter(wilayah__kode=kode).order_by("-pk").first()

    def _laporan_kota(self) -> Any:
        return self._laporan("18.72")

    def _laporan_pusat(self) -> Any:
        return self._laporan("18.72.01")

    def _batch(self) -> Any:
        return self._model("pemutakhiran.BatchSiks").objects.order_by("-pk").first()


# --- Pages -----------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    persona: str
    path: str
    # A page: send → last byte. A download (Content-Disposition: attachment, streamed as it
    # is written): send → first byte, what the user waits for before the browser's download
    # starts; the time to its last byte is kept in `total_ms` and shown in the note.
    times_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    download: bool = False
    size: int = 0
    queries: int = 0
    status: int = 0
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0

    @property
    def p95(self) -> float:
        return _p95(self.times_ms)


def _p95(times: list[float]) -> float:
    if not times:
        return 0.0
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


def pages(only: str | None) -> tuple[list[Page], list[str]]:
    """One Page per (URL name, persona allowed in); plus the URL names left out and why."""
    from django.urls import reverse

    from tests.test_access_matrix import RULES, all_url_names

    world = DataWorld()
    found, skipped = [], []
    pattern = re.compile(only) if only else None
    for name in all_url_names():
        rule = RULES.get(name)
        if rule is None or rule.method != "get" or name in SKIP:
            continue
        if pattern and not pattern.search(name):
            continue
        try:
            kwargs = rule.kwargs(world) if rule.kwargs else None  # type: ignore[arg-type]
        except (LookupError, AttributeError) as exc:
            skipped.append(f"{name}: {exc}")
            continue
        path = reverse(name, kwargs=kwargs)
        for persona, status in rule.statuses.items():
            if status == 200 and persona != "anonim":
                found.append(Page(name, persona, path))
    return found, skipped


class Server:
    """gunicorn from gunicorn.conf.py on loopback, for the chosen database."""

    def __init__(self, url: str, port: int) -> None:
        self.port = port
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **_env(url)}
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "dinsos.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "--control-socket",
                str(ROOT / "var" / "bench" / f"gunicorn-{port}.ctl"),
            ],
            cwd=ROOT,  # reads gunicorn.conf.py, as the Docker image does
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(ROOT / "var" / "bench" / "pages-gunicorn.log").open("ab"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn tidak menyala")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def _session_cookies() -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    from dinsos.models import User

    cookies = {}
    for persona, username in PERSONA_USERNAMES.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def _count_queries(client: Any, path: str) -> tuple[int, int, str]:
    from django.db import DatabaseError, connection
    from django.template import TemplateSyntaxError
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        try:
            response = client.get(path)
        # A broken page is reported in the table and the bench goes on.
        except (
            DatabaseError,
            TemplateSyntaxError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
            OSError,  # a stored file missing (a database copied without its media)
        ) as exc:
            return len(captured.captured_queries), 500, f"galat: {type(exc).__name__}"
    html = ""
    if "html" in response.headers.get("Content-Type", "") and not response.streaming:
        html = response.content.decode()
    elif response.streaming:
        b"".join(response.streaming_content)
    return len(captured.captured_queries), response.status_code, html


def _links(path: str, html: str, limit: int) -> list[str]:
    """The page's own filter and page links (same path, another query), first `limit`."""
    seen: list[str] = []
    for href in _HREF.findall(html):
        href = href.replace("&amp;", "&")
        parts = urllib.parse.urlsplit(href)
        if parts.path not in ("", path) or not parts.query:
            continue
        link = f"{path}?{parts.query}"
        if link not in seen:
            seen.append(link)
        if len(seen) >= limit:
            break
    return seen


@dataclass
class Timing:
    ms: float  # send → last byte
    status: int
    first_ms: float  # send → the first byte of the body
    size: int  # body bytes
    download: bool  # Content-Disposition: attachment (a file, not a page)


def _time(conn: http.client.HTTPConnection, path: str, cookie: str) -> Timing:
    from django.conf import settings

    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": "127.0.0.1"}
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    first = response.read1(65536)  # a streamed file: the first chunk the server sent
    first_ms = (time.perf_counter() - started) * 1000
    size = len(first) + len(response.read())
    download = "attachment" in (response.getheader("Content-Disposition") or "")
    return Timing((time.perf_counter() - started) * 1000, response.status, first_ms, size, download)


def run(found: list[Page], *, port: int, repeat: int, links: int) -> list[Page]:
    from django.conf import settings
    from django.test import Client, override_settings

    cookies = _session_cookies()
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    done: list[Page] = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    with override_settings(STORAGES=storages):
        clients: dict[str, Any] = {}
        queue = list(found)
        seen_links: set[tuple[str, str]] = set()
        while queue:
            page = queue.pop(0)
            client = clients.get(page.persona)
            if client is None:
                client = clients[page.persona] = Client()
                client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.persona]
            page.queries, page.status, html = _count_queries(client, page.path)
            if html.startswith("galat: "):
                page.note, html = html, ""
            elif page.status != 200:
                page.note = f"status {page.status}"
            else:
                own = _links(page.path, html, links) if "?" not in page.path else []
                for link in own:
                    if (page.persona, link) not in seen_links:
                        seen_links.add((page.persona, link))
                        queue.insert(0, Page(page.name, page.persona, link))
            for attempt in range(repeat + 1):
                try:
                    t = _time(conn, page.path, cookies[page.persona])
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    t = _time(conn, page.path, cookies[page.persona])
                if attempt:  # the first is a warm-up
                    page.times_ms.append(t.first_ms if t.download else t.ms)
                    page.total_ms.append(t.ms)
                    page.download, page.size = t.download, t.size
                if t.status != 200 and not page.note:
                    page.note = f"HTTP {t.status}"
            if page.download and not page.note:
                page.note = (
                    f"unduhan {page.size / 1024:,.0f} KB: p95 sampai byte terakhir "
                    f"{_p95(page.total_ms):,.0f} ms".replace(",", ".")
                )
            done.append(page)
            print(
                f"{page.p95:8.1f} ms p95 {page.queries:4d} q  {page.persona:<18} {page.path}",
                flush=True,
            )
    conn.close()
    return done


def table(done: list[Page]) -> str:
    rows = sorted(done, key=lambda p: p.p95, reverse=True)
    lines = [
        "| Halaman (URL name) | Persona | Alamat | p50 ms | p95 ms | Kueri | Catatan |",
        "|---|---|---|--:|--:|--:|---|",
    ]
    for p in rows:
        flag = " **> 300**" if p.p95 > TARGET_MS else ""
        lines.append(
            f"| {p.name} | {p.persona} | `{p.path}` | {p.p50:.0f} | {p.p95:.0f}{flag} | "
            f"{p.queries} | {p.note} |"
        )
    return "\n".join(lines)


class Beat:
    """What Celery beat does while the office works: the summary tasks scheduled every few
    minutes (CELERY_BEAT_SCHEDULE entries with an interval, the heartbeat excepted: the
    performance and Sekolah Rakyat summaries) run once before the timing starts and then on
    their interval in a thread, so the pages read summaries as fresh as in production rather
    than recomputing rows that went stale while the bench database sat idle."""

    def __init__(self) -> None:
        import threading

        from django.conf import settings

        schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
        self.tasks: list[str] = sorted(
            {
                entry["task"]
                for name, entry in schedule.items()
                if isinstance(entry["schedule"], int | float) and name != "heartbeat"
            }
        )
        self.interval = min(
            float(entry["schedule"]) for entry in schedule.values() if entry["task"] in self.tasks
        )
        self._stop = threading.Event()
        self.run_once()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def run_once(self) -> None:
        import importlib

        from django.db import connection

        started = time.perf_counter()
        for task in self.tasks:
            module, name = task.rsplit(".", 1)
            getattr(importlib.import_module(module), name)()  # run here, as the worker would
        connection.close()
        print(f"beat: {', '.join(self.tasks)} ({time.perf_counter() - started:.1f} s)", flush=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.run_once()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="basis data berisi data demo atau skala")
    parser.add_argument("--repeat", type=int, default=5, help="permintaan terukur per halaman")
    parser.add_argument("--links", type=int, default=3, help="tautan saring per halaman")
    parser.add_argument("--only", help="regex atas nama URL (mis. 'p2k2:|kpm:')")
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    url = configure(args.db)
    found, skipped = pages(args.only)
    beat = Beat()
    server = Server(url, args.port)
    started = time.monotonic()
    try:
        done = run(found, port=args.port, repeat=args.repeat, links=args.links)
    finally:
        server.stop()
        beat.stop()
    load = os.getloadavg()
    over = [p for p in done if p.p95 > TARGET_MS]
    summary = (
        f"{len(done)} halaman×persona di {args.db}, {args.repeat} permintaan terukur per "
        f"halaman setelah 1 pemanasan, {time.monotonic() - started:.0f} s; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"{len(over)} di atas {TARGET_MS:.0f} ms p95."
    )
    text = f"{summary}\n\n{table(done)}\n"
    if skipped:
        text += "\nTanpa data untuk diukur: " + "; ".join(skipped) + "\n"
    print("\n" + text)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"pages-{args.db}.md").write_text(text, encoding="utf-8")
    (out / f"pages-{args.db}.json").write_text(
        json.dumps([asdict(p) | {"p50": p.p50, "p95": p.p95} for p in done], indent=1),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
