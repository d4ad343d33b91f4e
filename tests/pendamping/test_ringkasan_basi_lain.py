"""Issue 21: the other writes the performance summary counts mark it out of date, so a
closed month's page shows them: a family's pendamping changed on its form (kpm, through
`hooks.RINGKASAN_BASI`), the office's admin edits and deletes of counted records, a PMKS
client handed to another worker, and assignment history completed."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin as django_admin
from django.test import RequestFactory
from django.urls import reverse

from dinsos.models import User
from kpm import services as kpm_services
from kpm.models import Keluarga
from pendamping import services
from pendamping.admin import KunjunganAdmin
from pendamping.models import KategoriPmks, KlienPmks, Kunjungan, Pendamping, RingkasanKinerja
from pendamping.periode import Periode
from pendamping.selectors import indikator
from tests.pendamping.conftest import buat_keluarga

pytestmark = pytest.mark.django_db
D = datetime.date
MARET = {"tahun": 2025, "bulan": 3}


def _i(client, profil: Pendamping):
    response = client.get(reverse("pendamping:pendamping-detail", args=[profil.pk]), MARET)
    assert response.status_code == 200
    return response.context["i"]


def _basi(profil: Pendamping) -> bool:
    return RingkasanKinerja.objects.get(pendamping=profil, tahun=2025, bulan=3).is_basi


def test_a_family_moved_on_its_form_shows_on_both_pages(
    client, admin: User, profil_a: Pendamping, profil_b: Pendamping, keluarga_a: Keluarga
):
    # given: March 2025 computed for both (the family was A's, with an assignment row)
    client.force_login(admin)
    assert (_i(client, profil_a).dilayani, _i(client, profil_b).dilayani) == (1, 0)
    # when: the family form gives it to B (no assignment row: B is credited from enrolment)
    kpm_services.keluarga_update(
        keluarga=keluarga_a, data={"pendamping": profil_b.user}, oleh=admin
    )
    # then: B's closed month was marked and shows it, as the live statement does
    assert _basi(profil_b)
    assert _i(client, profil_b).dilayani == 1
    (live,) = indikator.indikator_list(
        Pendamping.objects.filter(pk=profil_b.pk),
        periode=Periode(2025, 3),
        pengaturan=_i(client, profil_b).pengaturan,
    )
    assert live.dilayani == 1


def test_a_family_registered_with_a_pendamping_and_an_earlier_date_shows(
    client, admin: User, profil_a: Pendamping, kota_metro
):
    client.force_login(admin)
    assert _i(client, profil_a).dilayani == 0
    kpm_services.keluarga_create(
        no_kk="1872010101250001",
        kelurahan=kota_metro["Hadimulyo Barat"],
        tanggal_terdaftar=D(2025, 2, 1),
        dibuat_oleh=admin,
        pendamping=profil_a.user,
    )
    assert _i(client, profil_a).dilayani == 1


def _kunjungan(profil: Pendamping, keluarga: Keluarga) -> Kunjungan:
    assert profil.user is not None
    return services.kunjungan_catat(
        keluarga=keluarga,
        data={"tanggal": D(2025, 3, 10), "jenis": "kunjungan", "catatan": ""},
        oleh=profil.user,
    )


@pytest.mark.parametrize("satu_per_satu", [True, False])
def test_a_visit_deleted_in_the_admin_leaves_the_closed_month(
    satu_per_satu, client, admin: User, profil_a: Pendamping, keluarga_a: Keluarga
):
    # given: a visit in March 2025 on the computed page
    kunjungan = _kunjungan(profil_a, keluarga_a)
    client.force_login(admin)
    assert _i(client, profil_a).terjangkau == 1
    # when: the office deletes it in the admin (one, or the bulk action)
    model_admin = KunjunganAdmin(Kunjungan, django_admin.site)
    request = RequestFactory().post("/")
    request.user = admin
    if satu_per_satu:
        model_admin.delete_model(request, kunjungan)
    else:
        model_admin.delete_queryset(request, Kunjungan.objects.filter(pk=kunjungan.pk))
    # then
    assert _basi(profil_a)
    assert _i(client, profil_a).terjangkau == 0


def test_a_visit_redated_in_the_admin_leaves_the_closed_month(
    client, admin: User, profil_a: Pendamping, keluarga_a: Keluarga
):
    kunjungan = _kunjungan(profil_a, keluarga_a)
    client.force_login(admin)
    assert _i(client, profil_a).terjangkau == 1
    # when: the admin's form saves it with another date (April)
    model_admin = KunjunganAdmin(Kunjungan, django_admin.site)
    request = RequestFactory().post("/")
    request.user = admin
    kunjungan.tanggal = D(2025, 4, 2)
    model_admin.save_model(request, kunjungan, form=None, change=True)
    # then: March no longer has it
    assert _i(client, profil_a).terjangkau == 0


def test_a_client_handed_to_another_worker_moves_in_past_months(
    client, admin: User, profil_a: Pendamping, profil_b: Pendamping, kota_metro
):
    # given: a client registered in February 2025 with A, March computed for both
    data = {
        "nama": "Ani Jalanan",
        "jenis_kelamin": "P",
        "kelurahan": kota_metro["Hadimulyo Barat"],
        "kategori": KategoriPmks.objects.get(kode="anak_jalanan"),
        "pendamping": profil_a,
    }
    klien = services.klien_create(data=data, oleh=admin)
    KlienPmks.objects.filter(pk=klien.pk).update(
        created_at=datetime.datetime(2025, 2, 3, 9, tzinfo=datetime.UTC)
    )
    klien.refresh_from_db()
    client.force_login(admin)
    assert (_i(client, profil_a).klien_dilayani, _i(client, profil_b).klien_dilayani) == (1, 0)
    # when
    services.klien_update(klien=klien, data={**data, "pendamping": profil_b}, oleh=admin)
    # then
    assert (_i(client, profil_a).klien_dilayani, _i(client, profil_b).klien_dilayani) == (0, 1)


def test_completing_the_assignment_history_marks_the_summary(
    client, admin: User, profil_a: Pendamping, kota_metro
):
    # given: a family set to A without an assignment row (as an import does), March computed
    (keluarga,) = buat_keluarga(kota_metro["Hadimulyo Barat"])
    Keluarga.objects.filter(pk=keluarga.pk).update(
        pendamping=profil_a.user, tanggal_terdaftar=D(2025, 1, 5)
    )
    client.force_login(admin)
    assert _i(client, profil_a).dilayani == 1
    # when
    assert services.penugasan_lengkapi(mulai=D(2025, 6, 1), oleh=admin) == 1
    # then: the row is computed again and agrees with the live statement
    assert _basi(profil_a)
    sekarang = _i(client, profil_a)
    (live,) = indikator.indikator_list(
        Pendamping.objects.filter(pk=profil_a.pk),
        periode=Periode(2025, 3),
        pengaturan=sekarang.pengaturan,
    )
    assert sekarang.dilayani == live.dilayani
