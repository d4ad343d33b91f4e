"""Test settings: the same stack as production (real PostgreSQL, real Redis, real Celery).

`make test` exports DATABASE_URL/REDIS_URL (local servers or embedded ones, see
dinsos/devstack.py); plain `pytest` on a machine with local servers needs nothing set.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# Feature tests sign in with force_login; the two-factor tests switch it on themselves.
os.environ.setdefault("DINSOS_OTP_WAJIB", "false")
# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Parallel test runs (pytest-xdist, `make test`): each worker process has its own test
# database (pytest-django adds the _gw<n> suffix) and, set here, its own Redis database, so
# one worker's Celery worker never takes another's tasks or cache entries.
# A Celery worker that a test starts inherits this environment with the URL already moved
# (and with the flag below), so the move happens once per worker process tree.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER.startswith("gw") and not os.environ.get("DINSOS_REDIS_XDIST"):
    _base, _, _db = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rpartition("/")
    _offset = 1 + int(XDIST_WORKER[2:])
    os.environ["REDIS_URL"] = f"{_base}/{(int(_db or 0) + _offset) % 16}"
    os.environ["DINSOS_REDIS_XDIST"] = "1"

from dinsos.settings.base import *  # noqa: F403, E402  (the environment above must come first)
from dinsos.settings.base import STORAGES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / f"test-media{'-' + XDIST_WORKER if XDIST_WORKER else ''}"
