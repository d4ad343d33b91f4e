import datetime

import pytest

from dinsos.errors import DomainError
from dinsos.models import AuditEvent
from kpm import services
from kpm.models import Anggota, Keluarga, RiwayatPerubahan, RiwayatStatus
from kpm.tasks import keluarga_komponen_refresh_task
from tests.conftest import wait_until
from tests.factories import keluarga_with_pengurus

pytestmark = pytest.mark.django_db

PENGURUS = {
    "nik": "1872015004990007",  # woman born 10-04-1999
    "nama": "Hj. Siti Aminah",
    "jenis_kelamin": "P",
    "tanggal_lahir": datetime.date(1999, 4, 10),
    "hubungan": Anggota.Hubungan.ISTRI_SUAMI,
}


@pytest.fixture
def keluarga(operator, kota_metro):
    return services.keluarga_register(
        keluarga_data={
            "no_kk": "1872012001150001",
            "kelurahan": kota_metro["Imopuro"],
            "tanggal_terdaftar": datetime.date(2019, 7, 1),
            "rt": "003",
            "rw": "001",
        },
        pengurus_data=PENGURUS,
        oleh=operator,
    )


def test_register_creates_family_pengurus_and_first_history(keluarga, operator):
    keluarga.refresh_from_db()
    assert keluarga.status == "aktif"
    assert keluarga.pengurus.nama == "Hj. Siti Aminah"
    assert keluarga.pengurus.nama_cari == "siti aminah"
    [riwayat] = RiwayatStatus.objects.filter(keluarga=keluarga)
    assert (riwayat.dari, riwayat.ke, riwayat.oleh) == ("", "aktif", operator)


def test_register_with_a_taken_no_kk_is_refused_and_writes_nothing(keluarga, operator, kota_metro):
    with pytest.raises(DomainError) as error:
        services.keluarga_register(
            keluarga_data={
                "no_kk": "1872012001150001",
                "kelurahan": kota_metro["Metro"],
                "tanggal_terdaftar": datetime.date(2020, 1, 1),
            },
            pengurus_data={**PENGURUS, "nik": "1872011504850003", "jenis_kelamin": "L"},
            oleh=operator,
        )
    assert error.value.message == "No KK 1872**********01 sudah terdaftar."
    assert error.value.field == "no_kk"
    assert Keluarga.objects.count() == 1
    assert Anggota.objects.count() == 1


def test_nik_on_another_family_is_refused_naming_that_family_masked(keluarga, operator):
    other = keluarga_with_pengurus(kelurahan=keluarga.kelurahan)
    with pytest.raises(DomainError) as error:
        services.anggota_create(
            keluarga=other, data={**PENGURUS, "nama": "Orang Lain"}, oleh=operator
        )
    assert error.value.message == "NIK ini sudah terdaftar pada keluarga KK 1872**********01."
    assert error.value.field == "nik"
    assert other.anggota.count() == 1


@pytest.mark.parametrize(
    ("dari", "ke"),
    [
        ("aktif", "ditangguhkan"),
        ("ditangguhkan", "aktif"),
        ("ditangguhkan", "dibatalkan"),
    ],
)
def test_valid_status_change_is_saved_with_reason_and_author(keluarga, operator, dari, ke):
    Keluarga.objects.filter(pk=keluarga.pk).update(status=dari)
    keluarga.refresh_from_db()
    services.keluarga_status_change(
        keluarga=keluarga, ke=ke, alasan="Hasil musyawarah", oleh=operator
    )
    keluarga.refresh_from_db()
    assert keluarga.status == ke
    last = RiwayatStatus.objects.filter(keluarga=keluarga).first()
    assert (last.dari, last.ke, last.alasan, last.oleh) == (dari, ke, "Hasil musyawarah", operator)


@pytest.mark.parametrize(
    ("dari", "ke", "message"),
    [
        ("graduasi", "aktif", "Status graduasi tidak dapat diubah menjadi aktif."),
        ("dibatalkan", "aktif", "Status dibatalkan tidak dapat diubah menjadi aktif."),
        ("ditangguhkan", "graduasi", "Status ditangguhkan tidak dapat diubah menjadi graduasi."),
        ("aktif", "aktif", "Keluarga ini sudah berstatus aktif."),
    ],
)
def test_invalid_transition_is_refused_with_a_clear_message(keluarga, operator, dari, ke, message):
    Keluarga.objects.filter(pk=keluarga.pk).update(status=dari)
    keluarga.refresh_from_db()
    before = RiwayatStatus.objects.count()
    with pytest.raises(DomainError) as error:
        services.keluarga_status_change(keluarga=keluarga, ke=ke, alasan="coba", oleh=operator)
    assert error.value.message == message
    keluarga.refresh_from_db()
    assert keluarga.status == dari
    assert RiwayatStatus.objects.count() == before


