"""The lists the rakor report links to: the month and area filters added for its figures
(issue 19). Each filter is a visible control that shows the value in effect, refuses a bad
value in Indonesian, and keeps the list's query count flat."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dinsos.forms import BulanField
from kpm.models import Keluarga
from tests.factories import keluarga_with_pengurus
from tests.laporan.dunia import JUNI, bangun
from tests.laporan.test_susun import MEI, status_berubah_sesudah_mei

pytestmark = pytest.mark.django_db


@pytest.fixture
def dunia(kota_metro, operator, pendamping_hadimulyo):
    return bangun(kota_metro, operator, pendamping_hadimulyo)


def _count(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response, response.context["page"].paginator.count


# --- kpm: the family list as it stood at a month's end ------------------------------------
def test_family_list_per_month_end_replays_the_status_history(client, dunia, admin, operator):
    # given: i registered in April, cancelled in June
    status_berubah_sesudah_mei(dunia, operator)
    client.force_login(admin)
    # when
    response, aktif_mei = _count(client, "kpm:keluarga-list", status="aktif", per="2025-05")
    _, aktif_kini = _count(client, "kpm:keluarga-list", status="aktif")
    _, semua_mei = _count(client, "kpm:keluarga-list", per="2025-05")
    # then: c d e f g i were aktif at the end of May; a b c f g are aktif now
    assert aktif_mei == 6
    assert aktif_kini == 5
    assert semua_mei == 7  # a and b were registered in June
    page = response.content.decode()
    assert 'type="month"' in page
    assert 'value="2025-05"' in page
    assert "Keadaan per akhir Mei 2025" in page
    assert "kini graduasi" in page  # e: aktif then, graduated since


def test_family_list_refuses_a_bad_month_and_shows_everyone(client, dunia, admin):
    client.force_login(admin)
    response, n = _count(client, "kpm:keluarga-list", per="2025-13")
    assert n == Keluarga.objects.count()
    assert "Tulis bulan seperti 2025-03." in response.content.decode()


@pytest.mark.parametrize("n", [1, 30])
def test_family_list_per_month_end_query_count_is_flat(
    client, kota_metro, operator, django_assert_num_queries, n
):
    for _ in range(n):
        keluarga_with_pengurus(
            kelurahan=kota_metro["Imopuro"], tanggal_terdaftar=datetime.date(2025, 1, 1)
        )
    client.force_login(operator)
    with django_assert_num_queries(10):  # as without the filter (tests/kpm/test_views.py)
        response = client.get(reverse("kpm:keluarga-list"), {"per": "2025-05", "status": "aktif"})
    assert response.context["page"].paginator.count == n


def test_bulan_field_is_shared():
    field = BulanField()
    assert field.clean("2025-06") == JUNI
    assert field.clean("") is None
    assert field.prepare_value(MEI) == "2025-05"
    for bad in ("2025-00", "juni", "1999-12"):
        with pytest.raises(ValidationError, match=r"Tulis bulan|Tahun harus"):
            field.clean(bad)


# --- the lists behind the other sections --------------------------------------------------
def _saringan(response, name):
    """The rendered control of filter `name` (its value in effect shows in it)."""
    html = response.content.decode()
    start = html.index(f'name="{name}"')
    return html[html.rindex("<", 0, start) : html.index(">", start) + 1]


@pytest.mark.parametrize(
    ("name", "params", "jumlah"),
    [
        # c and f (komitmen) and b (alfa) proposed in June, whatever their status now
        ("verifikasi:usulan-list", {"status": "semua", "dibuat": "2025-06"}, 3),
        (
            "verifikasi:usulan-list",
            {"status": "semua", "jenis": "komitmen", "dibuat": "2025-06"},
            2,
        ),
        ("verifikasi:usulan-list", {"status": "diterima", "diputuskan": "2025-06"}, 1),
        ("verifikasi:graduasi-lulus-list", {"bulan": "2025-06"}, 1),
        ("verifikasi:graduasi-lulus-list", {"bulan": "2025-03", "jenis": "paksa"}, 1),
        ("verifikasi:sekolah-rakyat-kunjungan-list", {"bulan": "2025-06"}, 2),
        ("verifikasi:sekolah-rakyat-kunjungan-list", {"bulan": "2025-06", "setuju": "1"}, 1),
        ("verifikasi:sekolah-rakyat-kunjungan-list", {"tahun_ajaran": "2025"}, 3),
        ("p2k2:pertemuan-list", {"bulan": "2025-06"}, 2),
        ("p2k2:pertemuan-list", {"bulan": "2025-06", "status": "terlaksana"}, 1),
        ("dtsen:temuan-list", {"status": "semua", "dibuka": "2025-06"}, 2),
        ("dtsen:temuan-list", {"status": "semua", "ditutup": "2025-06"}, 2),
        ("pemutakhiran:usulan-list", {"bulan": "2025-06"}, 2),
        ("pemutakhiran:usulan-list", {"hasil": "2025-06", "status": "diterima"}, 2),
    ],
)
def test_month_filters_narrow_each_list(client, dunia, admin, name, params, jumlah):
    client.force_login(admin)
    response, n = _count(client, name, **params)
    assert n == jumlah
    assert "{#" not in response.content.decode()  # a template comment shown as text
    for field, value in params.items():
        control = _saringan(response, field)
        if 'type="month"' in control:
            assert f'value="{value}"' in control, control


@pytest.mark.parametrize(
    ("name", "tanpa", "kecamatan"),
    [
        ("verifikasi:usulan-list", {"status": "semua"}, 3),  # c, b, d of Metro Pusat
        ("verifikasi:graduasi-lulus-list", {}, 1),  # e
        ("verifikasi:sekolah-rakyat-kunjungan-list", {}, 3),
        ("p2k2:pertemuan-list", {}, 3),
        ("dtsen:temuan-list", {"status": "semua"}, 3),
        ("pemutakhiran:usulan-list", {}, 2),
    ],
)
def test_kecamatan_filter_is_a_visible_choice(client, dunia, admin, name, tanpa, kecamatan):
    client.force_login(admin)
    response, n = _count(client, name, kecamatan=dunia.metro_pusat.pk, **tanpa)
    assert n == kecamatan
    html = response.content.decode()
    assert f'<option value="{dunia.metro_pusat.pk}" selected>Metro Pusat' in html


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("verifikasi:usulan-list", "dibuat"),
        ("verifikasi:graduasi-lulus-list", "bulan"),
        ("verifikasi:sekolah-rakyat-kunjungan-list", "bulan"),
        ("p2k2:pertemuan-list", "bulan"),
        ("dtsen:temuan-list", "dibuka"),
    ],
)
def test_a_bad_month_is_refused_in_indonesian(client, dunia, admin, name, field):
    client.force_login(admin)
    response = client.get(reverse(name), {field: "2025-13", "kecamatan": "99999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tulis bulan seperti 2025-03." in html
    assert "Pilih kecamatan dari daftar." in html


def test_koordinator_sees_only_their_kecamatan_in_the_choices(
    client, dunia, koordinator_metro_pusat
):
    client.force_login(koordinator_metro_pusat)
    response = client.get(reverse("p2k2:pertemuan-list"))
    pilihan = list(response.context["form"].fields["kecamatan"].queryset)
    assert pilihan == [dunia.metro_pusat]


@pytest.mark.parametrize(
    ("name", "ukuran"),
    [
        ("p2k2:pertemuan-list", 1),
        ("verifikasi:graduasi-lulus-list", 1),
        ("verifikasi:sekolah-rakyat-kunjungan-list", 1),
    ],
)
def test_new_lists_query_count_is_flat(
    client, dunia, admin, operator, name, ukuran, django_assert_max_num_queries
):
    """The same number of queries with the world's rows and with 30 more of each."""
    client.force_login(admin)
    with django_assert_max_num_queries(12) as sedikit:
        client.get(reverse(name))
    _banyakkan(dunia, operator)
    with django_assert_max_num_queries(len(sedikit.captured_queries)):
        response = client.get(reverse(name))
    assert response.context["page"].paginator.count > 25


