"""Applying with its impact shown first, partial snapshots, second-admin approval and undo
(issue 15)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError
from dinsos.formatting import tanggal
from dinsos.models import AuditEvent, Pengaturan, User, Wilayah
from dinsos.pengaturan import today
from dtsen import services
from dtsen.models import Jenis, Penerapan, Snapshot
from dtsen.selectors.dampak import snapshot_dampak
from kpm import services as kpm_services
from kpm.models import Keluarga
from tests.conftest import make_user
from tests.dtsen.conftest import HADIMULYO_BPS, IRINGMULYO_BPS, make_no_kk, orang, write_csv
from tests.factories import KeluargaFactory

pytestmark = pytest.mark.django_db
JANUARI = datetime.date(2025, 1, 31)
JUNI = datetime.date(2025, 6, 30)
SEPTEMBER = datetime.date(2025, 9, 30)
PBIJK_HEADERS = ["NIK", "NAMA", "KODE DESA", "STATUS", "DESIL"]


@pytest.fixture
def keluarga(kota_metro):
    """KK 1–4 in Hadimulyo Barat (Metro Pusat), KK 5 in Iring Mulyo (Metro Timur), desil as of
    January: 1 → 3, 2 → 4, 3 none, 4 → 2, 5 → 3."""
    desil = {1: 3, 2: 4, 3: None, 4: 2, 5: 3}
    return {
        n: KeluargaFactory(
            no_kk=make_no_kk(n),
            kelurahan=kota_metro["Iring Mulyo" if n == 5 else "Hadimulyo Barat"],
            desil=d,
            desil_per=JANUARI if d else None,
        )
        for n, d in desil.items()
    }


@pytest.fixture
def ambang_longgar():
    """No apply needs a second admin (the share rule is tested on its own)."""
    Pengaturan.objects.create(
        kunci="dtsen_persetujuan_hilang_desil_persen", nilai=100, berlaku_mulai=JANUARI
    )


@pytest.fixture
def admin_kedua(kota_metro) -> User:
    return make_user("admin_kedua", User.Role.ADMIN, kota_metro["Kota Metro"])


def _keadaan():
    rows = Keluarga.objects.order_by("no_kk").values_list("no_kk", "desil", "desil_per")
    return {no_kk: (desil, per) for no_kk, desil, per in rows}


def _partial(muat, tmp_path):
    """June, Hadimulyo Barat only: KK 1 up to 5, KK 2 down to 2, KK 3 gets 1, KK 4 absent;
    KK 6 is not a KPM family."""
    rows = [
        orang(1, kk=1, desil="5"),
        orang(2, kk=2, desil="2"),
        orang(3, kk=3, desil="1"),
        orang(6, kk=6, desil="7"),
    ]
    return muat(write_csv(tmp_path / "juni.csv", rows), tanggal=JUNI)


def _full(muat, tmp_path):
    """September, one person in each of the 22 kelurahan of Kota Metro: KK 1 → 6, KK 3 → 1,
    KK 5 (Iring Mulyo) → 1; KK 2 and KK 4 absent."""
    kelurahan = Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN).order_by("kode")
    kpm = {HADIMULYO_BPS: [(1, "6"), (3, "1")], IRINGMULYO_BPS: [(5, "1")]}
    rows, serial = [], 100
    for w in kelurahan:
        for kk, desil in kpm.get(w.kode_bps, [(serial, "9")]):
            serial += 1
            rows.append(orang(serial, kk=kk, desil=desil, kode=w.kode_bps))
    return muat(write_csv(tmp_path / "september.csv", rows), tanggal=SEPTEMBER)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Impact and coverage ------------------------------------------------------------
def test_impact_of_a_partial_file_per_kecamatan(muat, tmp_path, keluarga):
    # given
    snapshot = _partial(muat, tmp_path)
    # when
    dampak = snapshot_dampak(snapshot=snapshot)
    # then
    assert dampak.cakupan.is_sebagian
    rows = {
        k.kecamatan: (k.naik, k.turun, k.muncul, k.hilang, k.tidak_di_file, k.luar_cakupan)
        for k in dampak.kecamatan
        if k.keluarga_seluruh
    }
    assert rows == {"Metro Pusat": (1, 1, 1, 1, 1, 0), "Metro Timur": (0, 0, 0, 0, 0, 1)}
    assert (dampak.total.kelurahan_tercakup, dampak.total.kelurahan) == (1, 22)
    assert (dampak.jumlah_hilang("sebagian"), dampak.jumlah_hilang("seluruh")) == (1, 2)


def test_review_page_says_the_file_is_partial_and_what_changes(
    client, muat, tmp_path, admin, keluarga
):
    snapshot = _partial(muat, tmp_path)
    client.force_login(admin)
    response = client.get(reverse("dtsen:snapshot-detail", args=[snapshot.pk]))
    text = _text(response)
    assert (
        "File ini hanya mencakup 1 dari 22 kelurahan Kota Metro (snapshot sebagian). Bila "
        "diterapkan, hanya kelurahan yang ada di file yang berubah; desil keluarga di "
        "kelurahan lain tetap seperti sekarang." in text
    )
    assert "Bila diterapkan ke seluruh wilayah: desil <strong>2</strong> keluarga hilang." in text


def test_a_file_covering_every_kelurahan_is_a_full_snapshot(muat, tmp_path, keluarga):
    dampak = snapshot_dampak(snapshot=_full(muat, tmp_path))
    assert not dampak.cakupan.is_sebagian
    t = dampak.total
    assert (t.naik, t.turun, t.muncul, t.hilang, t.tidak_di_file, t.luar_cakupan) == (
        1,
        1,
        1,
        2,
        2,
        0,
    )


def test_pbijk_impact_counts_people_becoming_active_and_nonactive(muat, tmp_path, admin):
    # given: A and B active, C nonactive; the new list: A nonactive, C and D active, B gone
    def row(n, status):
        person = orang(n)
        return [person[0], person[1], person[9], status, "1"]

    lama = write_csv(
        tmp_path / "p1.csv",
        [row(1, "AKTIF"), row(2, "AKTIF"), row(3, "NON AKTIF")],
        headers=PBIJK_HEADERS,
    )
    services.snapshot_apply(snapshot=muat(lama, jenis=Jenis.PBIJK, tanggal=JUNI), applied_by=admin)
    baru = write_csv(
        tmp_path / "p2.csv",
        [row(1, "Nonaktif"), row(3, "AKTIF"), row(4, "AKTIF")],
        headers=PBIJK_HEADERS,
    )
    # when
    t = snapshot_dampak(snapshot=muat(baru, jenis=Jenis.PBIJK, tanggal=SEPTEMBER)).total
    # then
    assert (t.menjadi_aktif, t.menjadi_nonaktif, t.tidak_lagi_terdaftar) == (2, 1, 1)


# --- Partial and whole-area applies --------------------------------------------------
def test_partial_apply_changes_only_covered_kelurahan(
    client, muat, tmp_path, admin, keluarga, ambang_longgar
):
    snapshot = _partial(muat, tmp_path)
    client.force_login(admin)
    response = client.post(
        reverse("dtsen:snapshot-apply", args=[snapshot.pk]),
        {"cakupan": "sebagian", "konfirmasi": "on"},
        follow=True,
    )
    assert "Snapshot diterapkan. Desil 4 keluarga KPM diperbarui." in _text(response)
    assert _keadaan() == {
        make_no_kk(1): (5, JUNI),
        make_no_kk(2): (2, JUNI),
        make_no_kk(3): (1, JUNI),
        make_no_kk(4): (None, JUNI),
        make_no_kk(5): (3, JANUARI),  # Iring Mulyo is not in the file: left as it was
    }
    penerapan = Penerapan.objects.get()
    assert (penerapan.cakupan, penerapan.jumlah_hilang) == ("sebagian", 1)
    event = AuditEvent.objects.get(action=AuditEvent.Action.APPLY)
    assert (event.user, event.jumlah) == (admin, 4)


def test_whole_area_for_a_partial_file_needs_the_typed_count(
    client, muat, tmp_path, admin, keluarga, ambang_longgar
):
    snapshot = _partial(muat, tmp_path)
    client.force_login(admin)
    url = reverse("dtsen:snapshot-apply", args=[snapshot.pk])
    # when: the admin types the wrong number
    wrong = client.post(url, {"cakupan": "seluruh", "konfirmasi_jumlah": "1", "konfirmasi": "on"})
    # then: refused, nothing changed
    assert wrong.status_code == 400
    assert wrong.context["terapkan_form"].errors["konfirmasi_jumlah"] == [
        "Ketik jumlah yang akan kehilangan desil (2) untuk menerapkan file ini ke seluruh wilayah."
    ]
    assert _keadaan()[make_no_kk(5)] == (3, JANUARI)
    assert not Penerapan.objects.exists()
    # when: the right number
    client.post(url, {"cakupan": "seluruh", "konfirmasi_jumlah": "2", "konfirmasi": "on"})
    # then: Iring Mulyo's family loses its desil too
    assert _keadaan()[make_no_kk(5)] == (None, JUNI)


def test_data_per_date_in_the_future_is_refused(client, admin, kota_metro, tmp_path):
    besok = today() + datetime.timedelta(days=1)
    client.force_login(admin)
    path = write_csv(tmp_path / "besok.csv", [orang(1)])
    with path.open("rb") as handle:
        response = client.post(
            reverse("dtsen:snapshot-create"),
            {
                "jenis": "dtsen",
                "tanggal_data": besok.isoformat(),
                "wilayah": kota_metro["Kota Metro"].pk,
                "file": handle,
            },
        )
    assert response.status_code == 400
    assert response.context["form"].errors["tanggal_data"] == [
        f"Tanggal data {tanggal(besok)} belum terjadi; isi tanggal data pada file "
        f"(paling lambat hari ini, {tanggal(today())})."
    ]
    assert not Snapshot.objects.exists()


# --- Second admin's approval -----------------------------------------------------------
def test_a_large_removal_waits_for_a_second_admin(
    client, muat, tmp_path, admin, admin_kedua, keluarga
):
    # given: the partial file removes 1 of the 4 families' desil it touches (25 % > 10 %)
    snapshot = _partial(muat, tmp_path)
    before = _keadaan()
    client.force_login(admin)
    response = client.post(
        reverse("dtsen:snapshot-apply", args=[snapshot.pk]),
        {"cakupan": "sebagian", "konfirmasi": "on"},
        follow=True,
    )
    # then: nothing applied yet; queued on the other admin's Beranda only
    assert (
        "Penerapan ini menghapus desil 1 keluarga dan menunggu persetujuan admin kedua."
        in _text(response)
    )
    assert _keadaan() == before
    penerapan = Penerapan.objects.get()
    assert penerapan.status == Penerapan.Status.MENUNGGU

    def antrean(user):
        items = dinsos_selectors.beranda_items(user=user)
        return [i.jumlah for i in items if i.judul == "Penerapan impor menunggu persetujuan Anda"]

    assert (antrean(admin), antrean(admin_kedua)) == ([0], [1])
    # when: the proposer tries to approve their own
    with pytest.raises(DomainError) as error:
        services.penerapan_approve(penerapan=penerapan, approved_by=admin)
    assert error.value.message == (
        "Penerapan ini harus disetujui admin lain, bukan yang mengusulkannya."
    )
    # when: the second admin approves
    client.force_login(admin_kedua)
    client.post(reverse("dtsen:penerapan-approve", args=[penerapan.pk]))
    # then
    penerapan.refresh_from_db()
    assert (penerapan.status, penerapan.disetujui_oleh) == ("diterapkan", admin_kedua)
    assert _keadaan()[make_no_kk(4)] == (None, JUNI)
    audit = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.APPLY)
        .order_by("id")
        .values_list("username", "jumlah")
    )
    assert audit == [("admin", 1), ("admin_kedua", 4)]


# --- Undo -----------------------------------------------------------------------
def test_undo_partial_then_full_leaves_every_family_as_before(
    client, muat, tmp_path, admin, keluarga, ambang_longgar
):
    # given: a partial June file, then a full September file, both applied in the portal
    before = _keadaan()
    juni = _partial(muat, tmp_path)
    september = _full(muat, tmp_path)
    client.force_login(admin)
    client.post(
        reverse("dtsen:snapshot-apply", args=[juni.pk]), {"cakupan": "sebagian", "konfirmasi": "on"}
    )
    client.post(
        reverse("dtsen:snapshot-apply", args=[september.pk]),
        {"cakupan": "seluruh", "konfirmasi": "on"},
    )
    assert _keadaan()[make_no_kk(5)] == (1, SEPTEMBER)
    # when: undo September, then June
    response = client.post(
        reverse("dtsen:snapshot-undo", args=[september.pk]), {"konfirmasi": "on"}, follow=True
    )
    assert "Dikembalikan ke snapshot sebelumnya: desil 5 keluarga dipulihkan." in _text(response)
    juni.refresh_from_db()
    assert juni.status == Snapshot.Status.DITERAPKAN
    client.post(reverse("dtsen:snapshot-undo", args=[juni.pk]), {"konfirmasi": "on"})
    # then
    assert _keadaan() == before
    statuses = set(Snapshot.objects.values_list("status", flat=True))
    assert statuses == {Snapshot.Status.SIAP_DITINJAU}
    undo_events = AuditEvent.objects.filter(reason__contains="dikembalikan ke").order_by("id")
    assert list(undo_events.values_list("object_id", "jumlah")) == [
        (str(september.pk), 5),
        (str(juni.pk), 4),
    ]


def test_undo_leaves_a_family_changed_since_and_reports_it(muat, tmp_path, admin, keluarga):
    # given: June applied; KK 1's desil is then changed by something else
    juni = _partial(muat, tmp_path)
    services.snapshot_apply(snapshot=juni, applied_by=admin, cakupan="sebagian")
    Keluarga.objects.filter(no_kk=make_no_kk(1)).update(desil=8)
    # when
    penerapan = services.snapshot_undo(snapshot=juni, user=admin)
    # then
    assert (penerapan.jumlah_dikembalikan, penerapan.berubah_sejak) == (3, [keluarga[1].pk])
    assert _keadaan()[make_no_kk(1)] == (8, JUNI)
    assert _keadaan()[make_no_kk(2)] == (4, JANUARI)


def test_the_undo_can_itself_be_undone(muat, tmp_path, admin, keluarga):
    juni = _partial(muat, tmp_path)
    services.snapshot_apply(snapshot=juni, applied_by=admin, cakupan="sebagian")
    applied = _keadaan()
    penerapan = services.snapshot_undo(snapshot=juni, user=admin)
    kpm_services.keluarga_desil_undo(
        sumber=penerapan.sumber_pengembalian, sumber_baru="uji:batal-pengembalian"
    )
    assert _keadaan() == applied


def test_only_the_active_snapshot_can_be_undone(muat, tmp_path, admin, keluarga):
    juni = _partial(muat, tmp_path)
    services.snapshot_apply(snapshot=juni, applied_by=admin)
    september = _full(muat, tmp_path)
    services.snapshot_apply(snapshot=september, applied_by=admin)
    with pytest.raises(DomainError) as error:
        services.snapshot_undo(snapshot=juni, user=admin)
    assert error.value.message == (
        "Hanya snapshot aktif yang bisa dikembalikan ke snapshot sebelumnya."
    )
