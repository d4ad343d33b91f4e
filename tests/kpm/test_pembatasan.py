"""Restriction and objection requests (issue 20; UU 27/2022; DOMAIN.md §10: 3×24 h): recorded,
decided by an admin, lifted; while in force the family leaves every list, search and export."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dinsos import ekspor
from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError
from dinsos.models import AuditEvent
from kpm import services
from kpm.models import PermintaanPembatasan
from tests.factories import AnggotaFactory, keluarga_with_pengurus

pytestmark = pytest.mark.django_db
P = PermintaanPembatasan


@pytest.fixture
def keluarga(kota_metro, pendamping_hadimulyo):
    k = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"],
        pendamping=pendamping_hadimulyo,
        pengurus_nama="Sulastri Dibatasi",
    )
    AnggotaFactory(keluarga=k, nama="Bagus Dibatasi")
    return k


@pytest.fixture
def lain(kota_metro, pendamping_hadimulyo):
    return keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"],
        pendamping=pendamping_hadimulyo,
        pengurus_nama="Warsini Terbuka",
    )


def _catat(keluarga, oleh, *, jam_lalu=1, anggota=None):
    return services.pembatasan_catat(
        keluarga=keluarga,
        anggota=anggota,
        jenis=P.Jenis.PEMBATASAN,
        diterima_at=timezone.now() - datetime.timedelta(hours=jam_lalu),
        dasar="Surat permohonan 12/2026",
        oleh=oleh,
    )


def _nama_di_daftar(client, user):
    client.force_login(user)
    response = client.get(reverse("kpm:keluarga-list"))
    assert response.status_code == 200
    return [k.pengurus.nama for k in response.context["page"]]


# --- Recording ------------------------------------------------------------------------------
def test_a_request_is_due_3x24_hours_after_receipt_and_is_audited(keluarga, operator):
    # given
    diterima = timezone.now() - datetime.timedelta(hours=5)
    # when
    permintaan = services.pembatasan_catat(
        keluarga=keluarga, anggota=keluarga.pengurus, jenis=P.Jenis.KEBERATAN,
        diterima_at=diterima, dasar="Keberatan lisan di loket", oleh=operator,
    )  # fmt: skip
    # then
    assert permintaan.tenggat == diterima + datetime.timedelta(hours=72)
    assert permintaan.status == P.Status.MENUNGGU
    event = AuditEvent.objects.get(object_type="kpm.permintaanpembatasan")
    assert (event.action, event.reason) == ("create", "Keberatan lisan di loket")


def test_a_second_request_for_a_family_already_restricted_is_refused(keluarga, operator):
    _catat(keluarga, operator)
    with pytest.raises(DomainError, match="sudah dalam pembatasan"):
        _catat(keluarga, operator)


def test_a_receipt_in_the_future_is_refused(keluarga, operator):
    with pytest.raises(DomainError, match="masa depan"):
        _catat(keluarga, operator, jam_lalu=-2)


def test_operator_records_a_request_by_nik_from_the_page(client, keluarga, operator):
    # given
    client.force_login(operator)
    nik = keluarga.pengurus.nik
    # when
    response = client.post(
        reverse("kpm:pembatasan-create"),
        {
            "nik": nik,
            "jenis": "pembatasan",
            "diterima_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "dasar": "Surat 3/2026",
        },
    )
    # then
    permintaan = P.objects.get()
    assert response.status_code == 302
    assert (permintaan.keluarga, permintaan.anggota) == (keluarga, keluarga.pengurus)


def test_the_form_asks_for_one_identifier(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("kpm:pembatasan-create"),
        {"jenis": "pembatasan", "diterima_at": "2026-01-05T09:00", "dasar": "Surat 3/2026"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Isi salah satu: NIK pemohon atau No KK."
    ]
    assert P.objects.count() == 0


def test_koordinator_reads_but_cannot_record(client, koordinator_metro_pusat):
    client.force_login(koordinator_metro_pusat)
    assert client.get(reverse("kpm:pembatasan-list")).status_code == 200
    response = client.post(reverse("kpm:pembatasan-create"), {"no_kk": "1" * 16})
    assert response.status_code == 403


# --- Hidden while in force -------------------------------------------------------------------
def test_a_restricted_family_vanishes_from_the_list_for_every_role(
    client, keluarga, lain, admin, operator, pendamping_hadimulyo
):
    # given
    _catat(keluarga, operator)
    # then
    for user in (admin, operator, pendamping_hadimulyo):
        assert _nama_di_daftar(client, user) == ["Warsini Terbuka"]
    assert client.get(reverse("kpm:keluarga-detail", args=[keluarga.pk])).status_code == 404


def test_refusing_the_request_shows_the_family_again(client, keluarga, lain, admin, operator):
    # given
    permintaan = _catat(keluarga, operator)
    # when
    services.pembatasan_putuskan(
        permintaan=permintaan, dikabulkan=False, catatan="Bukan pemilik data.", oleh=admin
    )
    # then
    assert sorted(_nama_di_daftar(client, operator)) == ["Sulastri Dibatasi", "Warsini Terbuka"]


def test_a_granted_restriction_holds_until_an_admin_lifts_it(client, keluarga, lain, admin):
    # given
    permintaan = _catat(keluarga, admin)
    client.force_login(admin)
    # when: granted from the page
    client.post(
        reverse("kpm:pembatasan-putuskan", args=[permintaan.pk]),
        {"keputusan": "kabulkan", "catatan": "Sesuai permohonan."},
    )
    # then
    assert P.objects.get().status == P.Status.DIKABULKAN
    assert _nama_di_daftar(client, admin) == ["Warsini Terbuka"]
    # when: lifted
    client.post(
        reverse("kpm:pembatasan-cabut", args=[permintaan.pk]), {"catatan": "Pemohon mencabut."}
    )
    # then
    assert P.objects.get().status == P.Status.DICABUT
    assert sorted(_nama_di_daftar(client, admin)) == ["Sulastri Dibatasi", "Warsini Terbuka"]


def test_only_an_admin_decides(client, keluarga, operator):
    permintaan = _catat(keluarga, operator)
    client.force_login(operator)
    response = client.post(
        reverse("kpm:pembatasan-putuskan", args=[permintaan.pk]),
        {"keputusan": "tolak", "catatan": "Coba."},
    )
    assert response.status_code == 403
    assert P.objects.get().status == P.Status.MENUNGGU


def test_the_request_page_shows_the_family_as_restricted(client, keluarga, operator):
    permintaan = _catat(keluarga, operator)
    client.force_login(operator)
    response = client.get(reverse("kpm:pembatasan-detail", args=[permintaan.pk]))
    html = response.content.decode()
    assert 'data-testid="dibatasi">dibatasi<' in html
    assert keluarga.no_kk not in html
    assert "Sulastri" not in html


# --- The export writer ----------------------------------------------------------------------
def test_the_export_writer_drops_rows_holding_a_restricted_nik_or_no_kk(keluarga, lain, operator):
    # given
    _catat(keluarga, operator)
    rows = [
        [keluarga.pengurus.nik, "Sulastri Dibatasi"],
        [keluarga.no_kk, "KK dibatasi"],
        [lain.pengurus.nik, "Warsini Terbuka"],
    ]
    # when
    content = ekspor.xlsx_bytes(rows, title="Uji", header=["NIK", "Nama"])
    text = ekspor.csv_text(rows)
    # then
    sheet = load_workbook(io.BytesIO(content)).active
    assert list(sheet.iter_rows(values_only=True)) == [
        ("NIK", "Nama"),
        (lain.pengurus.nik, "Warsini Terbuka"),
    ]
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        [lain.pengurus.nik, "Warsini Terbuka"]
    ]


# --- Beranda ---------------------------------------------------------------------------------
def test_beranda_counts_requests_near_their_deadline_as_its_list_does(
    client, keluarga, lain, admin, operator
):
    # given: one received 50 h ago (22 h left), one just now (72 h left)
    _catat(keluarga, operator, jam_lalu=50)
    _catat(lain, operator, jam_lalu=0)
    client.force_login(admin)
    # when
    items = [i for i in dinsos_selectors.beranda_items(user=admin) if "pembatasan" in i.judul]
    # then
    assert [(i.judul, i.jumlah) for i in items] == [
        ("Permintaan pembatasan data mendekati tenggat", 1)
    ]
    response = client.get(items[0].url)
    assert response.context["page"].paginator.count == 1
    assert [p.keluarga for p in response.context["page"]] == [keluarga]


def test_beranda_has_no_line_for_operators(keluarga, operator):
    _catat(keluarga, operator, jam_lalu=70)
    assert [
        i for i in dinsos_selectors.beranda_items(user=operator) if "pembatasan" in i.judul
    ] == []


# --- Data-subject export ---------------------------------------------------------------------
def test_the_data_subject_export_holds_the_requests_and_the_processing_record(
    client, keluarga, admin, operator
):
    # given: the person is restricted (they keep the right to their own data)
    _catat(keluarga, operator)
    anggota = keluarga.pengurus
    client.force_login(admin)
    # when
    response = client.post(
        reverse("kpm:anggota-data-subjek", args=[anggota.pk]), {"alasan": "Permintaan pemohon"}
    )
    # then
    data = json.loads(response.content)
    assert [(r["jenis"], r["status"]) for r in data["permintaan_pembatasan"]] == [
        ("Pembatasan pemrosesan", "Menunggu keputusan")
    ]
    catatan = {r["data"]: r for r in data["catatan_pemrosesan"]}
    assert catatan["anggota"]["jumlah_baris"] == 1
    assert catatan["permintaan pembatasan"]["jumlah_baris"] == 1
    assert "Data kesehatan" in " ".join(catatan["anggota"]["data_spesifik"])
    assert "komitmen" not in catatan  # no rows about them there


# --- Query count -----------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 6])
def test_the_request_list_query_count_is_flat(
    n, client, kota_metro, admin, django_assert_num_queries
):
    for _ in range(n):
        _catat(keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"]), admin)
    client.force_login(admin)
    with django_assert_num_queries(6):  # the same for 1 and 6 rows: no query per request
        response = client.get(reverse("kpm:pembatasan-list"))
    assert response.context["page"].paginator.count == n
