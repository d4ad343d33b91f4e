"""Issue 20, RHK 1: the bank/Pos distribution list records each family's payout per tahap."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dinsos.models import AuditEvent
from kpm.models import Penyaluran, UnggahanPenyaluran
from tests.factories import keluarga_with_pengurus
from tests.kpm.salur import daftar_csv, kesalahan, periksa, terapkan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_sementara")]


def test_a_good_list_is_previewed_then_applied_once(dua_keluarga, admin):
    # given: one family by No KK, one by the pengurus' NIK
    satu, dua = dua_keluarga
    content = daftar_csv(
        f"'{satu.no_kk};;2;2026;Rp750.000;Tersalur;;BRI",
        f";'{dua.pengurus.nik};2;2026;750000;GAGAL;Rekening tidak aktif;Pos",
    )
    # when
    pratinjau = periksa(content, admin)
    # then: counted, nothing written yet
    assert (pratinjau.kesalahan, pratinjau.baru, pratinjau.tersalur, pratinjau.gagal) == (
        [],
        2,
        1,
        1,
    )
    assert not Penyaluran.objects.exists()
    # when
    terapkan(content, admin)
    # then
    rows = {
        p.keluarga_id: (p.tahun, p.tahap, p.nominal, p.status, p.alasan_gagal, p.sumber)
        for p in Penyaluran.objects.all()
    }
    assert rows == {
        satu.pk: (2026, 2, 750000, "tersalur", "", "BRI"),
        dua.pk: (2026, 2, 750000, "gagal", "Rekening tidak aktif", "Pos"),
    }
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.APPLY, object_type="kpm.penyaluran", jumlah=2
    ).exists()
    ditulis = list(Penyaluran.objects.order_by("pk").values_list("updated_at", flat=True))
    # when: the same file again
    again = terapkan(content, admin)
    # then: nothing new, nothing changed, nothing even rewritten
    assert (again.baru, again.diubah, again.tetap) == (0, 0, 2)
    assert Penyaluran.objects.count() == 2
    assert list(Penyaluran.objects.order_by("pk").values_list("updated_at", flat=True)) == ditulis


def test_a_later_list_updates_the_same_tahap(dua_keluarga, admin):
    satu, _ = dua_keluarga
    terapkan(daftar_csv(f"'{satu.no_kk};;1;2026;750000;GAGAL;Rekening dibekukan;BRI"), admin)
    # when: the re-sent payout succeeded
    hasil = terapkan(daftar_csv(f"'{satu.no_kk};;1;2026;750000;TERSALUR;;BRI"), admin)
    # then
    assert hasil.diubah == 1
    assert list(Penyaluran.objects.values_list("status", "alasan_gagal")) == [("tersalur", "")]


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(dua_keluarga, admin):
    satu, dua = dua_keluarga
    content = daftar_csv(
        f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI",  # good, but the file has errors
        "'1872019999999999;;2;2026;750000;TERSALUR;;BRI",
        f"'{dua.no_kk};;5;2026;banyak;LUNAS;;BRI",
        f"'{dua.no_kk};;3;2026;750000;GAGAL;;BRI",
        f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI",
    )
    # when
    hasil = terapkan(content, admin)
    # then
    assert (hasil.status, hasil.jumlah_kesalahan) == (UnggahanPenyaluran.Status.DITOLAK, 6)
    assert kesalahan(hasil) == [
        (3, "NO KK", "NO KK tidak terdaftar sebagai KPM"),
        (4, "TAHAP", "TAHAP '5' harus 1 sampai 4"),
        (4, "NOMINAL", "NOMINAL 'banyak' bukan jumlah rupiah"),
        (4, "STATUS", "STATUS 'LUNAS' tidak dikenal (pilihan: TERSALUR, GAGAL)"),
        (5, "ALASAN", "ALASAN wajib diisi untuk penyaluran yang GAGAL"),
        (6, "NO KK", "Keluarga dan tahap sama dengan baris 2"),
    ]
    assert not Penyaluran.objects.exists()
    assert not AuditEvent.objects.filter(object_type="kpm.penyaluran").exists()


def test_an_identifier_typed_as_a_number_is_refused(dua_keluarga, admin):
    satu, _ = dua_keluarga
    # when: Excel turned the No KK into a number (scientific notation)
    hasil = periksa(daftar_csv(f"{int(satu.no_kk):.5e};;1;2026;750000;TERSALUR;;"), admin)
    # then
    assert [(baris, kolom) for baris, kolom, _ in kesalahan(hasil)] == [(2, "NO KK")]


def test_the_command_previews_then_applies(dua_keluarga, admin, tmp_path):
    satu, _ = dua_keluarga
    path = tmp_path / "salur.csv"
    path.write_bytes(daftar_csv(f"'{satu.no_kk};;2;2026;750000;TERSALUR;;BRI"))
    out = io.StringIO()
    # when: a preview
    call_command("impor_penyaluran", str(path), user=admin.username, stdout=out)
    # then
    assert "1 baris akan dicatat" in out.getvalue()
    assert not Penyaluran.objects.exists()
    # when
    call_command("impor_penyaluran", str(path), user=admin.username, terapkan=True, stdout=out)
    # then
    assert "1 baris dicatat: 1 baru" in out.getvalue()
    assert Penyaluran.objects.count() == 1


def test_the_command_names_each_error_and_writes_nothing(dua_keluarga, admin, tmp_path):
    satu, _ = dua_keluarga
    path = tmp_path / "salur.csv"
    path.write_bytes(daftar_csv(f"'{satu.no_kk};;7;2026;750000;TERSALUR;;BRI"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 kesalahan; tidak ada yang dicatat"):
        call_command("impor_penyaluran", str(path), user=admin.username, terapkan=True, stderr=err)
    assert "Baris 2, kolom TAHAP: TAHAP '7' harus 1 sampai 4" in err.getvalue()
    assert not Penyaluran.objects.exists()


def _rows(keluarga_list, tahap, status):
    Penyaluran.objects.bulk_create(
        Penyaluran(
            keluarga=k,
            tahun=2026,
            tahap=tahap,
            nominal=750_000,
            status=status,
            alasan_gagal="Rekening tidak aktif" if status == "gagal" else "",
        )
        for k in keluarga_list
    )


def test_the_list_filters_by_tahap_and_status(client, admin, dua_keluarga):
    satu, dua = dua_keluarga
    _rows([satu, dua], 1, "tersalur")
    _rows([satu], 2, "gagal")
    client.force_login(admin)
    # when
    response = client.get("/keluarga/penyaluran/", {"tahun": 2026, "tahap": 2, "status": "gagal"})
    # then
    text = " ".join(response.content.decode().split())
    assert text.count('data-testid="penyaluran-baris"') == 1
    assert "Rekening tidak aktif" in text
    assert "Rp750.000" in text
    assert satu.no_kk not in text  # masked
    assert AuditEvent.objects.filter(object_type="kpm.penyaluran", action="view").exists()


def test_the_list_queries_do_not_grow_with_rows(client, admin, kota_metro):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/keluarga/penyaluran/")
        assert response.status_code == 200
        return len(captured)

    kelurahan = kota_metro["Hadimulyo Barat"]
    _rows([keluarga_with_pengurus(kelurahan=kelurahan) for _ in range(2)], 1, "tersalur")
    client.force_login(admin)
    client.get("/keluarga/penyaluran/")  # warm the session and settings caches
    sedikit = queries()
    # when: ten times the rows
    _rows([keluarga_with_pengurus(kelurahan=kelurahan) for _ in range(20)], 2, "gagal")
    # then
    assert queries() == sedikit
