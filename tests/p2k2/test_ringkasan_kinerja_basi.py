"""Issue 21: P2K2 attendance and held meetings mark the pendamping performance summary out
of date, so a meeting of last month synced from a phone days later shows on last month's
performance page (a closed month's row is otherwise never computed again)."""

from __future__ import annotations

import datetime
import json
import uuid
from types import SimpleNamespace

import pytest
from django.contrib import admin as django_admin
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dinsos.models import User
from dinsos.pengaturan import today
from p2k2 import services
from p2k2.admin import KelompokAdmin, PertemuanAdmin
from p2k2.models import Kehadiran, Kelompok, KonflikKehadiran, Pertemuan
from pendamping import services as pendamping_services
from pendamping.models import Pendamping, RingkasanKinerja
from pendamping.periode import Periode
from pendamping.selectors.kinerja import Indikator
from tests.p2k2.conftest import buat_kelompok, buat_keluarga, buat_pertemuan, catat, sesi
from tests.pendamping.conftest import buat_profil

pytestmark = pytest.mark.django_db


def _bulan_lalu() -> datetime.date:
    """The 10th of last month: a closed month, whatever day the tests run."""
    awal_bulan_ini = today().replace(day=1)
    return (awal_bulan_ini - datetime.timedelta(days=1)).replace(day=10)


@pytest.fixture
def profil(pendamping_hadimulyo: User) -> Pendamping:
    return buat_profil(pendamping_hadimulyo, mulai=datetime.date(2024, 1, 1))


@pytest.fixture
def keluarga(kota_metro, pendamping_hadimulyo):
    return buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 3, "Siti")


@pytest.fixture
def kelompok(kurikulum, kota_metro, pendamping_hadimulyo, keluarga):
    return buat_kelompok(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], keluarga)


