"""Office staff find a family, open it and change its status, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from dinsos.models import Persetujuan
from kpm.models import Keluarga, RiwayatStatus
from tests.conftest import login
from tests.factories import keluarga_with_pengurus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_search_open_family_and_suspend_with_reason(page, operator, kota_metro, device):
    # given
    siti = keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Hj. Siti Aminah")
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Budi Santoso")
    page.set_viewport_size(VIEWPORTS[device])
    login(page, "operator")
    page.goto("/keluarga/")
    # when: a typo in the name still finds her (results update as she types)
    page.get_by_placeholder("NIK/No KK lengkap (16 digit) atau nama").fill("siti aminh")
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("1 keluarga")
    # the address keeps the search for back/refresh as a token, never the typed term
    expect(page).to_have_url(re.compile(r"cari="))
    assert "siti" not in page.url
    page.get_by_role("link", name="Hj. Siti Aminah").click()
    # then: the family page
    assert page.get_by_test_id("nama-pengurus").inner_text() == "Hj. Siti Aminah"
    assert page.get_by_test_id("status").inner_text() == "Aktif"
    # when: suspend with a reason
    form = page.get_by_test_id("status-form")
    form.get_by_label("Status baru").select_option("ditangguhkan")
    form.get_by_label("Alasan").fill("Alfa P2K2 tiga kali berturut-turut")
    form.get_by_role("button", name="Ubah status").click()
    # then: issue 20 — a suspension waits for a second person (four eyes); nothing changes yet
    expect(page.get_by_role("alert").first).to_have_text(
        "Perubahan menjadi ditangguhkan diajukan; berlaku setelah disetujui petugas lain di "
        "halaman Persetujuan."
    )
    assert page.get_by_test_id("status").inner_text() == "Aktif"
    assert Keluarga.objects.get(pk=siti.pk).status == "aktif"
    assert RiwayatStatus.objects.filter(keluarga=siti, ke="ditangguhkan").count() == 0
    usulan = Persetujuan.objects.get(status="diajukan")
    assert "Alfa P2K2 tiga kali berturut-turut" in usulan.alasan
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0


def test_reveal_nik_needs_a_reason_and_shows_it_in_place(page, operator, kota_metro):
    keluarga = keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Sri Wahyuni")
    page.set_viewport_size(VIEWPORTS["phone"])
    login(page, "operator")
    page.goto(f"/keluarga/{keluarga.pk}/")
    page.get_by_text("Lihat lengkap").click()
    page.get_by_placeholder("Alasan (dicatat)").fill("Pendaftaran BPJS")
    page.get_by_role("button", name="Buka", exact=True).click()
    expect(page.get_by_test_id("nik-lengkap")).to_have_text(keluarga.pengurus.nik)
