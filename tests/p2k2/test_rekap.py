"""Office recaps: exact attendance arithmetic, curriculum progress, charts, query counts."""

import datetime

import pytest
from django.urls import reverse

from p2k2.models import Pertemuan
from p2k2.selectors import kurikulum as kemajuan_selectors
from p2k2.selectors import rekap
from tests.p2k2.conftest import buat_kelompok, buat_keluarga, buat_pertemuan, catat, sesi

pytestmark = pytest.mark.django_db

H, IZ, S, A = "hadir", "izin", "sakit", "alfa"


@pytest.fixture
def dua_kelompok(kurikulum, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo):
    """Melati (Metro Pusat): Jan H H I A, Feb H H H S. Anggrek (Metro Timur): Feb H A."""
    melati_kk = buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 4, "Melati")
    anggrek_kk = buat_keluarga(pendamping_iringmulyo, kota_metro["Iring Mulyo"], 2, "Anggrek")
    melati = buat_kelompok(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], melati_kk)
    anggrek = buat_kelompok(pendamping_iringmulyo, kota_metro["Iring Mulyo"], anggrek_kk, "Anggrek")
    jan = buat_pertemuan(melati, datetime.date(2025, 1, 10))
    feb = buat_pertemuan(melati, datetime.date(2025, 2, 10))
    feb_b = buat_pertemuan(
        anggrek, datetime.date(2025, 2, 12), sesi("Pencegahan dan Penanganan Stunting", 1)
    )
    buat_pertemuan(melati, datetime.date(2025, 3, 10))  # planned, never held: not counted
    catat(jan, dict(zip(melati_kk, [H, H, IZ, A], strict=True)))
    catat(feb, dict(zip(melati_kk, [H, H, H, S], strict=True)))
    catat(feb_b, dict(zip(anggrek_kk, [H, A], strict=True)))
    return melati, anggrek


def _angka(a):
    return (a.label, a.pertemuan, a.hadir, a.izin, a.sakit, a.alfa, a.tingkat)


def test_attendance_rates_per_group_pendamping_area_and_month(dua_kelompok, admin):
    # when
    data = rekap.rekap_kehadiran(user=admin, tahun=2025)
    # then
    assert _angka(data.total) == ("2025", 3, 6, 1, 1, 2, 0.6)
    assert [_angka(a) for a in data.kelompok] == [
        ("Anggrek", 1, 1, 0, 0, 1, 0.5),
        ("Melati", 2, 5, 1, 1, 1, 0.625),
    ]
    assert [_angka(a) for a in data.pendamping] == [
        ("Pendamping_A", 2, 5, 1, 1, 1, 0.625),
        ("Pendamping_B", 1, 1, 0, 0, 1, 0.5),
    ]
    assert [_angka(a) for a in data.kelurahan] == [
        ("Hadimulyo Barat", 2, 5, 1, 1, 1, 0.625),
        ("Iring Mulyo", 1, 1, 0, 0, 1, 0.5),
    ]
    assert [_angka(a) for a in data.kecamatan] == [
        ("Metro Pusat", 2, 5, 1, 1, 1, 0.625),
        ("Metro Timur", 1, 1, 0, 0, 1, 0.5),
    ]
    assert [_angka(a) for a in data.bulan[:3]] == [
        ("Januari", 1, 2, 1, 0, 1, 0.5),
        ("Februari", 2, 4, 0, 1, 1, 4 / 6),
        ("Maret", 0, 0, 0, 0, 0, None),
    ]


def test_recap_is_scoped_to_the_koordinators_area(dua_kelompok, koordinator_metro_pusat):
    data = rekap.rekap_kehadiran(user=koordinator_metro_pusat, tahun=2025)
    assert [a.label for a in data.kelompok] == ["Melati"]
    assert _angka(data.total) == ("2025", 2, 5, 1, 1, 1, 0.625)


def test_recap_page_shows_rates_and_svg_charts(client, dua_kelompok, operator):
    client.force_login(operator)
    html = client.get(reverse("p2k2:rekap"), {"tahun": 2025}).content.decode()
    assert "tingkat kehadiran\n    <strong>60,0%</strong>" in html
    assert "62,5%" in html
    assert "50,0%" in html
    assert "<title>Metro Pusat: 62,5% hadir dari 8 catatan</title>" in html
    assert "<title>Februari: 66,7% hadir dari 6 catatan</title>" in html
    assert html.count('class="grafik-batang"') == 4  # 2 months + 2 kecamatan with data
    # January at 50%: half of the 100-unit height; SVG numbers keep a decimal point
    assert '<rect class="grafik-batang" x="3.0" y="50.0" width="20.0" height="50.0">' in html
    assert 'viewBox="0 0 300.0 60.0"' in html  # two kecamatan rows
    assert "<script>" not in html


