"""The Celery application: configuration comes from Django settings (CELERY_* names).

Processes that start a worker or beat set DJANGO_SETTINGS_MODULE themselves (the Dockerfile,
`make run`, the test fixture). This module does not default it: `dinsos` is imported by tools
such as `python -m dinsos.devstack`, and a default here would leak into their children.
"""

from celery import Celery

app = Celery("dinsos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
