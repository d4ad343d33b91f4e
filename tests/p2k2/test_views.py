"""Who may open and change which P2K2 page; denied requests change and record nothing."""

import datetime
import re

import pytest
from django.urls import reverse

from dinsos.models import AuditEvent, Pengaturan, User
from p2k2.models import Keanggotaan, Kehadiran, Kelompok, KonflikKehadiran, Pertemuan
from tests.conftest import make_user
from tests.factories import keluarga_with_pengurus
from tests.p2k2.conftest import buat_kelompok, catat, sesi

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "operator",
    "koordinator_metro_pusat",
    "pendamping_hadimulyo",
    "pendamping_iringmulyo",
]


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("p2k2:kelompok-detail", [200, 200, 200, 200, 404]),
        ("p2k2:kelompok-update", [200, 200, 403, 200, 404]),
        ("p2k2:pertemuan-create", [200, 200, 403, 200, 404]),
        ("p2k2:kehadiran-baru", [200, 200, 403, 200, 404]),
    ],
)
def test_group_pages_by_persona(client, request, kelompok_a, url_name, expected):
    for persona, status in zip(PERSONAS, expected, strict=True):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse(url_name, args=[kelompok_a.pk]))
        assert response.status_code == status, persona


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("p2k2:pertemuan-detail", [200, 200, 200, 200, 404]),
        ("p2k2:pertemuan-update", [200, 200, 403, 200, 404]),
        ("p2k2:kehadiran", [200, 200, 403, 200, 404]),
        ("p2k2:daftar-hadir", [200, 200, 200, 200, 404]),
        ("p2k2:siks-ng", [400, 400, 403, 400, 404]),  # 400: nothing recorded yet to export
        ("p2k2:pertemuan-foto", [404, 404, 404, 404, 404]),  # no photo yet
    ],
)
def test_meeting_pages_by_persona(client, request, pertemuan_a, url_name, expected):
    for persona, status in zip(PERSONAS, expected, strict=True):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse(url_name, args=[pertemuan_a.pk]))
        assert response.status_code == status, persona


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url_name", ["p2k2:kelompok-list", "p2k2:rekap", "p2k2:rekap-alfa", "p2k2:rekap-kurikulum"]
)
def test_lists_and_recaps_open_for_every_role(client, request, kelompok_a, persona, url_name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", ["Melati"]),
        ("operator", ["Melati"]),
        ("koordinator_metro_pusat", ["Melati"]),
        ("pendamping_hadimulyo", ["Melati"]),
        ("pendamping_iringmulyo", []),
    ],
)
def test_group_list_is_scoped(client, request, kelompok_a, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("p2k2:kelompok-list"))
    assert [k.nama for k in response.context["page"]] == expected


def test_koordinator_of_another_area_does_not_see_the_group(
    client, kelompok_a, kota_metro, django_user_model
):
    # given: a koordinator of Metro Timur
    timur = make_user(
        "koordinator_timur", django_user_model.Role.KOORDINATOR, kota_metro["Metro Timur"]
    )
    client.force_login(timur)
    # then
    assert client.get(reverse("p2k2:kelompok-detail", args=[kelompok_a.pk])).status_code == 404
    assert list(client.get(reverse("p2k2:kelompok-list")).context["page"]) == []


def test_missing_and_out_of_scope_groups_look_the_same(client, kelompok_a, pendamping_iringmulyo):
    client.force_login(pendamping_iringmulyo)
    hidden = client.get(reverse("p2k2:kelompok-detail", args=[kelompok_a.pk]))
    missing = client.get(reverse("p2k2:kelompok-detail", args=[kelompok_a.pk + 1000]))

    def without_csrf(response):
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)

    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(hidden) == without_csrf(missing)


