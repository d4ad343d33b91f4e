"""Issue 16 for the Final Closing list: read by the portal's one spreadsheet reader (old .xls,
any CSV dialect) and one region resolver (codes in either system, names typo-tolerant)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpm.models import Keluarga
from tests.kpm.test_final_closing import CSV_FORMAT, XLSX_FORMAT, confirm, preview

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "impor"


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_an_xls_list_with_a_typo_and_a_total_row(admin_client, kota_metro):
    # when
    response = preview(
        admin_client, (FIXTURES / "final_closing.xls").read_bytes(), "fc.xls", XLSX_FORMAT
    )
    # then
    result = response.context["result"]
    assert [(r.nomor_baris, r.label_aksi) for r in result.rows] == [(2, "Baru"), (3, "Baru")]
    assert [(w.row, w.column, w.message) for w in result.peringatan] == [
        (
            3,
            "KELURAHAN",
            "nama tidak persis: desa/kelurahan 'Hadimulyo Barad' dibaca sebagai Hadimulyo Barat",
        )
    ]
    assert result.baris_ringkasan == [(4, "JUMLAH | 2 KPM")]
    assert "1 baris ringkasan dilewati: baris 4 (JUMLAH | 2 KPM)" in " ".join(
        response.content.decode().split()
    )
    confirm(admin_client, response)
    assert sorted(Keluarga.objects.values_list("no_kk", "kelurahan__nama")) == [
        ("1872012001150001", "Hadimulyo Barat"),
        ("1872012001150002", "Hadimulyo Barat"),
    ]


def test_a_kemendagri_code_without_dots_places_the_family(admin_client, kota_metro):
    response = preview(
        admin_client, (FIXTURES / "final_closing_kode.csv").read_bytes(), "fc.csv", CSV_FORMAT
    )
    confirm(admin_client, response)
    assert list(Keluarga.objects.values_list("no_kk", "kelurahan__nama")) == [
        ("1872012001150001", "Iring Mulyo")
    ]


def test_a_photo_renamed_as_a_spreadsheet_is_refused_in_indonesian(admin_client, kota_metro):
    response = preview(admin_client, b"\x89PNG\r\n\x1a\n" + bytes(64), "fc.xlsx", XLSX_FORMAT)
    assert response.context["form"].errors["import_file"] == [
        "File ini bukan spreadsheet. Unggah file Excel (.xlsx atau .xls), LibreOffice (.ods) "
        "atau CSV (dipisah |, titik koma, koma atau tab)."
    ]
    assert Keluarga.objects.count() == 0
