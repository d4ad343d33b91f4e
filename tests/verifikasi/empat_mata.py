"""Four eyes off for the tests of the verifikasi pipelines themselves (issue 20).

Importing `empat_mata_mati` into a test module turns it on for every test there (autouse):
those tests cover what a decision does; that it first waits for a second person is covered
in tests/verifikasi/test_empat_mata.py.
"""

from __future__ import annotations

import datetime

import pytest

from dinsos.models import Pengaturan


@pytest.fixture(autouse=True)
def empat_mata_mati(db: None) -> None:
    Pengaturan.objects.create(
        kunci="empat_mata_tindakan", nilai=[], berlaku_mulai=datetime.date(2000, 1, 1)
    )