def test_curriculum_progress_names_the_sessions_not_held(dua_kelompok, admin, pendamping_hadimulyo):
    melati, _ = dua_kelompok
    # given: Melati also held two other sessions in March (on time: 3 sessions in 3 months)
    for urutan, day in ((2, 11), (3, 12)):
        p = buat_pertemuan(melati, datetime.date(2025, 3, day), sesi("Kesehatan dan Gizi", urutan))
        catat(p, {})
    # when
    kemajuan = kemajuan_selectors.kemajuan_kurikulum(user=admin, on=datetime.date(2025, 3, 31))
    # then
    rows = [
        (k.kelompok.nama, k.bulan_berjalan, k.sesi_dilaksanakan, len(k.sesi_belum), k.is_tertinggal)
        for k in kemajuan
    ]
    assert rows == [("Anggrek", 3, 1, 28, True), ("Melati", 3, 3, 26, False)]
    assert kemajuan[0].sesi_belum[0] == (
        "Pengasuhan dan Pendidikan Anak — Sesi 1: Menjadi orang tua yang lebih baik"
    )
    assert "Pencegahan dan Penanganan Stunting — Sesi 1: Permasalahan stunting" not in (
        kemajuan[0].sesi_belum
    )


def test_group_page_lists_sessions_not_held(client, dua_kelompok, pendamping_hadimulyo):
    melati, _ = dua_kelompok
    client.force_login(pendamping_hadimulyo)
    detail = client.get(reverse("p2k2:kelompok-detail", args=[melati.pk])).context["detail"]
    belum = [(s.modul.nama, s.urutan) for s in detail.sesi_belum]
    assert len(belum) == 28
    assert ("Kesehatan dan Gizi", 1) not in belum
    assert ("Kesehatan dan Gizi", 2) in belum


def _grow(n, kota_metro, pendamping):
    """n groups of 3 families, each with one held meeting."""
    for i in range(n):
        keluarga = buat_keluarga(pendamping, kota_metro["Hadimulyo Barat"], 3, f"K{i}")
        kelompok = buat_kelompok(pendamping, kota_metro["Hadimulyo Barat"], keluarga, f"Grup {i}")
        catat(buat_pertemuan(kelompok), dict.fromkeys(keluarga, H))


@pytest.mark.parametrize("n", [1, 6])
def test_group_list_query_count_is_flat(
    n, client, kurikulum, kota_metro, pendamping_hadimulyo, django_assert_num_queries
):
    _grow(n, kota_metro, pendamping_hadimulyo)
    client.force_login(pendamping_hadimulyo)
    # user, the curriculum's sessions, paginator count, the page of groups with their
    # summaries; +3 for the session save
    # (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release)
    with django_assert_num_queries(7):
        response = client.get(reverse("p2k2:kelompok-list"))
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 6])
def test_recap_query_count_is_flat(
    n, client, kurikulum, kota_metro, pendamping_hadimulyo, django_assert_num_queries
):
    _grow(n, kota_metro, pendamping_hadimulyo)
    client.force_login(pendamping_hadimulyo)
    # user, years, the year's month summaries added up per group and month (one statement),
    # the pendamping's names; +3 for the session save
    with django_assert_num_queries(7):
        response = client.get(reverse("p2k2:rekap"), {"tahun": 2025})
    assert response.context["rekap"].total.pertemuan == n


@pytest.mark.parametrize("n", [1, 6])
def test_alfa_and_curriculum_recap_query_counts_are_flat(
    n, client, kurikulum, kota_metro, pendamping_hadimulyo, django_assert_num_queries
):
    _grow(n, kota_metro, pendamping_hadimulyo)
    client.force_login(pendamping_hadimulyo)
    # user, the filter's kelurahan choices (one query whatever the data), setting, the window
    # query; +3 session save
    with django_assert_num_queries(7):
        client.get(reverse("p2k2:rekap-alfa"))
    # user, the curriculum's sessions, every group's summary row (one statement), the page's
    # groups with their sessions held (the session's idle expiry was pushed by the request
    # above: no save within the minute)
    with django_assert_num_queries(4):
        response = client.get(reverse("p2k2:rekap-kurikulum"))
    assert len(response.context["kemajuan"]) == n
    assert Pertemuan.objects.count() == n


def test_curriculum_recap_shows_one_page_and_counts_every_behind_group(
    client, kurikulum, kota_metro, pendamping_hadimulyo, monkeypatch
):
    # given 5 groups, each one month in with a meeting held but no curriculum session
    monkeypatch.setattr(kemajuan_selectors, "KEMAJUAN_PER_HALAMAN", 2)
    _grow(5, kota_metro, pendamping_hadimulyo)
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.get(reverse("p2k2:rekap-kurikulum"), {"page": 3})
    # then the last page holds the fifth group, and the count covers all five
    assert response.context["page"].paginator.count == 5
    assert len(response.context["kemajuan"]) == 1
    assert 'data-jumlah="5"' in response.content.decode()


def test_attendance_recap_lists_groups_one_page_at_a_time(
    client, kurikulum, kota_metro, pendamping_hadimulyo, monkeypatch
):
    # given 3 groups with a held meeting, 2 groups per page
    from p2k2.views import rekap as rekap_views

    monkeypatch.setattr(rekap_views, "KELOMPOK_PER_HALAMAN", 2)
    _grow(3, kota_metro, pendamping_hadimulyo)
    client.force_login(pendamping_hadimulyo)
    # when the second page is opened
    response = client.get(reverse("p2k2:rekap"), {"tahun": 2025, "page": 2})
    # then it lists the third group, while the totals still count all three
    assert [a.label for a in response.context["rekap"].kelompok] == ["Grup 2"]
    assert response.context["rekap"].total.pertemuan == 3
    assert "Halaman 2 dari 2" in response.content.decode()
