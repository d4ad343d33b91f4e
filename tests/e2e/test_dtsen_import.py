"""An admin imports a DTSEN file in a real browser: upload, progress, error report, apply."""

import pytest
from playwright.sync_api import expect

from dtsen.models import Snapshot
from tests.conftest import login
from tests.dtsen.conftest import orang, write_csv

pytestmark = [pytest.mark.e2e, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_admin_uploads_follows_progress_downloads_report_and_applies(
    page, celery_worker, admin, tmp_path, width
):
    # given: a DTSEN file with one bad desil among 500 rows
    rows = [orang(n, desil="11" if n == 7 else "3") for n in range(1, 501)]
    path = write_csv(tmp_path / "dtsen-juni.csv", rows)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "admin")
    # when: upload
    page.goto("/dtsen/unggah/")
    page.get_by_label("Data per tanggal").fill("2025-06-30")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Unggah").click()
    # then: the page follows the worker until the file is read
    expect(page.get_by_test_id("status")).to_have_text("Siap ditinjau", timeout=30_000)
    expect(page.get_by_test_id("baris-dibaca")).to_have_text("500")
    expect(page.get_by_test_id("baris-valid")).to_have_text("499")
    expect(page.get_by_test_id("baris-ditolak")).to_have_text("1")
    expect(page.get_by_test_id("masalah")).to_contain_text(
        "desil nasional harus angka 1–10 (tertulis '11')"
    )
    snapshot = Snapshot.objects.get()
    with page.expect_download() as download:
        page.get_by_test_id("unduh-laporan").click()
    assert download.value.suggested_filename == f"laporan-masalah-{snapshot.pk}.xlsx"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    # when: apply after confirming
    page.get_by_label("Saya sudah meninjau ringkasan dan laporan masalah.").check()
    page.get_by_role("button", name="Terapkan").click()
    # then
    expect(page.get_by_role("alert").first).to_have_text(
        "Snapshot diterapkan. Desil 0 keluarga KPM diperbarui."
    )
    expect(page.get_by_test_id("status")).to_have_text("Aktif")
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.DITERAPKAN
