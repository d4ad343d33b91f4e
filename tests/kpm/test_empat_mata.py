"""Four eyes on the family status form (issue 20): ditangguhkan and dibatalkan take aid away,
so they wait for a second person; restoring aid (ditangguhkan → aktif) does not."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.models import Pengaturan, Persetujuan
from kpm import services
from kpm.models import Keluarga, RiwayatStatus
from tests.factories import keluarga_with_pengurus

pytestmark = pytest.mark.django_db


@pytest.fixture
def keluarga(kota_metro):
    return keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"])


def _status(keluarga):
    keluarga.refresh_from_db(fields=["status"])
    return keluarga.status


@pytest.mark.parametrize("ke", ["ditangguhkan", "dibatalkan"])
def test_change_waits_and_proposer_cannot_approve(keluarga, operator, admin, ke):
    # when
    persetujuan = services.keluarga_status_ajukan(
        keluarga=keluarga, ke=ke, alasan="Musyawarah kelurahan.", oleh=operator
    )
    # then: nothing changed yet, and the operator cannot approve it
    assert (persetujuan.sebelum, persetujuan.sesudah) == ("Aktif", Keluarga.Status(ke).label)
    assert _status(keluarga) == "aktif"
    with pytest.raises(DomainError, match="prinsip empat mata"):
        dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=operator)
    assert _status(keluarga) == "aktif"
    # a second person approves: the change happens, history names the approver
    dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=admin)
    assert _status(keluarga) == ke
    riwayat = RiwayatStatus.objects.get(keluarga=keluarga, ke=ke)
    assert riwayat.oleh == admin
    assert riwayat.alasan.startswith("Musyawarah kelurahan. (diajukan Operator, disetujui Admin")


def test_restoring_aid_runs_at_once(keluarga, operator):
    Keluarga.objects.filter(pk=keluarga.pk).update(status="ditangguhkan")
    keluarga.refresh_from_db()
    hasil = services.keluarga_status_ajukan(
        keluarga=keluarga, ke="aktif", alasan="Sudah hadir lagi.", oleh=operator
    )
    assert hasil is None
    assert _status(keluarga) == "aktif"


def test_invalid_move_is_refused_before_any_proposal(keluarga, operator):
    Keluarga.objects.filter(pk=keluarga.pk).update(status="dibatalkan")
    keluarga.refresh_from_db()
    with pytest.raises(DomainError, match="tidak dapat diubah"):
        services.keluarga_status_ajukan(
            keluarga=keluarga, ke="ditangguhkan", alasan="x", oleh=operator
        )
    assert not Persetujuan.objects.exists()


def test_setting_off_runs_directly(keluarga, operator):
    Pengaturan.objects.create(
        kunci="empat_mata_tindakan", nilai=[], berlaku_mulai=datetime.date(2020, 1, 1)
    )
    hasil = services.keluarga_status_ajukan(
        keluarga=keluarga, ke="ditangguhkan", alasan="Langsung.", oleh=operator
    )
    assert hasil is None
    assert _status(keluarga) == "ditangguhkan"
    assert not Persetujuan.objects.exists()


def test_page_proposer_sees_no_approve_button_and_post_is_refused(client, keluarga, operator):
    client.force_login(operator)
    client.post(
        reverse("kpm:keluarga-status", args=[keluarga.pk]),
        {"ke": "dibatalkan", "alasan": "Pindah ke luar kota."},
    )
    persetujuan = Persetujuan.objects.get()
    body = client.get(reverse("persetujuan-list")).content.decode()
    assert 'value="setujui"' not in body
    response = client.post(
        reverse("persetujuan-putuskan", args=[persetujuan.pk]), {"aksi": "setujui"}, follow=True
    )
    assert "prinsip empat mata" in response.content.decode()
    assert _status(keluarga) == "aktif"
