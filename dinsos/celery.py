"""The Celery application: configuration comes from Django settings (CELERY_* names).

Processes that start a worker or beat set DJANGO_SETTINGS_MODULE themselves (the Dockerfile,
`make run`, the test fixture). This module does not default it: `dinsos` is imported by tools
such as `python -m dinsos.devstack`, and a default here would leak into their children.
"""

from __future__ import annotations

import json
from typing import Any

from celery import Celery, Task

from dinsos.log_filters import contains_identifier


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
