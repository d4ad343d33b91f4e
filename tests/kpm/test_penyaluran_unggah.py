"""Issue 20, RHK 1: the bank/Pos distribution list uploaded in the browser — refused at the
door, checked whole with each error by row and column, previewed, applied in one transaction
(all or nothing, idempotent), audited, cancelled or expired; only by admin and operator."""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dinsos.models import AuditEvent, User
from kpm import services
from kpm.models import BarisUnggahanPenyaluran, Penyaluran, PermintaanPembatasan
from kpm.models import UnggahanPenyaluran as U
from tests.conftest import make_user
from tests.kpm.salur import daftar_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_sementara")]
UNGGAH = reverse("kpm:penyaluran-unggah")


def _unggah(client, user, content: bytes, nama: str = "salur.csv"):
    client.force_login(user)
    return client.post(UNGGAH, {"berkas": SimpleUploadedFile(nama, content)})


def _teks(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_list_is_checked_previewed_then_applied(client, operator, dua_keluarga):
    # given
    satu, dua = dua_keluarga
    content = daftar_csv(
        f"'{satu.no_kk};;2;2026;Rp750.000;Tersalur;;BRI",
        f";'{dua.pengurus.nik};2;2026;750000;GAGAL;Rekening tidak aktif;Pos",
    )
    # when: uploaded
    response = _unggah(client, operator, content)
    # then: checked in the request; the page previews, nothing recorded yet
    unggahan = U.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kpm:penyaluran-unggahan", args=[unggahan.pk])
    page = client.get(response["Location"])
    text = _teks(page)
    assert unggahan.status == U.Status.SIAP
    assert 'data-testid="baru">2<' in text.replace(" ", "")
    assert "Terapkan: 2 baru, 0 diubah" in text
    assert not Penyaluran.objects.exists()
    assert BarisUnggahanPenyaluran.objects.filter(unggahan=unggahan).count() == 2
    # when: applied
    response = client.post(reverse("kpm:penyaluran-unggahan-terapkan", args=[unggahan.pk]))
    # then
    assert response.status_code == 302
    assert set(Penyaluran.objects.values_list("keluarga_id", "status")) == {
        (satu.pk, "tersalur"),
        (dua.pk, "gagal"),
    }
    unggahan.refresh_from_db()
    assert (unggahan.status, unggahan.baru, unggahan.diterapkan_oleh) == ("diterapkan", 2, operator)
    assert not BarisUnggahanPenyaluran.objects.exists()  # staging gone
    assert not unggahan.berkas  # the stored file too
    text = _teks(client.get(response["Location"]))
    assert "Daftar penyaluran diterapkan: 2 baru, 0 diubah, 0 tetap." in text
    actions = set(AuditEvent.objects.values_list("action", "object_type", "jumlah"))
    assert ("import", "kpm.unggahanpenyaluran", 0) in actions
    assert ("apply", "kpm.penyaluran", 2) in actions


def test_the_same_list_again_records_nothing_twice(client, operator, dua_keluarga):
    # given: a list applied once
    satu, _ = dua_keluarga
    content = daftar_csv(f"'{satu.no_kk};;1;2026;750000;TERSALUR;;BRI")
    _unggah(client, operator, content)
    pertama = U.objects.get()
    client.post(reverse("kpm:penyaluran-unggahan-terapkan", args=[pertama.pk]))
    sebelum = Penyaluran.objects.values_list("pk", "updated_at").get()
    # when: the same file is uploaded again
    _unggah(client, operator, content)
    kedua = U.objects.exclude(pk=pertama.pk).get()
    text = _teks(client.get(reverse("kpm:penyaluran-unggahan", args=[kedua.pk])))
    # then: the preview says nothing changes, and why
    assert (kedua.baru, kedua.diubah, kedua.tetap) == (0, 0, 1)
    assert "File yang sama sudah diterapkan" in text
    # when: applied anyway
    client.post(reverse("kpm:penyaluran-unggahan-terapkan", args=[kedua.pk]))
    # then: the payout is not even rewritten
    assert Penyaluran.objects.values_list("pk", "updated_at").get() == sebelum
    assert U.objects.get(pk=kedua.pk).status == U.Status.DITERAPKAN


def test_every_error_is_shown_by_row_and_column_and_nothing_is_recorded(
    client, operator, dua_keluarga
):
    # given
    satu, dua = dua_keluarga
    content = daftar_csv(
        f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI",
        "'1872019999999999;;2;2026;750000;TERSALUR;;BRI",
        f"'{dua.no_kk};;5;2026;banyak;LUNAS;;BRI",
    )
    # when
    _unggah(client, operator, content)
    unggahan = U.objects.get()
    text = _teks(client.get(reverse("kpm:penyaluran-unggahan", args=[unggahan.pk])))
    # then
    assert unggahan.status == U.Status.DITOLAK
    assert "Tidak ada yang dicatat: 4 kesalahan di 3 baris." in text
    assert text.count('data-testid="kesalahan-baris"') == 4
    assert "NO KK tidak terdaftar sebagai KPM di wilayah Anda" in text
    assert "TAHAP &#x27;5&#x27; harus 1 sampai 4" in text
    assert "1872019999999999" not in text  # quoted masked, never whole
    assert "Terapkan" not in text
    assert not Penyaluran.objects.exists()
    assert not BarisUnggahanPenyaluran.objects.exists()
    refused = client.post(reverse("kpm:penyaluran-unggahan-terapkan", args=[unggahan.pk]))
    assert refused.status_code == 302
    assert not Penyaluran.objects.exists()


def test_an_operator_records_only_families_of_their_area(client, kota_metro, dua_keluarga):
    # given: an operator of Metro Timur; the families live in Metro Pusat
    satu, _ = dua_keluarga
    timur = make_user("operator_timur", User.Role.OPERATOR, kota_metro["Iring Mulyo"].parent)
    # when
    _unggah(client, timur, daftar_csv(f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI"))
    # then
    unggahan = U.objects.get()
    assert [e["pesan"] for e in unggahan.kesalahan] == [
        "NO KK tidak terdaftar sebagai KPM di wilayah Anda"
    ]


def test_a_restricted_family_still_gets_its_payout_recorded(client, admin, dua_keluarga):
    # given: the family asked to restrict processing (UU 27/2022): paying aid is the minimum
    satu, _ = dua_keluarga
    PermintaanPembatasan.objects.create(
        keluarga=satu, diterima_at=timezone.now(), tenggat=timezone.now(), dasar="Surat",
        dicatat_oleh=admin,
    )  # fmt: skip
    # when
    _unggah(client, admin, daftar_csv(f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI"))
    unggahan = U.objects.get()
    client.post(reverse("kpm:penyaluran-unggahan-terapkan", args=[unggahan.pk]))
    # then
    assert Penyaluran.objects.filter(keluarga=satu).exists()


@pytest.mark.parametrize(
    ("nama", "content", "pesan"),
    [
        ("salur.xlsx", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "File ini bukan spreadsheet."),
        ("salur.csv", b"", "File kosong"),
        (
            "salur.csv",
            b"NAMA;ALAMAT\nBudi;Jl. Mawar\n",
            "Baris judul kolom harus memuat NIK atau NO KK, dan TAHAP, TAHUN, NOMINAL, STATUS.",
        ),
    ],
)
def test_a_file_that_is_no_list_is_refused_at_the_door(client, operator, nama, content, pesan):
    # when
    response = _unggah(client, operator, content, nama=nama)
    # then: said on the form, nothing stored
    assert response.status_code == 400
    assert pesan in response.content.decode()
    assert not U.objects.exists()


def test_the_stored_file_is_named_by_its_content_and_its_name_shown_masked(
    client, operator, dua_keluarga
):
    # given: a file name holding a NIK
    satu, _ = dua_keluarga
    nama = "salur-3201010101010001.csv"
    # when
    _unggah(client, operator, daftar_csv(f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI"), nama=nama)
    # then
    unggahan = U.objects.get()
    assert "3201010101010001" not in unggahan.berkas.name
    assert unggahan.berkas.name.startswith(f"kpm/penyaluran/{unggahan.sha256[:16]}-daftar")
    for url in (UNGGAH, reverse("kpm:penyaluran-unggahan", args=[unggahan.pk])):
        assert "3201010101010001" not in client.get(url).content.decode()


def test_cancel_drops_the_rows_and_the_file(
    client, operator, dua_keluarga, django_capture_on_commit_callbacks
):
    # given
    satu, _ = dua_keluarga
    _unggah(client, operator, daftar_csv(f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI"))
    unggahan = U.objects.get()
    path = unggahan.berkas.path
    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("kpm:penyaluran-unggahan-batal", args=[unggahan.pk]))
    # then
    unggahan.refresh_from_db()
    assert unggahan.status == U.Status.DIBATALKAN
    assert not BarisUnggahanPenyaluran.objects.exists()
    assert not unggahan.berkas
    assert not os.path.exists(path)
    refused = client.post(reverse("kpm:penyaluran-unggahan-terapkan", args=[unggahan.pk]))
    assert refused.status_code == 302
    assert not Penyaluran.objects.exists()


def test_a_list_left_unapplied_for_a_week_expires(client, operator, dua_keluarga):
    # given
    satu, _ = dua_keluarga
    _unggah(client, operator, daftar_csv(f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI"))
    unggahan = U.objects.get()
    # when
    closed = services.penyaluran_kedaluwarsa(now=timezone.now() + datetime.timedelta(days=8))
    # then
    unggahan.refresh_from_db()
    assert (closed, unggahan.status) == (1, U.Status.DIBATALKAN)
    assert unggahan.pesan_gagal == "Kedaluwarsa: tidak diterapkan dalam 7 hari."
    assert not BarisUnggahanPenyaluran.objects.exists()
    assert services.penyaluran_kedaluwarsa(now=timezone.now() + datetime.timedelta(days=8)) == 0


def test_only_the_uploader_or_an_admin_sees_an_upload(
    client, operator, admin, koordinator_metro_pusat, kota_metro, dua_keluarga
):
    # given
    satu, _ = dua_keluarga
    _unggah(client, operator, daftar_csv(f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI"))
    url = reverse("kpm:penyaluran-unggahan", args=[U.objects.get().pk])
    lain = make_user("operator_lain", User.Role.OPERATOR, kota_metro["Kota Metro"])
    # then
    for user, status in ((admin, 200), (lain, 404), (koordinator_metro_pusat, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_the_payout_list_links_to_the_upload_for_admin_and_operator(
    client, operator, koordinator_metro_pusat
):
    client.force_login(operator)
    assert UNGGAH in client.get(reverse("kpm:penyaluran-list")).content.decode()
    client.force_login(koordinator_metro_pusat)
    assert UNGGAH not in client.get(reverse("kpm:penyaluran-list")).content.decode()


def test_the_upload_page_queries_do_not_grow_with_its_history(client, admin, dua_keluarga):
    satu, _ = dua_keluarga

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(UNGGAH).status_code == 200
        return len(captured)

    _unggah(client, admin, daftar_csv(f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI"))
    client.get(UNGGAH)  # warm the session and settings caches
    sedikit = queries()
    for tahap in (1, 3, 4):
        _unggah(client, admin, daftar_csv(f"'{satu.no_kk};;{tahap};2026;750000;TERSALUR;;BRI"))
    assert queries() == sedikit
