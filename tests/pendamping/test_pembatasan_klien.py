"""Issue 20 (UU 27/2022; DOMAIN.md §10): a PMKS client's restriction request.

Recorded from the client's page into kpm's register (one list, one 3×24 h deadline); while
it is in force the client leaves the client list, its export and the lists of their cases,
and the register shows them as restricted with the NIK masked. Families' restrictions keep
working beside it.
"""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from dinsos import ekspor
from dinsos.errors import DomainError
from dinsos.models import AuditEvent, User
from kpm import services as kpm_services
from kpm.models import PermintaanPembatasan
from pendamping import services
from pendamping.models import Kasus, KategoriPmks, KlienPmks, Pendamping
from tests.conftest import make_user
from tests.factories import keluarga_with_pengurus
from tests.pendamping.conftest import buat_profil

pytestmark = pytest.mark.django_db
P = PermintaanPembatasan
NIK_DIBATASI = "1872014501500001"
NIK_TERBUKA = "1872014501500002"


@pytest.fixture
def rehsos(pendamping_hadimulyo):
    return buat_profil(pendamping_hadimulyo, nama="Rina Rehsos", jenis=Pendamping.Jenis.REHSOS)


def _klien(nama: str, nik: str, kelurahan, petugas: Pendamping, oleh) -> KlienPmks:
    return KlienPmks.objects.create(
        nama=nama,
        nik=nik,
        jenis_kelamin="L",
        kelurahan=kelurahan,
        kategori=KategoriPmks.objects.get(kode="lansia_terlantar"),
        pendamping=petugas,
        dicatat_oleh=oleh,
    )


@pytest.fixture
def dua_klien(kota_metro, rehsos, operator):
    hadimulyo = kota_metro["Hadimulyo Barat"]
    dibatasi = _klien("Mbah Sarno Dibatasi", NIK_DIBATASI, hadimulyo, rehsos, operator)
    terbuka = _klien("Mbah Paijo Terbuka", NIK_TERBUKA, hadimulyo, rehsos, operator)
    Kasus.objects.create(
        klien=dibatasi,
        pendamping=rehsos,
        tanggal_lapor=datetime.date(2026, 3, 1),
        kategori=Kasus.Kategori.LAINNYA,
        deskripsi="Perlu bantuan.",
        dicatat_oleh=operator,
    )
    return dibatasi, terbuka


def _minta(client, user, klien, **extra):
    client.force_login(user)
    data = {
        "jenis": P.Jenis.PEMBATASAN,
        "diterima_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "dasar": "Surat permohonan klien 3/2026",
        **extra,
    }
    return client.post(reverse("pendamping:klien-pembatasan", args=[klien.pk]), data)


def _nama_di_daftar(client, user) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("pendamping:klien-list"))
    assert response.status_code == 200
    return [k.nama for k in response.context["page"]]


