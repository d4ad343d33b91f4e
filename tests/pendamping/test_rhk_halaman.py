"""The RHK 7 and 8 pages (issue 20): a pendamping sends the month's report and it appears,
late ones are labelled for the office; a koordinator gives a directive, the recipient
acknowledges it, and the koordinator sees who did."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dinsos.pengaturan import today
from pendamping import services
from pendamping.models import Arahan, ArahanPenerima, LaporanBulanan
from tests.pendamping.conftest import buat_profil

pytestmark = pytest.mark.django_db


def _bulan_lalu(n: int) -> datetime.date:
    day = today().replace(day=1)
    for _ in range(n):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


def test_a_sent_report_appears_in_the_pendamping_s_own_list(client, profil_a):
    client.force_login(profil_a.user)
    bulan = today().replace(day=1)
    response = client.post(
        reverse("pendamping:laporan-bulanan-kirim"),
        {
            "bulan": bulan.strftime("%Y-%m"),
            "narasi": "Mendampingi 20 keluarga dan dua pertemuan P2K2.",
            "jumlah_kunjungan": "20",
            "jumlah_p2k2": "2",
            "jumlah_kasus": "1",
        },
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Laporan bulanan terkirim." in html
    assert "Mendampingi 20 keluarga" in html
    assert "20 / 2 / 1" in html
    assert LaporanBulanan.objects.get(pendamping=profil_a).bulan == bulan


def test_the_report_form_says_in_indonesian_what_is_missing(client, profil_a):
    client.force_login(profil_a.user)
    response = client.post(reverse("pendamping:laporan-bulanan-kirim"), {"bulan": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Pilih bulan." in html
    assert "Uraian kegiatan bulan ini wajib diisi." in html


def test_the_office_sees_a_late_report_labelled_and_can_keep_only_late_ones(
    client, profil_a, profil_b, koordinator_metro_pusat, admin
):
    services.laporan_bulanan_kirim(
        pendamping=profil_a, bulan=_bulan_lalu(2), data={"narasi": "Laporan Ani"}, oleh=admin
    )
    services.laporan_bulanan_kirim(
        pendamping=profil_b,
        bulan=today().replace(day=1),
        data={"narasi": "Laporan Budi"},
        oleh=admin,
    )
    client.force_login(admin)
    html = client.get(reverse("pendamping:laporan-bulanan-list")).content.decode()
    assert "Laporan Ani" in html
    assert "Laporan Budi" in html
    assert html.count(">terlambat<") == 1
    late = client.get(reverse("pendamping:laporan-bulanan-list"), {"terlambat": "on"})
    assert "Laporan Ani" in late.content.decode()
    assert "Laporan Budi" not in late.content.decode()
    # the koordinator of Metro Pusat sees only the workers of their area
    client.force_login(koordinator_metro_pusat)
    html = client.get(reverse("pendamping:laporan-bulanan-list")).content.decode()
    assert "Laporan Ani" in html
    assert "Laporan Budi" not in html


def test_a_directive_is_acknowledged_and_the_koordinator_sees_who(
    client, profil_a, koordinator_metro_pusat
):
    client.force_login(koordinator_metro_pusat)
    response = client.post(
        reverse("pendamping:arahan-create"),
        {
            "judul": "Percepat verifikasi komitmen",
            "isi": "Selesaikan verifikasi sebelum tanggal 10.",
            "tanggal": today().isoformat(),
            "penerima": [str(profil_a.pk)],
        },
    )
    arahan = Arahan.objects.get()
    assert response.status_code == 302
    detail = reverse("pendamping:arahan-detail", args=[arahan.pk])
    assert "belum" in client.get(detail).content.decode()
    # the recipient sees it on the Beranda figure's list and acknowledges it
    client.force_login(profil_a.user)
    saya = client.get(reverse("pendamping:arahan-list"), {"belum": "on"}).content.decode()
    assert "Percepat verifikasi komitmen" in saya
    assert "belum dibaca" in saya
    assert "Saya sudah membaca" in client.get(detail).content.decode()
    response = client.post(
        reverse("pendamping:arahan-konfirmasi", args=[arahan.pk]),
        {"tanggapan": "Sudah dijadwalkan."},
        follow=True,
    )
    assert "Sudah dibaca" in response.content.decode()
    sisa = client.get(reverse("pendamping:arahan-list"), {"belum": "on"}).content.decode()
    assert "Percepat verifikasi komitmen" not in sisa
    # the koordinator sees the acknowledgement and the follow-up note
    client.force_login(koordinator_metro_pusat)
    html = client.get(detail).content.decode()
    assert "Sudah dijadwalkan." in html
    assert ">belum<" not in html
    assert "1 dari 1" in client.get(reverse("pendamping:arahan-list")).content.decode()


def test_the_beranda_counts_the_unacknowledged_directives(client, profil_a, admin):
    arahan = services.arahan_buat(
        data={"judul": "A", "isi": "B", "tanggal": today()}, penerima=[profil_a], oleh=admin
    )
    client.force_login(profil_a.user)
    html = client.get(reverse("home")).content.decode()
    assert "Arahan belum dibaca" in html
    penerima = ArahanPenerima.objects.get(arahan=arahan)
    services.arahan_konfirmasi(penerima=penerima, tanggapan="", oleh=profil_a.user)
    from pendamping.selectors.beranda import beranda_items

    (item,) = [i for i in beranda_items(user=profil_a.user) if i.judul == "Arahan belum dibaca"]
    assert item.jumlah == 0


def test_a_koordinator_cannot_direct_a_pendamping_outside_their_area(
    client, profil_b, koordinator_metro_pusat
):
    client.force_login(koordinator_metro_pusat)
    response = client.post(
        reverse("pendamping:arahan-create"),
        {"judul": "X", "isi": "Y", "tanggal": today().isoformat(), "penerima": [profil_b.pk]},
    )
    assert response.status_code == 400
    assert "Pilih pendamping dari daftar." in response.content.decode()
    assert not Arahan.objects.exists()


@pytest.mark.parametrize("n", [2, 12])
def test_report_and_directive_lists_query_count_is_flat(
    n, client, kota_metro, admin, django_assert_num_queries
):
    for i in range(n):
        profil = buat_profil(None, nama=f"P{i}", wilayah=[kota_metro["Hadimulyo Barat"]])
        services.laporan_bulanan_kirim(
            pendamping=profil, bulan=_bulan_lalu(1), data={"narasi": "x"}, oleh=admin
        )
        services.arahan_buat(
            data={"judul": f"A{i}", "isi": "B", "tanggal": today()}, penerima=[profil], oleh=admin
        )
    client.force_login(admin)
    # request overhead (4), count, page: the same for 2 and 12 rows
    with django_assert_num_queries(6):
        response = client.get(reverse("pendamping:laporan-bulanan-list"))
    assert response.context["page"].paginator.count == n
    # the second request of the session reuses its cached overhead: count and page (with
    # each directive's recipient figures in it) and the session
    with django_assert_num_queries(3):
        response = client.get(reverse("pendamping:arahan-list"))
    assert response.context["page"].paginator.count == n


# --- RHK 9 ----------------------------------------------------------------------------------
def test_a_recorded_sosialisasi_appears_for_the_pendamping_and_the_office(
    client, profil_a, koordinator_metro_pusat
):
    client.force_login(profil_a.user)
    response = client.post(
        reverse("pendamping:sosialisasi-create"),
        {
            "tanggal": today().isoformat(),
            "tempat": "Balai Kelurahan Hadimulyo Barat",
            "topik": "Hak dan kewajiban KPM",
            "jumlah_peserta": "25",
            "peserta": "Siti\nAminah",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Kegiatan sosialisasi dicatat." in html
    assert "Hak dan kewajiban KPM" in html
    assert "25 orang" in html
    client.force_login(koordinator_metro_pusat)
    html = client.get(reverse("pendamping:sosialisasi-list")).content.decode()
    assert "Hak dan kewajiban KPM" in html
    assert "Ani Pendamping" in html


def test_the_sosialisasi_form_refuses_fewer_participants_than_names(client, profil_a):
    client.force_login(profil_a.user)
    response = client.post(
        reverse("pendamping:sosialisasi-create"),
        {
            "tanggal": today().isoformat(),
            "tempat": "Balai",
            "topik": "PKH",
            "jumlah_peserta": "1",
            "peserta": "Siti\nAminah",
        },
    )
    assert response.status_code == 400
    assert "lebih kecil dari nama di daftar peserta" in response.content.decode()


@pytest.mark.parametrize("n", [2, 12])
def test_sosialisasi_list_query_count_is_flat(
    n, client, kota_metro, admin, django_assert_num_queries
):
    for i in range(n):
        profil = buat_profil(None, nama=f"P{i}", wilayah=[kota_metro["Hadimulyo Barat"]])
        services.sosialisasi_catat(
            pendamping=profil,
            data={"tanggal": today(), "tempat": "Balai", "topik": f"T{i}", "jumlah_peserta": 5},
            oleh=admin,
        )
    client.force_login(admin)
    # request overhead (4), count, page
    with django_assert_num_queries(6):
        response = client.get(reverse("pendamping:sosialisasi-list"))
    assert response.context["page"].paginator.count == n


def test_the_report_form_offers_last_month(client, profil_a):
    client.force_login(profil_a.user)
    response = client.get(reverse("pendamping:laporan-bulanan-kirim"))
    assert f'value="{_bulan_lalu(1):%Y-%m}"' in response.content.decode()
