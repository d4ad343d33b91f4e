"""A pendamping records a home visit on a cheap phone (360×740), finding the family by typing
part of a name instead of scrolling a dropdown of her whole caseload, in a real browser."""

import datetime

import pytest

from dinsos.formatting import mask_nik
from pendamping.models import Kunjungan
from tests.conftest import login
from tests.pendamping.conftest import buat_keluarga, buat_profil, tugaskan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_pendamping_types_a_name_picks_the_family_and_records_a_visit(
    page, kota_metro, admin, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given: Ani serves 30 families, two of them Aminah; Iring Mulyo's Aminah is not hers
    buat_profil(pendamping_hadimulyo, nama="Ani Pendamping")
    hadimulyo = kota_metro["Hadimulyo Barat"]
    milik = buat_keluarga(hadimulyo, n=28, nama="Warga")
    aminah = buat_keluarga(hadimulyo, nama="Siti Aminah") + buat_keluarga(hadimulyo, nama="Aminah")
    tugaskan(milik + aminah, pendamping_hadimulyo, admin)
    buat_profil(pendamping_iringmulyo, nama="Budi Pendamping")
    lain = buat_keluarga(kota_metro["Iring Mulyo"], nama="Nur Aminah")
    tugaskan(lain, pendamping_iringmulyo, admin)
    siti = aminah[0]
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "pendamping_a")
    # when: she opens "Catat kunjungan" and types part of the name
    page.goto("/pendamping/kunjungan/baru/")
    assert page.locator("select[name=keluarga]").is_hidden()
    page.get_by_role("searchbox", name="Keluarga").press_sequentially("amin", delay=40)
    pilihan = page.get_by_test_id("hasil-keluarga").get_by_role("button")
    pilihan.first.wait_for()
    # then: only her two Aminah families, by name and masked NIK, each a finger-sized target
    assert pilihan.all_inner_texts() == [
        f"Aminah 1\nNIK {mask_nik(aminah[1].pengurus.nik)}",
        f"Siti Aminah 1\nNIK {mask_nik(siti.pengurus.nik)}",
    ]
    assert all(box["height"] >= 44 for box in (b.bounding_box() for b in pilihan.all()))
    assert _overflow(page) == 0
    # when: she taps Siti Aminah and records the visit
    pilihan.filter(has_text="Siti Aminah 1").click()
    assert page.get_by_role("searchbox", name="Keluarga").input_value() == (
        f"Siti Aminah 1 — NIK {mask_nik(siti.pengurus.nik)}"
    )
    page.get_by_label("Tanggal").fill("2025-06-02")
    page.get_by_label("Jenis").select_option(label="Kunjungan rumah")
    page.get_by_label("Catatan").fill("Anak sudah kembali sekolah.")
    page.get_by_role("button", name="Simpan").click()
    # then: the visit is hers, for Siti Aminah's family
    assert page.get_by_role("alert").inner_text().strip() == "Kunjungan dicatat."
    assert _overflow(page) == 0
    kunjungan = Kunjungan.objects.get()
    assert (kunjungan.keluarga_id, kunjungan.tanggal, kunjungan.catatan) == (
        siti.pk,
        datetime.date(2025, 6, 2),
        "Anak sudah kembali sekolah.",
    )


def test_saving_without_tapping_a_family_says_how_to_choose(
    page, kota_metro, admin, pendamping_hadimulyo
):
    buat_profil(pendamping_hadimulyo, nama="Ani Pendamping")
    tugaskan(
        buat_keluarga(kota_metro["Hadimulyo Barat"], nama="Siti Aminah"),
        pendamping_hadimulyo,
        admin,
    )
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "pendamping_a")
    page.goto("/pendamping/kunjungan/baru/")
    page.get_by_role("searchbox", name="Keluarga").fill("Siti")
    page.get_by_role("button", name="Simpan").click()
    assert page.locator("[data-field-error=keluarga]").inner_text() == (
        "Pilih keluarga: ketik namanya, lalu ketuk keluarga yang dimaksud."
    )
    assert Kunjungan.objects.count() == 0
