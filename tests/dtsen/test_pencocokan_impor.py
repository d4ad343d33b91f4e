"""The DTSEN import warns when one person is probably in the file twice under two NIKs
(issue #23): a warning on both rows, with the reason; the rows stay valid."""

from __future__ import annotations

import datetime

import pytest

from dtsen.models import MasalahBaris, Snapshot
from tests.dtsen.conftest import make_nik, orang, write_csv

pytestmark = pytest.mark.django_db
LAHIR = datetime.date(1985, 3, 7)


def test_one_person_under_two_niks_is_a_warning_on_both_rows(muat, tmp_path):
    # given: rows 2 and 3 are one woman (NIK digits swapped, "St." for "Siti"); rows 4 and 5
    # share her birth date, kelurahan and last name but nothing else
    rows = [
        orang(12, lahir=LAHIR, kelamin="2", kk=1, nama="Siti Aminah"),
        orang(21, lahir=LAHIR, kelamin="2", kk=1, nama="St. Aminah"),
        orang(33, lahir=LAHIR, kelamin="1", kk=2, nama="Budi Aminah"),
        orang(45, lahir=LAHIR, kelamin="2", kk=3, nama="Ratna Aminah"),
    ]
    # when
    snapshot = muat(write_csv(tmp_path / "dtsen.csv", rows))
    # then
    assert snapshot.status == Snapshot.Status.SIAP_DITINJAU
    assert (snapshot.baris_valid, snapshot.baris_ditolak, snapshot.baris_peringatan) == (4, 0, 2)
    alasan = "nama: varian Siti; NIK: dua digit bersebelahan tertukar; No KK sama"
    assert list(
        MasalahBaris.objects.filter(snapshot=snapshot)
        .order_by("baris")
        .values_list("baris", "kolom", "pesan", "is_peringatan", "nik")
    ) == [
        (
            2,
            "nomor_induk_kependudukan",
            f"Mungkin orang yang sama dengan baris 3 (NIK lain; sangat mungkin): {alasan}",
            True,
            make_nik(LAHIR, "2", 12),
        ),
        (
            3,
            "nomor_induk_kependudukan",
            f"Mungkin orang yang sama dengan baris 2 (NIK lain; sangat mungkin): {alasan}",
            True,
            make_nik(LAHIR, "2", 21),
        ),
    ]
