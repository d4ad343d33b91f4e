"""The Celery broker transport: kombu's Redis transport, made to survive a Redis restart.

When a worker loses Redis, Celery 5.7 first *collects* the lost connection (which detaches
kombu's transport from it) and then closes it. Closing the channel restores the messages the
worker holds unacknowledged (acks_late: every running task) and so needs a Redis client, but
kombu's Redis channel builds its connection pool from the transport's connection
(`self.connection.client`), by now None: AttributeError, which Celery treats as
unrecoverable. The worker stops as soon as its running tasks end, and the acknowledgement
of those tasks fails the same way. So every Redis restart during an import took the worker
down (tests/dtsen/test_fault_restart.py).

The channel here keeps the connection parameters it was built with and uses them once the
transport has been detached: Redis's address does not change because kombu let go of it.
A restore or acknowledgement while Redis is still down then raises an ordinary connection
error, which Celery handles (the message stays unacknowledged in Redis; after the
visibility timeout it is delivered again, and the tasks are idempotent). Selected by
CELERY_BROKER_TRANSPORT in settings. Seen with Celery 5.7.0 and kombu 5.7.0 (Celery 5.6 did
not close after collecting); drop this module once that test passes with kombu's own.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis


class Channel(redis.Channel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connparams_known: dict[bool, dict[str, Any]] = {}
        super().__init__(*args, **kwargs)  # builds the asynchronous client (it pings Redis)
        self._connparams(asynchronous=False)  # remembered while the transport is attached

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is not None or asynchronous not in self._connparams_known:
            # kombu's own (private, so absent from kombu-stubs); it reads connection.client
            params = super()._connparams(asynchronous)  # type: ignore[misc]
            self._connparams_known[asynchronous] = params
        return dict(self._connparams_known[asynchronous])


class Transport(redis.Transport):
    Channel = Channel