def _banyakkan(dunia, operator):
    """30 more meetings, graduations and visits (each row on its own family)."""
    from p2k2.models import Kelompok, Pertemuan
    from tests.factories import AnggotaFactory
    from verifikasi.models import Graduasi, KandidatSekolahRakyat

    kelompok = Kelompok.objects.get()
    for i in range(30):
        keluarga = keluarga_with_pengurus(kelurahan=dunia.iringmulyo)
        anak = AnggotaFactory(keluarga=keluarga, hubungan="anak")
        Pertemuan.objects.create(
            kelompok=kelompok, tanggal=datetime.date(2025, 4, 1) + datetime.timedelta(days=i),
            topik="Uji",
            dibuat_oleh=operator,
        )  # fmt: skip
        Graduasi.objects.create(
            keluarga=keluarga, jenis="alamiah", status="diterima", alasan="uji",
            tanggal_usulan=JUNI, tanggal_graduasi=JUNI, diusulkan_oleh=operator,
        )  # fmt: skip
        KandidatSekolahRakyat.objects.create(
            anggota=anak, keluarga=keluarga, tahun_ajaran=2025, tanggal_acuan=JUNI,
            jenjang="sd", umur=9, desil=1, status="tidak_ditemui", dicatat_oleh=operator,
        )  # fmt: skip
