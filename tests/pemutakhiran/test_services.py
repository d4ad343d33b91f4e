"""Every step of a proposal's life, its refusals, four eyes and the monthly cut-off."""

import datetime

import pytest

from dinsos.errors import DomainError
from dinsos.models import AuditEvent, Pengaturan
from pemutakhiran import services
from pemutakhiran.models import BatchSiks, Riwayat, Status, Usulan
from tests.dtsen.conftest import make_nik
from tests.pemutakhiran.helpers import HARI_INI, buat, foto, sampai

pytestmark = pytest.mark.django_db

NIK = make_nik(datetime.date(1950, 3, 4), "1", 11)
NIK_LAIN = make_nik(datetime.date(1961, 8, 9), "2", 12)


@pytest.fixture
def draf(operator_kelurahan_hadimulyo, kota_metro):
    return buat(oleh=operator_kelurahan_hadimulyo, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK)


def _jalur(operator, pendamping_hadimulyo, admin):
    return {"pemeriksa": operator, "petugas": pendamping_hadimulyo, "pengesah": admin}


def test_a_proposal_goes_through_every_step_with_its_history_and_audit(
    draf, operator, pendamping_hadimulyo, admin
):
    # when
    usulan = sampai(draf, Status.DISETUJUI, **_jalur(operator, pendamping_hadimulyo, admin))
    # then
    usulan.refresh_from_db()
    assert usulan.status == Status.DISETUJUI
    assert usulan.bulan == datetime.date(2025, 12, 1)
    assert usulan.diputuskan_oleh == admin
    langkah = list(
        Riwayat.objects.filter(usulan=usulan).values_list("dari", "ke", "oleh__username")
    )
    assert langkah == [
        ("", "draf", "operator_kel"),
        ("draf", "diajukan", "operator_kel"),
        ("diajukan", "diverifikasi", "operator"),
        ("diverifikasi", "cek_lapangan", "operator"),
        ("cek_lapangan", "cek_lapangan", "pendamping_a"),
        ("cek_lapangan", "disetujui", "admin"),
    ]
    audit = AuditEvent.objects.filter(object_type="pemutakhiran.usulan", object_id=str(usulan.pk))
    assert sorted(audit.values_list("reason", flat=True)) == [
        "",  # created
        "Hasil cek lapangan dicatat",
        "Usulan diajukan",
        "Usulan disetujui",
        "Usulan ditugaskan cek lapangan",
        "Usulan diverifikasi",
    ]
    assert usulan.bukti.count() == 2  # the death certificate photo and the ground-check photo


@pytest.mark.parametrize(
    ("langkah", "pesan"),
    [
        ("verifikasi", "Usulan berstatus draf tidak dapat diverifikasi."),
        ("tugaskan", "Usulan berstatus draf tidak dapat ditugaskan cek lapangan."),
        ("lapangan", "Usulan berstatus draf tidak dapat diberi hasil cek lapangan."),
        ("setujui", "Usulan berstatus draf tidak dapat disetujui."),
    ],
)
def test_a_step_refuses_a_proposal_in_another_status(
    langkah, pesan, draf, operator, pendamping_hadimulyo, admin
):
    run = {
        "verifikasi": lambda: services.usulan_verifikasi(usulan=draf, catatan="", oleh=operator),
        "tugaskan": lambda: services.usulan_tugaskan(
            usulan=draf, petugas=pendamping_hadimulyo, oleh=operator
        ),
        "lapangan": lambda: services.usulan_hasil_lapangan(
            usulan=draf, hasil="sesuai", catatan="", foto=foto(), oleh=pendamping_hadimulyo
        ),
        "setujui": lambda: services.usulan_setujui(usulan=draf, oleh=admin, hari_ini=HARI_INI),
    }
    with pytest.raises(DomainError) as error:
        run[langkah]()
    assert error.value.message == pesan
    draf.refresh_from_db()
    assert draf.status == Status.DRAF
    assert Riwayat.objects.filter(usulan=draf).count() == 1


