"""List tables on a phone: one card per row, each cell "label: value" (data-label in the
template, .table-tumpuk in static/dinsos/base.css), instead of a table squeezed to 360 px."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.factories import keluarga_with_pengurus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}


def _cells(page, testid_or_table):
    """Each visible labelled cell's ::before text and display, in the table given."""
    return page.locator(testid_or_table).evaluate(
        """table => [...table.querySelectorAll('tbody td[data-label]')]
            .filter(td => td.offsetParent !== null)
            .map(td => [getComputedStyle(td, '::before').content, getComputedStyle(td).display])"""
    )


def test_family_rows_are_cards_on_a_phone_and_a_table_on_a_desktop(page, operator, kota_metro):
    # given
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Hj. Siti Aminah")
    login(page, "operator")
    # when: on a phone
    page.set_viewport_size(PHONE)
    page.goto("/keluarga/")
    # then: one card per family, each visible cell "label: value", no sideways scroll
    assert _cells(page, "#hasil table") == [
        ['"Pengurus: "', "block"],
        ['"NIK: "', "block"],
        ['"Kelurahan: "', "block"],
        ['"Status: "', "block"],
    ]
    expect(page.locator("#hasil thead")).to_be_hidden()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    # when: on an office screen
    page.set_viewport_size(DESKTOP)
    # then: a table with its header row
    expect(page.locator("#hasil thead")).to_be_visible()
    assert {display for _, display in _cells(page, "#hasil table")} == {"table-cell"}


def test_verifikasi_graduasi_rows_are_cards_on_a_phone(page, operator, kota_metro):
    # given: an active family without PKH components is a natural graduation candidate
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Hj. Siti Aminah")
    login(page, "operator")
    page.set_viewport_size(PHONE)
    # when
    page.goto("/keluarga/graduasi/")
    # then
    assert _cells(page, "[data-testid=alamiah]") == [
        ['"Pengurus: "', "block"],
        ['"Kelurahan: "', "block"],
        ['"Pendamping: "', "block"],
    ]
