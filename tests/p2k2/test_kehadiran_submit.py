"""The attendance submit survives poor signal: retries and double taps never duplicate, two
devices that disagree keep both answers, and families outside the group are refused."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dinsos.errors import DomainError
from p2k2 import services
from p2k2.models import Kehadiran, Kiriman, KonflikKehadiran, Pertemuan
from p2k2.services import Tanda
from tests.factories import keluarga_with_pengurus
from tests.p2k2.conftest import buat_kelompok, buat_keluarga, buat_pertemuan

pytestmark = pytest.mark.django_db


def _marks(pertemuan):
    return dict(Kehadiran.objects.filter(pertemuan=pertemuan).values_list("keluarga_id", "status"))


def _submit(pertemuan, tanda, oleh, kiriman_id=None):
    return services.kehadiran_submit(
        pertemuan=pertemuan, kiriman_id=kiriman_id or uuid.uuid4(), tanda=tanda, oleh=oleh
    )


def test_first_submit_records_every_family_and_marks_the_meeting_held(
    pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    # given: everyone starts as hadir, one family is alfa, one sick with a rating
    tanda = [Tanda(k.pk, "hadir", "baik", 0) for k in keluarga_a[:3]]
    tanda += [Tanda(keluarga_a[3].pk, "alfa", "", 0), Tanda(keluarga_a[4].pk, "sakit", "", 0)]
    # when
    hasil = _submit(pertemuan_a, tanda, pendamping_hadimulyo)
    # then
    assert hasil["jumlah"] == {"disimpan": 5, "sama": 0, "konflik": 0}
    assert hasil["pesan"] == "5 keluarga tersimpan."
    assert _marks(pertemuan_a) == {
        **{k.pk: "hadir" for k in keluarga_a[:3]},
        keluarga_a[3].pk: "alfa",
        keluarga_a[4].pk: "sakit",
    }
    assert set(Kehadiran.objects.values_list("versi", flat=True)) == {1}
    pertemuan_a.refresh_from_db()
    assert pertemuan_a.status == Pertemuan.Status.TERLAKSANA


def test_retry_with_the_same_submission_id_returns_the_same_answer_and_writes_nothing(
    pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    # given: a submission whose answer the phone never received
    kiriman_id = uuid.uuid4()
    tanda = [Tanda(k.pk, "hadir", "", 0) for k in keluarga_a]
    first = _submit(pertemuan_a, tanda, pendamping_hadimulyo, kiriman_id)
    # when: the phone sends it again (and then a double tap)
    second = _submit(pertemuan_a, tanda, pendamping_hadimulyo, kiriman_id)
    third = _submit(pertemuan_a, tanda, pendamping_hadimulyo, kiriman_id)
    # then
    assert second == first == third
    assert Kehadiran.objects.count() == 5
    assert set(Kehadiran.objects.values_list("versi", flat=True)) == {1}
    assert Kiriman.objects.count() == 1


def test_two_submissions_of_the_same_marks_are_not_a_conflict(
    pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    # given: a double tap that made two submission ids from the same page
    tanda = [Tanda(k.pk, "hadir", "", 0) for k in keluarga_a]
    _submit(pertemuan_a, tanda, pendamping_hadimulyo)
    # when
    hasil = _submit(pertemuan_a, tanda, pendamping_hadimulyo)
    # then
    assert hasil["jumlah"] == {"disimpan": 0, "sama": 5, "konflik": 0}
    assert KonflikKehadiran.objects.count() == 0
    assert Kehadiran.objects.count() == 5


def test_two_devices_that_disagree_keep_both_answers(
    pertemuan_a, keluarga_a, pendamping_hadimulyo, operator
):
    # given: the pendamping and the operator both opened the meeting before anything was saved
    siti = keluarga_a[0]
    phone = [Tanda(k.pk, "hadir", "", 0) for k in keluarga_a[1:]] + [Tanda(siti.pk, "alfa", "", 0)]
    office = [Tanda(k.pk, "hadir", "", 0) for k in keluarga_a[1:]] + [
        Tanda(siti.pk, "sakit", "", 0)
    ]
    _submit(pertemuan_a, phone, pendamping_hadimulyo)
    # when: the office's submission arrives second
    hasil = _submit(pertemuan_a, office, operator)
    # then: the first stays, the second is kept as a conflict
    assert hasil["jumlah"] == {"disimpan": 0, "sama": 4, "konflik": 1}
    [baris] = [r for r in hasil["hasil"] if r["keluarga_id"] == siti.pk]
    assert baris == {
        "keluarga_id": siti.pk,
        "hasil": "konflik",
        "status": "alfa",
        "pemahaman": "",
        "versi": 1,
        "kiriman_status": "sakit",
        "kiriman_pemahaman": "",
    }
    assert hasil["pesan"] == (
        "4 keluarga tersimpan; 1 berbeda dengan catatan perangkat lain — "
        "pilih yang benar di halaman pertemuan."
    )
    assert _marks(pertemuan_a)[siti.pk] == "alfa"
    konflik = KonflikKehadiran.objects.get()
    assert (konflik.status, konflik.status_tersimpan, konflik.oleh) == ("sakit", "alfa", operator)
    assert konflik.is_terbuka


def test_a_change_from_the_current_version_is_not_a_conflict(
    pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    # given
    siti = keluarga_a[0]
    _submit(pertemuan_a, [Tanda(siti.pk, "alfa", "", 0)], pendamping_hadimulyo)
    # when: the same phone corrects it, starting from version 1
    hasil = _submit(pertemuan_a, [Tanda(siti.pk, "izin", "", 1)], pendamping_hadimulyo)
    # then
    assert hasil["hasil"][0]["hasil"] == "disimpan"
    assert Kehadiran.objects.values_list("status", "versi").get(keluarga=siti) == ("izin", 2)


def test_resolving_a_conflict_with_the_submitted_mark_applies_it(
    pertemuan_a, keluarga_a, pendamping_hadimulyo, operator
):
    # given
    siti = keluarga_a[0]
    _submit(pertemuan_a, [Tanda(siti.pk, "alfa", "", 0)], pendamping_hadimulyo)
    _submit(pertemuan_a, [Tanda(siti.pk, "sakit", "kurang", 0)], operator)
    konflik = KonflikKehadiran.objects.get()
    # when
    services.konflik_resolve(
        konflik=konflik, pilihan=KonflikKehadiran.Pilihan.KIRIMAN, oleh=pendamping_hadimulyo
    )
    # then
    assert Kehadiran.objects.values_list("status", "pemahaman", "versi").get(keluarga=siti) == (
        "sakit",
        "kurang",
        2,
    )
    konflik.refresh_from_db()
    assert (konflik.is_terbuka, konflik.pilihan) == (False, "kiriman")
    with pytest.raises(DomainError) as error:
        services.konflik_resolve(
            konflik=konflik, pilihan=KonflikKehadiran.Pilihan.TERSIMPAN, oleh=pendamping_hadimulyo
        )
    assert error.value.message == "Konflik ini sudah diselesaikan."


def test_families_outside_the_group_are_refused_and_nothing_is_written(
    pertemuan_a, keluarga_a, kota_metro, pendamping_hadimulyo
):
    # given: a family of the same pendamping that is not in this group
    lain = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    tanda = [Tanda(k.pk, "hadir", "", 0) for k in keluarga_a] + [Tanda(lain.pk, "hadir", "", 0)]
    # when
    with pytest.raises(DomainError) as error:
        _submit(pertemuan_a, tanda, pendamping_hadimulyo)
    # then
    assert error.value.message == (
        "1 keluarga bukan anggota kelompok ini pada tanggal pertemuan; "
        "muat ulang halaman untuk melihat daftar anggota terbaru."
    )
    assert Kehadiran.objects.count() == 0
    assert Kiriman.objects.count() == 0
    pertemuan_a.refresh_from_db()
    assert pertemuan_a.status == Pertemuan.Status.DIRENCANAKAN


def test_membership_is_judged_on_the_meeting_date(kurikulum, kota_metro, pendamping_hadimulyo):
    # given: Bu Ani joined on 1 April; the meeting was on 10 March
    keluarga = buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 2)
    kelompok = buat_kelompok(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], keluarga[:1])
    services.keanggotaan_tambah(
        kelompok=kelompok,
        keluarga_ids=[keluarga[1].pk],
        oleh=pendamping_hadimulyo,
        tanggal=datetime.date(2025, 4, 1),
    )
    maret = buat_pertemuan(kelompok, datetime.date(2025, 3, 10))
    # when / then
    with pytest.raises(DomainError):
        _submit(maret, [Tanda(keluarga[1].pk, "hadir", "", 0)], pendamping_hadimulyo)
    assert _submit(maret, [Tanda(keluarga[0].pk, "hadir", "", 0)], pendamping_hadimulyo)[
        "jumlah"
    ] == {"disimpan": 1, "sama": 0, "konflik": 0}


@pytest.mark.parametrize("n", [5, 30])
def test_submit_takes_fourteen_queries_whatever_the_group_size(
    n, kurikulum, kota_metro, pendamping_hadimulyo
):
    # given
    keluarga = buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], n)
    kelompok = buat_kelompok(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], keluarga)
    pertemuan = buat_pertemuan(kelompok)
    tanda = [Tanda(k.pk, "hadir", "", 0) for k in keluarga]
    # when
    with CaptureQueriesContext(connection) as ctx:
        _submit(pertemuan, tanda, pendamping_hadimulyo)
    # then: the test's own transaction turns the service's atomic into a savepoint pair;
    # 5 for the submit, 1 marking the pendamping performance summary of the meeting's month
    # out of date (issue 21), 8 for the summaries it keeps (group lock, group row, months,
    # stale months; the families marked, their lock, old runs out, runs in)
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == 14, sql
    assert Kehadiran.objects.filter(pertemuan=pertemuan).count() == n


def test_a_phone_that_overwrites_its_own_unacknowledged_mark_is_not_a_conflict(
    pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    # given: two queued submissions from one phone, both made before any answer came back
    hp = uuid.uuid4()
    siti = keluarga_a[0]
    services.kehadiran_submit(
        pertemuan=pertemuan_a,
        kiriman_id=uuid.uuid4(),
        tanda=[Tanda(siti.pk, "alfa", "", 0)],
        oleh=pendamping_hadimulyo,
        perangkat=hp,
    )
    # when: the second (also from version 0) arrives
    hasil = services.kehadiran_submit(
        pertemuan=pertemuan_a,
        kiriman_id=uuid.uuid4(),
        tanda=[Tanda(siti.pk, "izin", "", 0)],
        oleh=pendamping_hadimulyo,
        perangkat=hp,
    )
    # then: the phone's later decision wins; another phone doing the same would conflict
    assert hasil["jumlah"] == {"disimpan": 1, "sama": 0, "konflik": 0}
    assert Kehadiran.objects.values_list("status", "versi").get(keluarga=siti) == ("izin", 2)
    other = services.kehadiran_submit(
        pertemuan=pertemuan_a,
        kiriman_id=uuid.uuid4(),
        tanda=[Tanda(siti.pk, "sakit", "", 0)],
        oleh=pendamping_hadimulyo,
        perangkat=uuid.uuid4(),
    )
    assert other["jumlah"] == {"disimpan": 0, "sama": 0, "konflik": 1}
