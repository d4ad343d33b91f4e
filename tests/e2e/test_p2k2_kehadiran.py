"""A pendamping records P2K2 attendance on a 360 px phone, with and without signal."""

import gzip
import sys
import time
from urllib.parse import urlparse

import pytest
from django.apps import apps
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from p2k2.models import Kehadiran, Kiriman, KonflikKehadiran, Pertemuan
from tests.conftest import login
from tests.p2k2.conftest import (
    _seed,
    buat_kelompok,
    buat_keluarga,
    buat_pertemuan,
    catat,
    sesi,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
TERSIMPAN_DI_HP = "tersimpan di HP, belum terkirim"
HALAMAN_MAKS_BYTE = 150 * 1024  # issue #5: ≤ 150 KB transferred, photo excluded


@pytest.fixture
def kurikulum(db):
    """The curriculum (transactional tests flush the rows the data migration made)."""
    _seed.seed(apps, None)


@pytest.fixture
def rapat(kurikulum, kota_metro, pendamping_hadimulyo):
    keluarga = buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 5, "Ibu")
    kelompok = buat_kelompok(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], keluarga)
    return kelompok, buat_pertemuan(kelompok), keluarga


def _row(page, keluarga):
    return page.locator(f"li.kpm[data-keluarga='{keluarga.pk}']")


