"""Group rules: one active group per family, a maximum size, moves that keep history."""

import datetime

import pytest
from django.db import IntegrityError

from dinsos.errors import DomainError
from dinsos.models import Pengaturan
from p2k2 import services
from p2k2.models import Keanggotaan, Kelompok
from tests.factories import keluarga_with_pengurus
from tests.p2k2.conftest import buat_kelompok, buat_keluarga

pytestmark = pytest.mark.django_db

HADIMULYO = "Hadimulyo Barat"


def _aktif(kelompok):
    return set(
        Keanggotaan.objects.filter(kelompok=kelompok, selesai__isnull=True).values_list(
            "keluarga_id", flat=True
        )
    )


def test_a_family_already_in_a_group_cannot_be_added_to_another(
    kelompok_a, keluarga_a, kota_metro, pendamping_hadimulyo
):
    # given
    mawar = buat_kelompok(pendamping_hadimulyo, kota_metro[HADIMULYO], [], nama="Mawar")
    # when
    with pytest.raises(DomainError) as error:
        services.keanggotaan_tambah(
            kelompok=mawar, keluarga_ids=[keluarga_a[0].pk], oleh=pendamping_hadimulyo
        )
    # then
    kk = keluarga_a[0].no_kk
    assert error.value.message == (
        f"1 keluarga sudah menjadi anggota kelompok: KK {kk[:4]}**********{kk[-2:]} (Melati). "
        "Pindahkan dari kelompok itu, bukan ditambahkan."
    )
    assert _aktif(mawar) == set()


def test_the_database_refuses_a_second_active_membership(
    kelompok_a, keluarga_a, pendamping_hadimulyo
):
    # given: a write that bypasses the service
    # when / then
    with pytest.raises(IntegrityError):
        Keanggotaan.objects.create(
            kelompok=kelompok_a,
            keluarga=keluarga_a[0],
            mulai=datetime.date(2025, 2, 1),
            oleh=pendamping_hadimulyo,
        )


def test_group_size_is_capped_by_the_setting(kurikulum, kota_metro, pendamping_hadimulyo):
    # given: the office lowered the maximum to 4 (the default is 30)
    Pengaturan.objects.create(
        kunci="p2k2_kelompok_maks", nilai=4, berlaku_mulai=datetime.date(2024, 1, 1)
    )
    keluarga = buat_keluarga(pendamping_hadimulyo, kota_metro[HADIMULYO], 6)
    kelompok = buat_kelompok(pendamping_hadimulyo, kota_metro[HADIMULYO], keluarga[:3])
    # when
    with pytest.raises(DomainError) as error:
        services.keanggotaan_tambah(
            kelompok=kelompok,
            keluarga_ids=[k.pk for k in keluarga[3:]],
            oleh=pendamping_hadimulyo,
        )
    # then
    assert error.value.message == (
        "Kelompok Melati sudah 3 anggota; paling banyak 4 keluarga per kelompok. "
        "Hanya 1 keluarga lagi yang bisa ditambahkan."
    )
    assert len(_aktif(kelompok)) == 3


def test_default_maximum_is_thirty(kurikulum, kota_metro, pendamping_hadimulyo):
    keluarga = buat_keluarga(pendamping_hadimulyo, kota_metro[HADIMULYO], 31)
    kelompok = buat_kelompok(pendamping_hadimulyo, kota_metro[HADIMULYO], keluarga[:30])
    with pytest.raises(DomainError) as error:
        services.keanggotaan_tambah(
            kelompok=kelompok, keluarga_ids=[keluarga[30].pk], oleh=pendamping_hadimulyo
        )
    assert "paling banyak 30 keluarga per kelompok" in error.value.message
    assert len(_aktif(kelompok)) == 30


def test_only_families_of_the_groups_pendamping_may_join(
    kelompok_a, kota_metro, pendamping_iringmulyo, pendamping_hadimulyo
):
    # given: a family served by another pendamping
    lain = keluarga_with_pengurus(kelurahan=kota_metro[HADIMULYO], pendamping=pendamping_iringmulyo)
    # when
    with pytest.raises(DomainError) as error:
        services.keanggotaan_tambah(
            kelompok=kelompok_a, keluarga_ids=[lain.pk], oleh=pendamping_hadimulyo
        )
    # then
    assert error.value.message.startswith("1 keluarga tidak didampingi pendamping kelompok ini")
    assert lain.pk not in _aktif(kelompok_a)


