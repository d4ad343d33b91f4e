"""The in-file duplicate-NIK rejection when many rows share a NIK (issue 21): every copy is
rejected, each message names at most ten other rows and counts the rest, the counts add up,
and a copy rejected for another reason still counts as a copy. Expected results worked out
by hand from the file below."""

from __future__ import annotations

import datetime

import polars as pl
import pytest

from dtsen.importers.kunci_ganda import berulang
from dtsen.models import DtsenRecord, Snapshot
from dtsen.services.ganda_nik import pesan_ganda
from tests.dtsen.conftest import masalah, orang, write_csv

pytestmark = pytest.mark.django_db
NIK = "nomor_induk_kependudukan"
DESIL_11 = "desil nasional harus angka 1–10 (tertulis '11'); kosongkan bila belum ada desil"


def _lain(*baris: int) -> str:
    return "NIK ganda dalam file: juga di baris " + ", ".join(map(str, baris))


def test_one_nik_on_25_rows_and_a_pair_reject_every_copy_with_bounded_messages(muat, tmp_path):
    # given: rows 2–26 carry A's NIK (row 10 also has desil 11), rows 27–28 carry B's,
    # rows 29–38 ten people of their own (other birth dates: no probable-duplicate block)
    a, b = orang(1), orang(2, lahir=datetime.date(1975, 3, 4))
    rows = [list(a) for _ in range(25)]
    rows[8] = orang(1, desil="11")  # file row 10
    rows += [list(b), list(b)]
    rows += [
        orang(100 + i, lahir=datetime.date(1990, 1, 1 + i), nama=f"Orang {chr(65 + i)}")
        for i in range(10)
    ]
    path = write_csv(tmp_path / "ganda.csv", rows)
    # when
    snapshot = muat(path)
    # then: A's group has 25 rows; its first eleven are rows 2–12, and 25 − 1 − 10 = 14 more
    dan_14 = " dan 14 baris lain"
    expected = {}
    for row in range(2, 27):
        if row == 2:
            others = range(3, 13)
        elif row <= 12:
            others = [r for r in range(2, 13) if r != row]
        else:
            others = range(2, 12)
        expected[row] = _lain(*others) + dan_14
    expected[27], expected[28] = _lain(28), _lain(27)
    found = masalah(snapshot)
    assert [m for m in found if m[2].startswith("NIK ganda")] == [
        (row, NIK, text, False) for row, text in sorted(expected.items())
    ]
    # and row 10 keeps its own rejection, before the duplicate's
    assert [m for m in found if m[0] == 10] == [
        (10, "desil_nasional", DESIL_11, False),
        (10, NIK, expected[10], False),
    ]
    assert len(found) == 28  # 27 duplicate messages + row 10's desil, nothing else
    # and the counts add up: the ten others are loaded, every copy is rejected
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.SIAP_DITINJAU
    assert (snapshot.baris_dibaca, snapshot.baris_valid, snapshot.baris_ditolak) == (37, 10, 27)
    assert snapshot.baris_peringatan == 0
    assert sorted(
        DtsenRecord.objects.filter(snapshot=snapshot).values_list("baris", flat=True)
    ) == list(range(29, 39))


def test_a_message_names_ten_rows_at_most_however_big_the_group():
    # a group of 100.001 rows: a row among the first eleven, and one past them
    awal = list(range(2, 13))
    assert pesan_ganda(awal, 100_001, 7) == (
        _lain(2, 3, 4, 5, 6, 8, 9, 10, 11, 12) + " dan 99990 baris lain"
    )
    assert pesan_ganda(awal, 100_001, 50_000) == (_lain(*range(2, 12)) + " dan 99990 baris lain")
    # a group of eleven: every copy names the ten others, nothing more
    assert pesan_ganda(awal, 11, 12) == _lain(*range(2, 12))


def test_repeated_keys_are_found_by_sorting_and_a_null_never_repeats():
    nik = pl.Series("nik", [5, 3, None, 5, 7, 3, 3, None, 9], dtype=pl.Int64)
    baris = pl.Series("baris", range(2, 11), dtype=pl.Int32)
    found = berulang(nik, baris=baris)
    # 3 on rows 3, 7, 8 and 5 on rows 2, 5; 7, 9 and the two nulls are alone
    assert found["nik"].to_list() == [3, 3, 3, 5, 5]
    assert sorted(found.filter(pl.col("nik") == 3)["baris"].to_list()) == [3, 7, 8]
    assert sorted(found.filter(pl.col("nik") == 5)["baris"].to_list()) == [2, 5]
    assert found["awal"].to_list() == [True, False, False, True, False]
    # and no row, or one, repeats nothing
    for values in ([], [1]):
        alone = berulang(pl.Series("nik", values, dtype=pl.Int64), baris=baris[: len(values)])
        assert alone.is_empty()
