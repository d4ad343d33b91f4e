"""A pendamping logs a family's case from a cheap phone (360 px wide), in a real browser."""

import datetime

import pytest

from pendamping.models import Kasus
from tests.conftest import login
from tests.pendamping.conftest import buat_keluarga, buat_profil, tugaskan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_pendamping_logs_a_case_on_a_phone(page, kota_metro, admin, pendamping_hadimulyo):
    # given: Ani has one family in Hadimulyo Barat
    profil = buat_profil(pendamping_hadimulyo, nama="Ani Pendamping")
    (keluarga,) = buat_keluarga(kota_metro["Hadimulyo Barat"], nama="Siti Aminah")
    tugaskan([keluarga], pendamping_hadimulyo, admin, datetime.date(2025, 1, 1))
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "pendamping_a")
    # when: she opens the menu, goes to Kasus and logs a case
    page.get_by_role("button", name="Buka menu").click()
    page.get_by_test_id("nav").get_by_role("link", name="Kasus").click()
    page.get_by_role("link", name="Catat kasus").click()
    assert _overflow(page) == 0
    # the family picker: type part of the name, tap the family
    page.get_by_role("searchbox", name="Keluarga").press_sequentially("aminah", delay=40)
    page.get_by_test_id("hasil-keluarga").get_by_role("button", name="Siti Aminah 1").click()
    page.get_by_label("Tanggal dilaporkan").fill("2025-05-02")
    page.get_by_label("Kategori").select_option(label="Administrasi kependudukan")
    page.get_by_label("Uraian masalah").fill("Akta kelahiran anak bungsu belum ada.")
    page.get_by_role("button", name="Simpan").click()
    # then: the case page shows it, reported and not yet handled
    assert page.get_by_role("alert").inner_text().strip() == "Kasus dicatat."
    assert page.get_by_test_id("status").inner_text() == "Dilaporkan"
    assert page.get_by_test_id("deskripsi").inner_text() == "Akta kelahiran anak bungsu belum ada."
    assert page.get_by_test_id("tanggal-ditangani").inner_text().strip() == "belum"
    assert _overflow(page) == 0
    kasus = Kasus.objects.get()
    assert (kasus.keluarga_id, kasus.pendamping_id, kasus.tanggal_lapor) == (
        keluarga.pk,
        profil.pk,
        datetime.date(2025, 5, 2),
    )
    # when: she marks it handled the next day
    page.get_by_label("Status baru").select_option(label="Ditangani")
    page.get_by_label("Tanggal ditangani").fill("2025-05-03")
    page.get_by_role("button", name="Simpan status").click()
    # then
    assert page.get_by_test_id("status").inner_text() == "Ditangani"
    assert page.get_by_test_id("tanggal-ditangani").inner_text().strip() == "3 Mei 2025"


def test_performance_page_fits_a_phone(page, kota_metro, admin, pendamping_hadimulyo):
    buat_profil(pendamping_hadimulyo, nama="Ani Pendamping")
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "pendamping_a")
    page.goto("/pendamping/saya/")
    assert page.get_by_test_id("nama-pendamping").inner_text() == "Ani Pendamping"
    assert _overflow(page) == 0
