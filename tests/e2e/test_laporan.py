"""The rakor report in a real browser: an admin asks for June's report, follows the worker's
progress, reads the sections and downloads the PDF and the XLSX (issue 19)."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import login
from tests.laporan.dunia import bangun

pytestmark = [pytest.mark.e2e, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_admin_makes_the_report_and_downloads_both_files(
    page, celery_worker, kota_metro, admin, operator, pendamping_hadimulyo, width
):
    # given
    bangun(kota_metro, operator, pendamping_hadimulyo)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "admin")
    # when: June 2025 for the city
    page.goto("/laporan/")
    page.get_by_label("Bulan").select_option("2025-06-01")
    page.get_by_label("Wilayah").select_option(label="Kota Metro")
    page.get_by_role("button", name="Susun laporan").click()
    # then: the page follows the worker, then shows the frozen figures
    expect(page.get_by_test_id("judul")).to_have_text(
        "Laporan Rakor Bulanan Juni 2025 — Kota Metro"
    )
    expect(page.get_by_role("link", name="Unduh PDF")).to_be_visible(timeout=60_000)
    kpm = page.get_by_test_id("bagian-kpm")
    expect(kpm.get_by_role("row", name="Keluarga terdaftar")).to_contain_text("8")
    expect(page.get_by_test_id("bagian-sdm")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Unduh PDF").click()
    assert pdf.value.suggested_filename == "laporan-rakor-2025-06-kota-metro-v1.pdf"
    text = "".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)
    assert "1. KPM" in text
    assert "9. SDM PSKS" in text
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Unduh XLSX").click()
    assert xlsx.value.suggested_filename == "laporan-rakor-2025-06-kota-metro-v1.xlsx"
    with open(xlsx.value.path(), "rb") as berkas:
        workbook = load_workbook(io.BytesIO(berkas.read()))
    assert "1. KPM" in workbook.sheetnames
