"""A complaint end to end in a real browser: the front desk registers a citizen outside the
registry, the pendamping answers on a phone, the citizen reads the answer on the public page."""

import pytest

from dinsos.formatting import tanggal
from dinsos.pengaturan import today
from pengaduan.models import Pengaduan
from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
TANGGAPAN = "Ibu sudah kami usulkan masuk DTSEN pada pemutakhiran bulan ini."


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_front_desk_pendamping_and_citizen(
    page, browser, live_server, kota_metro, operator, pendamping_hadimulyo
):
    # given: the front desk officer at the desk
    login(page, "operator")
    page.goto("/pengaduan/")
    page.get_by_role("link", name="Catat pengaduan").click()
    # when: Sumarni, not in the registry, complains that her family is not in DTSEN
    page.get_by_label("Saluran").select_option(label="Loket")
    page.get_by_label("Nama pengadu").fill("Sumarni")
    page.get_by_label("NIK pengadu").fill("1872015705900001")
    page.get_by_label("Telepon/WA").fill("0812 3456 7890")
    page.get_by_label("Kelurahan/desa").select_option(str(kota_metro["Hadimulyo Barat"].pk))
    page.get_by_label("Kategori").select_option(label="Ingin diusulkan masuk DTSEN")
    page.get_by_label("Isi pengaduan").fill("Keluarga kami belum terdaftar di DTSEN.")
    page.get_by_label("Diteruskan ke").select_option(label="Pendamping_A (Pendamping)")
    page.get_by_role("button", name="Simpan").click()
    # then: the ticket to give her
    pengaduan = Pengaduan.objects.get()
    assert page.get_by_test_id("tiket").inner_text() == pengaduan.tiket
    assert page.get_by_test_id("status").inner_text() == "Diterima"
    assert page.get_by_test_id("petugas").inner_text().strip() == "Pendamping_A"

    # when: the pendamping opens it on a phone and answers
    phone = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE)
    hp = phone.new_page()
    login(hp, "pendamping_a")
    hp.goto("/pengaduan/?pegang=saya")
    hp.get_by_role("link", name=pengaduan.tiket).click()
    assert _overflow(hp) == 0
    hp.get_by_label("Tanggapan untuk pengadu").fill(TANGGAPAN)
    hp.get_by_role("button", name="Simpan tanggapan").click()
    # then
    assert hp.get_by_role("alert").inner_text().strip() == (
        "Tanggapan disimpan dan terlihat oleh pengadu di halaman status."
    )
    assert hp.get_by_test_id("status").inner_text() == "Sedang ditangani"
    assert _overflow(hp) == 0
    phone.close()

    # when: Sumarni checks the status from her own phone, without an account
    warga = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE)
    web = warga.new_page()
    web.goto("/status-pengaduan/")
    web.get_by_label("Nomor tiket").fill(pengaduan.tiket.lower())
    web.get_by_label("4 angka terakhir nomor telepon/WA").fill("7890")
    web.get_by_role("button", name="Cek status").click()
    # then: status, date and the answer; nothing else about her
    assert web.get_by_test_id("status-publik").inner_text().strip() == "Sedang ditangani"
    assert web.get_by_test_id("tanggapan-publik").inner_text().strip() == TANGGAPAN
    assert web.get_by_test_id("tanggal-pembaruan").inner_text().strip() == tanggal(today())
    body = web.locator("body").inner_text()
    assert "Sumarni" not in body
    assert "1872015705900001" not in body
    assert _overflow(web) == 0
    warga.close()
