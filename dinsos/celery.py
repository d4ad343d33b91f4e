"""The Celery application: configuration comes from Django settings (CELERY_* names).

Processes that start a worker or beat set DJANGO_SETTINGS_MODULE themselves (the Dockerfile,
`make run`, the test fixture). This module does not default it: `dinsos` is imported by tools
such as `python -m dinsos.devstack`, and a default here would leak into their children.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from celery import Celery, Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from dinsos.log_filters import contains_identifier

logger = logging.getLogger(__name__)


class IdentifierInTaskArguments(ValueError):
    """A task was about to carry a NIK/No KK through the broker."""


class DinsosTask(Task):  # type: ignore[misc]
    """Every task of the portal. Task messages sit in Redis, in the worker's log and in
    monitoring tools, so a NIK or No KK must never be an argument (DOMAIN.md §10): tasks
    take primary keys and read the identifiers from the database. Sending one is refused
    here, before it reaches the broker, so the mistake shows in tests, not in Redis."""

    def apply_async(self, args: Any = None, kwargs: Any = None, *rest: Any, **options: Any) -> Any:
        payload = json.dumps([args or [], kwargs or {}], default=str)
        if contains_identifier(payload):
            raise IdentifierInTaskArguments(
                f"Tugas {self.name} tidak boleh membawa NIK/No KK sebagai argumen; kirim id-nya."
            )
        return super().apply_async(args, kwargs, *rest, **options)


app = Celery("dinsos", task_cls=DinsosTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# --- Jobs behind a row the browser polls (imports, reports) -------------------------------
class TugasBaris(DinsosTask):
    """A task whose first argument is the id of the row its page polls (an upload, a
    report): an error it does not retry marks that row failed (`tandai_gagal`), so the page
    stops waiting and offers to run it again."""

    abstract = True

    def tandai_gagal(self, objek_id: int, exc: BaseException) -> None:
        raise NotImplementedError

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        objek_id = args[0] if args else None
        if isinstance(objek_id, int):
            self.tandai_gagal(objek_id, exc)


def antrekan_setelah_commit(
    task: Task, objek_id: int, *, tidak_tersedia: Callable[[int], None]
) -> None:
    """Queue `task(objek_id)` once the current transaction commits. With the broker down
    the message never leaves: `tidak_tersedia(objek_id)` marks the row (failed, re-runnable)
    at once, so its page says the queue is unavailable instead of waiting forever."""

    def send() -> None:
        try:
            task.delay(objek_id)
        except BrokerError as exc:
            logger.warning("tugas %s untuk %s tidak bisa diantrekan: %s", task.name, objek_id, exc)
            tidak_tersedia(objek_id)

    transaction.on_commit(send)
