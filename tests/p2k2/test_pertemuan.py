"""Meeting details, the geotagged photo, and the curriculum admin."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from p2k2.models import Pertemuan, Sesi
from tests.factories import foto_bytes
from tests.p2k2.conftest import sesi

pytestmark = pytest.mark.django_db

JPEG = foto_bytes("JPEG")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form(pertemuan, **extra):
    return {
        "materi": str(pertemuan.sesi_id),
        "tanggal": "2025-03-10",
        "jam_mulai": "09:00",
        "jam_selesai": "10:30",
        "tempat": "Rumah Bu Siti",
        "narasumber_1": "Sri Lestari (Pendamping PKH)",
        "deskripsi": "Pertemuan rutin.",
        **extra,
    }


def test_photo_is_stored_with_its_location_and_served_only_in_scope(
    client, pertemuan_a, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    foto = SimpleUploadedFile("kegiatan.jpg", JPEG, content_type="image/jpeg")
    # when
    response = client.post(
        reverse("p2k2:pertemuan-update", args=[pertemuan_a.pk]),
        _form(pertemuan_a, foto=foto, foto_lat="-5.113250", foto_lng="105.306800"),
    )
    # then
    assert response.status_code == 302
    pertemuan_a.refresh_from_db()
    assert (str(pertemuan_a.foto_lat), str(pertemuan_a.foto_lng)) == ("-5.113250", "105.306800")
    assert pertemuan_a.foto.name == f"p2k2/foto/{pertemuan_a.client_id}.jpg"
    served = client.get(reverse("p2k2:pertemuan-foto", args=[pertemuan_a.pk]))
    assert (served["Content-Type"], b"".join(served.streaming_content)[:3]) == (
        "image/jpeg",
        b"\xff\xd8\xff",
    )  # re-encoded by dinsos.uploads, so not byte-equal to the upload
    client.force_login(pendamping_iringmulyo)
    assert client.get(reverse("p2k2:pertemuan-foto", args=[pertemuan_a.pk])).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused(client, pertemuan_a, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    palsu = SimpleUploadedFile("kegiatan.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    response = client.post(
        reverse("p2k2:pertemuan-update", args=[pertemuan_a.pk]), _form(pertemuan_a, foto=palsu)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["foto"] == ["Berkas ini bukan foto JPG, PNG atau WEBP."]
    pertemuan_a.refresh_from_db()
    assert not pertemuan_a.foto


def test_editing_a_meeting_keeps_the_photo_when_none_is_chosen(
    client, pertemuan_a, pendamping_hadimulyo
):
    # given: a meeting with a photo
    client.force_login(pendamping_hadimulyo)
    foto = SimpleUploadedFile("kegiatan.jpg", JPEG, content_type="image/jpeg")
    url = reverse("p2k2:pertemuan-update", args=[pertemuan_a.pk])
    client.post(url, _form(pertemuan_a, foto=foto, foto_lat="-5.1", foto_lng="105.3"))
    # when: the session is changed, no new photo
    stunting = sesi("Pencegahan dan Penanganan Stunting", 2)
    client.post(url, {**_form(pertemuan_a), "materi": str(stunting.pk)})
    # then
    pertemuan_a.refresh_from_db()
    assert (pertemuan_a.sesi, bool(pertemuan_a.foto), str(pertemuan_a.foto_lat)) == (
        stunting,
        True,
        "-5.100000",
    )


def test_jam_selesai_must_follow_jam_mulai(client, pertemuan_a, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    response = client.post(
        reverse("p2k2:pertemuan-update", args=[pertemuan_a.pk]),
        _form(pertemuan_a, jam_mulai="10:00", jam_selesai="09:00"),
    )
    assert response.context["form"].errors["jam_selesai"] == [
        "Jam selesai harus sesudah jam mulai."
    ]
    assert Pertemuan.objects.get(pk=pertemuan_a.pk).jam_mulai == datetime.time(9, 0)


def test_admin_edits_the_curriculum(client, admin, kurikulum):
    # given
    client.force_login(admin)
    modul = kurikulum["Perlindungan Anak"]
    sesi_rows = list(modul.sesi.order_by("urutan"))
    # when: a third session is added in the module page
    data = {
        "nama": modul.nama,
        "urutan": modul.urutan,
        "is_aktif": "on",
        "sesi-TOTAL_FORMS": "3",
        "sesi-INITIAL_FORMS": "2",
        "sesi-0-id": sesi_rows[0].pk,
        "sesi-0-urutan": 1,
        "sesi-0-judul": sesi_rows[0].judul,
        "sesi-1-id": sesi_rows[1].pk,
        "sesi-1-urutan": 2,
        "sesi-1-judul": sesi_rows[1].judul,
        "sesi-2-urutan": 3,
        "sesi-2-judul": "Anak dan dunia digital",
    }
    response = client.post(reverse("admin:p2k2_modul_change", args=[modul.pk]), data)
    # then
    assert response.status_code == 302
    assert list(modul.sesi.order_by("urutan").values_list("judul", flat=True))[-1] == (
        "Anak dan dunia digital"
    )
    for name in ("kehadiran", "konflikkehadiran", "kiriman"):
        assert client.get(reverse(f"admin:p2k2_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:p2k2_{name}_add")).status_code == 403
    assert Sesi.objects.count() == 30
