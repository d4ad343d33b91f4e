"""Four eyes (issue 20): the generic proposal → second-person approval mechanism in dinsos.

The apps' own actions are tested in their folders; here a stand-in executor renames an area,
so the tests see exactly when the action runs.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from dinsos import hooks, selectors, services
from dinsos.errors import DomainError
from dinsos.models import AuditEvent, Pengaturan, Persetujuan, User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
J = Persetujuan.Jenis


def _ganti_nama(*, persetujuan, oleh):
    from dinsos.models import Wilayah

    Wilayah.objects.filter(pk=int(persetujuan.objek_id)).update(nama=persetujuan.data["nama"])


@pytest.fixture(autouse=True)
def eksekutor():
    with hooks.registry.override(hooks.EKSEKUTOR_PERSETUJUAN, {J.STATUS_KELUARGA: _ganti_nama}):
        yield


def _ajukan(kelurahan, oleh, **kwargs):
    return services.persetujuan_ajukan(
        jenis=J.STATUS_KELUARGA,
        objek=kelurahan,
        wilayah=kelurahan,
        judul=f"Kelurahan {kelurahan.nama}",
        sebelum=kelurahan.nama,
        sesudah="Nama Baru",
        alasan="Uji empat mata.",
        data={"nama": "Nama Baru"},
        oleh=oleh,
        **kwargs,
    )


def _nama(wilayah):
    wilayah.refresh_from_db(fields=["nama"])
    return wilayah.nama


def test_proposer_cannot_approve_own_proposal(kota_metro, operator):
    # given
    hadimulyo = kota_metro["Hadimulyo Barat"]
    persetujuan = _ajukan(hadimulyo, operator)
    # when / then
    with pytest.raises(DomainError, match="bukan yang mengajukannya"):
        services.persetujuan_setujui(persetujuan=persetujuan, oleh=operator)
    with pytest.raises(DomainError, match="bukan yang mengajukannya"):
        services.persetujuan_tolak(persetujuan=persetujuan, oleh=operator, catatan="tidak")
    assert _nama(hadimulyo) == "Hadimulyo Barat"
    persetujuan.refresh_from_db()
    assert persetujuan.status == Persetujuan.Status.DIAJUKAN


def test_second_person_approves_and_the_action_runs_only_then(kota_metro, operator, admin):
    # given
    hadimulyo = kota_metro["Hadimulyo Barat"]
    persetujuan = _ajukan(hadimulyo, operator)
    assert _nama(hadimulyo) == "Hadimulyo Barat"
    # when
    services.persetujuan_setujui(persetujuan=persetujuan, oleh=admin, catatan="Sesuai.")
    # then
    assert _nama(hadimulyo) == "Nama Baru"
    persetujuan.refresh_from_db()
    assert (persetujuan.status, persetujuan.diputuskan_oleh) == ("disetujui", admin)
    reasons = list(
        AuditEvent.objects.filter(object_type="dinsos.persetujuan").values_list(
            "username", "reason"
        )
    )
    assert (
        "operator",
        f"Mengajukan Perubahan status keluarga (dinsos.wilayah#{hadimulyo.pk})",
    ) in reasons
    assert (
        "admin",
        f"Menyetujui Perubahan status keluarga (dinsos.wilayah#{hadimulyo.pk})",
    ) in reasons


def test_reject_needs_reason_and_changes_nothing(kota_metro, operator, admin):
    hadimulyo = kota_metro["Hadimulyo Barat"]
    persetujuan = _ajukan(hadimulyo, operator)
    with pytest.raises(DomainError, match="alasan penolakan"):
        services.persetujuan_tolak(persetujuan=persetujuan, oleh=admin, catatan=" ")
    services.persetujuan_tolak(persetujuan=persetujuan, oleh=admin, catatan="Belum cukup bukti.")
    assert _nama(hadimulyo) == "Hadimulyo Barat"
    with pytest.raises(DomainError, match="sudah ditolak"):
        services.persetujuan_setujui(persetujuan=persetujuan, oleh=admin)


def test_only_the_proposer_withdraws(kota_metro, operator, admin):
    persetujuan = _ajukan(kota_metro["Hadimulyo Barat"], operator)
    with pytest.raises(DomainError, match="Hanya yang mengajukan"):
        services.persetujuan_batalkan(persetujuan=persetujuan, oleh=admin)
    services.persetujuan_batalkan(persetujuan=persetujuan, oleh=operator)
    assert persetujuan.status == Persetujuan.Status.DIBATALKAN


def test_one_open_proposal_per_action_and_target(kota_metro, operator):
    _ajukan(kota_metro["Hadimulyo Barat"], operator)
    with pytest.raises(DomainError, match="sudah diajukan dan menunggu persetujuan"):
        _ajukan(kota_metro["Hadimulyo Barat"], operator)


def test_role_not_named_cannot_decide(kota_metro, operator, koordinator_metro_pusat):
    persetujuan = _ajukan(
        kota_metro["Hadimulyo Barat"], operator, peran_penyetuju=[User.Role.ADMIN]
    )
    with pytest.raises(DomainError, match="Peran Koordinator tidak dapat"):
        services.persetujuan_setujui(persetujuan=persetujuan, oleh=koordinator_metro_pusat)


def test_queue_is_scoped_by_role_area_and_excludes_own(
    kota_metro, operator, admin, koordinator_metro_pusat, pendamping_hadimulyo
):
    # given: Hadimulyo Barat lies in Metro Pusat; Iring Mulyo in Metro Timur
    di_pusat = _ajukan(kota_metro["Hadimulyo Barat"], operator)
    di_timur = _ajukan(kota_metro["Iring Mulyo"], operator)
    # then
    assert list(selectors.persetujuan_antrean(user=admin)) == [di_pusat, di_timur]
    assert list(selectors.persetujuan_antrean(user=koordinator_metro_pusat)) == [di_pusat]
    assert list(selectors.persetujuan_antrean(user=operator)) == []
    assert list(selectors.persetujuan_antrean(user=pendamping_hadimulyo)) == []
    assert list(selectors.persetujuan_milik(user=operator)) == [di_pusat, di_timur]


def test_setting_lists_the_actions_that_need_four_eyes(db):
    assert selectors.persetujuan_perlu(J.PBIJK) is True
    Pengaturan.objects.create(
        kunci="empat_mata_tindakan", nilai=["graduasi"], berlaku_mulai=datetime.date(2020, 1, 1)
    )
    assert selectors.persetujuan_perlu(J.PBIJK) is False
    assert selectors.persetujuan_perlu(J.GRADUASI) is True


# --- The page ----------------------------------------------------------------------------
def test_page_hides_decision_buttons_from_the_proposer(client, kota_metro, operator):
    persetujuan = _ajukan(kota_metro["Hadimulyo Barat"], operator)
    client.force_login(operator)
    body = client.get(reverse("persetujuan-list")).content.decode()
    assert f'data-testid="milik-{persetujuan.pk}"' in body
    assert f'data-testid="persetujuan-{persetujuan.pk}"' not in body
    assert 'value="setujui"' not in body
    assert "Batalkan pengajuan" in body


def test_proposer_posting_approve_is_refused_on_the_page(client, kota_metro, operator):
    hadimulyo = kota_metro["Hadimulyo Barat"]
    persetujuan = _ajukan(hadimulyo, operator)
    client.force_login(operator)
    url = reverse("persetujuan-putuskan", args=[persetujuan.pk])
    response = client.post(url, {"aksi": "setujui"}, follow=True)
    assert "bukan yang mengajukannya (prinsip empat mata)" in response.content.decode()
    assert _nama(hadimulyo) == "Hadimulyo Barat"


def test_second_person_approves_on_the_page(client, kota_metro, operator, admin):
    hadimulyo = kota_metro["Hadimulyo Barat"]
    persetujuan = _ajukan(hadimulyo, operator)
    client.force_login(admin)
    body = client.get(reverse("persetujuan-list")).content.decode()
    assert "Hadimulyo Barat" in body
    assert "Nama Baru" in body
    url = reverse("persetujuan-putuskan", args=[persetujuan.pk])
    client.post(url, {"aksi": "setujui", "catatan": ""})
    assert _nama(hadimulyo) == "Nama Baru"


def test_out_of_area_decision_is_404(client, kota_metro, operator, koordinator_metro_pusat):
    iring = kota_metro["Iring Mulyo"]
    persetujuan = _ajukan(iring, operator)
    client.force_login(koordinator_metro_pusat)
    url = reverse("persetujuan-putuskan", args=[persetujuan.pk])
    assert client.post(url, {"aksi": "setujui"}).status_code == 404
    assert _nama(iring) == "Iring Mulyo"


def test_beranda_count_equals_queue_count(client, kota_metro, operator, admin):
    _ajukan(kota_metro["Hadimulyo Barat"], operator)
    _ajukan(kota_metro["Iring Mulyo"], operator)
    client.force_login(admin)
    home = client.get(reverse("home")).content.decode()
    found = re.search(r'href="/persetujuan/"\s+data-jumlah="(\d+)"', home)
    assert found
    assert found.group(1) == "2"
    assert client.get(reverse("persetujuan-list")).context["page"].paginator.count == 2


@pytest.mark.parametrize("n", [1, 8])
def test_queue_page_query_count_is_flat(n, client, kota_metro, admin, django_assert_num_queries):
    names = [w for w in kota_metro.values() if w.tingkat == "kelurahan"][:n]
    pengaju = make_user("pengaju", User.Role.OPERATOR, kota_metro["Kota Metro"])
    for w in names:
        _ajukan(w, pengaju)
    client.force_login(admin)
    with django_assert_num_queries(8):
        response = client.get(reverse("persetujuan-list"))
    assert response.context["page"].paginator.count == n
