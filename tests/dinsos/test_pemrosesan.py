"""The record of processing activities (issue 20, UU 27/2022; DOMAIN.md §10): generated from
each model's PEMROSESAN declaration, held complete by a system check, shown and exported."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dinsos import pemrosesan
from kpm.models import Anggota, RiwayatPerubahan
from verifikasi.models import Komitmen

pytestmark = pytest.mark.django_db


def _ids(errors):
    return [(e.id, e.obj._meta.label) for e in errors]


def test_every_model_holding_personal_data_declares_its_processing():
    # when
    errors = pemrosesan.check_pemrosesan()
    # then
    assert [e.msg for e in errors] == []


def test_a_model_with_a_nik_and_no_declaration_fails_the_check_and_says_how(monkeypatch):
    # given: the member model loses its declaration
    monkeypatch.delattr(Anggota, "PEMROSESAN")
    # when
    errors = pemrosesan.check_pemrosesan()
    # then
    assert _ids(errors) == [("dinsos.E013", "kpm.Anggota")]
    assert "menyimpan data pribadi (barisnya adalah orang)" in errors[0].msg
    assert "PEMROSESAN = Pemrosesan(" in errors[0].hint


def test_a_model_keyed_to_a_member_without_declaration_fails_the_check(monkeypatch):
    monkeypatch.delattr(Komitmen, "PEMROSESAN")
    errors = pemrosesan.check_pemrosesan()
    assert _ids(errors) == [("dinsos.E013", "verifikasi.Komitmen")]
    assert "kunci asing 'anggota' ke kpm.Anggota" in errors[0].msg


def test_a_declaration_naming_a_missing_field_fails_the_check(monkeypatch):
    wrong = dataclasses.replace(Komitmen.PEMROSESAN, data=("anggota", "golongan_darah"))
    monkeypatch.setattr(Komitmen, "PEMROSESAN", wrong)
    errors = pemrosesan.check_pemrosesan()
    assert _ids(errors) == [("dinsos.E014", "verifikasi.Komitmen")]
    assert "'golongan_darah'" in errors[0].msg


def test_retention_comes_from_the_retention_setting_where_one_is_enforced(settings):
    # given
    settings.DINSOS_RETENSI = {"kpm.RiwayatPerubahan": ("created_at", 400)}
    # when
    rows = {r.label: r for r in pemrosesan.catatan()}
    # then
    assert rows["kpm.RiwayatPerubahan"].retensi == (
        "400 hari sejak waktu dicatat; dihapus tiap malam (manage.py retensi)"
    )
    assert rows["kpm.RiwayatPerubahan"].is_retensi_otomatis is True
    assert rows["kpm.Anggota"].retensi == pemrosesan.TANPA_PENGHAPUSAN
    assert RiwayatPerubahan.PEMROSESAN.retensi == pemrosesan.TANPA_PENGHAPUSAN


def test_office_staff_read_the_record_with_specific_data_and_the_dpia(
    client, koordinator_metro_pusat
):
    # given
    client.force_login(koordinator_metro_pusat)
    # when
    response = client.get(reverse("pemrosesan-list"))
    # then
    assert response.status_code == 200
    rows = {r.label: r for r in response.context["catatan"]}
    anggota = rows["kpm.Anggota"]
    assert anggota.data[:3] == ["NIK", "nama", "jenis kelamin"]
    assert "disabilitas berat (Data kesehatan)" in anggota.spesifik
    assert anggota.dasar_hukum == "Tugas kepentingan umum / pelayanan publik / kewenangan"
    assert [d.data for d in response.context["dpia"]] == [
        ["baris DTSEN", "baris PBI-JK", "baris ekspor SIKS-NG", "hasil rekonsiliasi", "temuan"]
    ]
    html = response.content.decode()
    assert "Penilaian dampak (DPIA) pencocokan data" in html
    assert "salah cocok membuat bantuan dicabut" in html


def test_pendamping_cannot_open_the_record(client, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    assert client.get(reverse("pemrosesan-list")).status_code == 403
    assert client.get(reverse("pemrosesan-xlsx")).status_code == 403


def test_the_record_exports_as_xlsx_one_row_per_declaration(client, admin):
    # given
    client.force_login(admin)
    # when
    response = client.get(reverse("pemrosesan-xlsx"))
    # then
    assert response["Content-Disposition"] == (
        'attachment; filename="catatan-kegiatan-pemrosesan.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == pemrosesan.KOLOM_XLSX
    assert len(rows) == 1 + len(pemrosesan.catatan())
    anggota = next(r for r in rows if r[2] == "kpm.Anggota")
    assert anggota[5].startswith("hamil/nifas (Data kesehatan)")
    temuan = next(r for r in rows if r[2] == "dtsen.Temuan")
    assert temuan[10] == pemrosesan.PENERIMA_KEMENSOS
    assert temuan[11].startswith("Pencocokan KPM dengan DTSEN")
