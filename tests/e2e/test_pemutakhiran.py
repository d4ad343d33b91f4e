"""The kelurahan operator on a phone: a deactivation for a death, with the certificate
photographed, saved and submitted to Dinsos with the Muskel minutes."""

import datetime

import pytest

from dinsos.pengaturan import today
from pemutakhiran.kalender import bulan_kiriman
from pemutakhiran.models import Status, Usulan
from tests.conftest import login
from tests.dtsen.conftest import make_nik
from tests.factories import foto_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
NIK = make_nik(datetime.date(1948, 2, 1), "1", 71)


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_kelurahan_operator_proposes_a_deactivation_on_a_phone(
    browser, live_server, kota_metro, operator_kelurahan_hadimulyo
):
    # given: the operator of Hadimulyo Barat on a 360 px phone
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE)
    hp = context.new_page()
    hp.set_default_timeout(10_000)
    login(hp, "operator_kel")
    hp.goto("/pemutakhiran/")
    assert hp.get_by_test_id("jendela").is_visible()
    assert _overflow(hp) == 0
    # when: a deactivation for a death, the certificate photographed
    hp.get_by_role("link", name="Buat usulan").click()
    hp.get_by_role("link", name="Penonaktifan: meninggal").click()
    assert _overflow(hp) == 0
    hp.get_by_label("NIK").fill(NIK)
    hp.get_by_label("Nama").fill("Karto Sumarno")
    hp.get_by_label("Nomor akta kematian").fill("1872-KM-12122025-0007")
    hp.get_by_label("Akta kematian atau surat keterangan kematian").set_input_files(
        {"name": "akta.jpg", "mimeType": "image/jpeg", "buffer": foto_bytes()}
    )
    hp.get_by_role("button", name="Simpan draf").click()
    # then: a draft with its evidence
    assert hp.get_by_test_id("status").inner_text() == "Draf"
    assert (
        hp.get_by_test_id("bukti")
        .inner_text()
        .startswith("Akta kematian atau surat keterangan kematian")
    )
    assert _overflow(hp) == 0
    # when: submitted with the Muskel date and minutes number
    hp.get_by_label("Tanggal Musdes/Muskel").fill(today().isoformat())
    hp.get_by_label("Nomor berita acara").fill("BA/MUSKEL/07/2025")
    hp.get_by_role("button", name="Ajukan").click()
    # then
    assert hp.get_by_role("alert").first.inner_text().strip() == "Usulan diajukan ke Dinas Sosial."
    assert hp.get_by_test_id("status").inner_text() == "Diajukan"
    usulan = Usulan.objects.get()
    assert (usulan.status, usulan.nik, usulan.kelurahan, usulan.bulan) == (
        Status.DIAJUKAN,
        NIK,
        kota_metro["Hadimulyo Barat"],
        bulan_kiriman(today()),
    )
    assert usulan.bukti.get().tipe == "image/jpeg"
    assert _overflow(hp) == 0
    context.close()
