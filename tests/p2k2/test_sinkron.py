"""The JSON sync endpoint the phone screen posts to: CSRF, login, scope, idempotency."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from dinsos.models import AuditEvent
from p2k2.models import Kehadiran, Kiriman, KonflikKehadiran, Pertemuan
from tests.factories import keluarga_with_pengurus
from tests.p2k2.conftest import buat_kelompok, buat_keluarga, sesi

pytestmark = pytest.mark.django_db


def _body(keluarga, pertemuan_client_id, status="hadir", kiriman_id=None, **pertemuan):
    return {
        "kiriman_id": str(kiriman_id or uuid.uuid4()),
        "perangkat": str(uuid.uuid4()),
        "pertemuan": {"client_id": str(pertemuan_client_id), **pertemuan},
        "kehadiran": [
            {"keluarga_id": k.pk, "status": status, "pemahaman": "", "versi": 0} for k in keluarga
        ],
    }


def _post(client, kelompok, body, **headers):
    return client.post(
        reverse("p2k2:kehadiran-sinkron", args=[kelompok.pk]),
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_csrf_is_enforced_on_the_sync_endpoint(
    kelompok_a, pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    # given: a browser-like client that checks CSRF
    client = Client(enforce_csrf_checks=True)
    client.force_login(pendamping_hadimulyo)
    page = client.get(reverse("p2k2:kehadiran", args=[pertemuan_a.pk]))
    token = page.cookies["csrftoken"].value
    body = _body(keluarga_a, pertemuan_a.client_id)
    # when: without the token, then with it (as kehadiran.js sends it)
    refused = _post(client, kelompok_a, body)
    accepted = _post(client, kelompok_a, body, HTTP_X_CSRFTOKEN=token)
    # then
    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert Kehadiran.objects.count() == 5


def test_anonymous_sync_is_sent_to_login_and_writes_nothing(kelompok_a, pertemuan_a, keluarga_a):
    response = _post(Client(), kelompok_a, _body(keluarga_a, pertemuan_a.client_id))
    assert response.status_code == 302
    assert Kehadiran.objects.count() == 0


def test_retry_of_the_same_submission_returns_the_same_answer(
    client, kelompok_a, pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    body = _body(keluarga_a, pertemuan_a.client_id)
    # when: sent three times (a lost answer, then a double tap)
    answers = [_post(client, kelompok_a, body).json() for _ in range(3)]
    # then
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["pesan"] == "5 keluarga tersimpan."
    assert answers[0]["url"] == reverse("p2k2:pertemuan-detail", args=[pertemuan_a.pk])
    assert Kehadiran.objects.count() == 5
    assert Kiriman.objects.count() == 1


def test_a_meeting_made_offline_is_created_once_with_its_attendance(
    client, kelompok_a, keluarga_a, pendamping_hadimulyo
):
    # given: the phone made the meeting and its attendance without signal
    client.force_login(pendamping_hadimulyo)
    client_id = uuid.uuid4()
    body = _body(
        keluarga_a,
        client_id,
        materi=str(sesi("Pencegahan dan Penanganan Stunting", 3).pk),
        tanggal="2025-05-06",
        jam_mulai="09:00",
        jam_selesai="10:30",
        tempat="Rumah Bu Siti",
        deskripsi="",
    )
    # when: sent, and sent again with a new submission id (the answer was lost)
    first = _post(client, kelompok_a, body)
    again = _post(client, kelompok_a, {**body, "kiriman_id": str(uuid.uuid4())})
    # then
    assert (first.status_code, again.status_code) == (200, 200)
    pertemuan = Pertemuan.objects.get()
    assert pertemuan.client_id == client_id
    assert (pertemuan.judul, str(pertemuan.tanggal), pertemuan.tempat) == (
        "Mendukung ibu hamil mengakses informasi yang tepat",
        "2025-05-06",
        "Rumah Bu Siti",
    )
    assert pertemuan.status == Pertemuan.Status.TERLAKSANA
    assert again.json()["jumlah"] == {"disimpan": 0, "sama": 5, "konflik": 0}
    assert Kehadiran.objects.count() == 5


def test_an_offline_meeting_without_materi_is_refused_in_indonesian(
    client, kelompok_a, keluarga_a, pendamping_hadimulyo
):
    client.force_login(pendamping_hadimulyo)
    response = _post(client, kelompok_a, _body(keluarga_a, uuid.uuid4(), tanggal="2025-05-06"))
    assert response.status_code == 400
    assert (
        response.json()["error"]
        == "Data pertemuan belum benar — Materi: Bidang ini tidak boleh kosong."
    )
    assert Pertemuan.objects.count() == 0


def test_families_outside_the_group_are_rejected_with_a_message(
    client, kelompok_a, pertemuan_a, keluarga_a, kota_metro, pendamping_hadimulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    lain = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    # when
    response = _post(client, kelompok_a, _body([*keluarga_a, lain], pertemuan_a.client_id))
    # then
    assert response.status_code == 400
    assert response.json() == {
        "error": "1 keluarga bukan anggota kelompok ini pada tanggal pertemuan; "
        "muat ulang halaman untuk melihat daftar anggota terbaru."
    }
    assert Kehadiran.objects.count() == 0


def test_malformed_rows_are_refused_before_anything_is_read(
    client, kelompok_a, pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    client.force_login(pendamping_hadimulyo)
    body = _body(keluarga_a, pertemuan_a.client_id)
    body["kehadiran"][1]["status"] = "telat"
    response = _post(client, kelompok_a, body)
    assert response.json() == {
        "error": "Baris kehadiran ke-2: status harus hadir, izin, sakit atau alfa."
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("koordinator_metro_pusat", 403), ("pendamping_iringmulyo", 404)],
)
def test_another_role_or_pendamping_cannot_record_attendance(
    client, request, kelompok_a, pertemuan_a, keluarga_a, persona, expected
):
    # given
    client.force_login(request.getfixturevalue(persona))
    # when
    response = _post(client, kelompok_a, _body(keluarga_a, pertemuan_a.client_id))
    # then: nothing written, nothing recorded
    assert response.status_code == expected
    assert Kehadiran.objects.count() == 0
    assert Kiriman.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    pertemuan_a.refresh_from_db()
    assert pertemuan_a.status == Pertemuan.Status.DIRENCANAKAN


def test_a_pendamping_cannot_use_another_groups_meeting_id(
    client, pertemuan_a, keluarga_a, kota_metro, pendamping_iringmulyo
):
    # given: pendamping B's own group, and A's meeting client id
    milik_b = buat_keluarga(pendamping_iringmulyo, kota_metro["Iring Mulyo"], 2)
    kelompok_b = buat_kelompok(pendamping_iringmulyo, kota_metro["Iring Mulyo"], milik_b, "Anggrek")
    client.force_login(pendamping_iringmulyo)
    # when
    response = _post(client, kelompok_b, _body(milik_b, pertemuan_a.client_id))
    # then
    assert response.json() == {"error": "Pertemuan ini milik kelompok lain."}
    assert Kehadiran.objects.count() == 0


def test_two_devices_conflict_through_the_endpoint(
    client, kelompok_a, pertemuan_a, keluarga_a, pendamping_hadimulyo, operator
):
    # given
    client.force_login(pendamping_hadimulyo)
    _post(client, kelompok_a, _body(keluarga_a[:1], pertemuan_a.client_id, status="alfa"))
    client.force_login(operator)
    # when
    answer = _post(client, kelompok_a, _body(keluarga_a[:1], pertemuan_a.client_id, status="sakit"))
    # then
    [row] = answer.json()["hasil"]
    assert (row["hasil"], row["status"], row["kiriman_status"]) == ("konflik", "alfa", "sakit")
    assert KonflikKehadiran.objects.filter(diselesaikan_at__isnull=True).count() == 1
