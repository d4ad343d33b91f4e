"""Assigning and moving families: set-based, with history, all-or-nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dinsos.errors import DomainError
from dinsos.models import AuditEvent, Pengaturan, User
from kpm.models import Keluarga
from pendamping import services
from pendamping.models import Penugasan
from tests.conftest import make_user
from tests.pendamping.conftest import buat_keluarga, buat_profil, snapshot, tugaskan

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def cici(kota_metro):
    user = make_user("pendamping_c", User.Role.PENDAMPING, kota_metro["Hadimulyo Barat"])
    return buat_profil(user, nama="Cici")


def _riwayat(keluarga: Keluarga) -> list[tuple[str, datetime.date, datetime.date | None]]:
    rows = Penugasan.objects.filter(keluarga=keluarga).order_by("mulai", "pk")
    return [(p.pendamping.username, p.mulai, p.selesai) for p in rows]


def test_moving_families_keeps_who_had_them_when(kota_metro, admin, profil_a, cici):
    # given: three families with Ani since January
    keluarga = buat_keluarga(kota_metro["Hadimulyo Barat"], 3)
    tugaskan(keluarga, profil_a.user, admin, D(2025, 1, 1))
    # when: all three move to Cici in March
    hasil = services.keluarga_tugaskan(
        keluarga_ids=[k.pk for k in keluarga], ke=cici.user, oleh=admin, tanggal_mulai=D(2025, 3, 1)
    )
    # then
    assert (hasil.dipindahkan, hasil.sudah_di_tujuan, hasil.jumlah_baru, hasil.batas) == (
        3,
        0,
        3,
        350,
    )
    for k in keluarga:
        assert _riwayat(k) == [
            ("pendamping_a", D(2025, 1, 1), D(2025, 3, 1)),
            ("pendamping_c", D(2025, 3, 1), None),
        ]
    assert set(Keluarga.objects.values_list("pendamping__username", flat=True)) == {"pendamping_c"}
    event = AuditEvent.objects.filter(action="update", object_type="kpm.keluarga").latest("pk")
    assert (event.username, event.jumlah) == ("admin", 3)
    assert event.reason == "Penugasan ke pendamping pendamping_c mulai 2025-03-01"


def test_families_already_with_the_target_are_left_alone(kota_metro, admin, profil_a):
    keluarga = buat_keluarga(kota_metro["Hadimulyo Barat"], 2)
    tugaskan(keluarga, profil_a.user, admin, D(2025, 1, 1))
    hasil = services.keluarga_tugaskan(
        keluarga_ids=[k.pk for k in keluarga], ke=profil_a.user, oleh=admin
    )
    assert (hasil.dipindahkan, hasil.sudah_di_tujuan) == (0, 2)
    assert _riwayat(keluarga[0]) == [("pendamping_a", D(2025, 1, 1), None)]


def test_target_outside_area_refuses_and_changes_nothing(kota_metro, admin, profil_a, profil_b):
    # given: two families of Ani in Hadimulyo Barat, one unassigned in Iring Mulyo
    keluarga = buat_keluarga(kota_metro["Hadimulyo Barat"], 2)
    tugaskan(keluarga, profil_a.user, admin, D(2025, 1, 1))
    (iring,) = buat_keluarga(kota_metro["Iring Mulyo"], 1)
    before = snapshot()
    # when: all three go to Budi, whose area is Iring Mulyo only
    with pytest.raises(DomainError) as error:
        services.keluarga_tugaskan(
            keluarga_ids=[iring.pk, *(k.pk for k in keluarga)], ke=profil_b.user, oleh=admin
        )
    # then
    assert error.value.message == (
        "2 keluarga berada di luar wilayah tugas Budi Pendamping (kelurahan Hadimulyo Barat). "
        "Tambahkan wilayah tugasnya dulu atau pilih pendamping lain."
    )
    assert snapshot() == before


def test_ceiling_refuses_with_the_numbers(kota_metro, admin, profil_a, cici):
    # given: a ceiling of 4, Cici already has 2 families, 3 more are picked
    Pengaturan.objects.create(
        kunci="pendamping_batas_keluarga", nilai=4, berlaku_mulai=D(2024, 1, 1)
    )
    hadimulyo = kota_metro["Hadimulyo Barat"]
    tugaskan(buat_keluarga(hadimulyo, 2), cici.user, admin, D(2025, 1, 1))
    pilihan = buat_keluarga(hadimulyo, 3)
    tugaskan(pilihan, profil_a.user, admin, D(2025, 1, 1))
    before = snapshot()
    # when
    with pytest.raises(DomainError) as error:
        services.keluarga_tugaskan(keluarga_ids=[k.pk for k in pilihan], ke=cici.user, oleh=admin)
    # then
    assert error.value.message == (
        "Cici sudah mendampingi 2 keluarga; menambah 3 menjadi 5, melebihi batas 4 keluarga "
        "per pendamping. Kurangi pilihan atau pilih pendamping lain."
    )
    assert snapshot() == before


def test_hard_to_reach_areas_use_the_lower_ceiling(kota_metro, admin):
    # given: the hard-area ceiling is 1
    Pengaturan.objects.create(
        kunci="pendamping_batas_keluarga_sulit", nilai=1, berlaku_mulai=D(2024, 1, 1)
    )
    user = make_user("pendamping_s", User.Role.PENDAMPING, kota_metro["Imopuro"])
    buat_profil(user, nama="Sari", is_wilayah_sulit=True)
    keluarga = buat_keluarga(kota_metro["Imopuro"], 2)
    # when / then
    with pytest.raises(DomainError, match="menambah 2 menjadi 2, melebihi batas 1 keluarga"):
        services.keluarga_tugaskan(keluarga_ids=[k.pk for k in keluarga], ke=user, oleh=admin)


def test_backdating_before_the_current_assignment_is_refused(kota_metro, admin, profil_a, cici):
    keluarga = buat_keluarga(kota_metro["Hadimulyo Barat"], 1)
    tugaskan(keluarga, profil_a.user, admin, D(2025, 3, 1))
    before = snapshot()
    with pytest.raises(DomainError) as error:
        tugaskan(keluarga, cici.user, admin, D(2025, 2, 1))
    assert error.value.message == (
        "Sebagian keluarga baru ditugaskan pada 1 Maret 2025; tanggal mulai penugasan baru "
        "tidak boleh lebih awal dari itu."
    )
    assert snapshot() == before


def test_moving_300_families_takes_as_many_queries_as_moving_3(kota_metro, admin, profil_a, cici):
    # given
    hadimulyo = kota_metro["Hadimulyo Barat"]
    sedikit, banyak = buat_keluarga(hadimulyo, 3), buat_keluarga(hadimulyo, 300)
    counts = []
    # when
    for group in (sedikit, banyak):
        with CaptureQueriesContext(connection) as ctx:
            services.keluarga_tugaskan(keluarga_ids=[k.pk for k in group], ke=cici.user, oleh=admin)
        counts.append(len(ctx.captured_queries))
    # then
    assert counts[0] == counts[1]
    assert Keluarga.objects.filter(pendamping=cici.user).count() == 303
    assert Penugasan.objects.filter(pendamping=cici.user, selesai__isnull=True).count() == 303


def test_bulk_assignment_page_moves_a_whole_kelurahan(
    client, kota_metro, koordinator_metro_pusat, admin, profil_a, cici
):
    # given: 4 families of Ani in Hadimulyo Barat, 1 in Imopuro
    hadimulyo = kota_metro["Hadimulyo Barat"]
    keluarga = buat_keluarga(hadimulyo, 4)
    tugaskan(keluarga, profil_a.user, admin, D(2025, 1, 1))
    client.force_login(koordinator_metro_pusat)
    url = reverse("pendamping:penugasan") + f"?dari={profil_a.user.pk}&kelurahan={hadimulyo.pk}"
    # when
    response = client.post(
        url, {"ke": cici.pk, "tanggal_mulai": "2025-06-02", "cakupan": "semua"}, follow=True
    )
    # then
    assert [str(m) for m in response.context["messages"]] == [
        "4 keluarga ditugaskan ke Cici; kini mendampingi 4 dari batas 350 keluarga."
    ]
    assert Keluarga.objects.filter(pendamping=cici.user).count() == 4
    assert _riwayat(keluarga[0]) == [
        ("pendamping_a", D(2025, 1, 1), D(2025, 6, 2)),
        ("pendamping_c", D(2025, 6, 2), None),
    ]


def test_bulk_assignment_page_moves_only_the_ticked_families(
    client, kota_metro, operator, admin, profil_a, cici
):
    keluarga = buat_keluarga(kota_metro["Hadimulyo Barat"], 3)
    tugaskan(keluarga, profil_a.user, admin, D(2025, 1, 1))
    client.force_login(operator)
    url = reverse("pendamping:penugasan") + f"?dari={profil_a.user.pk}"
    client.post(
        url,
        {
            "ke": cici.pk,
            "tanggal_mulai": "2025-06-02",
            "cakupan": "terpilih",
            "keluarga": [keluarga[0].pk, keluarga[2].pk],
        },
    )
    moved = set(Keluarga.objects.filter(pendamping=cici.user).values_list("pk", flat=True))
    assert moved == {keluarga[0].pk, keluarga[2].pk}


def test_bulk_assignment_page_shows_the_refusal(
    client, kota_metro, operator, admin, profil_a, profil_b
):
    keluarga = buat_keluarga(kota_metro["Hadimulyo Barat"], 2)
    tugaskan(keluarga, profil_a.user, admin, D(2025, 1, 1))
    client.force_login(operator)
    before = snapshot()
    url = reverse("pendamping:penugasan") + f"?dari={profil_a.user.pk}"
    response = client.post(
        url, {"ke": profil_b.pk, "tanggal_mulai": "2025-06-02", "cakupan": "semua"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ke"] == [
        "2 keluarga berada di luar wilayah tugas Budi Pendamping (kelurahan Hadimulyo Barat). "
        "Tambahkan wilayah tugasnya dulu atau pilih pendamping lain."
    ]
    assert snapshot() == before


def test_families_assigned_without_history_get_an_opening_row_once(kota_metro, admin, profil_a):
    # given: two families given to Ani on the family form (no history), one registered later
    hadimulyo = kota_metro["Hadimulyo Barat"]
    lama, baru = buat_keluarga(hadimulyo, 2)
    Keluarga.objects.filter(pk=lama.pk).update(pendamping=profil_a.user)
    Keluarga.objects.filter(pk=baru.pk).update(
        pendamping=profil_a.user, tanggal_terdaftar=D(2025, 4, 1)
    )
    # when: run twice
    first = services.penugasan_lengkapi(mulai=D(2025, 1, 1), oleh=admin)
    second = services.penugasan_lengkapi(mulai=D(2025, 1, 1), oleh=admin)
    # then
    assert (first, second) == (2, 0)
    assert _riwayat(lama) == [("pendamping_a", D(2025, 1, 1), None)]
    assert _riwayat(baru) == [("pendamping_a", D(2025, 4, 1), None)]