def test_submitting_twice_is_refused(draf, operator, pendamping_hadimulyo, admin):
    usulan = sampai(draf, Status.DIAJUKAN, **_jalur(operator, pendamping_hadimulyo, admin))
    with pytest.raises(DomainError) as error:
        services.usulan_ajukan(
            usulan=usulan, tanggal_musdes=HARI_INI, nomor_berita_acara="BA/1", oleh=operator
        )
    assert error.value.message == "Usulan berstatus diajukan tidak dapat diajukan."
    usulan.refresh_from_db()
    assert (usulan.status, usulan.diajukan_oleh) == (Status.DIAJUKAN, usulan.dibuat_oleh)


def test_four_eyes_refuses_approval_by_the_proposer(
    kota_metro, operator, operator_dua, admin, pendamping_hadimulyo
):
    # given: made and submitted by the operator, checked in the field
    usulan = buat(oleh=operator, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK)
    usulan = sampai(usulan, "lapangan", **_jalur(operator, pendamping_hadimulyo, admin))
    # when: the same operator approves
    with pytest.raises(DomainError) as error:
        services.usulan_setujui(usulan=usulan, oleh=operator, hari_ini=HARI_INI)
    # then
    assert error.value.message == (
        "Usulan harus disetujui orang lain, bukan yang membuat atau mengajukannya "
        "(prinsip empat mata)."
    )
    usulan.refresh_from_db()
    assert usulan.status == Status.CEK_LAPANGAN
    # and a second operator may
    services.usulan_setujui(usulan=usulan, oleh=operator_dua, hari_ini=HARI_INI)
    usulan.refresh_from_db()
    assert (usulan.status, usulan.diputuskan_oleh) == (Status.DISETUJUI, operator_dua)


def test_a_ground_check_that_does_not_match_can_only_be_rejected(
    draf, operator, pendamping_hadimulyo, admin
):
    usulan = sampai(draf, Status.CEK_LAPANGAN, **_jalur(operator, pendamping_hadimulyo, admin))
    services.usulan_hasil_lapangan(
        usulan=usulan,
        hasil="tidak_sesuai",
        catatan="Masih hidup.",
        foto=foto(),
        oleh=pendamping_hadimulyo,
    )
    with pytest.raises(DomainError) as error:
        services.usulan_setujui(usulan=usulan, oleh=admin, hari_ini=HARI_INI)
    assert error.value.message == "Hasil cek lapangan tidak sesuai: usulan ini hanya dapat ditolak."
    services.usulan_tolak(usulan=usulan, alasan="Orangnya masih hidup.", oleh=admin)
    usulan.refresh_from_db()
    assert (usulan.status, usulan.alasan_tolak) == (Status.DITOLAK, "Orangnya masih hidup.")
    with pytest.raises(DomainError) as error:
        services.usulan_tolak(usulan=usulan, alasan="Lagi.", oleh=admin)
    assert error.value.message == "Usulan berstatus ditolak tidak dapat ditolak."


@pytest.mark.parametrize(
    ("hari", "bulan", "catatan"),
    [
        (11, datetime.date(2025, 12, 1), "Ikut kiriman Desember 2025."),
        (
            12,
            datetime.date(2026, 1, 1),
            "Lewat batas input SIKS-NG bulan ini: ikut kiriman Januari 2026.",
        ),
    ],
)
def test_a_proposal_after_the_cut_off_joins_next_months_batch(hari, bulan, catatan, draf):
    hari_ini = datetime.date(2025, 12, hari)
    usulan = services.usulan_ajukan(
        usulan=draf,
        tanggal_musdes=datetime.date(2025, 12, 3),
        nomor_berita_acara="BA/07/XII/2025",
        oleh=draf.dibuat_oleh,
        hari_ini=hari_ini,
    )
    assert usulan.bulan == bulan
    assert Riwayat.objects.filter(usulan=usulan, ke=Status.DIAJUKAN).get().catatan == (
        f"{catatan} Musdes/Muskel 3 Desember 2025, BA BA/07/XII/2025."
    )


def test_the_cut_off_day_is_a_dated_setting(draf):
    # given: from December 2025 the SIKS-NG entry closes on the 9th
    Pengaturan.objects.create(
        kunci="pemutakhiran_siks_hari_akhir", nilai=9, berlaku_mulai=datetime.date(2025, 12, 1)
    )
    # when
    usulan = services.usulan_ajukan(
        usulan=draf,
        tanggal_musdes=datetime.date(2025, 12, 3),
        nomor_berita_acara="BA/1",
        oleh=draf.dibuat_oleh,
        hari_ini=datetime.date(2025, 12, 10),
    )
    # then
    assert usulan.bulan == datetime.date(2026, 1, 1)


