"""Four eyes on PBI-JK decisions (issue 20): once the ground-check of a deactivation or
reactivation is in, the decision waits in the shared Persetujuan queue; the proposer cannot
approve it there, a second person can, and approving on either page closes the other."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.models import Pengaturan, Persetujuan
from pemutakhiran import services
from pemutakhiran.models import Status
from tests.dtsen.conftest import make_nik
from tests.pemutakhiran.helpers import HARI_INI, buat, sampai

pytestmark = pytest.mark.django_db
NIK = make_nik(datetime.date(1950, 3, 4), "1", 11)


@pytest.fixture
def diperiksa(kota_metro, operator, pendamping_hadimulyo, admin):
    usulan = buat(oleh=operator, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK)
    return sampai(usulan, "lapangan", pemeriksa=admin, petugas=pendamping_hadimulyo, pengesah=admin)


def test_deactivation_waits_in_the_queue_and_proposer_cannot_approve(
    diperiksa, operator, operator_dua
):
    # given: the operator made and submitted the deactivation; the ground-check is in
    persetujuan = Persetujuan.objects.get(jenis=Persetujuan.Jenis.PBIJK)
    assert persetujuan.diajukan_oleh == operator
    assert (persetujuan.sebelum, persetujuan.sesudah) == (
        "Aktif",
        "Penonaktifan dikirim ke SIKS-NG",
    )
    assert list(dinsos_selectors.persetujuan_antrean(user=operator)) == []
    assert list(dinsos_selectors.persetujuan_antrean(user=operator_dua)) == [persetujuan]
    # when / then: the proposer is refused, nothing changes
    with pytest.raises(DomainError, match="prinsip empat mata"):
        dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=operator)
    diperiksa.refresh_from_db()
    assert diperiksa.status == Status.CEK_LAPANGAN
    # a second operator approves in the queue: the proposal joins the SIKS-NG batch
    dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=operator_dua)
    diperiksa.refresh_from_db()
    assert (diperiksa.status, diperiksa.diputuskan_oleh) == (Status.DISETUJUI, operator_dua)


def test_deciding_on_the_pemutakhiran_page_closes_the_queue_item(client, diperiksa, operator_dua):
    services.usulan_setujui(usulan=diperiksa, oleh=operator_dua, hari_ini=HARI_INI)
    persetujuan = Persetujuan.objects.get(jenis=Persetujuan.Jenis.PBIJK)
    assert (persetujuan.status, persetujuan.diputuskan_oleh) == ("disetujui", operator_dua)
    client.force_login(operator_dua)
    assert client.get(reverse("persetujuan-list")).context["page"].paginator.count == 0


def test_rejecting_closes_the_queue_item(diperiksa, operator_dua):
    services.usulan_tolak(usulan=diperiksa, alasan="Masih hidup.", oleh=operator_dua)
    persetujuan = Persetujuan.objects.get(jenis=Persetujuan.Jenis.PBIJK)
    assert persetujuan.status == "ditolak"


def test_setting_off_keeps_only_the_pages_own_rule(
    kota_metro, operator, pendamping_hadimulyo, admin
):
    Pengaturan.objects.create(
        kunci="empat_mata_tindakan", nilai=[], berlaku_mulai=datetime.date(2020, 1, 1)
    )
    usulan = buat(oleh=operator, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK)
    sampai(usulan, "lapangan", pemeriksa=admin, petugas=pendamping_hadimulyo, pengesah=admin)
    assert not Persetujuan.objects.exists()
