"""The SIKS-NG export: limits checked first with exact fixes, izin mapping, safe XLSX cells."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dinsos.models import AuditEvent, Pengaturan
from kpm.models import Anggota
from p2k2.models import Pertemuan
from tests.p2k2.conftest import catat

pytestmark = pytest.mark.django_db


@pytest.fixture
def tercatat(pertemuan_a, keluarga_a):
    """The meeting with every family marked: hadir ×3, izin, sakit."""
    statuses = ["hadir", "hadir", "hadir", "izin", "sakit"]
    catat(pertemuan_a, dict(zip(keluarga_a, statuses, strict=True)))
    return pertemuan_a


def _sheet(response, name):
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook[name]


def test_export_shapes_the_siks_ng_form_and_maps_izin_to_alfa(
    client, tercatat, keluarga_a, pendamping_hadimulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.get(reverse("p2k2:siks-ng", args=[tercatat.pk]))
    # then
    assert response.status_code == 200
    kegiatan = _sheet(response, "Kegiatan")
    fields = {row[0].value: row[1].value for row in kegiatan.iter_rows()}
    assert fields["Nama Kegiatan"] == "P2K2 Melati - Gizi dan layanan kesehatan ibu hamil"
    assert fields["Materi"] == "Kesehatan dan Gizi"
    assert (fields["Tanggal"], fields["Jam Mulai"], fields["Jam Selesai"]) == (
        "2025-03-10",
        "09:00",
        "10:30",
    )
    assert fields["Pemateri 1"] == "Sri Lestari (Pendamping PKH)"
    peserta = _sheet(response, "Peserta")
    rows = list(peserta.iter_rows(min_row=2, values_only=True))
    by_nik = {r[2]: r[4] for r in rows}
    assert by_nik == {
        keluarga_a[0].pengurus.nik: "HADIR",
        keluarga_a[1].pengurus.nik: "HADIR",
        keluarga_a[2].pengurus.nik: "HADIR",
        keluarga_a[3].pengurus.nik: "ALFA",  # izin → ALFA (DOMAIN.md §6)
        keluarga_a[4].pengurus.nik: "SAKIT",
    }
    nik_cell = peserta["C2"]
    assert (nik_cell.data_type, nik_cell.number_format) == ("s", "@")  # 16 digits kept as text
    assert {r[3] for r in rows} == {k.no_kk for k in keluarga_a}
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.jumlah) == ("p2k2.pertemuan", 5)


def test_the_office_can_map_izin_to_another_code(client, tercatat, keluarga_a, operator):
    Pengaturan.objects.create(
        kunci="p2k2_siks_kode_izin", nilai="SAKIT", berlaku_mulai=datetime.date(2025, 1, 1)
    )
    client.force_login(operator)
    response = client.get(reverse("p2k2:siks-ng", args=[tercatat.pk]))
    rows = list(_sheet(response, "Peserta").iter_rows(min_row=2, values_only=True))
    assert {r[2]: r[4] for r in rows}[keluarga_a[3].pengurus.nik] == "SAKIT"


def test_formula_like_text_is_escaped(client, tercatat, keluarga_a, pendamping_hadimulyo):
    Anggota.objects.filter(pk=keluarga_a[0].pengurus_id).update(nama='=HYPERLINK("x","y")')
    Pertemuan.objects.filter(pk=tercatat.pk).update(tempat="+62 Balai")
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("p2k2:siks-ng", args=[tercatat.pk]))
    names = [r[1] for r in _sheet(response, "Peserta").iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("x","y")' in names
    fields = {r[0].value: r[1].value for r in _sheet(response, "Kegiatan").iter_rows()}
    assert fields["Tempat"] == "'+62 Balai"


def test_over_long_fields_block_the_export_with_exact_fixes(client, tercatat, pendamping_hadimulyo):
    # given: limits broken after entry (the admin does not check them)
    Pertemuan.objects.filter(pk=tercatat.pk).update(nama_kegiatan="N" * 112, deskripsi="d" * 1234)
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.get(reverse("p2k2:siks-ng", args=[tercatat.pk]))
    # then
    assert response.status_code == 400
    assert response.context["pemeriksaan"].masalah == [
        "Nama kegiatan 112 karakter; SIKS-NG menerima paling banyak 100. Persingkat 12 karakter "
        "di Ubah pertemuan (isian Nama kegiatan).",
        "Deskripsi 1.234 karakter; SIKS-NG menerima paling banyak 1.000. Persingkat 234 "
        "karakter di Ubah pertemuan.",
    ]
    assert AuditEvent.objects.filter(action="export").count() == 0


def test_missing_attendance_and_times_block_the_export(
    client, pertemuan_a, keluarga_a, pendamping_hadimulyo
):
    # given: two families not yet marked, no times
    catat(pertemuan_a, dict.fromkeys(keluarga_a[:3], "hadir"))
    Pertemuan.objects.filter(pk=pertemuan_a.pk).update(jam_mulai=None, jam_selesai=None)
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.get(reverse("p2k2:siks-ng", args=[pertemuan_a.pk]))
    # then
    assert response.context["pemeriksaan"].masalah == [
        "Jam mulai dan jam selesai wajib diisi (format JJ:MM).",
        "Kehadiran 2 keluarga belum dicatat: Siti 4, Siti 5. Catat dulu di layar kehadiran.",
    ]


def test_an_invalid_izin_mapping_setting_blocks_the_export(client, tercatat, pendamping_hadimulyo):
    Pengaturan.objects.create(
        kunci="p2k2_siks_kode_izin", nilai="IZIN", berlaku_mulai=datetime.date(2025, 1, 1)
    )
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("p2k2:siks-ng", args=[tercatat.pk]))
    assert response.context["pemeriksaan"].masalah == [
        "Pengaturan p2k2_siks_kode_izin bernilai 'IZIN'; minta admin mengisinya dengan HADIR, "
        "SAKIT atau ALFA."
    ]


def test_daftar_hadir_prints_masked_nik_and_a_signature_column(
    client, tercatat, keluarga_a, koordinator_metro_pusat
):
    client.force_login(koordinator_metro_pusat)
    html = client.get(reverse("p2k2:daftar-hadir", args=[tercatat.pk])).content.decode()
    nik = keluarga_a[0].pengurus.nik
    assert f"{nik[:4]}**********{nik[-2:]}" in html
    assert nik not in html
    assert "Tanda tangan" in html
    assert html.count('<td class="ttd">') == 5
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id) == ("view", str(tercatat.pk))
