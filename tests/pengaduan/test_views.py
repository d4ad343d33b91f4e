"""The office's pages: registering at the front desk, the list, the Beranda items."""

import datetime

import pytest
from django.urls import reverse

from dinsos.pengaturan import today
from pengaduan.models import Pengaduan
from tests.factories import keluarga_with_pengurus
from tests.pengaduan.helpers import NIK_WARGA, buat_pengaduan


def test_front_desk_registers_a_citizen_outside_the_registry(
    client, operator, kota_metro, pendamping_hadimulyo
):
    client.force_login(operator)
    response = client.post(
        reverse("pengaduan:pengaduan-create"),
        {
            "kanal": "loket",
            "tanggal_terima": "2025-03-03",
            "nama": "Sumarni",
            "nik": NIK_WARGA,
            "telepon": "0812-3456-7890",
            "kelurahan": kota_metro["Hadimulyo Barat"].pk,
            "kategori": "usul_dtsen",
            "deskripsi": "Keluarga kami belum terdaftar di DTSEN.",
            "petugas": pendamping_hadimulyo.pk,
        },
    )
    pengaduan = Pengaduan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pengaduan:pengaduan-detail", args=[pengaduan.pk])
    assert (pengaduan.petugas, pengaduan.telepon, pengaduan.keluarga) == (
        pendamping_hadimulyo,
        "081234567890",
        None,
    )
    # Monday 3 March 2025 + 5 working days = 10 March; + 30 = 14 April (Nyepi, Idul Fitri)
    assert (pengaduan.tenggat_jawab, pengaduan.tenggat_selesai) == (
        datetime.date(2025, 3, 10),
        datetime.date(2025, 4, 16),
    )
    message = str(next(iter(response.wsgi_request._messages)))
    assert message == (
        f"Pengaduan dicatat dengan nomor tiket {pengaduan.tiket}; berikan nomor ini kepada "
        "pengadu untuk melihat status."
    )


def test_a_nik_found_in_the_registry_links_the_family(
    client, operator, kota_metro, pendamping_hadimulyo
):
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    client.force_login(operator)
    client.post(
        reverse("pengaduan:pengaduan-create"),
        {
            "kanal": "telepon",
            "tanggal_terima": today().isoformat(),
            "nama": "Ibu Pengurus",
            "nik": keluarga.pengurus.nik,
            "kategori": "nominal_tidak_sesuai",
            "deskripsi": "Nominal kurang.",
        },
    )
    pengaduan = Pengaduan.objects.get()
    assert (pengaduan.keluarga, pengaduan.anggota, pengaduan.petugas) == (
        keluarga,
        keluarga.pengurus,
        pendamping_hadimulyo,
    )


def test_without_registry_match_the_kelurahan_is_required(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("pengaduan:pengaduan-create"),
        {
            "kanal": "loket",
            "tanggal_terima": today().isoformat(),
            "nama": "Sumarni",
            "kategori": "lainnya",
            "deskripsi": "X",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "kelurahan": ["Pilih kelurahan tempat tinggal pengadu."]
    }
    assert Pengaduan.objects.count() == 0


@pytest.mark.parametrize("n", [1, 30])
def test_list_query_count_is_flat(client, operator, kota_metro, django_assert_num_queries, n):
    for _ in range(n):
        buat_pengaduan(oleh=operator, kelurahan=kota_metro["Imopuro"])
    client.force_login(operator)
    # session, user, count, one page (kecamatan, kelurahan and petugas joined), session save
    with django_assert_num_queries(6):
        response = client.get(reverse("pengaduan:pengaduan-list"))
    assert len(response.context["page"]) == min(n, 25)


def test_beranda_counts_equal_the_rows_their_links_open(client, operator, kota_metro):
    hari_ini = today()
    imopuro = kota_metro["Imopuro"]
    # overdue: received 60 days ago and never answered (2); nearly due: due today (1)
    for _ in range(2):
        buat_pengaduan(
            oleh=operator, kelurahan=imopuro, tanggal_terima=hari_ini - datetime.timedelta(60)
        )
    hampir = buat_pengaduan(oleh=operator, kelurahan=imopuro, tanggal_terima=hari_ini)
    Pengaduan.objects.filter(pk=hampir.pk).update(tenggat_jawab=hari_ini)
    client.force_login(operator)
    worklist = client.get(reverse("home")).context["worklist"]
    items = {i.judul: i for i in worklist if i.judul.startswith("Pengaduan")}
    assert {k: (v.jumlah, v.tingkat) for k, v in items.items()} == {
        "Pengaduan lewat tenggat": (2, "bahaya"),
        "Pengaduan hampir jatuh tempo": (1, "peringatan"),
    }
    for item in items.values():
        page = client.get(item.url).context["page"]
        assert page.paginator.count == item.jumlah


def test_the_family_page_shows_its_complaints(client, operator, kota_metro, pendamping_hadimulyo):
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    pengaduan = buat_pengaduan(oleh=operator, keluarga=keluarga, nik="")
    client.force_login(pendamping_hadimulyo)
    html = client.get(reverse("kpm:keluarga-detail", args=[keluarga.pk])).content.decode()
    assert pengaduan.tiket in html
    assert f"/pengaduan/baru/?keluarga={keluarga.pk}" in html