def test_viewing_the_attendance_screen_is_audited(client, pertemuan_a, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    client.get(reverse("p2k2:kehadiran", args=[pertemuan_a.pk]))
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "p2k2.pertemuan",
        str(pertemuan_a.pk),
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("koordinator_metro_pusat", 403), ("pendamping_iringmulyo", 404)],
)
def test_denied_member_changes_write_and_record_nothing(
    client, request, kelompok_a, keluarga_a, kota_metro, pendamping_hadimulyo, persona, expected
):
    # given
    baru = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    client.force_login(request.getfixturevalue(persona))
    memberships = Keanggotaan.objects.count()
    # when
    responses = [
        client.post(reverse("p2k2:anggota-tambah", args=[kelompok_a.pk]), {"keluarga": [baru.pk]}),
        client.post(
            reverse("p2k2:anggota-keluar", args=[kelompok_a.pk]), {"keluarga": [keluarga_a[0].pk]}
        ),
        client.post(
            reverse("p2k2:kelompok-update", args=[kelompok_a.pk]),
            {"nama": "Diretas", "tempat": "x"},
        ),
    ]
    # then
    assert [r.status_code for r in responses] == [expected] * 3
    assert Keanggotaan.objects.count() == memberships
    assert Keanggotaan.objects.filter(selesai__isnull=False).count() == 0
    assert Kelompok.objects.get(pk=kelompok_a.pk).nama == "Melati"
    assert AuditEvent.objects.count() == 0


def test_pendamping_adds_moves_and_removes_members(
    client, kelompok_a, keluarga_a, kota_metro, pendamping_hadimulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    baru = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"],
        pendamping=pendamping_hadimulyo,
        pengurus_nama="Ani",
    )
    client.post(
        reverse("p2k2:kelompok-create"),
        {"nama": "Mawar", "kelurahan": kota_metro["Hadimulyo Barat"].pk, "tempat": "Balai"},
    )
    mawar = Kelompok.objects.get(nama="Mawar")
    # when
    added = client.post(
        reverse("p2k2:anggota-tambah", args=[kelompok_a.pk]), {"keluarga": [baru.pk]}
    )
    moved = client.post(
        reverse("p2k2:anggota-pindah", args=[kelompok_a.pk]),
        {"keluarga": [keluarga_a[0].pk], "ke": mawar.pk},
    )
    # then
    assert (added.status_code, moved.status_code) == (302, 302)
    assert mawar.pendamping == pendamping_hadimulyo
    aktif = dict(
        Keanggotaan.objects.filter(selesai__isnull=True).values_list("keluarga_id", "kelompok_id")
    )
    assert aktif[baru.pk] == kelompok_a.pk
    assert aktif[keluarga_a[0].pk] == mawar.pk


def test_adding_a_family_in_another_group_shows_the_reason(
    client, kelompok_a, keluarga_a, kota_metro, pendamping_hadimulyo
):
    # given: a full group (maximum lowered to the current 5 members)
    Pengaturan.objects.create(
        kunci="p2k2_kelompok_maks", nilai=5, berlaku_mulai=datetime.date(2024, 1, 1)
    )
    baru = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.post(
        reverse("p2k2:anggota-tambah", args=[kelompok_a.pk]), {"keluarga": [baru.pk]}
    )
    # then
    assert response.status_code == 400
    assert (
        "Kelompok Melati sudah 5 anggota; paling banyak 5 keluarga per kelompok. "
        "Hanya 0 keluarga lagi yang bisa ditambahkan." in response.content.decode()
    )
    assert not Keanggotaan.objects.filter(keluarga=baru).exists()


