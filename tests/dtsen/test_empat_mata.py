"""Four eyes on DTSEN applies that remove desil from many families (issue 20): the
second-admin approval of dtsen/services/penerapan.py uses the shared setting and waits in
the shared Persetujuan queue too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.models import Pengaturan, Persetujuan, User
from dtsen import services
from dtsen.models import Penerapan
from tests.conftest import make_user
from tests.dtsen.test_penerapan import (  # the apply tests' families and files
    JANUARI,
    _keadaan,
    _partial,
    keluarga,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_kedua(kota_metro) -> User:
    return make_user("admin_kedua", User.Role.ADMIN, kota_metro["Kota Metro"])


def _usul(muat, tmp_path, admin):
    snapshot = _partial(muat, tmp_path)
    return services.snapshot_propose(
        snapshot=snapshot, proposed_by=admin, cakupan=Penerapan.Cakupan.SEBAGIAN
    )


@pytest.mark.usefixtures("keluarga")
def test_large_removal_waits_in_the_shared_queue(muat, tmp_path, admin, admin_kedua):
    # given
    before = _keadaan()
    penerapan = _usul(muat, tmp_path, admin)
    persetujuan = Persetujuan.objects.get(jenis=Persetujuan.Jenis.DTSEN_HAPUS_DESIL)
    assert persetujuan.sesudah == "1 keluarga/orang kehilangan desil"
    assert list(dinsos_selectors.persetujuan_antrean(user=admin)) == []
    assert list(dinsos_selectors.persetujuan_antrean(user=admin_kedua)) == [persetujuan]
    # when: the proposer tries in the queue
    with pytest.raises(DomainError, match="prinsip empat mata"):
        dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=admin)
    assert _keadaan() == before
    # when: the second admin approves in the queue
    dinsos_services.persetujuan_setujui(persetujuan=persetujuan, oleh=admin_kedua)
    # then: the apply ran, as if approved on the dtsen page
    penerapan.refresh_from_db()
    assert (penerapan.status, penerapan.disetujui_oleh) == ("diterapkan", admin_kedua)
    assert _keadaan() != before


@pytest.mark.usefixtures("keluarga")
def test_approving_on_the_dtsen_page_closes_the_queue_item(
    client, muat, tmp_path, admin, admin_kedua
):
    penerapan = _usul(muat, tmp_path, admin)
    client.force_login(admin_kedua)
    client.post(reverse("dtsen:penerapan-approve", args=[penerapan.pk]))
    persetujuan = Persetujuan.objects.get()
    assert (persetujuan.status, persetujuan.diputuskan_oleh) == ("disetujui", admin_kedua)
    assert client.get(reverse("persetujuan-list")).context["page"].paginator.count == 0


@pytest.mark.usefixtures("keluarga")
def test_proposer_withdrawing_on_the_dtsen_page_cancels_the_queue_item(muat, tmp_path, admin):
    penerapan = _usul(muat, tmp_path, admin)
    services.penerapan_reject(penerapan=penerapan, user=admin)
    assert Persetujuan.objects.get().status == "dibatalkan"


@pytest.mark.usefixtures("keluarga")
def test_setting_off_applies_at_once(muat, tmp_path, admin):
    Pengaturan.objects.create(kunci="empat_mata_tindakan", nilai=[], berlaku_mulai=JANUARI)
    penerapan = _usul(muat, tmp_path, admin)
    assert penerapan.status == "diterapkan"
    assert not Persetujuan.objects.exists()