@pytest.mark.parametrize(
    ("dari", "ke"),
    [
        ("aktif", "graduasi"),
        ("aktif", "calon_graduasi"),
        ("calon_graduasi", "graduasi"),
        ("calon_graduasi", "aktif"),
    ],
)
def test_direct_graduasi_transition_is_refused(keluarga, operator, dari, ke):
    # DOMAIN.md §5 (issue 20, D2): only the graduasi pipeline moves into or out of it.
    Keluarga.objects.filter(pk=keluarga.pk).update(status=dari)
    keluarga.refresh_from_db()
    before = RiwayatStatus.objects.count()
    with pytest.raises(DomainError) as error:
        services.keluarga_status_change(keluarga=keluarga, ke=ke, alasan="coba", oleh=operator)
    assert error.value.message.startswith("Graduasi hanya melalui usulan graduasi")
    keluarga.refresh_from_db()
    assert keluarga.status == dari
    assert RiwayatStatus.objects.count() == before


def test_status_change_needs_a_reason(keluarga, operator):
    with pytest.raises(DomainError) as error:
        services.keluarga_status_change(
            keluarga=keluarga, ke="ditangguhkan", alasan="  ", oleh=operator
        )
    assert error.value.message == "Alasan perubahan status wajib diisi."


def test_edit_history_keeps_old_and_new_values_with_nik_masked(keluarga, operator):
    pengurus = keluarga.pengurus
    services.anggota_update(
        anggota=pengurus,
        data={**PENGURUS, "nik": "1872015004990008", "nama": "Siti Aminah"},
        oleh=operator,
    )
    last = RiwayatPerubahan.objects.filter(anggota=pengurus).first()
    assert last.perubahan == {
        "nik": ["1872**********07", "1872**********08"],
        "nama": ["Hj. Siti Aminah", "Siti Aminah"],
    }
    assert last.oleh == operator


def test_family_edit_history_records_address_changes(keluarga, operator):
    services.keluarga_update(
        keluarga=keluarga, data={"alamat": "Jl. Kenanga 2", "rt": "004"}, oleh=operator
    )
    last = RiwayatPerubahan.objects.filter(keluarga=keluarga, anggota=None).first()
    assert last.perubahan == {"alamat": ["", "Jl. Kenanga 2"], "rt": ["003", "004"]}


def test_components_follow_member_changes(keluarga, operator):
    # given: a toddler joins the family
    services.anggota_create(
        keluarga=keluarga,
        data={
            "nik": "1872010101230002",
            "nama": "Budi",
            "jenis_kelamin": "L",
            "tanggal_lahir": datetime.date(2023, 1, 1),
            "hubungan": Anggota.Hubungan.ANAK,
        },
        oleh=operator,
    )
    keluarga.refresh_from_db()
    assert keluarga.komponen == ["anak_usia_dini"]
    # when: the mother is recorded as pregnant
    services.anggota_update(
        anggota=keluarga.pengurus, data={**PENGURUS, "is_hamil": True}, oleh=operator
    )
    # then
    keluarga.refresh_from_db()
    assert keluarga.komponen == ["anak_usia_dini", "ibu_hamil"]


def test_component_refresh_follows_birthdays(keluarga, operator):
    # given: a 6-year-old not yet in school is anak usia dini today
    services.anggota_create(
        keluarga=keluarga,
        data={
            "nik": "1872011506190002",
            "nama": "Adik",
            "jenis_kelamin": "L",
            "tanggal_lahir": datetime.date(2019, 6, 15),
            "hubungan": Anggota.Hubungan.ANAK,
        },
        oleh=operator,
    )
    services.keluarga_komponen_refresh(on=datetime.date(2025, 6, 14))
    keluarga.refresh_from_db()
    assert keluarga.komponen == ["anak_usia_dini"]
    # when: the child turns 7
    updated = services.keluarga_komponen_refresh(on=datetime.date(2026, 6, 15))
    # then
    keluarga.refresh_from_db()
    assert updated == 1
    assert keluarga.komponen == []


def test_reveal_nik_needs_a_reason_and_is_audited(keluarga, operator):
    pengurus = keluarga.pengurus
    with pytest.raises(DomainError):
        services.anggota_nik_reveal(anggota=pengurus, alasan="", oleh=operator)
    assert not AuditEvent.objects.filter(action="reveal_nik").exists()
    nik = services.anggota_nik_reveal(anggota=pengurus, alasan="Verifikasi BPJS", oleh=operator)
    assert nik == "1872015004990007"
    event = AuditEvent.objects.get(action="reveal_nik")
    assert (event.user, event.reason, event.object_id) == (
        operator,
        "Verifikasi BPJS",
        str(pengurus.pk),
    )
    assert "1872015004990007" not in event.object_repr


@pytest.mark.django_db(transaction=True)
def test_nightly_component_refresh_runs_in_the_worker(celery_worker, operator, kota_metro):
    # given: a member whose stored components are stale
    keluarga = keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    Anggota.objects.filter(pk=keluarga.pengurus_id).update(is_hamil=True)
    # when
    keluarga_komponen_refresh_task.delay()
    # then
    wait_until(lambda: Keluarga.objects.get(pk=keluarga.pk).komponen == ["ibu_hamil"])