def _ekspor(client, user) -> list[tuple[object, ...]]:
    client.force_login(user)
    response = client.get(reverse("pendamping:klien-xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_a_restricted_client_vanishes_from_the_list_and_its_export(
    client, dua_klien, operator, koordinator_metro_pusat, pendamping_hadimulyo
):
    # given
    dibatasi, _ = dua_klien
    semua = ["Mbah Paijo Terbuka", "Mbah Sarno Dibatasi"]
    assert _nama_di_daftar(client, operator) == semua
    assert [row[:2] for row in _ekspor(client, operator)] == [
        ("Mbah Paijo Terbuka", NIK_TERBUKA),
        ("Mbah Sarno Dibatasi", NIK_DIBATASI),
    ]
    # when: the operator records the client's request on the client's page
    response = _minta(client, operator, dibatasi)
    # then: it lands in kpm's register, whose page shows the client as restricted, masked
    permintaan = P.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kpm:pembatasan-detail", args=[permintaan.pk])
    assert (permintaan.keluarga_id, permintaan.status) == (None, P.Status.MENUNGGU)
    assert permintaan.tenggat == permintaan.diterima_at + datetime.timedelta(hours=72)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="dibatasi"' in page
    assert "Klien PMKS" in page
    assert "Mbah Sarno Dibatasi" in page
    assert "1872**********01" in page
    assert NIK_DIBATASI not in page
    # … and the client is gone for every role, from the list, the export and their records
    for user in (operator, koordinator_metro_pusat, pendamping_hadimulyo):
        assert _nama_di_daftar(client, user) == ["Mbah Paijo Terbuka"]
    assert _ekspor(client, operator)[0][:2] == ("Mbah Paijo Terbuka", NIK_TERBUKA)
    assert len(_ekspor(client, koordinator_metro_pusat)) == 1
    assert client.get(reverse("pendamping:klien-detail", args=[dibatasi.pk])).status_code == 404
    assert client.get(reverse("pendamping:kasus-list")).context["page"].paginator.count == 0
    # nothing is deleted
    assert KlienPmks.objects.filter(pk=dibatasi.pk).exists()
    assert Kasus.objects.filter(klien=dibatasi).exists()
    assert AuditEvent.objects.filter(
        object_type="kpm.permintaanpembatasan", action=AuditEvent.Action.CREATE
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="pendamping.klienpmks", action=AuditEvent.Action.EXPORT, jumlah=1
    ).exists()


def test_a_refused_request_shows_the_client_again(client, dua_klien, operator, admin):
    # given
    dibatasi, _ = dua_klien
    _minta(client, operator, dibatasi)
    permintaan = P.objects.get()
    # when: the admin refuses it on the register's page
    client.force_login(admin)
    response = client.post(
        reverse("kpm:pembatasan-putuskan", args=[permintaan.pk]),
        {"keputusan": "tolak", "catatan": "Bukan dasar pembatasan yang sah."},
    )
    # then
    assert response.status_code == 302
    assert "Mbah Sarno Dibatasi" in _nama_di_daftar(client, operator)


def test_the_register_lists_the_client_within_the_users_area(
    client, dua_klien, operator, admin, koordinator_metro_pusat, kota_metro
):
    # given: the client lives in Hadimulyo Barat (Metro Pusat)
    dibatasi, _ = dua_klien
    _minta(client, operator, dibatasi)
    lain = kota_metro["Iring Mulyo"]
    koordinator_timur = make_user("koord_timur", User.Role.KOORDINATOR, lain.parent)
    # when / then
    for user, terlihat in ((admin, 1), (koordinator_metro_pusat, 1), (koordinator_timur, 0)):
        client.force_login(user)
        response = client.get(reverse("kpm:pembatasan-list"))
        assert response.context["page"].paginator.count == terlihat
        if terlihat:
            assert "Klien PMKS: Mbah Sarno Dibatasi" in " ".join(response.content.decode().split())
    client.force_login(koordinator_timur)
    detail = reverse("kpm:pembatasan-detail", args=[P.objects.get().pk])
    assert client.get(detail).status_code == 404


def test_a_second_request_in_force_is_refused(client, dua_klien, operator):
    # given
    dibatasi, _ = dua_klien
    _minta(client, operator, dibatasi)
    # when: the client is hidden now, so the page itself answers 404
    response = _minta(client, operator, dibatasi)
    # then
    assert response.status_code == 404
    with pytest.raises(DomainError, match="sudah dalam pembatasan"):
        services.klien_pembatasan_catat(
            klien=dibatasi,
            jenis=P.Jenis.KEBERATAN,
            diterima_at=timezone.now(),
            dasar="Keberatan kedua",
            oleh=operator,
        )
    assert P.objects.count() == 1


def test_only_admin_and_operator_record_a_request(
    client, dua_klien, koordinator_metro_pusat, pendamping_hadimulyo
):
    dibatasi, _ = dua_klien
    for user in (koordinator_metro_pusat, pendamping_hadimulyo):
        assert _minta(client, user, dibatasi).status_code == 403
    assert not P.objects.exists()


def test_the_export_writer_drops_a_restricted_clients_nik(dua_klien, operator):
    # given
    dibatasi, _ = dua_klien
    services.klien_pembatasan_catat(
        klien=dibatasi,
        jenis=P.Jenis.PEMBATASAN,
        diterima_at=timezone.now(),
        dasar="Surat permohonan",
        oleh=operator,
    )
    # when: an export whose query forgot the restriction writes the client's row
    workbook = ekspor.SafeWorkbook()
    sheet = workbook.add_sheet("Uji")
    sheet.append(["Mbah Sarno Dibatasi", NIK_DIBATASI])
    sheet.append(["Mbah Paijo Terbuka", NIK_TERBUKA])
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook.to_bytes())).active.values)
    # then
    assert rows == [("Mbah Paijo Terbuka", NIK_TERBUKA)]


def test_families_stay_listed_beside_a_client_request(
    client, dua_klien, operator, kota_metro, pendamping_hadimulyo
):
    # given: a client request (a register row without a family) and a restricted family
    dibatasi, _ = dua_klien
    _minta(client, operator, dibatasi)
    hadimulyo = kota_metro["Hadimulyo Barat"]
    terbuka = keluarga_with_pengurus(kelurahan=hadimulyo, pengurus_nama="Warsini Terbuka")
    tertutup = keluarga_with_pengurus(kelurahan=hadimulyo, pengurus_nama="Sulastri Tertutup")
    kpm_services.pembatasan_catat(
        keluarga=tertutup,
        anggota=None,
        jenis=P.Jenis.PEMBATASAN,
        diterima_at=timezone.now(),
        dasar="Surat permohonan keluarga",
        oleh=operator,
    )
    # when
    client.force_login(operator)
    response = client.get(reverse("kpm:keluarga-list"))
    # then: the family list neither loses every family nor shows the restricted one
    names = [k.pengurus.nama for k in response.context["page"]]
    assert names == [terbuka.pengurus.nama]
    register = client.get(reverse("kpm:pembatasan-list")).context["page"]
    assert register.paginator.count == 2
