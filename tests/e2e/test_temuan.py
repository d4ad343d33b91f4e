"""Findings in a real browser: run → filter → assign → ground-check → decide → export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from dtsen.models import EksporSiks, Temuan
from tests.conftest import login
from tests.dtsen import conftest as dtsen_conftest
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, keluarga, terapkan
from tests.factories import foto_bytes

muat = dtsen_conftest.muat  # the DTSEN loader fixture of tests/dtsen, shared here

pytestmark = [pytest.mark.e2e, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

MAMPU = Orang(1, "Harjo Sumarto", kk=1)  # desil 8: above the PKH cut-off
HILANG = Orang(2, "Paijo", kk=2)  # not in DTSEN
TIMUR = Orang(3, "Painem", jk="P", kk=3)  # Iring Mulyo


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [1280, 360])
def test_operator_and_pendamping_follow_a_finding_up_to_the_siks_ng_list(
    page,
    celery_worker,
    muat,
    admin,
    operator,
    pendamping_hadimulyo,
    pendamping_iringmulyo,
    kota_metro,
    tmp_path,
    width,
):
    # given
    terapkan(muat, admin, tmp_path, [dtsen_row(MAMPU, desil=8)])
    hadimulyo = kota_metro["Hadimulyo Barat"]
    keluarga(MAMPU, kelurahan=hadimulyo, pendamping=pendamping_hadimulyo)
    keluarga(HILANG, kelurahan=hadimulyo, pendamping=pendamping_hadimulyo)
    keluarga(TIMUR, kelurahan=kota_metro["Iring Mulyo"], pendamping=pendamping_iringmulyo)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "operator")
    # when: the operator starts a reconciliation and follows it to the end
    page.goto("/dtsen/rekonsiliasi/")
    page.get_by_label("Bandingkan").select_option(label="KPM dengan DTSEN")
    page.get_by_role("button", name="Mulai rekonsiliasi").click()
    expect(page.get_by_test_id("status")).to_have_text("Selesai", timeout=30_000)
    expect(page.get_by_test_id("jumlah-baru")).to_have_text("5")
    # when: filters the list to the families above the cut-off and sends them for a check
    page.goto("/dtsen/temuan/")
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("5 temuan")
    assert _overflow(page) == 0
    page.get_by_label("Kategori").select_option(label="Desil KPM di atas batas PKH")
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("1 temuan")
    page.get_by_label("Pilih semua di halaman ini").check()
    page.get_by_label("Teruskan yang dipilih ke").select_option(
        label="Pendamping keluarga masing-masing"
    )
    # then: the count shows before anything runs (issue 15), and is asked once more
    expect(page.get_by_test_id("tombol-teruskan")).to_have_text("Teruskan 1 temuan terpilih")
    dialogs: list[str] = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.get_by_test_id("tombol-teruskan").click()
    expect(page.get_by_role("alert").first).to_have_text("1 temuan diteruskan ke pendamping.")
    assert dialogs == ["Teruskan 1 temuan ke pendamping?"]
    temuan = Temuan.objects.get(kategori="desil_di_atas_pkh")
    assert temuan.pendamping == pendamping_hadimulyo
    # when: the pendamping records the ground-check with a photo
    page.context.clear_cookies()
    login(page, "pendamping_a")
    page.goto("/dtsen/temuan/")
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("3 temuan")
    page.get_by_role("link", name="Desil KPM di atas batas PKH").click()
    page.get_by_label("Catatan").fill("Rumah permanen, punya mobil dan toko.")
    page.get_by_label("Bukti (foto/PDF, paling besar 5 MB)").set_input_files(
        files=[{"name": "rumah.png", "mimeType": "image/png", "buffer": foto_bytes("PNG")}]
    )
    page.get_by_label("Jenis bukti").select_option(label="Foto kunjungan")
    page.get_by_role("button", name="Simpan tindak lanjut").click()
    expect(page.get_by_role("alert").first).to_have_text("Tindak lanjut dicatat.")
    expect(page.get_by_test_id("tahap")).to_have_text("Diverifikasi lapangan")
    # when: the operator decides
    page.context.clear_cookies()
    login(page, "operator")
    page.goto(f"/dtsen/temuan/{temuan.pk}/")
    page.get_by_label("Langkah").select_option(label="Catat keputusan")
    page.get_by_label("Keputusan").select_option(label="Usul nonaktif")
    page.get_by_label("Catatan").fill("Tidak layak PKH lagi; usulkan nonaktif.")
    page.get_by_role("button", name="Simpan tindak lanjut").click()
    expect(page.get_by_test_id("keputusan")).to_have_text("Usul nonaktif")
    expect(page.get_by_test_id("riwayat")).to_contain_text("Unduh bukti (Foto kunjungan)")
    # when: exports the deactivation list
    page.goto("/dtsen/temuan/siks-ng/")
    expect(page.get_by_test_id("lolos-nonaktif")).to_have_text("1")
    page.get_by_role("button", name="Ekspor Usulan penonaktifan").click()
    ekspor = EksporSiks.objects.get()
    expect(page.get_by_role("alert").first).to_have_text(
        f"Usulan penonaktifan: 1 baris diekspor (ekspor #{ekspor.pk})."
    )
    with page.expect_download() as download:
        page.get_by_role("link", name=f"#{ekspor.pk} Usulan penonaktifan").click()
    # then
    assert download.value.suggested_filename == f"siks-ng-nonaktif-{ekspor.pk}.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert [c.value for c in sheet[2]][1:5] == [MAMPU.nik, MAMPU.no_kk, "HARJO SUMARTO", "PKH"]
    assert _overflow(page) == 0