def test_meeting_form_refuses_over_long_siks_fields(client, kelompok_a, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    sesi_obj = sesi("Perlindungan Anak", 1)
    response = client.post(
        reverse("p2k2:pertemuan-create", args=[kelompok_a.pk]),
        {
            "materi": sesi_obj.pk,
            "tanggal": "2025-03-10",
            "nama_kegiatan": "P" * 101,
            "deskripsi": "d" * 1001,
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["nama_kegiatan"] == [
        "Nama kegiatan 101 karakter; SIKS-NG menerima paling banyak 100 karakter. Persingkat."
    ]
    assert errors["deskripsi"] == [
        "Deskripsi 1.001 karakter; SIKS-NG menerima paling banyak 1.000 karakter. Persingkat."
    ]
    assert Pertemuan.objects.count() == 0


def test_adaptif_meeting_needs_a_topic(client, kelompok_a, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    url = reverse("p2k2:pertemuan-create", args=[kelompok_a.pk])
    refused = client.post(url, {"materi": "adaptif", "tanggal": "2025-03-10"})
    assert refused.context["form"].errors["topik"] == ["Tulis topik untuk pertemuan P2K2 Adaptif."]
    accepted = client.post(
        url, {"materi": "adaptif", "topik": "Bahaya judi online", "tanggal": "2025-03-10"}
    )
    assert accepted.status_code == 302
    pertemuan = Pertemuan.objects.get()
    assert (pertemuan.sesi, pertemuan.topik, pertemuan.judul) == (
        None,
        "Bahaya judi online",
        "Bahaya judi online",
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("koordinator_metro_pusat", 403), ("pendamping_iringmulyo", 404)],
)
def test_denied_conflict_resolution_changes_nothing(
    client, request, pertemuan_a, keluarga_a, operator, persona, expected
):
    # given
    catat(pertemuan_a, {keluarga_a[0]: "alfa"})
    catat(pertemuan_a, {keluarga_a[0]: "sakit"}, oleh=operator)
    konflik = KonflikKehadiran.objects.get()
    client.force_login(request.getfixturevalue(persona))
    # when
    response = client.post(
        reverse("p2k2:konflik-resolve", args=[konflik.pk]), {"pilihan": "kiriman"}
    )
    # then
    assert response.status_code == expected
    konflik.refresh_from_db()
    assert konflik.is_terbuka
    assert Kehadiran.objects.get(keluarga=keluarga_a[0]).status == "alfa"


def test_pendamping_resolves_a_conflict_from_the_meeting_page(
    client, pertemuan_a, keluarga_a, operator, pendamping_hadimulyo
):
    catat(pertemuan_a, {keluarga_a[0]: "alfa"})
    catat(pertemuan_a, {keluarga_a[0]: "sakit"}, oleh=operator)
    client.force_login(pendamping_hadimulyo)
    page = client.get(reverse("p2k2:pertemuan-detail", args=[pertemuan_a.pk]))
    assert "tersimpan <strong>Alfa</strong>" in page.content.decode()
    konflik = KonflikKehadiran.objects.get()
    response = client.post(
        reverse("p2k2:konflik-resolve", args=[konflik.pk]), {"pilihan": "kiriman"}
    )
    assert response.status_code == 302
    assert Kehadiran.objects.get(keluarga=keluarga_a[0]).status == "sakit"
    page = client.get(reverse("p2k2:pertemuan-detail", args=[pertemuan_a.pk]))
    assert page.context["konflik"] == []


def test_group_list_sorts_numbers_in_names_as_numbers(client, kurikulum, kota_metro, operator):
    # given
    pendamping = make_user("pendamping_urut", User.Role.PENDAMPING, kota_metro["Imopuro"])
    for nama in ["Kelompok 10", "Kelompok 2", "Kelompok 1", "Anggrek", "kelompok 3"]:
        buat_kelompok(pendamping, kota_metro["Imopuro"], [], nama=nama)
    client.force_login(operator)
    # when
    response = client.get(reverse("p2k2:kelompok-list"))
    # then: 1, 2, 3, 10, not 1, 10, 2
    assert [k.nama for k in response.context["page"]] == [
        "Anggrek",
        "Kelompok 1",
        "Kelompok 2",
        "kelompok 3",
        "Kelompok 10",
    ]


def test_meeting_list_counts_each_meetings_marks(
    client, pertemuan_a, kelompok_a, keluarga_a, operator
):
    # given a held meeting (3 of 5 present) and a planned one without marks
    catat(
        pertemuan_a, dict(zip(keluarga_a, ["hadir", "hadir", "izin", "hadir", "alfa"], strict=True))
    )
    Pertemuan.objects.create(
        kelompok=kelompok_a,
        tanggal=datetime.date(2025, 4, 10),
        topik="Rencana",
        dibuat_oleh=kelompok_a.pendamping,
    )
    client.force_login(operator)
    # when
    response = client.get(reverse("p2k2:pertemuan-list"))
    # then: latest first, each with its own marks
    rows = [(p.tanggal.month, p.jumlah_hadir, p.jumlah_dicatat) for p in response.context["page"]]
    assert rows == [(4, 0, 0), (3, 3, 5)]
    assert "3 dari 5" in response.content.decode()
