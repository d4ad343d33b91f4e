"""Row and advisory locks of the dtsen app, always taken in one order (pk) to avoid deadlocks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Q

from dtsen.models import Snapshot

# First key of the two-key advisory lock: "DTSEN" in the import's own namespace.
ADVISORY_NAMESPACE = 18_7206


def snapshot_lock_for_apply(snapshot: Snapshot) -> list[Snapshot]:
    """Lock the snapshot and the active one of its kind and area, in pk order (in a transaction)."""
    return list(
        Snapshot.objects.select_for_update()
        .filter(jenis=snapshot.jenis, wilayah_id=snapshot.wilayah_id)
        .filter(Q(pk=snapshot.pk) | Q(status=Snapshot.Status.DITERAPKAN))
        .order_by("pk")
    )


def snapshot_lock_ids(ids: list[int]) -> list[Snapshot]:
    """Lock the given snapshots in pk order (in a transaction): an undo's and its previous."""
    return list(Snapshot.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


@contextmanager
def snapshot_load_lock(snapshot_id: int) -> Iterator[bool]:
    """Hold a session advisory lock while one worker loads the snapshot.

    Yields False when another process holds it (a duplicate delivery of the same task). A
    killed worker's connection closes and PostgreSQL releases the lock with it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%(namespace)s, %(id)s)",
            {"namespace": ADVISORY_NAMESPACE, "id": snapshot_id},
        )
        locked = bool(cursor.fetchone()[0])
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%(namespace)s, %(id)s)",
                    {"namespace": ADVISORY_NAMESPACE, "id": snapshot_id},
                )
