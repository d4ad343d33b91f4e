import sys
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from dinsos import health

WEB_URL = "http://127.0.0.1:8000/healthz"


class Command(BaseCommand):
    help = "Memeriksa satu komponen (web, worker, beat) untuk healthcheck container."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--component", choices=["web", "worker", "beat"], required=True)

    def handle(self, *args: Any, component: str, **options: Any) -> None:
        if component == "web":
            status = self._check_web()
        elif component == "worker":
            status = health.check_worker()
        else:
            status = health.check_beat()
        self.stdout.write(f"{component}: {status.detail}")
        if not status.ok:
            sys.exit(1)

    def _check_web(self) -> health.Status:
        """The web process answers /healthz (503 still means it answers)."""
        hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h]
        request = urllib.request.Request(
            WEB_URL, headers={"Host": hosts[0] if hosts else "localhost"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed URL)
                return health.Status(response.status == 200, f"HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            return health.Status(exc.code == 503, f"HTTP {exc.code}")
        except OSError as exc:
            return health.Status(False, f"web tidak menjawab: {type(exc).__name__}")
