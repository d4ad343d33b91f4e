"""Portal Dinsos project package: settings, URLs, Celery app and the shared core."""

from dinsos.celery import app as celery_app

__all__ = ("celery_app",)