def test_moving_families_closes_the_old_membership_and_keeps_history(
    kelompok_a, keluarga_a, kota_metro, pendamping_hadimulyo
):
    # given
    mawar = buat_kelompok(pendamping_hadimulyo, kota_metro[HADIMULYO], [], nama="Mawar")
    Kelompok.objects.filter(pk=kelompok_a.pk).update(ketua=keluarga_a[0])
    moved = [keluarga_a[0].pk, keluarga_a[1].pk]
    # when
    jumlah = services.keanggotaan_pindah(
        ke=mawar, keluarga_ids=moved, oleh=pendamping_hadimulyo, tanggal=datetime.date(2025, 6, 1)
    )
    # then
    assert jumlah == 2
    assert _aktif(mawar) == set(moved)
    assert _aktif(kelompok_a) == {k.pk for k in keluarga_a[2:]}
    history = list(
        Keanggotaan.objects.filter(keluarga=keluarga_a[0])
        .order_by("mulai")
        .values_list("kelompok__nama", "mulai", "selesai")
    )
    assert history == [
        ("Melati", datetime.date(2025, 1, 1), datetime.date(2025, 6, 1)),
        ("Mawar", datetime.date(2025, 6, 1), None),
    ]
    kelompok_a.refresh_from_db()
    assert kelompok_a.ketua is None  # the ketua moved away


def test_a_refused_move_changes_nothing(kelompok_a, keluarga_a, kota_metro, pendamping_hadimulyo):
    # given: the target group is full under a maximum of 1
    Pengaturan.objects.create(
        kunci="p2k2_kelompok_maks", nilai=1, berlaku_mulai=datetime.date(2024, 1, 1)
    )
    mawar = buat_kelompok(pendamping_hadimulyo, kota_metro[HADIMULYO], [], nama="Mawar")
    # when
    with pytest.raises(DomainError):
        services.keanggotaan_pindah(
            ke=mawar,
            keluarga_ids=[keluarga_a[0].pk, keluarga_a[1].pk],
            oleh=pendamping_hadimulyo,
        )
    # then
    assert _aktif(kelompok_a) == {k.pk for k in keluarga_a}
    assert Keanggotaan.objects.filter(selesai__isnull=False).count() == 0


def test_ending_membership_keeps_the_row(kelompok_a, keluarga_a, pendamping_hadimulyo):
    services.keanggotaan_akhiri(
        kelompok=kelompok_a,
        keluarga_ids=[keluarga_a[4].pk],
        oleh=pendamping_hadimulyo,
        tanggal=datetime.date(2025, 4, 1),
    )
    assert keluarga_a[4].pk not in _aktif(kelompok_a)
    assert Keanggotaan.objects.get(keluarga=keluarga_a[4]).selesai == datetime.date(2025, 4, 1)


def test_ketua_must_be_a_current_member(kelompok_a, keluarga_a, kota_metro, pendamping_hadimulyo):
    bukan_anggota = buat_keluarga(pendamping_hadimulyo, kota_metro[HADIMULYO], 1, "Lain")[0]
    with pytest.raises(DomainError) as error:
        services.kelompok_update(
            kelompok=kelompok_a,
            data={"nama": "Melati", "tempat": "Balai", "ketua": bukan_anggota},
            oleh=pendamping_hadimulyo,
        )
    assert error.value.message == "Ketua kelompok harus anggota kelompok ini."
    services.kelompok_update(
        kelompok=kelompok_a,
        data={"nama": "Melati", "tempat": "Rumah Bu Siti", "ketua": keluarga_a[2]},
        oleh=pendamping_hadimulyo,
    )
    kelompok_a.refresh_from_db()
    assert (kelompok_a.ketua_id, kelompok_a.tempat) == (keluarga_a[2].pk, "Rumah Bu Siti")
