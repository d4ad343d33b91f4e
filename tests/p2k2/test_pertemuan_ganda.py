"""No double meeting (issue 15): one meeting per group, date and materi unless the user
confirms a separate one; a phone that recorded the same meeting again continues it."""

import datetime
import importlib
import io
import json
import uuid
from contextlib import redirect_stdout

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from dinsos.errors import DomainError
from p2k2 import services
from p2k2.models import Kehadiran, Kiriman, KonflikKehadiran, Pertemuan
from tests.p2k2.conftest import TANGGAL, buat_pertemuan, catat, sesi

pytestmark = pytest.mark.django_db

GIZI_HAMIL = "Gizi dan layanan kesehatan ibu hamil"  # Kesehatan dan Gizi, sesi 1
_migrasi = importlib.import_module("p2k2.migrations.0004_pertemuan_ganda_terpisah")


def _data(**extra):
    return {
        "sesi": sesi("Kesehatan dan Gizi", 1),
        "tanggal": TANGGAL,
        "jam_mulai": datetime.time(13, 0),
        "jam_selesai": datetime.time(14, 0),
        "tempat": "Balai",
        **extra,
    }


def _sync(client, kelompok, keluarga, client_id, status="hadir", kiriman_id=None, **pertemuan):
    body = {
        "kiriman_id": str(kiriman_id or uuid.uuid4()),
        "perangkat": str(uuid.uuid4()),
        "pertemuan": {
            "client_id": str(client_id),
            "materi": str(sesi("Kesehatan dan Gizi", 1).pk),
            "tanggal": TANGGAL.isoformat(),
            "jam_mulai": "13:00",
            "jam_selesai": "14:00",
            **pertemuan,
        },
        "kehadiran": [
            {"keluarga_id": k.pk, "status": status, "pemahaman": "", "versi": 0} for k in keluarga
        ],
    }
    return client.post(
        reverse("p2k2:kehadiran-sinkron", args=[kelompok.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )


# --- The database -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("_case", "materi"),
    [("sesi kurikulum", {"sesi_id": "gizi"}), ("P2K2 Adaptif (tanpa sesi)", {"topik": "Judi"})],
)
def test_the_database_refuses_a_second_meeting_for_the_same_group_date_and_materi(
    _case, materi, kelompok_a
):
    # given
    if "sesi_id" in materi:
        materi = {"sesi": sesi("Kesehatan dan Gizi", 1)}
    Pertemuan.objects.create(
        kelompok=kelompok_a, tanggal=TANGGAL, dibuat_oleh=kelompok_a.pendamping, **materi
    )
    # when / then: even when the services are bypassed (admin, a script)
    with pytest.raises(IntegrityError, match="pertemuan_satu_per_materi"), transaction.atomic():
        Pertemuan.objects.create(
            kelompok=kelompok_a, tanggal=TANGGAL, dibuat_oleh=kelompok_a.pendamping, **materi
        )
    # a second one confirmed as separate is stored
    Pertemuan.objects.create(
        kelompok=kelompok_a,
        tanggal=TANGGAL,
        dibuat_oleh=kelompok_a.pendamping,
        is_terpisah=True,
        **materi,
    )
    assert Pertemuan.objects.filter(kelompok=kelompok_a, tanggal=TANGGAL).count() == 2


# --- The service --------------------------------------------------------------------------
def test_a_second_meeting_is_refused_with_the_existing_one_to_continue(pertemuan_a, kelompok_a):
    # when
    with pytest.raises(services.PertemuanGanda) as refused:
        services.pertemuan_create(kelompok=kelompok_a, data=_data(), oleh=kelompok_a.pendamping)
    # then
    assert refused.value.message == (
        f"Kelompok ini sudah punya pertemuan {GIZI_HAMIL} pada 10 Maret 2025. "
        "Lanjutkan pertemuan yang sudah ada?"
    )
    assert refused.value.pertemuan == pertemuan_a
    assert list(Pertemuan.objects.filter(kelompok=kelompok_a)) == [pertemuan_a]


def test_a_meeting_confirmed_as_separate_is_created(pertemuan_a, kelompok_a):
    kedua = services.pertemuan_create(
        kelompok=kelompok_a, data=_data(is_terpisah=True), oleh=kelompok_a.pendamping
    )
    assert (kedua.is_terpisah, pertemuan_a.is_terpisah) == (True, False)
    assert Pertemuan.objects.filter(kelompok=kelompok_a, tanggal=TANGGAL).count() == 2


@pytest.mark.parametrize(
    ("_case", "beda"),
    [
        ("another session that day", {"sesi": "Kesehatan dan Gizi 2"}),
        ("the same session another day", {"tanggal": datetime.date(2025, 4, 14)}),
    ],
)
def test_another_materi_or_another_day_is_a_new_meeting(_case, beda, pertemuan_a, kelompok_a):
    if "sesi" in beda:
        beda = {"sesi": sesi("Kesehatan dan Gizi", 2)}
    baru = services.pertemuan_create(
        kelompok=kelompok_a, data=_data(**beda), oleh=kelompok_a.pendamping
    )
    assert baru.is_terpisah is False
    assert Pertemuan.objects.filter(kelompok=kelompok_a).count() == 2


def test_moving_a_meeting_onto_another_meetings_date_and_materi_is_refused(pertemuan_a, kelompok_a):
    # given
    april = buat_pertemuan(kelompok_a, datetime.date(2025, 4, 14))
    # when
    with pytest.raises(DomainError) as refused:
        services.pertemuan_update(pertemuan=april, data=_data(), oleh=kelompok_a.pendamping)
    # then
    assert refused.value.message == (
        f"Kelompok ini sudah punya pertemuan {GIZI_HAMIL} pada 10 Maret 2025; "
        "pilih tanggal atau materi lain."
    )
    april.refresh_from_db()
    assert april.tanggal == datetime.date(2025, 4, 14)


# --- The phone's sync: continue the existing meeting by default -----------------------------
def test_a_phone_recording_the_same_meeting_again_continues_it(
    client, pertemuan_a, kelompok_a, keluarga_a, operator, pendamping_hadimulyo
):
    # given: the office recorded two families alfa on the meeting of 10 March
    catat(pertemuan_a, {keluarga_a[0]: "alfa", keluarga_a[1]: "alfa"}, oleh=operator)
    client.force_login(pendamping_hadimulyo)
    kiriman_id = uuid.uuid4()
    # when: the phone, which thought the marks were lost, records "a new meeting" of that
    # day and materi with four families (sent twice: the first answer was lost)
    jawaban = [
        _sync(client, kelompok_a, keluarga_a[1:], uuid.uuid4(), kiriman_id=kiriman_id).json()
        for _ in range(2)
    ]
    # then: no second meeting; the marks went to the existing one, the differing mark kept
    # as a conflict, and the phone learns the meeting's id and every family's stored mark
    assert list(Pertemuan.objects.filter(kelompok=kelompok_a)) == [pertemuan_a]
    assert jawaban[0] == jawaban[1]
    assert jawaban[0]["pesan"] == (
        f"Pertemuan {GIZI_HAMIL} pada 10 Maret 2025 sudah ada; kehadiran dicatat ke pertemuan "
        "itu. 3 keluarga tersimpan; 1 berbeda dengan catatan perangkat lain — pilih yang benar "
        "di halaman pertemuan."
    )
    assert jawaban[0]["pertemuan"] == {
        "client_id": str(pertemuan_a.client_id),
        "layar": reverse("p2k2:kehadiran", args=[pertemuan_a.pk]),
        "info": f"10 Maret 2025 · {GIZI_HAMIL}",
    }
    assert {r["keluarga_id"]: r["status"] for r in jawaban[0]["tersimpan"]} == {
        keluarga_a[0].pk: "alfa",
        keluarga_a[1].pk: "alfa",
        keluarga_a[2].pk: "hadir",
        keluarga_a[3].pk: "hadir",
        keluarga_a[4].pk: "hadir",
    }
    assert KonflikKehadiran.objects.get().keluarga == keluarga_a[1]
    assert Kiriman.objects.filter(pertemuan=pertemuan_a).count() == 2


def test_a_phone_that_confirmed_a_separate_meeting_gets_one(
    client, pertemuan_a, kelompok_a, keluarga_a, pendamping_hadimulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    client_id = uuid.uuid4()
    # when
    response = _sync(client, kelompok_a, keluarga_a, client_id, status="izin", is_terpisah="1")
    # then
    assert response.status_code == 200
    kedua = Pertemuan.objects.get(client_id=client_id)
    assert (kedua.kelompok, kedua.tanggal, kedua.is_terpisah) == (kelompok_a, TANGGAL, True)
    assert response.json()["pesan"] == "5 keluarga tersimpan."
    assert set(Kehadiran.objects.filter(pertemuan=kedua).values_list("status", flat=True)) == {
        "izin"
    }
    assert Kehadiran.objects.filter(pertemuan=pertemuan_a).count() == 0


# --- The meeting form in the office -------------------------------------------------------
def test_the_meeting_form_asks_to_continue_and_saves_a_separate_one_when_told(
    client, pertemuan_a, kelompok_a, pendamping_hadimulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    url = reverse("p2k2:pertemuan-create", args=[kelompok_a.pk])
    form = {
        "materi": str(sesi("Kesehatan dan Gizi", 1).pk),
        "tanggal": "2025-03-10",
        "jam_mulai": "13:00",
        "jam_selesai": "14:00",
    }
    # when: saved as usual
    asked = client.post(url, form)
    # then: the question, with the way to the existing meeting; nothing saved
    assert asked.status_code == 400
    page = asked.content.decode()
    assert "Lanjutkan pertemuan yang sudah ada?" in page
    assert (
        f'<a class="btn btn-primary"\n           href="/p2k2/pertemuan/{pertemuan_a.pk}/">'
        "Ya, lanjutkan pertemuan itu</a>"
    ) in page
    assert Pertemuan.objects.filter(kelompok=kelompok_a).count() == 1
    # when: "Tidak, simpan sebagai pertemuan terpisah"
    saved = client.post(url, {**form, "is_terpisah": "on"})
    # then
    kedua = Pertemuan.objects.exclude(pk=pertemuan_a.pk).get(kelompok=kelompok_a)
    assert saved["Location"] == reverse("p2k2:pertemuan-detail", args=[kedua.pk])
    assert kedua.is_terpisah is True


def test_the_new_meeting_screen_lists_the_groups_meetings_for_the_question(
    client, pertemuan_a, kelompok_a, pendamping_hadimulyo
):
    client.force_login(pendamping_hadimulyo)
    page = client.get(reverse("p2k2:kehadiran-baru", args=[kelompok_a.pk])).content.decode()
    assert (
        f'<li data-tanggal="2025-03-10"\n                data-materi="{pertemuan_a.sesi_id}"\n'
        f'                data-client="{pertemuan_a.client_id}"\n'
        f'                data-url="/p2k2/pertemuan/{pertemuan_a.pk}/kehadiran/">'
        f"{GIZI_HAMIL} pada 10 Maret 2025</li>"
    ) in page


# --- The data migration ----------------------------------------------------------------------
def test_the_migration_marks_existing_duplicates_separate_and_deletes_nothing(kelompok_a):
    # given: three rows of one meeting and a pair of adaptif ones, entered before the rule
    constraint = next(
        c for c in Pertemuan._meta.constraints if c.name == "pertemuan_satu_per_materi"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Pertemuan, constraint)
    gizi = sesi("Kesehatan dan Gizi", 1)
    buat = [
        Pertemuan.objects.create(
            kelompok=kelompok_a, tanggal=TANGGAL, dibuat_oleh=kelompok_a.pendamping, **m
        )
        for m in [{"sesi": gizi}] * 3 + [{"topik": "Judi"}, {"topik": "Pinjol"}]
    ]
    lain = buat_pertemuan(kelompok_a, datetime.date(2025, 4, 14))
    # when
    out = io.StringIO()
    with redirect_stdout(out):
        _migrasi.tandai_ganda(apps, None)
    # then: the oldest of each stays the meeting, the others are marked; the constraint holds
    ditandai = sorted(p.pk for p in Pertemuan.objects.filter(is_terpisah=True))
    assert ditandai == [buat[1].pk, buat[2].pk, buat[4].pk]
    assert Pertemuan.objects.count() == 6
    assert not Pertemuan.objects.get(pk=lain.pk).is_terpisah
    assert out.getvalue() == (
        "\n  p2k2: 3 pertemuan ganda (kelompok, tanggal dan materi sama) ditandai sebagai "
        f"pertemuan terpisah; periksa di admin, id: {buat[1].pk}, {buat[2].pk}, {buat[4].pk}\n"
    )
    with connection.cursor() as cursor:  # the rows' deferred FK checks, before DDL
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        editor.add_constraint(Pertemuan, constraint)