def test_a_kelurahan_proposal_needs_its_musdes_and_evidence(
    operator_kelurahan_hadimulyo, kota_metro
):
    tanpa_bukti = buat(
        oleh=operator_kelurahan_hadimulyo,
        kelurahan=kota_metro["Hadimulyo Barat"],
        nik=NIK,
        bukti=False,
    )
    with pytest.raises(DomainError) as error:
        services.usulan_ajukan(
            usulan=tanpa_bukti,
            tanggal_musdes=HARI_INI,
            nomor_berita_acara="BA/1",
            oleh=operator_kelurahan_hadimulyo,
            hari_ini=HARI_INI,
        )
    assert error.value.message == (
        "Lampirkan bukti dulu: Akta kematian atau surat keterangan kematian."
    )
    dengan_bukti = buat(
        oleh=operator_kelurahan_hadimulyo, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK_LAIN
    )
    with pytest.raises(DomainError) as error:
        services.usulan_ajukan(
            usulan=dengan_bukti,
            tanggal_musdes=None,
            nomor_berita_acara="",
            oleh=operator_kelurahan_hadimulyo,
            hari_ini=HARI_INI,
        )
    assert error.value.message == (
        "Usulan kelurahan/desa memerlukan tanggal Musdes/Muskel dan nomor berita acaranya."
    )
    assert Usulan.objects.filter(status=Status.DRAF).count() == 2


def test_a_kind_asks_for_its_own_fields(operator, kota_metro):
    with pytest.raises(DomainError) as error:
        buat(oleh=operator, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK, nilai={})
    assert (error.value.field, error.value.message) == (
        "nomor_akta_kematian",
        "Wajib diisi untuk jenis usulan ini.",
    )
    assert not Usulan.objects.exists()


def test_the_same_person_cannot_have_two_open_proposals_of_a_kind(
    draf, operator, kota_metro, admin
):
    # when
    with pytest.raises(services.UsulanGanda) as error:
        buat(oleh=operator, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK)
    # then: the open one is named
    assert error.value.usulan == draf
    assert error.value.message == (
        f"Orang ini sudah punya usulan penonaktifan yang masih terbuka: usulan #{draf.pk} "
        "(Draf). Ikuti usulan itu; satu orang hanya boleh punya satu usulan terbuka per jenis."
    )
    # another kind for the same person is fine, and so is a new one once the first is closed
    services.usulan_tolak(usulan=draf, alasan="Salah orang.", oleh=admin)
    kedua = buat(oleh=operator, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK)
    assert Usulan.objects.filter(nik=NIK).count() == 2
    assert kedua.status == Status.DRAF


def test_an_approval_after_its_batch_left_joins_the_next(
    draf, operator, pendamping_hadimulyo, admin
):
    # given: December's deactivation list is already frozen
    usulan = sampai(draf, "lapangan", **_jalur(operator, pendamping_hadimulyo, admin))
    BatchSiks.objects.create(
        bulan=datetime.date(2025, 12, 1),
        jenis="penonaktifan",
        file="pemutakhiran/batch/x.xlsx",
        sha256="0" * 64,
        jumlah_baris=1,
        dibuat_oleh=admin,
    )
    # when
    usulan = services.usulan_setujui(usulan=usulan, oleh=admin, hari_ini=HARI_INI)
    # then
    assert usulan.bulan == datetime.date(2026, 1, 1)
    assert Riwayat.objects.filter(usulan=usulan, ke=Status.DISETUJUI).get().catatan == (
        "Kiriman Desember 2025 sudah lewat: Masuk kiriman Januari 2026."
    )


def test_unsent_proposals_move_to_the_open_batch_after_the_cut_off(draf):
    # when: the daily job runs on 12 December
    moved = services.usulan_geser_bulan(hari_ini=datetime.date(2025, 12, 12))
    again = services.usulan_geser_bulan(hari_ini=datetime.date(2025, 12, 12))
    # then
    draf.refresh_from_db()
    assert (moved, again, draf.bulan) == (1, 0, datetime.date(2026, 1, 1))
    assert Riwayat.objects.filter(usulan=draf).last().catatan == (
        "Lewat batas input SIKS-NG kiriman Desember 2025: ikut kiriman Januari 2026."
    )
