"""Batches written on a thread of their own while the next is checked (issue 21): outside a
transaction the load writes through PenulisBatch's connection and ends with exactly the rows
and problems a load in the caller's thread gives; a failed write stops the load."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import DatabaseError, connection

from dtsen.models import DtsenRecord, Snapshot
from dtsen.services.penulis import PenulisBatch
from tests.dtsen.conftest import masalah, orang, write_csv


@pytest.mark.django_db(transaction=True)
def test_a_load_outside_a_transaction_writes_on_its_own_thread_and_loads_every_row(
    muat, tmp_path, monkeypatch
):
    # given: a file of 25.000 rows (three batches), one rejected
    def baris(i: int, desil: str = "3") -> list[object]:  # unique NIKs: serial ≤ 9.000
        lahir = datetime.date(1980, 1, 1) + datetime.timedelta(days=i // 9_000)
        return orang(i % 9_000 + 1, lahir=lahir, kk=i // 4, desil=desil)

    rows = [baris(i) for i in range(25_000)]
    rows[99] = baris(99, desil="11")
    latar: list[bool] = []
    original = PenulisBatch.tulis

    def tulis(self: PenulisBatch, *args: object) -> None:
        latar.append(self.is_latar)
        original(self, *args)

    monkeypatch.setattr(PenulisBatch, "tulis", tulis)
    # when
    snapshot = muat(write_csv(tmp_path / "besar.csv", rows))
    # then: written through the worker thread, every row once, the counts add up
    assert latar == [True] * 4  # its three batches, then the partition's index build
    assert snapshot.status == Snapshot.Status.SIAP_DITINJAU
    assert (snapshot.baris_dibaca, snapshot.baris_valid, snapshot.baris_ditolak) == (
        25_000,
        24_999,
        1,
    )
    loaded = DtsenRecord.objects.filter(snapshot=snapshot)
    assert loaded.count() == loaded.values("baris").distinct().count() == 24_999
    assert [m[0] for m in masalah(snapshot)] == [101]
    # and the writer thread is gone with its connection
    assert not [t for t in threading.enumerate() if t.name.startswith("dtsen-muat")]


def test_a_failed_write_raises_in_the_caller_at_its_next_batch():
    calls: list[int] = []

    def tulis(n: int) -> None:
        calls.append(n)
        if n == 1:
            raise DatabaseError("disk penuh")

    assert not connection.in_atomic_block
    penulis = PenulisBatch(tulis)
    assert penulis.is_latar
    try:
        penulis.tulis(1)
        with pytest.raises(DatabaseError, match="disk penuh"):
            penulis.tulis(2)  # waits for batch 1 first, and learns it failed
        assert calls == [1]  # batch 2 was never written
    finally:
        penulis.tutup()
