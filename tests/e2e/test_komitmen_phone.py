"""A pendamping records a month's compliance for their families on a 360 px phone."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.verifikasi.komitmen_helpers import keluarga_komitmen
from verifikasi.models import Komitmen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_pendamping_records_a_month_on_a_phone(page, kota_metro, pendamping_hadimulyo):
    # given
    _, siti, budi = keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    page.goto("/keluarga/komitmen/?bulan=2025-03")
    expect(page.get_by_test_id("judul-bulan")).to_contain_text("Maret 2025")
    # when: the mother missed her antenatal check; the child's school sent 84,9%
    ibu = page.get_by_test_id(f"baris-{siti.pk}-ibu_hamil")
    ibu.get_by_text("Tidak patuh", exact=True).click()
    ibu.get_by_label("Catatan").fill("Tidak periksa kehamilan")
    anak = page.get_by_test_id(f"baris-{budi.pk}-anak_sd")
    anak.get_by_label("Hadir %").fill("84,9")
    # then: the percentage already selects "tidak patuh" (below 85%)
    expect(anak.locator('input[type="radio"][value="tidak_patuh"]')).to_be_checked()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    # when: one save
    page.get_by_role("button", name="Simpan komitmen Maret 2025").click()
    # then
    expect(page.get_by_role("alert").first).to_have_text("2 catatan komitmen Maret 2025 disimpan.")
    expect(ibu.locator('input[type="radio"][value="tidak_patuh"]')).to_be_checked()
    expect(anak.get_by_label("Hadir %")).to_have_value("84,90")
    rows = sorted(
        Komitmen.objects.values_list("komponen", "bulan", "status", "persen_kehadiran", "catatan")
    )
    assert rows == [
        ("anak_sd", datetime.date(2025, 3, 1), "tidak_patuh", Decimal("84.90"), ""),
        ("ibu_hamil", datetime.date(2025, 3, 1), "tidak_patuh", None, "Tidak periksa kehamilan"),
    ]