def _kinerja(client, profil: Pendamping, hari: datetime.date) -> tuple[Indikator, int]:
    """The performance page of the month of `hari`: its figures and the queries it ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(
            reverse("pendamping:pendamping-detail", args=[profil.pk]),
            {"tahun": hari.year, "bulan": hari.month},
        )
    assert response.status_code == 200
    return response.context["i"], len(ctx.captured_queries)


def _angka(i: Indikator) -> tuple[int, int]:
    """Families reached (P2K2 attendance counts as a contact) and RHK 2 meetings held."""
    return i.terjangkau, i.rhk_luar["p2k2"]


def _baris(profil: Pendamping, hari: datetime.date, bulan: int | None = None) -> RingkasanKinerja:
    return RingkasanKinerja.objects.get(
        pendamping=profil, tahun=hari.year, bulan=hari.month if bulan is None else bulan
    )


def test_a_meeting_of_last_month_synced_days_later_shows_on_last_months_page(
    client, admin, profil, kelompok, keluarga, pendamping_hadimulyo
):
    # given: last month's page was viewed, its summary computed (no meeting yet) and fresh
    hari = _bulan_lalu()
    client.force_login(admin)
    sebelum, _ = _kinerja(client, profil, hari)
    assert _angka(sebelum) == (0, 0)
    _, kueri_segar = _kinerja(client, profil, hari)  # read from the stored row
    # when: the phone that held the meeting offline last month syncs it today
    hp = Client()
    hp.force_login(pendamping_hadimulyo)
    body = {
        "kiriman_id": str(uuid.uuid4()),
        "perangkat": str(uuid.uuid4()),
        "pertemuan": {
            "client_id": str(uuid.uuid4()),
            "materi": str(sesi("Kesehatan dan Gizi", 1).pk),
            "tanggal": hari.isoformat(),
            "jam_mulai": "09:00",
            "jam_selesai": "10:30",
            "tempat": "Rumah ketua kelompok",
            "deskripsi": "",
        },
        "kehadiran": [
            {"keluarga_id": k.pk, "status": "hadir", "pemahaman": "", "versi": 0} for k in keluarga
        ],
    }
    response = hp.post(
        reverse("p2k2:kehadiran-sinkron", args=[kelompok.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 200
    # then: the month and the year rows were marked in the sync's transaction
    assert _baris(profil, hari).is_basi
    # and the page shows the meeting and the families it reached
    client.force_login(admin)
    sesudah, _ = _kinerja(client, profil, hari)
    assert _angka(sesudah) == (3, 1)
    assert not _baris(profil, hari).is_basi
    # and a fresh read costs what it cost before the write
    _, kueri = _kinerja(client, profil, hari)
    assert kueri == kueri_segar


def test_attendance_changed_later_on_a_meeting_of_last_month_shows(
    client, admin, profil, kelompok, keluarga
):
    # given: a meeting held last month with everyone absent, its month's summary computed
    hari = _bulan_lalu()
    pertemuan = buat_pertemuan(kelompok, tanggal=hari)
    catat(pertemuan, dict.fromkeys(keluarga, "alfa"))
    client.force_login(admin)
    assert _angka(_kinerja(client, profil, hari)[0]) == (0, 1)
    pendamping_services.ringkasan_kinerja_segarkan(
        pendamping_ids=[profil.pk], periodes=[Periode(hari.year)]
    )
    # when: the attendance is corrected on the meeting's page (two were there after all)
    services.kehadiran_submit(
        pertemuan=pertemuan,
        kiriman_id=uuid.uuid4(),
        tanda=[services.Tanda(k.pk, "hadir", "", 1) for k in keluarga[:2]],
        oleh=kelompok.pendamping,
    )
    # then
    assert _angka(_kinerja(client, profil, hari)[0]) == (2, 1)
    # and the year's page too (the same write marks the month and its year)
    response = client.get(
        reverse("pendamping:pendamping-detail", args=[profil.pk]), {"tahun": hari.year}
    )
    assert response.context["i"].terjangkau == 2


def test_a_resolved_conflict_of_last_month_shows(client, admin, profil, kelompok, keluarga):
    # given: a meeting of last month, one family's mark held by the server as alfa and a
    # phone's "hadir" kept as a conflict; the month's summary computed
    hari = _bulan_lalu()
    pertemuan = buat_pertemuan(kelompok, tanggal=hari)
    siti = keluarga[0]
    catat(pertemuan, {siti: "alfa"})
    services.kehadiran_submit(
        pertemuan=pertemuan,
        kiriman_id=uuid.uuid4(),
        tanda=[services.Tanda(siti.pk, "izin", "", 1)],
        oleh=kelompok.pendamping,
    )
    services.kehadiran_submit(
        pertemuan=pertemuan,
        kiriman_id=uuid.uuid4(),
        tanda=[services.Tanda(siti.pk, "hadir", "", 1)],
        oleh=kelompok.pendamping,
    )
    konflik = KonflikKehadiran.objects.get()
    client.force_login(admin)
    assert _angka(_kinerja(client, profil, hari)[0]) == (0, 1)
    # when: the pendamping keeps the phone's mark
    services.konflik_resolve(
        konflik=konflik, pilihan=KonflikKehadiran.Pilihan.KIRIMAN, oleh=kelompok.pendamping
    )
    # then
    assert Kehadiran.objects.get(keluarga=siti).status == "hadir"
    assert _angka(_kinerja(client, profil, hari)[0]) == (1, 1)


def test_a_held_meeting_moved_to_another_month_leaves_the_old_one(
    client, admin, profil, kelompok, keluarga
):
    # given: a meeting held last month, and both months' summaries computed
    hari = _bulan_lalu()
    pertemuan = buat_pertemuan(kelompok, tanggal=hari)
    catat(pertemuan, dict.fromkeys(keluarga, "hadir"))
    client.force_login(admin)
    assert _angka(_kinerja(client, profil, hari)[0]) == (3, 1)
    baru = hari - datetime.timedelta(days=31)
    assert _angka(_kinerja(client, profil, baru)[0]) == (0, 0)
    # when: its date is corrected to the month before
    services.pertemuan_update(
        pertemuan=pertemuan, data={"sesi": pertemuan.sesi, "tanggal": baru}, oleh=admin
    )
    # then: it left the old month and entered the new one
    assert _angka(_kinerja(client, profil, hari)[0]) == (0, 0)
    assert _angka(_kinerja(client, profil, baru)[0]) == (3, 1)
    assert Pertemuan.objects.get().tanggal == baru


def test_marking_is_one_statement_whatever_the_group_size(
    kurikulum, kota_metro, pendamping_hadimulyo, profil
):
    # given: two groups of different sizes with summaries of last month computed
    hari = _bulan_lalu()
    hasil = []
    for n, nama in ((3, "Melati"), (25, "Mawar")):
        keluarga = buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], n, nama)
        kelompok = buat_kelompok(
            pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], keluarga, nama=nama
        )
        pertemuan = buat_pertemuan(kelompok, tanggal=hari)
        pendamping_services.ringkasan_kinerja_segarkan(
            pendamping_ids=[profil.pk],
            periodes=[Periode(hari.year, hari.month), Periode(hari.year)],
        )
        # when
        with CaptureQueriesContext(connection) as ctx:
            services.kinerja_basi(pertemuan=pertemuan, keluarga_ids=[k.pk for k in keluarga])
        # then
        hasil.append(len(ctx.captured_queries))
        assert _baris(profil, hari).is_basi
        assert _baris(profil, hari, bulan=0).is_basi
    assert hasil == [1, 1]


def _permintaan(user: User):
    request = RequestFactory().post("/")
    request.user = user
    return request


def test_a_meeting_of_last_month_deleted_in_the_admin_leaves_the_page(
    client, admin, profil, kelompok, keluarga
):
    # given: a meeting held last month on the computed page
    hari = _bulan_lalu()
    pertemuan = buat_pertemuan(kelompok, tanggal=hari)
    catat(pertemuan, dict.fromkeys(keluarga, "hadir"))
    client.force_login(admin)
    assert _angka(_kinerja(client, profil, hari)[0]) == (3, 1)
    # when
    PertemuanAdmin(Pertemuan, django_admin.site).delete_model(_permintaan(admin), pertemuan)
    # then
    assert _angka(_kinerja(client, profil, hari)[0]) == (0, 0)


def test_a_group_handed_to_another_pendamping_in_the_admin_moves_its_meetings(
    client, admin, profil, kelompok, keluarga, pendamping_iringmulyo
):
    # given: a meeting held last month by A's group; both pages computed
    hari = _bulan_lalu()
    profil_b = buat_profil(pendamping_iringmulyo, mulai=datetime.date(2024, 1, 1))
    catat(buat_pertemuan(kelompok, tanggal=hari), dict.fromkeys(keluarga, "hadir"))
    client.force_login(admin)
    assert _kinerja(client, profil, hari)[0].rhk_luar["p2k2"] == 1
    assert _kinerja(client, profil_b, hari)[0].rhk_luar["p2k2"] == 0
    # when: the office gives the group to B in the admin
    form = SimpleNamespace(changed_data=["pendamping"], initial={"pendamping": profil.user_id})
    kelompok.pendamping = pendamping_iringmulyo
    KelompokAdmin(Kelompok, django_admin.site).save_model(
        _permintaan(admin), kelompok, form, change=True
    )
    # then: RHK 2 moved
    assert _kinerja(client, profil, hari)[0].rhk_luar["p2k2"] == 0
    assert _kinerja(client, profil_b, hari)[0].rhk_luar["p2k2"] == 1
