"""The e-PKH "Form Verifikasi Komitmen Pendidikan" CSV import: preview with per-row errors
(row as Excel shows it, column as written in the file), then apply."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dinsos.models import AuditEvent
from tests.verifikasi.komitmen_helpers import keluarga_komitmen
from verifikasi import services
from verifikasi.models import Komitmen, UnggahanEpkh

pytestmark = pytest.mark.django_db

# The layout e-PKH writes: Excel's sep= line (hidden by Excel, so not counted), a title
# block, the month names over five sub-columns. Data rows are rows 7, 8, … in Excel.
JUDUL = (
    "sep=;\n"
    "FORM VERIFIKASI KOMITMEN PENDIDIKAN;;;\n"
    "TRIWULAN 1 TAHUN 2025;;;\n"
    "NPSN : 10807123;;;\n"
    "Nama Sekolah : SD Negeri 1 Metro;;;\n"
    "NO;NIK PENGURUS;NAMA PENGURUS;NIK SISWA;NISN;NAMA SISWA;BENTUK PENDIDIKAN;"
    "TINGKAT PENDIDIKAN;JANUARI;;;;;FEBRUARI;;;;;MARET;;;;;KET;NAMA PENDAMPING\n"
    ";;;;;;;;ALPA;IZIN;SAKIT;JML;PERSEN;ALPA;IZIN;SAKIT;JML;PERSEN;ALPA;IZIN;SAKIT;JML;PERSEN;;\n"
)


def _baris(no, nik_siswa, nama, bulan=("0;1;1;20;90", "0;0;0;20;100", "4;0;0;22;81,82")):
    return f"{no};1872014507850001;Siti Aminah;{nik_siswa};0123456789;{nama};SD;3;" + (
        ";".join(bulan) + ";;Pendamping A\n"
    )


@pytest.fixture
def keluarga(kota_metro, pendamping_hadimulyo):
    return keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )


def _unggah(client, text, *, encoding="utf-8", tahun=2025):
    berkas = SimpleUploadedFile("sd1.csv", text.encode(encoding), content_type="text/csv")
    return client.post(reverse("verifikasi:komitmen-impor"), {"berkas": berkas, "tahun": tahun})


def _errors(response):
    return [(e.row, e.column, e.message) for e in response.context["hasil"].kesalahan]


def test_preview_then_apply_records_each_month(client, keluarga, pendamping_hadimulyo):
    # given
    _, _, budi = keluarga
    client.force_login(pendamping_hadimulyo)
    # when
    preview = _unggah(client, JUDUL + _baris(1, budi.nik, "Budi"))
    # then: nothing saved yet
    assert preview.status_code == 200
    hasil = preview.context["hasil"]
    assert (hasil.tahun, hasil.npsn, hasil.kesalahan, hasil.jumlah_catatan) == (
        2025, "10807123", [], 3,
    )  # fmt: skip
    assert Komitmen.objects.count() == 0
    # when
    unggahan = preview.context["terapkan_form"].initial["unggahan"]
    response = client.post(reverse("verifikasi:komitmen-impor-terapkan"), {"unggahan": unggahan})
    # then: recorded, and the kept upload is gone
    assert response.status_code == 302
    assert UnggahanEpkh.objects.count() == 0
    assert response["Location"] == reverse("verifikasi:komitmen-bulan") + "?bulan=2025-03"
    rows = list(
        Komitmen.objects.order_by("bulan").values_list(
            "bulan", "komponen", "status", "persen_kehadiran", "hari_efektif", "alpa", "npsn",
            "sumber", "recorded_by",
        )
    )  # fmt: skip
    assert rows == [
        (datetime.date(2025, 1, 1), "anak_sd", "patuh", Decimal("90.00"), 20, 0, "10807123",
         "epkh", pendamping_hadimulyo.pk),
        (datetime.date(2025, 2, 1), "anak_sd", "patuh", Decimal("100.00"), 20, 0, "10807123",
         "epkh", pendamping_hadimulyo.pk),
        (datetime.date(2025, 3, 1), "anak_sd", "tidak_patuh", Decimal("81.82"), 22, 4,
         "10807123", "epkh", pendamping_hadimulyo.pk),
    ]  # fmt: skip
    assert (
        AuditEvent.objects.filter(action="import", object_type="verifikasi.komitmen").count() == 3
    )


def test_row_errors_name_row_column_and_problem(client, keluarga, pendamping_hadimulyo):
    # given
    _, _, budi = keluarga
    client.force_login(pendamping_hadimulyo)
    text = (
        JUDUL
        + _baris(1, "1.87201E+15", "Ani")
        + _baris(2, "1872011403159999", "Tidak Dikenal")
        + _baris(3, budi.nik, "Budi", ("0;0;0;20;abc", "20;3;2;20;", "0;0;0;20;120"))
        + _baris(4, budi.nik, "Budi lagi")
        + _baris(5, "", "Tanpa NIK")
    )
    # when
    response = _unggah(client, text)
    # then
    assert response.status_code == 400
    assert _errors(response) == [
        (7, "NIK SISWA", "NIK tersimpan sebagai angka di Excel — format kolom sebagai Teks"),
        (8, "NIK SISWA",
         "NIK 1872**********99 tidak ditemukan di data KPM (atau di luar wilayah Anda)"),
        (9, "JANUARI PERSEN", "JANUARI PERSEN 'abc' bukan angka persen"),
        (9, "FEBRUARI JML", "FEBRUARI: alpa + izin + sakit (25) lebih dari FEBRUARI JML (20)"),
        (9, "MARET PERSEN", "MARET PERSEN harus antara 0 dan 100 (tertulis 120)"),
        (10, "NIK SISWA", "NIK sama dengan baris 9"),
        (11, "NIK SISWA", "NIK kosong"),
    ]  # fmt: skip
    assert "terapkan_form" in response.context
    assert b"Simpan" not in response.content.split(b"Hasil pemeriksaan")[1]
    assert Komitmen.objects.count() == 0


def test_a_family_of_another_pendamping_is_not_found(
    client, keluarga, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given: B's child in B's file, uploaded by A
    _, _, anak_b = keluarga_komitmen(
        kelurahan=kota_metro["Iring Mulyo"], pendamping=pendamping_iringmulyo, anak="Citra",
        anak_lahir=datetime.date(2014, 6, 2),
    )  # fmt: skip
    client.force_login(pendamping_hadimulyo)
    # when
    response = _unggah(client, JUDUL + _baris(1, anak_b.nik, "Citra"))
    # then: the same message as a NIK nobody has, and nothing recorded
    masked = f"{anak_b.nik[:4]}**********{anak_b.nik[-2:]}"
    assert _errors(response) == [
        (7, "NIK SISWA", f"NIK {masked} tidak ditemukan di data KPM (atau di luar wilayah Anda)")
    ]
    assert Komitmen.objects.count() == 0


def test_comma_csv_with_bom_and_one_header_row(client, keluarga, pendamping_hadimulyo):
    # given: retyped by an office: BOM, commas, month and measure in each header, quoted
    # decimal comma, Windows line ends, the year from the form
    _, _, budi = keluarga
    client.force_login(pendamping_hadimulyo)
    text = (
        "\ufeffNIK Siswa,NISN,NPSN,Nama Siswa,April Alpa,April Izin,April Sakit,April JML,"
        "April %,Mei_Alpa,Mei_Izin,Mei_Sakit,Mei_JML,Mei_Persen\r\n"
        f'{budi.nik},0123456789,10807999,Budi,1,0,0,20,"95,5",2,1,0,20,\r\n'
    )
    # when
    response = _unggah(client, text, tahun=2025)
    # then: May's percentage is computed from the days: (20 - 3) / 20 = 85%
    hasil = response.context["hasil"]
    assert (response.status_code, hasil.kesalahan, hasil.tahun, hasil.npsn) == (200, [], 2025, "")
    [baris] = hasil.baris
    assert baris.nomor == 2
    assert {b: (e.persen_kehadiran, e.npsn) for b, e in baris.bulan.items()} == {
        datetime.date(2025, 4, 1): (Decimal("95.50"), "10807999"),
        datetime.date(2025, 5, 1): (Decimal("85.00"), "10807999"),
    }


def test_windows_1252_file_and_semicolons_without_sep_line(client, keluarga, pendamping_hadimulyo):
    # given
    _, _, budi = keluarga
    client.force_login(pendamping_hadimulyo)
    text = f"NIK SISWA;NAMA SISWA;JULI JML;JULI PERSEN\n{budi.nik};Budi Ça;20;84,9\n"
    # when
    response = _unggah(client, text, encoding="cp1252")
    # then
    [baris] = response.context["hasil"].baris
    assert baris.bulan[datetime.date(2025, 7, 1)].persen_kehadiran == Decimal("84.90")


def test_a_file_without_a_nik_column_is_refused_as_a_whole(client, keluarga, pendamping_hadimulyo):
    # given
    client.force_login(pendamping_hadimulyo)
    # when
    response = _unggah(client, "NAMA;JANUARI PERSEN\nBudi;90\n")
    # then
    assert response.status_code == 400
    assert response.context["galat_berkas"] == (
        "Baris judul kolom tidak ditemukan: harus ada kolom NIK SISWA (atau NIK) di 12 baris "
        "pertama."
    )


def test_a_file_without_month_columns_is_refused(client, keluarga, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    response = _unggah(client, "NIK SISWA;NAMA;KET\n1872011403150001;Budi;-\n")
    assert response.context["galat_berkas"] == (
        "Kolom bulan tidak ditemukan: tiap bulan perlu kolom PERSEN atau JML "
        "(mis. APRIL ALPA, APRIL IZIN, APRIL SAKIT, APRIL JML, APRIL PERSEN)."
    )


def test_months_not_started_and_children_without_school_component(
    client, keluarga, pendamping_hadimulyo
):
    # given: the mother's NIK in the student column, and a month of next year
    _, siti, budi = keluarga
    client.force_login(pendamping_hadimulyo)
    text = f"NIK SISWA;NAMA;JANUARI PERSEN\n{siti.nik};Siti;90\n{budi.nik};Budi;90\n"
    # when
    response = _unggah(client, text, tahun=2027)
    # then
    masked = f"{siti.nik[:4]}**********{siti.nik[-2:]}"
    assert _errors(response) == [
        (2, "JANUARI PERSEN", "Bulan Januari 2027 belum dimulai"),
        (2, "NIK SISWA", f"Anak dengan NIK {masked} tidak punya komponen pendidikan (SD/SMP/SMA)"),
        (3, "JANUARI PERSEN", "Bulan Januari 2027 belum dimulai"),
    ]


def test_a_tampered_preview_is_not_applied(client, keluarga, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    response = client.post(reverse("verifikasi:komitmen-impor-terapkan"), {"unggahan": "rusak"})
    assert response.status_code == 302
    assert response["Location"] == reverse("verifikasi:komitmen-impor")
    assert Komitmen.objects.count() == 0


# --- Issue 22: the upload stays on the server, the page carries only its id --------------
def test_the_preview_page_carries_no_full_nik(client, keluarga, pendamping_hadimulyo):
    # given
    _, ibu, budi = keluarga
    client.force_login(pendamping_hadimulyo)
    # when
    preview = _unggah(client, JUDUL + _baris(1, budi.nik, "Budi"))
    # then: neither the child's nor the mother's NIK (both in the file), in any encoding
    html = preview.content.decode()
    unggahan = UnggahanEpkh.objects.get()
    assert f'name="unggahan" value="{unggahan.pk}"' in html
    assert 'name="pratinjau"' not in html
    assert f"{budi.nik[:4]}**********{budi.nik[-2:]}" in html
    assert [nik for nik in (budi.nik, ibu.nik, "1872014507850001") if nik in html] == []
    assert bytes(unggahan.isi) == (JUDUL + _baris(1, budi.nik, "Budi")).encode()


def test_another_user_cannot_confirm_the_upload(client, keluarga, pendamping_hadimulyo, operator):
    # given: pendamping A's preview; the operator (who may import too) learns its id
    _, _, budi = keluarga
    client.force_login(pendamping_hadimulyo)
    unggahan = _unggah(client, JUDUL + _baris(1, budi.nik, "Budi")).context["terapkan_form"]
    client.force_login(operator)
    # when
    response = client.post(
        reverse("verifikasi:komitmen-impor-terapkan"), {"unggahan": unggahan.initial["unggahan"]}
    )
    # then
    assert response.status_code == 404
    assert Komitmen.objects.count() == 0
    assert UnggahanEpkh.objects.count() == 1


def test_an_expired_upload_is_refused_then_removed_by_the_cleanup(
    client, keluarga, pendamping_hadimulyo
):
    # given: a preview made an hour and a minute ago
    _, _, budi = keluarga
    client.force_login(pendamping_hadimulyo)
    form = _unggah(client, JUDUL + _baris(1, budi.nik, "Budi")).context["terapkan_form"]
    lama = timezone.now() - datetime.timedelta(hours=1, minutes=1)
    UnggahanEpkh.objects.update(created_at=lama)
    # when
    response = client.post(
        reverse("verifikasi:komitmen-impor-terapkan"), {"unggahan": form.initial["unggahan"]}
    )
    # then
    assert response["Location"] == reverse("verifikasi:komitmen-impor")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Pratinjau sudah kedaluwarsa atau rusak; unggah berkas lagi."
    ]
    assert Komitmen.objects.count() == 0
    # when: the hourly cleanup runs; a fresh upload stays
    _unggah(client, JUDUL + _baris(1, budi.nik, "Budi"))
    assert services.epkh_unggahan_hapus_kedaluwarsa() == 1
    # then
    assert UnggahanEpkh.objects.filter(created_at=lama).count() == 0
    assert UnggahanEpkh.objects.count() == 1


def test_koordinator_cannot_import(client, keluarga, koordinator_metro_pusat):
    # given
    _, _, budi = keluarga
    client.force_login(koordinator_metro_pusat)
    # when
    response = _unggah(client, JUDUL + _baris(1, budi.nik, "Budi"))
    # then
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="import").count() == 0
