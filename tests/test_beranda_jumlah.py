"""One rule for counts (issue 14): a figure equals the row count of the page its link opens.

On the demo data plus the access matrix's objects, for each signed-in persona, every count on
the Beranda, every linked figure on the pendamping comparison (`/pendamping/perbandingan/`)
and on the P2K2 recap pages is followed to its list, whose rows are counted the way the page
counts them (the paginator's total, or the whole list).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse

from dinsos.pengaturan import today
from tests.halaman import PERSONA_MASUK, dunia_bersama

pytestmark = pytest.mark.django_db

TAUTAN_JUMLAH = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*?\bdata-jumlah="(\d+)"')


@pytest.fixture(scope="module")
def dunia(django_db_setup: None, django_db_blocker: object) -> Iterator[object]:
    with dunia_bersama(django_db_blocker) as world:
        yield world


def _jumlah_baris(response, fragment: str) -> int:
    context = response.context
    if fragment == "judul-tanda":  # the audit page's unusual-access section
        return len(context["flags"])
    if "page" in context:
        return context["page"].paginator.count
    for key in ("runs", "kemajuan"):
        if key in context:
            return len(context[key])
    raise AssertionError(f"{response.request['PATH_INFO']}: tidak tahu cara menghitung baris")


def _figures(client, url: str) -> list[tuple[str, int]]:
    response = client.get(url)
    assert response.status_code == 200, url
    found = TAUTAN_JUMLAH.findall(response.content.decode())
    return [(html.unescape(href), int(n)) for href, n in found]


def _assert_figures_match(client, page: str, figures: list[tuple[str, int]]) -> None:
    for href, jumlah in figures:
        parts = urlsplit(href)
        target = f"{parts.path or page}?{parts.query}" if parts.query else (parts.path or page)
        response = client.get(target)
        assert response.status_code == 200, href
        assert _jumlah_baris(response, parts.fragment) == jumlah, f"{page}: {href}"


BERANDA = {
    "admin": [
        "Akses tidak wajar (30 hari)",
        "Impor gagal",
        "Impor menunggu ditinjau dan diterapkan",
        "Impor terhenti (tanpa kemajuan 15 menit)",
        "Pendamping melebihi batas keluarga",
        "Temuan terbuka belum ditugaskan ke pendamping",
        "Usulan penangguhan menunggu keputusan",
    ],
    "operator": [
        "Pendamping melebihi batas keluarga",
        "Rekonsiliasi dengan temuan terbuka",
        "Temuan terbuka belum ditugaskan ke pendamping",
        "Usulan penangguhan menunggu keputusan",
    ],
    "koordinator": [
        "Kelompok tertinggal kurikulum",
        "Keluarga dengan alfa P2K2 berturut-turut",
        "Pendamping melebihi batas keluarga",
        "Temuan terbuka belum ditugaskan ke pendamping",
        "Usulan penangguhan menunggu keputusan",
    ],
    "pendamping_a": [
        "Keluarga dampingan saya",
        "Keluarga dengan alfa P2K2 berturut-turut",
        "Keluarga dengan komitmen belum diverifikasi",
        "Keluarga perlu dikunjungi",
        "Temuan rekonsiliasi terbuka untuk Anda",
    ],
    "pendamping_b": [
        "Keluarga dampingan saya",
        "Keluarga dengan alfa P2K2 berturut-turut",
        "Keluarga dengan komitmen belum diverifikasi",
        "Keluarga perlu dikunjungi",
        "Temuan rekonsiliasi terbuka untuk Anda",
    ],
}


ALL_TITLES = {judul for titles in BERANDA.values() for judul in titles}


@pytest.mark.parametrize("persona", PERSONA_MASUK)
def test_every_beranda_count_equals_the_rows_its_link_opens(client, dunia, persona):
    # given
    client.force_login(dunia.users[persona])
    # when
    response = client.get(reverse("home"))
    figures = _figures(client, reverse("home"))
    # then: the persona's counted lines (other apps, such as pengaduan, add their own), each
    # equal to its list
    counted = sorted(i.judul for i in response.context["worklist"] if i.jumlah is not None)
    assert [judul for judul in counted if judul in ALL_TITLES] == BERANDA[persona]
    assert len(figures) == len(counted)
    _assert_figures_match(client, reverse("home"), figures)


@pytest.mark.parametrize("persona", ["admin", "operator", "koordinator"])
@pytest.mark.parametrize("periode", ["bulan", "tahun"])
def test_linked_figures_on_the_comparison_equal_their_lists(client, dunia, persona, periode):
    # given: this month (the page's default), or the whole year
    client.force_login(dunia.users[persona])
    query = {"tahun": today().year} if periode == "tahun" else {}
    page = reverse("pendamping:perbandingan")
    response = client.get(page, query)
    # when
    figures = _figures(client, f"{page}?{urlencode(query)}")
    # then: every worker's caseload, cases handled, referrals, ratings and graduasi
    linked = {urlsplit(href).path for href, _ in figures}
    assert {"/keluarga/", "/pendamping/kasus/", "/pendamping/rujukan/"} <= linked
    graduasi = [(h, n) for h, n in figures if "graduasi_tahun" in h]
    assert len(graduasi) == len([r for r in response.context["rows"] if r.graduasi])
    _assert_figures_match(client, page, figures)
    # and on each worker's own page
    for row in response.context["rows"]:
        detail = f"{reverse('pendamping:pendamping-detail', args=[row.pendamping.pk])}"
        detail_figures = _figures(client, f"{detail}?{urlencode(query)}")
        assert len(detail_figures) >= 3, detail
        _assert_figures_match(client, detail, detail_figures)


def test_graduasi_figure_links_to_the_periods_graduations_only(client, dunia):
    # the known mismatch: the period's graduasi count linked to every graduated family
    client.force_login(dunia.users["operator"])
    tahun = today().year
    rows = client.get(reverse("pendamping:perbandingan"), {"tahun": tahun}).context["rows"]
    with_graduasi = [r for r in rows if r.graduasi]
    assert with_graduasi
    semua = 0
    for baris in with_graduasi:
        periode = client.get(baris.url_graduasi)
        assert periode.context["page"].paginator.count == baris.graduasi
        assert f"Hanya keluarga yang graduasi pada tahun {tahun}." in periode.content.decode()
        filters = {"pendamping": baris.pendamping.user_id, "status": "graduasi"}
        semua += client.get(reverse("kpm:keluarga-list"), filters).context["page"].paginator.count
    assert semua > sum(r.graduasi for r in with_graduasi)  # earlier years are left out


def test_caseload_figure_leaves_out_graduated_and_cancelled_families(client, dunia):
    # the known mismatch: "216 / 350" linked to a list that also held graduasi/dibatalkan
    client.force_login(dunia.users["operator"])
    pendamping = dunia.users["pendamping_a"]
    rows = client.get(reverse("pendamping:perbandingan")).context["rows"]
    baris = next(r for r in rows if r.pendamping.user_id == pendamping.pk)
    semua = client.get(reverse("kpm:keluarga-list"), {"pendamping": pendamping.pk})
    dilayani = client.get(baris.url_keluarga)
    assert dilayani.context["page"].paginator.count == baris.jumlah_keluarga
    assert semua.context["page"].paginator.count > baris.jumlah_keluarga
