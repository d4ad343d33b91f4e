"""A NIK typed in the wrong cell, or in a file's name, never leaves the server in full."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from dinsos.models import AuditEvent
from dtsen.models import Snapshot
from tests.dtsen.conftest import HEADERS, make_nik, masalah, orang, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
NIK = make_nik(datetime.date(1980, 5, 17), "2", 77)  # 1872015705800077
NIK_TERSAMAR = "1872**********77"


def test_a_nik_in_the_wrong_column_is_quoted_masked_in_page_report_and_log(
    muat, client, admin, tmp_path, caplog
):
    # given: a NIK typed in the birth-date column (text) and in the desil column
    wrong_date = orang(1)
    wrong_date[3] = NIK
    rows = [wrong_date, orang(2, desil=NIK)]
    client.force_login(admin)
    # when
    with caplog.at_level(logging.DEBUG):
        snapshot = muat(write_csv(tmp_path / "d.csv", rows))
    page = client.get(reverse("dtsen:snapshot-detail", args=[snapshot.pk]))
    report = client.get(reverse("dtsen:snapshot-report", args=[snapshot.pk]))
    # then
    expected = [
        (
            2,
            "tanggal_lahir",
            f"format tanggal lahir tidak dikenali: '{NIK_TERSAMAR}' "
            "(tulis TTTT-BB-HH atau HH/BB/TTTT)",
            False,
        ),
        (
            3,
            "desil_nasional",
            f"desil nasional harus angka 1–10 (tertulis '{NIK_TERSAMAR}'); "
            "kosongkan bila belum ada desil",
            False,
        ),
    ]
    assert masalah(snapshot) == expected
    assert escape(expected[0][2]) in page.content.decode()
    assert NIK not in page.content.decode()
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        expected[0][2],
        expected[1][2],
    ]
    assert NIK not in caplog.text


def test_a_nik_stored_as_a_number_in_the_date_column_is_masked(muat, tmp_path):
    row = orang(1)
    row[3] = int(NIK)
    snapshot = muat(write_xlsx(tmp_path / "d.xlsx", [row]))
    assert masalah(snapshot) == [
        (2, "tanggal_lahir", f"tanggal lahir tidak mungkin: '{NIK_TERSAMAR}'", False)
    ]


def test_an_unknown_kelurahan_code_is_quoted_in_full(muat, tmp_path):
    # a 10-digit region code is public (DOMAIN.md §8): the admin needs it to fix the cell
    snapshot = muat(write_csv(tmp_path / "d.csv", [orang(1, kode="1872099999")]))
    assert masalah(snapshot) == [
        (
            2,
            "kode_desa_kelurahan",
            "kode desa/kelurahan '1872099999' tidak dikenal di Kota Metro, baik sebagai "
            "kode BPS 1872099999 maupun Kemendagri 18.72.09.9999",
            False,
        )
    ]


def test_a_file_without_a_header_row_is_refused_without_showing_its_first_nik(muat, tmp_path):
    # given: the first row is data, so its cells would have become "unknown headers"
    first, second = orang(1), orang(2)
    path = write_csv(tmp_path / "d.csv", [second], headers=first)  # type: ignore[arg-type]
    # when
    snapshot = muat(path)
    # then
    assert (snapshot.status, snapshot.kolom_tak_dikenal) == (Snapshot.Status.GAGAL, [])
    assert snapshot.pesan_gagal == (
        "Baris judul kolom berisi angka seperti NIK/No KK ('1872**********01'), bukan judul "
        "kolom. Pastikan di atas data ada satu baris judul kolom (mis. NIK, Nama, No KK)."
    )


def test_an_uploaded_file_name_is_kept_but_shown_and_recorded_masked(
    client, admin, kota_metro, tmp_path, django_capture_on_commit_callbacks
):
    # given: an officer names the file after the person it is about
    name = f"DTSEN {NIK}.csv"
    path = write_csv(tmp_path / name, [orang(1)], headers=HEADERS)
    client.force_login(admin)
    data = {"jenis": "dtsen", "tanggal_data": "2025-06-30", "wilayah": kota_metro["Kota Metro"].pk}
    # when
    with django_capture_on_commit_callbacks(execute=False), path.open("rb") as f:
        client.post(reverse("dtsen:snapshot-create"), {**data, "file": f})
    snapshot = Snapshot.objects.get()
    pages = [
        client.get(reverse("dtsen:snapshot-list")),
        client.get(reverse("dtsen:snapshot-detail", args=[snapshot.pk])),
        client.get(reverse("audit-list")),
    ]
    # then: stored as given, masked wherever it is shown or recorded, absent from the disk path
    assert snapshot.nama_file == name
    assert str(snapshot) == f"DTSEN 2025-06-30 (DTSEN {NIK_TERSAMAR}.csv)"
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.object_repr == f"DTSEN 2025-06-30 (DTSEN {NIK_TERSAMAR}.csv)"
    for page in pages:
        assert page.status_code == 200
        assert f"DTSEN {NIK_TERSAMAR}" in page.content.decode()
        assert NIK not in page.content.decode()
    assert NIK not in snapshot.file.name
    assert snapshot.file.name.endswith(".csv")
