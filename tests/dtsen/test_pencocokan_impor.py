"""The DTSEN import warns when one person is probably in the file twice under two NIKs
(issue #23): a warning on each such row naming its best match, with the reason; the rows
stay valid. A block too big to compare pair by pair is a note on the review page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

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


def test_a_big_file_of_one_birth_date_warns_each_row_once_and_skips_the_oversized_block(
    muat, tmp_path, client, admin
):
    # given: 20.000 rows, all born the same day in one kelurahan. 19.997 are "Warga <n>" (one
    # block: their last words sound alike), 3 are one woman written three ways.
    siti, st, siti_lagi = (
        orang(12, lahir=LAHIR, kelamin="2", kk=1, nama="Siti Aminah"),
        orang(21, lahir=LAHIR, kelamin="2", kk=1, nama="St. Aminah"),
        orang(13, lahir=LAHIR, kelamin="2", kk=1, nama="Siti Aminah"),
    )
    warga = []
    for n in range(19_997):
        row = orang(n + 1, lahir=LAHIR)
        row[0] = make_nik(LAHIR, "1", n % 9_000 + 1, region=f"18720{n // 9_000 + 1}")
        warga.append(row)
    path = write_csv(tmp_path / "dtsen.csv", [siti, st, siti_lagi, *warga])
    # when
    snapshot = muat(path)
    # then: each of the three rows names only its best match; the big block is a note
    assert (snapshot.baris_valid, snapshot.baris_ditolak, snapshot.baris_peringatan) == (
        20_000,
        0,
        3,
    )
    assert list(
        MasalahBaris.objects.filter(snapshot=snapshot)
        .order_by("baris")
        .values_list("baris", "pesan")
    ) == [
        (
            2,
            "Mungkin orang yang sama dengan baris 3 (NIK lain; sangat mungkin): "
            "nama: varian Siti; NIK: dua digit bersebelahan tertukar; No KK sama",
        ),
        (
            3,
            "Mungkin orang yang sama dengan baris 2 (NIK lain; sangat mungkin): "
            "nama: varian Siti; NIK: dua digit bersebelahan tertukar; No KK sama",
        ),
        (
            4,
            "Mungkin orang yang sama dengan baris 2 (NIK lain; sangat mungkin): "
            "NIK beda 1 digit; No KK sama",
        ),
    ]
    assert snapshot.pembacaan["ganda_mungkin"] == {
        "blok_dilewati": 1,
        "baris_dilewati": 19_997,
        "blok_maks": 50,
    }
    assert snapshot.durasi["ganda"] < 10  # all pairs of one block: 200 million, minutes
    client.force_login(admin)
    page = client.get(reverse("dtsen:snapshot-detail", args=[snapshot.pk])).content.decode()
    assert (
        "1 kelompok (19.997 baris) berisi lebih dari 50 orang dengan tanggal lahir, kelurahan"
        " dan bunyi nama belakang yang sama"
    ) in " ".join(page.split())
