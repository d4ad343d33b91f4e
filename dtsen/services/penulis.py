"""Write a load's checked batches on a thread of their own (issue 21).

The loader reads and checks rows in Python while PostgreSQL does nothing, then waits while
PostgreSQL parses and stores the batch it COPYed: on a million rows each side spent seconds
waiting for the other. Here each batch's write (its COPYs and the progress update, one
transaction) runs on a worker thread with its own database connection while the caller
checks the next batch; at most one batch waits, so memory stays one batch more than before.
A failed write raises in the caller at its next batch (or at `tunggu`).

Only outside a transaction: inside one (a test's, a caller's `atomic`) the loading table and
the rows written so far are invisible to another connection, so the batches are written in
the caller's thread, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.db import connection


class PenulisBatch:
    """`tulis(*args)` runs `fungsi(*args)` on the worker thread, after the previous one."""

    def __init__(self, fungsi: Callable[..., None]) -> None:
        self._fungsi = fungsi
        self._pool = (
            None
            if connection.in_atomic_block
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="dtsen-muat")
        )
        self._berjalan: Future[None] | None = None

    @property
    def is_latar(self) -> bool:
        return self._pool is not None

    def tulis(self, *args: object) -> None:
        if self._pool is None:
            self._fungsi(*args)
            return
        self.tunggu()
        self._berjalan = self._pool.submit(self._fungsi, *args)

    def tunggu(self) -> None:
        """Wait for the batch being written; its error, if any, is raised here."""
        if self._berjalan is not None:
            berjalan, self._berjalan = self._berjalan, None
            berjalan.result()

    def tutup(self) -> None:
        """Let the last write end (its error is `tunggu`'s to raise), then close the
        thread's connection and the thread."""
        if self._pool is None:
            return
        if self._berjalan is not None:
            wait([self._berjalan])
        self._pool.submit(_tutup_koneksi).result()
        self._pool.shutdown()


def _tutup_koneksi() -> None:
    # Resolved on the worker thread: Django keeps one connection per thread.
    connection.close()