def _wait(page, expression, timeout=10.0):
    """Poll a JS expression (wait_for_function evaluates strings, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timeout: {expression}"
        page.wait_for_timeout(100)


def _marks(pertemuan):
    return dict(Kehadiran.objects.filter(pertemuan=pertemuan).values_list("keluarga_id", "status"))


def _shown(page, keluarga):
    """The mark each family's row shows: the checked button's value."""
    return {k.pk: _row(page, k).locator("input:checked").get_attribute("value") for k in keluarga}


def _wait_offline_ready(page, url):
    _wait(page, f"caches.open('p2k2-kehadiran-v1').then(c => c.match('{url}')).then(r => !!r)")
    _wait(page, "navigator.serviceWorker.controller !== null")


BELUM_TERKIRIM = "Belum terkirim: tersimpan di HP."


def test_mark_attendance_with_taps_and_save(page, rapat):
    # given
    _, pertemuan, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    page.goto(f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/")
    expect(page.locator("#ringkasan")).to_have_text("Hadir 5 · Izin 0 · Sakit 0 · Alfa 0")
    # when: two taps change two families, one rating chosen
    _row(page, keluarga[1]).get_by_text("Alfa", exact=True).click()
    _row(page, keluarga[2]).get_by_text("Izin", exact=True).click()
    _row(page, keluarga[0]).get_by_label("Pemahaman").select_option("sangat_baik")
    expect(page.locator("#ringkasan")).to_have_text("Hadir 3 · Izin 1 · Sakit 0 · Alfa 1")
    page.get_by_role("button", name="Simpan kehadiran").click()
    # then
    expect(page.locator("#status-kirim")).to_contain_text("5 keluarga tersimpan.")
    assert _marks(pertemuan) == {
        keluarga[0].pk: "hadir",
        keluarga[1].pk: "alfa",
        keluarga[2].pk: "izin",
        keluarga[3].pk: "hadir",
        keluarga[4].pk: "hadir",
    }
    assert Kehadiran.objects.get(keluarga=keluarga[0]).pemahaman == "sangat_baik"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    # when: one more correction is sent alone (only what changed)
    _row(page, keluarga[1]).get_by_text("Sakit", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.locator("#status-kirim")).to_contain_text("1 keluarga tersimpan.")
    assert Kehadiran.objects.values_list("status", "versi").get(keluarga=keluarga[1]) == (
        "sakit",
        2,
    )


def test_offline_save_stays_on_the_phone_and_is_sent_once_when_back_online(page, rapat):
    # given
    _, pertemuan, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    page.goto(f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/")
    # when: the signal drops, the pendamping marks and saves
    page.context.set_offline(True)
    _row(page, keluarga[4]).get_by_text("Alfa", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    # then: kept on the phone, nothing on the server
    expect(page.locator("#status-kirim")).to_contain_text(TERSIMPAN_DI_HP)
    assert page.evaluate("JSON.parse(localStorage.getItem('p2k2-antrian-v1')).length") == 1
    assert Kehadiran.objects.count() == 0
    # when: the signal returns
    page.context.set_offline(False)
    # then: sent by itself, exactly one set of rows
    expect(page.locator("#status-kirim")).to_contain_text("5 keluarga tersimpan.")
    assert _marks(pertemuan)[keluarga[4].pk] == "alfa"
    assert Kehadiran.objects.count() == 5
    assert Kiriman.objects.count() == 1
    assert page.evaluate("localStorage.getItem('p2k2-antrian-v1')") == "[]"


def test_a_submission_saved_offline_is_sent_when_the_page_opens_again(page, rapat):
    # given: saved without signal, then the tab was closed
    _, pertemuan, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    url = f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/"
    page.goto(url)
    page.context.set_offline(True)
    _row(page, keluarga[0]).get_by_text("Sakit", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.locator("#status-kirim")).to_contain_text(TERSIMPAN_DI_HP)
    context = page.context
    page.close()
    assert Kehadiran.objects.count() == 0
    # when: back in signal, the pendamping opens the screen again
    context.set_offline(False)
    again = context.new_page()
    again.goto(url)
    # then
    expect(again.locator("#status-kirim")).to_contain_text("5 keluarga tersimpan.")
    assert _marks(pertemuan)[keluarga[0].pk] == "sakit"
    assert Kehadiran.objects.count() == 5


def test_double_tap_on_save_records_once(page, rapat):
    _, pertemuan, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    page.goto(f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/")
    _row(page, keluarga[3]).get_by_text("Izin", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").dblclick()
    expect(page.locator("#status-kirim")).to_contain_text("keluarga tersimpan.")
    _wait(page, "localStorage.getItem('p2k2-antrian-v1') === '[]'")
    assert Kehadiran.objects.count() == 5
    assert set(Kehadiran.objects.values_list("versi", flat=True)) == {1}
    assert KonflikKehadiran.objects.count() == 0


def test_a_new_meeting_recorded_offline_is_created_once(page, rapat):
    # given
    kelompok, _, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    page.goto(f"/p2k2/kelompok/{kelompok.pk}/catat/")
    stunting = sesi("Pencegahan dan Penanganan Stunting", 11)
    page.get_by_label("Materi").select_option(str(stunting.pk))
    page.get_by_label("Jam mulai").fill("09:00")
    page.get_by_label("Jam selesai").fill("10:30")
    # when: offline save, then signal again
    page.context.set_offline(True)
    _row(page, keluarga[2]).get_by_text("Alfa", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.locator("#status-kirim")).to_contain_text(TERSIMPAN_DI_HP)
    assert Pertemuan.objects.filter(kelompok=kelompok, sesi=stunting).count() == 0
    page.context.set_offline(False)
    # then
    expect(page.locator("#status-kirim")).to_contain_text("5 keluarga tersimpan.")
    baru = Pertemuan.objects.get(kelompok=kelompok, sesi=stunting)
    assert (baru.status, str(baru.jam_mulai)) == ("terlaksana", "09:00:00")
    assert _marks(baru)[keluarga[2].pk] == "alfa"


def test_a_conflict_from_another_device_is_shown_under_the_family(
    page, browser, live_server, rapat, operator
):
    # given: the operator's browser opened the same meeting before the pendamping saved
    _, pertemuan, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    url = f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/"
    page.goto(url)
    office = browser.new_context(base_url=live_server.url, locale="id-ID").new_page()
    login(office, "operator")
    office.goto(url)
    _row(page, keluarga[0]).get_by_text("Alfa", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.locator("#status-kirim")).to_contain_text("5 keluarga tersimpan.")
    # when: the operator saves a different mark for the same family
    _row(office, keluarga[0]).get_by_text("Sakit", exact=True).click()
    office.get_by_role("button", name="Simpan kehadiran").click()
    # then: both kept; the screen says so
    expect(_row(office, keluarga[0]).locator(".catatan-konflik")).to_have_text(
        "Perangkat lain sudah mencatat Alfa; kiriman ini Sakit. "
        "Pilih yang benar di halaman pertemuan."
    )
    assert Kehadiran.objects.get(keluarga=keluarga[0]).status == "alfa"
    assert KonflikKehadiran.objects.get().status == "sakit"
    office.context.close()


def test_attendance_screen_weighs_at_most_150_kb(
    browser, live_server, kurikulum, kota_metro, pendamping_hadimulyo
):
    # given: a full group of 30 families; a phone with no service worker yet (first visit)
    keluarga = buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 30)
    kelompok = buat_kelompok(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], keluarga)
    pertemuan = buat_pertemuan(kelompok)
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport=PHONE, service_workers="block"
    )
    page = context.new_page()
    login(page, "pendamping_a")
    page.wait_for_url(f"{live_server.url}/")  # the home page after login: not counted
    page.wait_for_load_state("networkidle")
    urls = []
    page.on("response", lambda response: urls.append((response.url, response.status)))
    # when
    page.goto(f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/", wait_until="networkidle")
    # then: HTML as sent (no gzip for pages), static files as WhiteNoise serves them (gzip).
    # Bodies are fetched again with the page's cookies: a response object's body can be gone
    # once the browser has moved on.
    sizes = {}
    for url, status in urls:
        path = urlparse(url).path
        redirect = status in {301, 302}  # a header only
        body = b"" if redirect else context.request.get(url, max_redirects=0).body()
        sizes[path] = len(gzip.compress(body)) if path.startswith("/static/") else len(body)
    total = sum(sizes.values())
    sys.stdout.write(f"\nBerat layar kehadiran (30 keluarga): {total} byte {sizes}\n")
    assert total <= HALAMAN_MAKS_BYTE
    assert not any("bootstrap.bundle" in p or "htmx" in p for p in sizes)
    context.close()


def test_the_screen_reopens_without_signal_through_the_service_worker(page, rapat):
    # given: the pendamping opened the screen once with signal
    _, pertemuan, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    url = f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/"
    page.goto(url)
    _wait(page, f"caches.open('p2k2-kehadiran-v1').then(c => c.match('{url}')).then(r => !!r)")
    _wait(page, "navigator.serviceWorker.controller !== null")
    # when: no signal, the page is reloaded (a closed tab, a restarted phone browser)
    page.context.set_offline(True)
    page.reload()
    # then: the screen is there and works offline
    expect(page.locator("li.kpm")).to_have_count(5)
    _row(page, keluarga[1]).get_by_text("Izin", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.locator("#status-kirim")).to_contain_text(TERSIMPAN_DI_HP)
    page.context.set_offline(False)
    expect(page.locator("#status-kirim")).to_contain_text("5 keluarga tersimpan.")
    assert _marks(pertemuan)[keluarga[1].pk] == "izin"


def test_service_worker_is_served_for_the_p2k2_scope(client):
    response = client.get("/p2k2/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert b'var CACHE = "p2k2-kehadiran-v1";' in response.content


def test_signing_out_removes_the_screens_kept_for_offline_use(page, rapat):
    # given: the pendamping's phone keeps the attendance screen for use without signal
    _, pertemuan, _ = rapat
    page.set_viewport_size({"width": 1280, "height": 800})  # the menu bar shows her name
    login(page, "pendamping_a")
    url = f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/"
    page.goto(url)
    _wait(page, f"caches.open('p2k2-kehadiran-v1').then(c => c.match('{url}')).then(r => !!r)")
    # when: she signs out (a shared phone is handed on)
    page.goto("/")
    page.get_by_role("button", name="Pendamping_A").click()  # her account menu
    page.get_by_role("button", name="Keluar", exact=True).click()  # not the "Keluarga" menu
    expect(page.get_by_role("heading", name="Masuk ke Portal Dinsos")).to_be_visible()
    # then: no family names are left in the phone's cache
    _wait(page, "caches.keys().then(k => k.filter(n => n.startsWith('p2k2-')).length === 0)")
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError):  # offline and not cached: the screen cannot open
        page.goto(url)


def test_a_new_meeting_saved_offline_is_shown_again_when_the_screen_reopens_offline(page, rapat):
    # given: the new-meeting screen, opened once with signal (kept by the service worker)
    kelompok, _, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    url = f"/p2k2/kelompok/{kelompok.pk}/catat/"
    page.goto(url)
    _wait_offline_ready(page, url)
    stunting = sesi("Pencegahan dan Penanganan Stunting", 11)
    page.get_by_label("Materi").select_option(str(stunting.pk))
    tanggal = page.get_by_label("Tanggal").input_value()
    # when: without signal she marks izin, sakit and alfa and saves; then the page reloads
    page.context.set_offline(True)
    _row(page, keluarga[0]).get_by_text("Izin", exact=True).click()
    _row(page, keluarga[1]).get_by_text("Sakit", exact=True).click()
    _row(page, keluarga[2]).get_by_text("Alfa", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.locator("#status-kirim")).to_contain_text(TERSIMPAN_DI_HP)
    page.reload()
    # then: the same meeting and the phone's marks, labelled as not sent yet
    expect(page.get_by_test_id("info-pertemuan")).to_contain_text(
        f"{stunting.judul} · belum terkirim"
    )
    assert page.get_by_label("Materi").input_value() == str(stunting.pk)
    assert page.get_by_label("Tanggal").input_value() == tanggal
    expect(page.locator("#ringkasan")).to_have_text("Hadir 2 · Izin 1 · Sakit 1 · Alfa 1")
    marks = {
        keluarga[0].pk: "izin",
        keluarga[1].pk: "sakit",
        keluarga[2].pk: "alfa",
        keluarga[3].pk: "hadir",
        keluarga[4].pk: "hadir",
    }
    assert _shown(page, keluarga) == marks
    expect(page.get_by_text(BELUM_TERKIRIM).filter(visible=True)).to_have_count(5)
    expect(page.locator("#status-kirim")).to_contain_text(TERSIMPAN_DI_HP)
    assert Pertemuan.objects.filter(sesi=stunting).count() == 0
    # when: the signal returns
    page.context.set_offline(False)
    # then: one meeting; the screen shows the server's answer and is now that meeting's
    expect(page.locator("#status-kirim")).to_contain_text("5 keluarga tersimpan.")
    baru = Pertemuan.objects.get(kelompok=kelompok, sesi=stunting)
    assert _marks(baru) == marks
    expect(page.get_by_text(BELUM_TERKIRIM).filter(visible=True)).to_have_count(0)
    assert _shown(page, keluarga) == marks
    expect(page.get_by_test_id("info-pertemuan")).to_contain_text(f" · {stunting.judul}")
    assert urlparse(page.url).path == f"/p2k2/pertemuan/{baru.pk}/kehadiran/"
    # when: reopened with signal: the meeting's screen, every mark from the server
    page.reload()
    expect(page.get_by_test_id("info-pertemuan")).to_contain_text(stunting.judul)
    expect(page.locator("#ringkasan")).to_have_text("Hadir 2 · Izin 1 · Sakit 1 · Alfa 1")
    assert _shown(page, keluarga) == marks
    assert Pertemuan.objects.filter(kelompok=kelompok).count() == 2  # rapat's and this one


def test_marks_queued_for_a_meeting_are_laid_over_the_cached_screen(page, rapat):
    # given: the meeting's screen opened with signal; the office then recorded everyone
    _, pertemuan, keluarga = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    url = f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/"
    page.goto(url)
    _wait_offline_ready(page, url)
    # when: offline, one family marked alfa and saved, the screen reopened
    page.context.set_offline(True)
    _row(page, keluarga[3]).get_by_text("Alfa", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.locator("#status-kirim")).to_contain_text(TERSIMPAN_DI_HP)
    page.reload()
    # then
    expect(_row(page, keluarga[3]).get_by_text(BELUM_TERKIRIM)).to_be_visible()
    assert _shown(page, keluarga)[keluarga[3].pk] == "alfa"
    expect(page.locator("#ringkasan")).to_have_text("Hadir 4 · Izin 0 · Sakit 0 · Alfa 1")
    # when: signal again
    page.context.set_offline(False)
    # then
    expect(page.locator("#status-kirim")).to_contain_text("5 keluarga tersimpan.")
    expect(page.get_by_text(BELUM_TERKIRIM).filter(visible=True)).to_have_count(0)
    assert _marks(pertemuan)[keluarga[3].pk] == "alfa"
    assert _shown(page, keluarga)[keluarga[3].pk] == "alfa"


def test_a_second_meeting_of_the_same_day_and_materi_asks_and_continues_the_first(
    page, rapat, operator
):
    # given: the 10 March meeting, where the office already marked the first family alfa
    kelompok, pertemuan, keluarga = rapat
    catat(pertemuan, {keluarga[0]: "alfa"}, oleh=operator)
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    page.goto(f"/p2k2/kelompok/{kelompok.pk}/catat/")
    # when: she starts "a new meeting" with that day and materi
    page.get_by_label("Tanggal").fill("2025-03-10")
    page.get_by_label("Materi").select_option(str(pertemuan.sesi_id))
    # then: asked, with the way to the existing meeting
    tanya = page.locator("#tanya-lanjut")
    expect(tanya).to_be_visible()
    expect(tanya).to_contain_text(
        "Kelompok ini sudah punya pertemuan Gizi dan layanan kesehatan ibu hamil pada "
        "10 Maret 2025. Lanjutkan pertemuan yang sudah ada?"
    )
    expect(tanya.get_by_role("link", name="Ya, buka pertemuan itu")).to_have_attribute(
        "href", f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/"
    )
    # when: she marks and saves without answering
    _row(page, keluarga[1]).get_by_text("Izin", exact=True).click()
    page.get_by_role("button", name="Simpan kehadiran").click()
    # then: the marks went to the existing meeting; no second one
    expect(page.locator("#status-kirim")).to_contain_text(
        "sudah ada; kehadiran dicatat ke pertemuan itu. 4 keluarga tersimpan; 1 berbeda"
    )
    assert list(Pertemuan.objects.filter(kelompok=kelompok)) == [pertemuan]
    assert _marks(pertemuan)[keluarga[1].pk] == "izin"
    assert _shown(page, keluarga)[keluarga[0].pk] == "alfa"  # the server's, with the conflict
    expect(_row(page, keluarga[0]).locator(".catatan-konflik")).to_be_visible()
    expect(tanya).to_be_hidden()
    assert urlparse(page.url).path == f"/p2k2/pertemuan/{pertemuan.pk}/kehadiran/"


def test_a_meeting_confirmed_as_separate_is_a_second_meeting(page, rapat):
    # given
    kelompok, pertemuan, _ = rapat
    page.set_viewport_size(PHONE)
    login(page, "pendamping_a")
    page.goto(f"/p2k2/kelompok/{kelompok.pk}/catat/")
    page.get_by_label("Tanggal").fill("2025-03-10")
    page.get_by_label("Materi").select_option(str(pertemuan.sesi_id))
    # when
    page.get_by_label("Tidak, ini pertemuan terpisah (bukan lanjutan)").check()
    page.get_by_role("button", name="Simpan kehadiran").click()
    # then
    expect(page.locator("#status-kirim")).to_have_text(
        "5 keluarga tersimpan. Buka halaman pertemuan"
    )
    kedua = Pertemuan.objects.exclude(pk=pertemuan.pk).get(kelompok=kelompok)
    assert (kedua.tanggal.isoformat(), kedua.sesi_id, kedua.is_terpisah) == (
        "2025-03-10",
        pertemuan.sesi_id,
        True,
    )
    assert _marks(pertemuan) == {}
