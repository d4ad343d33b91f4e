"""Health of the parts the portal needs: database, broker, a live worker, beat."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from dinsos.celery import app
from dinsos.models import Heartbeat
from dinsos.tasks import HEARTBEAT_BEAT

logger = logging.getLogger(__name__)

# Beat sends the heartbeat every 60 s; three missed beats means it is down.
BEAT_MAX_AGE = datetime.timedelta(minutes=3)


@dataclass(frozen=True)
class Status:
    ok: bool
    detail: str


BROKER_DOWN_FOR_WORKER = Status(False, "tidak dapat diperiksa: broker mati")


def check_database() -> Status:
    """Run a trivial query on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.warning("health: database down: %s", type(exc).__name__)
        return Status(False, "database tidak dapat dihubungi")
    return Status(True, "ok")


def check_broker() -> Status:
    """Open a connection to the Celery broker."""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except (KombuOperationalError, RedisError, OSError) as exc:
        logger.warning("health: broker down: %s", type(exc).__name__)
        return Status(False, "broker (Redis) tidak dapat dihubungi")
    return Status(True, "ok")


def check_worker() -> Status:
    """Ask the workers to answer a ping within one second."""
    try:
        replies = app.control.ping(timeout=1.0)
    except (KombuOperationalError, RedisError, OSError) as exc:
        logger.warning("health: worker ping failed: %s", type(exc).__name__)
        return Status(False, "worker tidak dapat dihubungi")
    if not replies:
        return Status(False, "tidak ada worker Celery yang hidup")
    return Status(True, f"{len(replies)} worker")


def check_beat() -> Status:
    """Check that beat's heartbeat task ran recently."""
    beat = Heartbeat.objects.filter(name=HEARTBEAT_BEAT).first()
    if beat is None:
        return Status(False, "beat belum pernah berjalan")
    if timezone.now() - beat.last_seen_at > BEAT_MAX_AGE:
        return Status(False, "beat tidak berjalan dalam 3 menit terakhir")
    return Status(True, "ok")
