"""An operator uploads the bank/Pos payout list in a real browser (issue 20, RHK 1): the list
with a mistake is refused row by row, the corrected one is checked by the worker while the
page shows its progress, previewed, and applied."""

import pytest
from playwright.sync_api import expect

from kpm.models import Penyaluran
from tests.conftest import login
from tests.factories import keluarga_with_pengurus

pytestmark = [pytest.mark.e2e, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
JUMLAH = 40


def _daftar(path, keluarga, *, tahap_salah: bool = False):
    rows = [
        f"'{k.no_kk};{5 if tahap_salah and i == 1 else 2};2026;Rp750.000;TERSALUR;;BRI"
        for i, k in enumerate(keluarga)
    ]
    path.write_text("\n".join(["NO KK;TAHAP;TAHUN;NOMINAL;STATUS;ALASAN;BANK", *rows]) + "\n")
    return path


@pytest.mark.parametrize("width", [1366, 360])
def test_operator_uploads_a_payout_list_and_applies_it(
    page, celery_worker, operator, kota_metro, tmp_path, settings, width
):
    # given: lists of this size go to the worker (the page then follows its progress)
    settings.PENYALURAN_LANGSUNG_MAX_BYTES = 0
    settings.PENYALURAN_LANGSUNG_MAX_BARIS = 0
    keluarga = [
        keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"]) for _ in range(JUMLAH)
    ]
    page.set_viewport_size({"width": width, "height": 800})
    login(page, "operator")
    # when: the payout list page leads to the upload
    page.goto("/keluarga/penyaluran/")
    page.get_by_role("link", name="Unggah daftar penyaluran").click()
    page.get_by_label("Daftar penyaluran").set_input_files(
        str(_daftar(tmp_path / "salur-salah.csv", keluarga, tahap_salah=True))
    )
    page.get_by_role("button", name="Unggah dan periksa").click()
    # then: checked whole; the mistake is named by row and column; nothing recorded
    expect(page.get_by_test_id("status")).to_have_text("Ada kesalahan", timeout=30_000)
    expect(page.get_by_test_id("ringkasan-kesalahan")).to_contain_text(
        f"1 kesalahan di {JUMLAH} baris"
    )
    baris = page.get_by_test_id("kesalahan-baris")
    expect(baris).to_have_count(1)
    expect(baris).to_contain_text("3")
    expect(baris).to_contain_text("TAHAP")
    expect(baris).to_contain_text("TAHAP '5' harus 1 sampai 4")
    assert not Penyaluran.objects.exists()
    # when: the corrected list
    page.get_by_role("link", name="Unggah daftar lain").click()
    page.get_by_label("Daftar penyaluran").set_input_files(
        str(_daftar(tmp_path / "salur.csv", keluarga))
    )
    page.get_by_role("button", name="Unggah dan periksa").click()
    # then: the preview says what applying records, before it runs
    expect(page.get_by_test_id("status")).to_have_text("Siap diterapkan", timeout=30_000)
    expect(page.get_by_test_id("baru")).to_have_text(str(JUMLAH))
    expect(page.get_by_test_id("diubah")).to_have_text("0")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    assert not Penyaluran.objects.exists()
    # when
    page.get_by_role("button", name=f"Terapkan: {JUMLAH} baru, 0 diubah").click()
    # then
    expect(page.get_by_test_id("diterapkan")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("status")).to_have_text("Diterapkan")
    assert Penyaluran.objects.filter(tahap=2, status="tersalur").count() == JUMLAH
    page.get_by_role("link", name="Lihat penyaluran").click()
    expect(page.get_by_test_id("penyaluran-baris")).to_have_count(JUMLAH if JUMLAH <= 25 else 25)
