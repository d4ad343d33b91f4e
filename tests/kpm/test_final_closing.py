"""Import and export of the office's Final Closing list (DOMAIN.md §7) through the admin."""

from __future__ import annotations

import codecs
import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from dinsos.errors import RowError
from dinsos.models import AuditEvent
from dinsos.pengaturan import today
from kpm import services
from kpm.models import (
    Anggota,
    Keluarga,
    KeluargaTidakAdaDiImpor,
    NominalKomponen,
    RiwayatPerubahan,
    RiwayatStatus,
)
from tests.factories import nik_for

pytestmark = pytest.mark.django_db

HEADER = [
    "NAMA PENERIMA",
    "NIK",
    "NO KK",
    "TGL LAHIR",
    "UMUR",
    "ART",
    "HAMIL",
    "AUD",
    "SD",
    "SMP",
    "SMA",
    "DISABIL",
    "LANSIA",
    "HAM",
    "JML KOMPONEN",
    "NOMINAL",
    "STATUS",
    "ALAMAT",
    "RT",
    "RW",
    "KELURAHAN",
    "KECAMATAN",
    "KABUPATEN",
    "PROVINSI",
]
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the import screen's format choices
EXPORT_CSV, EXPORT_XLSX = "0", "1"

SITI = {
    "NAMA PENERIMA": "SITI AMINAH",
    "NIK": "1872015004990007",  # woman born 10-04-1999
    "NO KK": "1872012001150001",
    "TGL LAHIR": "10-04-1999",
    "STATUS": "AKTIF",
    "ALAMAT": "Jl. Melati No. 1",
    "RT": "1",
    "RW": "02",
    "KELURAHAN": "Hadimulyo Barat",
    "KECAMATAN": "Metro Pusat",
}
BUDI = {
    "NAMA PENERIMA": "BUDI SANTOSO",
    "NIK": "1872011504850003",  # man born 15-04-1985
    "NO KK": "1872012001150002",
    "TGL LAHIR": "15-04-1985",
    "STATUS": "AKTIF",
    "ALAMAT": "Jl. Kenanga 7",
    "RT": "003",
    "RW": "001",
    "KELURAHAN": "Iring Mulyo",
    "KECAMATAN": "Metro Timur",
}
RINA = {
    "NAMA PENERIMA": "RINA WATI",
    "NIK": "1872016208900004",  # woman born 22-08-1990
    "NO KK": "1872012001150003",
    "TGL LAHIR": "22-08-1990",
    "STATUS": "AKTIF",
    "ALAMAT": "Gg. Mawar",
    "RT": "12",
    "RW": "4",
    "KELURAHAN": "Yosomulyo",
    "KECAMATAN": "Metro Pusat",
}


def xlsx(rows: list[dict[str, object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(rows: list[dict[str, object]], header: list[str], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode("utf-8-sig")


def preview(client, content: bytes, name: str = "final_closing_tahap2.xlsx", fmt=XLSX_FORMAT):
    upload = SimpleUploadedFile(name, content)
    return client.post(
        reverse("admin:kpm_keluarga_import"),
        {"import_file": upload, "format": fmt, "resource": "0"},
    )


def confirm(client, preview_response):
    data = preview_response.context["confirm_form"].initial
    return client.post(reverse("admin:kpm_keluarga_process_import"), data)


def import_file(client, content: bytes, name: str = "final_closing_tahap2.xlsx"):
    response = confirm(client, preview(client, content, name))
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def register(user, kelurahan, *, no_kk, nik, nama, lahir, jk="P", alamat="", rt="", rw=""):
    return services.keluarga_register(
        keluarga_data={
            "no_kk": no_kk,
            "kelurahan": kelurahan,
            "tanggal_terdaftar": datetime.date(2021, 1, 4),
            "alamat": alamat,
            "rt": rt,
            "rw": rw,
        },
        pengurus_data={
            "nik": nik,
            "nama": nama,
            "jenis_kelamin": jk,
            "tanggal_lahir": lahir,
            "hubungan": Anggota.Hubungan.ISTRI_SUAMI,
        },
        oleh=user,
    )


def registry_counts() -> dict[str, int]:
    return {
        "keluarga": Keluarga.objects.count(),
        "anggota": Anggota.objects.count(),
        "riwayat_status": RiwayatStatus.objects.count(),
        "riwayat_perubahan": RiwayatPerubahan.objects.count(),
        "tidak_ada": KeluargaTidakAdaDiImpor.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


# --- Import: the happy path --------------------------------------------------------------
def test_preview_lists_the_families_and_writes_nothing(admin_client):
    # given
    content = xlsx([SITI, BUDI, RINA])
    # when
    response = preview(admin_client, content)
    # then
    assert response.status_code == 200
    result = response.context["result"]
    assert result.kesalahan == []
    assert [(r.nomor_baris, r.label_aksi, r.no_kk, r.nama, r.kelurahan) for r in result.rows] == [
        (2, "Baru", "1872**********01", "SITI AMINAH", "Hadimulyo Barat"),
        (3, "Baru", "1872**********02", "BUDI SANTOSO", "Iring Mulyo"),
        (4, "Baru", "1872**********03", "RINA WATI", "Yosomulyo"),
    ]
    assert "confirm_form" in response.context
    assert "1872**********02" in response.content.decode()
    assert registry_counts() == {
        "keluarga": 0,
        "anggota": 0,
        "riwayat_status": 0,
        "riwayat_perubahan": 0,
        "tidak_ada": 0,
        "audit": 0,
    }


def test_confirmed_import_registers_families_with_pengurus_and_history(admin_client, admin):
    # given
    response = preview(admin_client, xlsx([SITI, BUDI, RINA]))
    # when
    confirmed = confirm(admin_client, response)
    # then
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("admin:kpm_keluarga_changelist")
    assert [str(m) for m in get_messages(confirmed.wsgi_request)] == [
        "Impor Final Closing selesai: 3 keluarga baru, 0 diperbarui, 0 tanpa perubahan. "
        "0 keluarga di registri tidak ada di file ini dan dicatat untuk ditindaklanjuti "
        "(tidak dihapus)."
    ]
    families = Keluarga.objects.select_related("kelurahan", "pengurus").order_by("no_kk")
    assert [
        (k.no_kk, k.kelurahan.nama, k.alamat, k.rt, k.rw, k.status, k.tanggal_terdaftar)
        for k in families
    ] == [
        ("1872012001150001", "Hadimulyo Barat", "Jl. Melati No. 1", "001", "002", "aktif", today()),
        ("1872012001150002", "Iring Mulyo", "Jl. Kenanga 7", "003", "001", "aktif", today()),
        ("1872012001150003", "Yosomulyo", "Gg. Mawar", "012", "004", "aktif", today()),
    ]
    assert [
        (k.pengurus.nik, k.pengurus.nama, k.pengurus.tanggal_lahir, k.pengurus.jenis_kelamin)
        for k in families
    ] == [
        ("1872015004990007", "SITI AMINAH", datetime.date(1999, 4, 10), "P"),
        ("1872011504850003", "BUDI SANTOSO", datetime.date(1985, 4, 15), "L"),
        ("1872016208900004", "RINA WATI", datetime.date(1990, 8, 22), "P"),
    ]
    assert [k.pengurus.hubungan for k in families] == ["pasangan", "kepala", "pasangan"]
    assert Anggota.objects.count() == 3
    assert sorted(RiwayatStatus.objects.values_list("keluarga__no_kk", "dari", "ke", "alasan")) == [
        ("1872012001150001", "", "aktif", "Keluarga didaftarkan."),
        ("1872012001150002", "", "aktif", "Keluarga didaftarkan."),
        ("1872012001150003", "", "aktif", "Keluarga didaftarkan."),
    ]
    assert sorted(RiwayatPerubahan.objects.values_list("keluarga__no_kk", "perubahan")) == [
        ("1872012001150001", {"anggota": [None, "SITI AMINAH (1872**********07)"]}),
        ("1872012001150002", {"anggota": [None, "BUDI SANTOSO (1872**********03)"]}),
        ("1872012001150003", {"anggota": [None, "RINA WATI (1872**********04)"]}),
    ]
    [audit] = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT)
    assert (audit.user, audit.object_type, audit.jumlah, audit.reason) == (
        admin,
        "kpm.keluarga",
        3,
        "Final Closing final_closing_tahap2.xlsx",
    )


def test_headers_are_matched_whatever_case_spacing_and_a_title_block(admin_client):
    # given: a semicolon CSV (Indonesian Excel) with a title block and untidy headers
    content = (
        "DAFTAR FINAL CLOSING PKH TAHAP 2;;;;;;\n"
        ";;;;;;\n"
        "nama  penerima;Nik;No. KK;tgl lahir;Kelurahan;kecamatan;rt\n"
        "SITI AMINAH;'1872015004990007;'1872012001150001;10/04/1999;HADIMULYO BARAT;"
        "Kec. Metro Pusat;1\n"
    ).encode("utf-8-sig")
    # when
    response = preview(admin_client, content, name="fc.csv", fmt=CSV_FORMAT)
    confirm(admin_client, response)
    # then
    assert [(r.nomor_baris, r.label_aksi) for r in response.context["result"].rows] == [(4, "Baru")]
    keluarga = Keluarga.objects.select_related("kelurahan", "pengurus").get()
    assert (keluarga.no_kk, keluarga.kelurahan.nama, keluarga.rt, keluarga.pengurus.nama) == (
        "1872012001150001",
        "Hadimulyo Barat",
        "001",
        "SITI AMINAH",
    )


def test_import_page_explains_the_layout_in_indonesian(admin_client):
    # when
    response = admin_client.get(reverse("admin:kpm_keluarga_import"))
    # then
    content = response.content.decode()
    assert "Berkas Final Closing (XLSX atau CSV)" in content
    assert "Format kolom NIK dan NO KK sebagai Teks di Excel." in content
    assert "Unggah dan lihat pratinjau" in content


def test_export_page_is_in_indonesian_and_records_nothing(admin_client):
    # when
    response = admin_client.get(reverse("admin:kpm_keluarga_export"))
    # then
    content = response.content.decode()
    assert "<h1>Ekspor Final Closing</h1>" in content
    assert "Setiap ekspor dicatat di catatan audit." in content
    assert AuditEvent.objects.count() == 0


def test_a_registry_change_between_preview_and_confirm_undoes_the_whole_import(
    admin_client, admin, kota_metro
):
    # given: after the preview, someone registers RINA's NIK on another family
    response = preview(admin_client, xlsx([SITI, BUDI, RINA]))
    register(
        admin,
        kota_metro["Metro"],
        no_kk="1872012001150009",
        nik=RINA["NIK"],
        nama="Rina",
        lahir=datetime.date(1990, 8, 22),
    )
    counts = registry_counts()
    # when
    confirmed = confirm(admin_client, response)
    # then
    assert confirmed["Location"] == reverse("admin:kpm_keluarga_import")
    assert [str(m) for m in get_messages(confirmed.wsgi_request)] == [
        "Impor dibatalkan, tidak ada yang disimpan: data registri berubah sejak pratinjau. "
        "Unggah file lagi untuk melihat kesalahannya."
    ]
    assert registry_counts() == counts


# --- Import: row errors -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("_case", "cells", "column", "message"),
    [
        (
            "nik_15_digit",
            {"NIK": "187201500499000"},
            "NIK",
            "NIK harus 16 digit (tertulis 15 digit)",
        ),
        (
            "nik_number_cell",
            {"NIK": 1872016208900004},
            "NIK",
            "NIK tersimpan sebagai angka di Excel — format kolom sebagai Teks",
        ),
        (
            "no_kk_number_cell",
            {"NO KK": 1872012001150003.0},
            "NO KK",
            "No KK tersimpan sebagai angka di Excel — format kolom sebagai Teks",
        ),
        (
            "no_kk_14_digit",
            {"NO KK": "18720120011500"},
            "NO KK",
            "No KK harus 16 digit (tertulis 14 digit)",
        ),
        ("nik_bad_date", {"NIK": "1872019913900004"}, "NIK", "tanggal lahir dalam NIK tidak valid"),
        (
            "unknown_kelurahan",
            {"KELURAHAN": "Sukamaju"},
            "KELURAHAN",
            "desa/kelurahan 'Sukamaju' tidak dikenal di Kecamatan Metro Pusat",
        ),
        (
            "kelurahan_in_another_kecamatan",
            {"KELURAHAN": "Iring Mulyo"},
            "KELURAHAN",
            "desa/kelurahan 'Iring Mulyo' tidak dikenal di Kecamatan Metro Pusat",
        ),
        (
            "bad_date",
            {"TGL LAHIR": "31-02-1990"},
            "TGL LAHIR",
            "TGL LAHIR '31-02-1990' bukan tanggal (tulis seperti 10-04-1999)",
        ),
        (
            "two_digit_year",
            {"TGL LAHIR": "22-08-90"},
            "TGL LAHIR",
            "TGL LAHIR '22-08-90' bukan tanggal (tulis seperti 10-04-1999)",
        ),
        (
            "unknown_status",
            {"STATUS": "AKTIP"},
            "STATUS",
            "STATUS 'AKTIP' tidak dikenal (pilihan: AKTIF, DITANGGUHKAN, CALON GRADUASI, "
            "GRADUASI, DIBATALKAN)",
        ),
        ("bad_rt", {"RT": "1A"}, "RT", "RT harus angka, paling banyak 3 digit (tertulis '1A')"),
        ("empty_name", {"NAMA PENERIMA": "  "}, "NAMA PENERIMA", "NAMA PENERIMA kosong"),
        ("same_no_kk_twice", {"NO KK": SITI["NO KK"]}, "NO KK", "NO KK sama dengan baris 2"),
        ("same_nik_twice", {"NIK": SITI["NIK"]}, "NIK", "NIK sama dengan baris 2"),
    ],
)
def test_a_bad_row_is_reported_with_row_column_and_message_and_nothing_is_saved(
    admin_client, _case, cells, column, message
):
    # given: a good row 2 and the bad row 3
    content = xlsx([SITI, {**RINA, **cells}])
    # when
    response = preview(admin_client, content)
    # then
    assert response.context["result"].kesalahan == [RowError(row=3, column=column, message=message)]
    assert "confirm_form" not in response.context
    assert escape(message) in response.content.decode()
    assert Keluarga.objects.count() == 0


def test_a_nik_already_on_another_family_is_a_row_error(admin_client, admin, kota_metro):
    # given
    register(
        admin,
        kota_metro["Metro"],
        no_kk="1872012001150009",
        nik=RINA["NIK"],
        nama="Rina",
        lahir=datetime.date(1990, 8, 22),
    )
    # when
    response = preview(admin_client, xlsx([SITI, RINA]))
    # then
    assert response.context["result"].kesalahan == [
        RowError(
            row=3,
            column="NIK",
            message="NIK ini sudah terdaftar pada keluarga KK 1872**********09.",
        )
    ]
    assert Keluarga.objects.count() == 1


def test_a_nik_typed_as_number_in_csv_is_a_row_error(admin_client):
    # given: Excel saved the number cell as 1.87202E+15 in the CSV
    content = csv_file([SITI, {**RINA, "NIK": "1.87202E+15"}], HEADER)
    # when
    response = preview(admin_client, content, name="fc.csv", fmt=CSV_FORMAT)
    # then
    assert response.context["result"].kesalahan == [
        RowError(
            row=3,
            column="NIK",
            message="NIK tersimpan sebagai angka di Excel — format kolom sebagai Teks",
        )
    ]


def test_a_file_without_required_columns_is_refused(admin_client):
    # given
    header = [h for h in HEADER if h not in {"NIK", "KECAMATAN"}]
    # when
    response = preview(admin_client, xlsx([SITI], header=header))
    # then
    [error] = response.context["result"].base_errors
    assert str(error.error) == (
        "Kolom wajib tidak ada di file: NIK, KECAMATAN. Baris judul kolom harus memuat "
        "NAMA PENERIMA, NIK, NO KK, TGL LAHIR, KELURAHAN, KECAMATAN."
    )
    assert "confirm_form" not in response.context
    assert Keluarga.objects.count() == 0


# --- Import: existing families ------------------------------------------------------------
@pytest.fixture
def siti(admin, kota_metro):
    """SITI AMINAH's family as the registry has it: an older address, a wrong birth date."""
    return register(
        admin,
        kota_metro["Hadimulyo Barat"],
        no_kk=SITI["NO KK"],
        nik=SITI["NIK"],
        nama="Siti Aminah",
        lahir=datetime.date(1999, 4, 11),
        alamat="Jl. Lama",
        rt="001",
        rw="002",
    )


def test_a_known_family_gets_address_and_pengurus_updated_through_the_history(
    admin_client, admin, siti
):
    # given
    before = set(RiwayatPerubahan.objects.values_list("pk", flat=True))
    row = {**SITI, "ALAMAT": "Jl. Baru No. 5", "RT": "7"}
    # when
    response = preview(admin_client, xlsx([row]))
    messages = import_file(admin_client, xlsx([row]))
    # then
    [baris] = response.context["result"].rows
    assert (baris.label_aksi, baris.perubahan) == (
        "Diperbarui",
        [
            "ALAMAT: Jl. Lama → Jl. Baru No. 5",
            "RT: 001 → 007",
            "TGL LAHIR: 1999-04-11 → 1999-04-10",
        ],
    )
    assert messages[0].startswith("Impor Final Closing selesai: 0 keluarga baru, 1 diperbarui")
    siti.refresh_from_db()
    siti.pengurus.refresh_from_db()
    assert (siti.alamat, siti.rt, siti.rw) == ("Jl. Baru No. 5", "007", "002")
    # the name differs only in case: the registry's spelling is kept
    assert (siti.pengurus.nama, siti.pengurus.tanggal_lahir) == (
        "Siti Aminah",
        datetime.date(1999, 4, 10),
    )
    new = RiwayatPerubahan.objects.exclude(pk__in=before).order_by("pk")
    assert [(r.anggota_id, r.perubahan, r.oleh) for r in new] == [
        (None, {"alamat": ["Jl. Lama", "Jl. Baru No. 5"], "rt": ["001", "007"]}, admin),
        (siti.pengurus_id, {"tanggal_lahir": ["1999-04-11", "1999-04-10"]}, admin),
    ]


def test_a_different_status_is_reported_and_not_applied(admin_client, siti):
    # given
    row = {**SITI, "STATUS": "DITANGGUHKAN", "ALAMAT": "Jl. Lama", "RT": "001"}
    warning = (
        "STATUS di file DITANGGUHKAN, di registri AKTIF: status tidak diubah. "
        "Ubah status di halaman keluarga dengan alasan."
    )
    # when
    response = preview(admin_client, xlsx([row]))
    messages = import_file(admin_client, xlsx([row]))
    # then
    assert response.context["result"].peringatan == [
        RowError(row=2, column="STATUS", message=warning, is_warning=True)
    ]
    assert f"Baris 2, STATUS: {warning}" in messages
    siti.refresh_from_db()
    assert siti.status == "aktif"
    assert RiwayatStatus.objects.filter(keluarga=siti).count() == 1


def test_a_new_pengurus_is_added_as_member_and_a_moved_family_is_only_reported(
    admin_client, admin, siti
):
    # given: the centre lists another person of SITI's family, in another kelurahan
    row = {
        **SITI,
        "NAMA PENERIMA": "RINA WATI",
        "NIK": RINA["NIK"],
        "TGL LAHIR": RINA["TGL LAHIR"],
        "KELURAHAN": "Metro",
        "ALAMAT": "Jl. Lama",
        "RT": "001",
    }
    # when
    messages = import_file(admin_client, xlsx([row]))
    # then
    assert messages[1:] == [
        "Baris 2, KELURAHAN: KELURAHAN di file Metro, di registri Hadimulyo Barat: kelurahan "
        "tidak diubah. Pindahkan keluarga di halaman keluarga."
    ]
    siti.refresh_from_db()
    assert siti.kelurahan.nama == "Hadimulyo Barat"
    assert (siti.pengurus.nik, siti.pengurus.nama, siti.pengurus.hubungan) == (
        RINA["NIK"],
        "RINA WATI",
        "pasangan",
    )
    assert sorted(siti.anggota.values_list("nama", flat=True)) == ["RINA WATI", "Siti Aminah"]


def test_a_family_missing_from_the_file_is_followed_up_not_deleted(admin_client, admin, kota_metro):
    # given: one family the file lacks, and one that graduated (expected to be absent)
    hilang = register(
        admin,
        kota_metro["Metro"],
        no_kk="1872012001150008",
        nik="1872014101800002",
        nama="Ani",
        lahir=datetime.date(1980, 1, 1),
    )
    lulus = register(
        admin,
        kota_metro["Metro"],
        no_kk="1872012001150007",
        nik="1872014201800003",
        nama="Ana",
        lahir=datetime.date(1980, 1, 2),
    )
    services.keluarga_status_change(
        keluarga=lulus, ke="graduasi", alasan="Mandiri.", oleh=admin, lewat_graduasi=True
    )
    # when
    messages = import_file(admin_client, xlsx([SITI, BUDI]), name="fc_tahap3.xlsx")
    # then
    assert messages == [
        "Impor Final Closing selesai: 2 keluarga baru, 0 diperbarui, 0 tanpa perubahan. "
        "1 keluarga di registri tidak ada di file ini dan dicatat untuk ditindaklanjuti "
        "(tidak dihapus)."
    ]
    assert Keluarga.objects.filter(pk=hilang.pk, status="aktif").exists()
    [tindak_lanjut] = KeluargaTidakAdaDiImpor.objects.all()
    assert (
        tindak_lanjut.keluarga,
        tindak_lanjut.nama_file,
        tindak_lanjut.diimpor_oleh,
        tindak_lanjut.is_selesai,
    ) == (hilang, "fc_tahap3.xlsx", admin, False)


def test_importing_the_same_file_twice_changes_nothing(admin_client, admin, kota_metro):
    # given
    register(
        admin,
        kota_metro["Metro"],
        no_kk="1872012001150008",
        nik="1872014101800002",
        nama="Ani",
        lahir=datetime.date(1980, 1, 1),
    )
    content = xlsx([SITI, BUDI, RINA])
    import_file(admin_client, content)
    counts = registry_counts()
    updated = dict(Keluarga.objects.values_list("no_kk", "updated_at"))
    # when
    messages = import_file(admin_client, content)
    # then
    assert messages == [
        "Impor Final Closing selesai: 0 keluarga baru, 0 diperbarui, 3 tanpa perubahan. "
        "1 keluarga di registri tidak ada di file ini dan dicatat untuk ditindaklanjuti "
        "(tidak dihapus)."
    ]
    assert registry_counts() == {**counts, "audit": counts["audit"] + 1}  # the import itself
    assert dict(Keluarga.objects.values_list("no_kk", "updated_at")) == updated
    assert KeluargaTidakAdaDiImpor.objects.count() == 1


# --- Import: new families, registered in bulk ------------------------------------------------
def test_a_new_family_gets_its_components_search_name_and_a_status_warning(admin_client, admin):
    # given: a woman born in 1950 (lansia, DOMAIN.md §2) listed as suspended, with a title
    row = {
        **SITI,
        "NAMA PENERIMA": "Hj. Sumiati",
        "NIK": "1872014506500001",  # woman born 05-06-1950
        "TGL LAHIR": "05-06-1950",
        "STATUS": "DITANGGUHKAN",
    }
    warning = (
        "Keluarga baru didaftarkan berstatus Aktif; STATUS DITANGGUHKAN di file tidak "
        "diterapkan. Ubah status di halaman keluarga dengan alasan."
    )
    # when
    response = preview(admin_client, xlsx([row]))
    messages = import_file(admin_client, xlsx([row]))
    # then
    assert response.context["result"].peringatan == [
        RowError(row=2, column="STATUS", message=warning, is_warning=True)
    ]
    assert messages[1:] == [f"Baris 2, STATUS: {warning}"]
    keluarga = Keluarga.objects.select_related("pengurus").get()
    pengurus = keluarga.pengurus
    assert (keluarga.status, keluarga.komponen) == ("aktif", ["lansia"])
    assert (pengurus.nama, pengurus.nama_cari, pengurus.hubungan, pengurus.komponen) == (
        "Hj. Sumiati",
        "sumiati",
        "pasangan",
        ["lansia"],
    )
    # one audit row for the whole import, none per family
    assert list(AuditEvent.objects.values_list("action", "user", "jumlah")) == [
        ("import", admin.pk, 1)
    ]


def test_errors_of_new_and_other_rows_are_listed_in_row_order(admin_client, admin, kota_metro):
    # given: row 3's NIK is on another family (found when the new families are registered),
    # row 4's NIK is malformed (found when the row is read)
    register(
        admin,
        kota_metro["Metro"],
        no_kk="1872012001150009",
        nik=RINA["NIK"],
        nama="Rina",
        lahir=datetime.date(1990, 8, 22),
    )
    content = xlsx([SITI, RINA, {**BUDI, "NIK": "187201150485000"}])
    # when
    response = preview(admin_client, content)
    # then
    assert response.context["result"].kesalahan == [
        RowError(
            row=3,
            column="NIK",
            message="NIK ini sudah terdaftar pada keluarga KK 1872**********09.",
        ),
        RowError(row=4, column="NIK", message="NIK harus 16 digit (tertulis 15 digit)"),
    ]
    assert "confirm_form" not in response.context
    assert Keluarga.objects.count() == 1


def test_bulk_registration_refuses_taken_identifiers_as_registering_one_by_one_would(
    admin, kota_metro, siti
):
    # given: a new family, one with SITI's No KK, and one reusing the first one's NIK
    def baris(no_kk: str, nik: str) -> services.KeluargaBaruImpor:
        return services.KeluargaBaruImpor(
            keluarga_data={"no_kk": no_kk, "kelurahan": kota_metro["Yosomulyo"]},
            pengurus_data={
                "nik": nik,
                "nama": "Rina Wati",
                "tanggal_lahir": datetime.date(1990, 8, 22),
                "jenis_kelamin": "P",
            },
            status=None,
        )

    rows = [
        baris(RINA["NO KK"], RINA["NIK"]),
        baris(SITI["NO KK"], "1872016208900005"),
        baris("1872012001150006", RINA["NIK"]),
    ]
    # when
    outcomes = services.keluarga_final_closing_register_bulk(rows=rows, oleh=admin, on=today())
    # then
    assert [
        (o.aksi, o.keluarga.no_kk) if isinstance(o, services.HasilFinalClosing) else o.message
        for o in outcomes
    ] == [
        ("baru", RINA["NO KK"]),
        "No KK 1872**********01 sudah terdaftar.",
        "NIK ini sudah terdaftar pada keluarga KK 1872**********03.",
    ]
    assert sorted(Keluarga.objects.values_list("no_kk", "pengurus__nik")) == [
        (SITI["NO KK"], SITI["NIK"]),
        (RINA["NO KK"], RINA["NIK"]),
    ]
    assert Anggota.objects.count() == 2


def _new_families(n: int) -> list[dict[str, object]]:
    kelurahan = [("Hadimulyo Barat", "Metro Pusat"), ("Iring Mulyo", "Metro Timur")]
    rows = []
    for i in range(n):
        lahir = datetime.date(1980, 1, 1) + datetime.timedelta(days=i)
        rows.append(
            {
                **SITI,
                "NAMA PENERIMA": f"IBU {i}",
                "NIK": nik_for(lahir, "P", 1),
                "NO KK": f"18720120011{i:05d}",
                "TGL LAHIR": f"{lahir:%d-%m-%Y}",
                "KELURAHAN": kelurahan[i % 2][0],
                "KECAMATAN": kelurahan[i % 2][1],
            }
        )
    return rows


@pytest.mark.parametrize("n", [5, 50])
def test_confirming_new_families_takes_the_same_number_of_queries(
    n, admin_client, django_assert_num_queries
):
    # given
    response = preview(admin_client, xlsx(_new_families(n)))
    ContentType.objects.get_for_model(Keluarga)  # cached per process: the admin log reads it
    # when / then: the same count for 5 and 50 families
    with django_assert_num_queries(35):
        confirmed = confirm(admin_client, response)
    assert [str(m) for m in get_messages(confirmed.wsgi_request)] == [
        f"Impor Final Closing selesai: {n} keluarga baru, 0 diperbarui, 0 tanpa perubahan. "
        "0 keluarga di registri tidak ada di file ini dan dicatat untuk ditindaklanjuti "
        "(tidak dihapus)."
    ]
    assert registry_counts() == {
        "keluarga": n,
        "anggota": n,
        "riwayat_status": n,
        "riwayat_perubahan": n,
        "tidak_ada": 0,
        "audit": 1,
    }


# --- Export ------------------------------------------------------------------------------
def _nik(born: datetime.date, jk: str, serial: int) -> str:
    day = born.day + (40 if jk == "P" else 0)
    return f"187201{day:02d}{born:%m%y}{serial:04d}"


def _years_ago(years: int, days: int = 0) -> datetime.date:
    day = today()
    return day.replace(year=day.year - years, month=1, day=1) - datetime.timedelta(days=days)


def export(client, fmt=EXPORT_XLSX):
    return client.post(reverse("admin:kpm_keluarga_export"), {"format": fmt, "resource": "0"})


# DOMAIN.md §2 yearly amounts (set here: a transactional test elsewhere may flush the seed rows)
NOMINAL_2025 = {
    "ibu_hamil": 3_000_000,
    "anak_usia_dini": 3_000_000,
    "anak_sd": 900_000,
    "anak_smp": 1_500_000,
    "anak_sma": 2_000_000,
    "disabilitas_berat": 2_400_000,
    "lansia": 2_400_000,
    "korban_ham": 10_800_000,
}


@pytest.fixture
def nominal():
    for komponen, amount in NOMINAL_2025.items():
        NominalKomponen.objects.update_or_create(
            tahun=2025, komponen=komponen, defaults={"nominal_tahunan": amount}
        )


@pytest.fixture
def keluarga_besar(admin, kota_metro, nominal):
    """A pregnant pengurus with 2 toddlers, an SD child and an SMA child: 5 components, 4 paid."""
    ibu_lahir = datetime.date(1990, 8, 22)
    keluarga = register(
        admin,
        kota_metro["Yosomulyo"],
        no_kk="1872012001150003",
        nik=_nik(ibu_lahir, "P", 4),
        nama="Rina Wati",
        lahir=ibu_lahir,
        alamat="Gg. Mawar",
        rt="012",
        rw="004",
    )
    services.anggota_update(anggota=keluarga.pengurus, data={"is_hamil": True}, oleh=admin)
    children = [
        (_years_ago(2), ""),
        (_years_ago(4), ""),
        (_years_ago(9), "sd"),
        (_years_ago(16), "sma"),
    ]
    for serial, (lahir, jenjang) in enumerate(children, start=10):
        services.anggota_create(
            keluarga=keluarga,
            data={
                "nik": _nik(lahir, "L", serial),
                "nama": f"Anak {serial}",
                "jenis_kelamin": "L",
                "tanggal_lahir": lahir,
                "hubungan": Anggota.Hubungan.ANAK,
                "jenjang_sekolah": jenjang,
            },
            oleh=admin,
        )
    return keluarga


def test_export_writes_the_final_closing_layout_from_the_registry(
    admin_client, admin, keluarga_besar
):
    # when
    response = export(admin_client)
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="final-closing-{today():%Y-%m-%d}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    umur = today().year - 1990 - (1 if (today().month, today().day) < (8, 22) else 0)
    assert rows == [
        HEADER,
        [
            "Rina Wati",
            "1872016208900004",
            "1872012001150003",
            "22-08-1990",
            umur,
            5,
            1,  # HAMIL
            2,  # AUD
            0,  # SD: dropped, the family cap keeps the 4 highest amounts
            0,
            1,  # SMA
            0,
            0,
            0,
            4,
            3_000_000 + 2 * 3_000_000 + 2_000_000,
            "AKTIF",
            "Gg. Mawar",
            "012",
            "004",
            "Yosomulyo",
            "Metro Pusat",
            "Kota Metro",
            "Lampung",
        ],
    ]
    identifiers = [sheet.cell(row=2, column=c) for c in (2, 3, 19, 20)]
    assert [(c.value, c.data_type) for c in identifiers] == [
        ("1872016208900004", "s"),
        ("1872012001150003", "s"),
        ("012", "s"),
        ("004", "s"),
    ]
    [audit] = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)
    assert (audit.user, audit.object_type, audit.jumlah) == (admin, "kpm.keluarga", 1)


def test_export_escapes_formulas_in_text_cells(admin_client, admin, kota_metro):
    # given
    register(
        admin,
        kota_metro["Metro"],
        no_kk="1872012001150001",
        nik=SITI["NIK"],
        nama='=HYPERLINK("http://contoh.test","klik")',
        lahir=datetime.date(1999, 4, 10),
        alamat="-",
    )
    # when
    response = export(admin_client)
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    name, alamat = sheet.cell(row=2, column=1), sheet.cell(row=2, column=18)
    assert (name.value, name.data_type) == ('\'=HYPERLINK("http://contoh.test","klik")', "s")
    assert (alamat.value, alamat.data_type) == ("'-", "s")


def test_export_as_csv_keeps_leading_zeros(admin_client, siti):
    # when
    response = export(admin_client, fmt=EXPORT_CSV)
    # then: UTF-8 with a byte-order mark, so Excel reads the names right
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1][1:3] == ["1872015004990007", "1872012001150001"]
    assert rows[1][17:20] == ["Jl. Lama", "001", "002"]


def test_an_exported_file_imports_back_without_changes(admin_client, keluarga_besar, siti):
    # given
    exported = export(admin_client).content
    counts = registry_counts()
    # when
    messages = import_file(admin_client, exported, name="ekspor.xlsx")
    # then
    assert messages == [
        "Impor Final Closing selesai: 0 keluarga baru, 0 diperbarui, 2 tanpa perubahan. "
        "0 keluarga di registri tidak ada di file ini dan dicatat untuk ditindaklanjuti "
        "(tidak dihapus).",
        # the registry's birth date for SITI disagrees with her NIK: a warning, not a change
        "Baris 2, TGL LAHIR: tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan 10 April 1999)",
    ]
    assert registry_counts() == {**counts, "audit": counts["audit"] + 1}


def test_export_follows_the_family_list_filters(admin_client, admin, kota_metro, siti):
    # given: a second family in Metro Timur
    register(
        admin,
        kota_metro["Iring Mulyo"],
        no_kk=BUDI["NO KK"],
        nik=BUDI["NIK"],
        nama="Budi Santoso",
        lahir=datetime.date(1985, 4, 15),
        jk="L",
    )
    url = f"{reverse('admin:kpm_keluarga_export')}?kecamatan={kota_metro['Metro Timur'].pk}"
    # when
    response = admin_client.post(url, {"format": EXPORT_CSV, "resource": "0"})
    # then
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[:3] for row in rows[1:]] == [["Budi Santoso", BUDI["NIK"], BUDI["NO KK"]]]
    assert AuditEvent.objects.get(action=AuditEvent.Action.EXPORT).jumlah == 1


@pytest.mark.parametrize("n", [1, 20])
def test_export_query_count_is_flat(n, admin_client, admin, kota_metro, django_assert_num_queries):
    # given
    for i in range(n):
        lahir = datetime.date(1980, 1, 1) + datetime.timedelta(days=i)
        keluarga = register(
            admin,
            kota_metro["Metro"],
            no_kk=f"18720120011{i:05d}",
            nik=_nik(lahir, "P", 1),
            nama=f"Ibu {i}",
            lahir=lahir,
        )
        services.anggota_create(
            keluarga=keluarga,
            data={
                "nik": _nik(_years_ago(3, days=i), "L", 2),
                "nama": f"Anak {i}",
                "jenis_kelamin": "L",
                "tanggal_lahir": _years_ago(3, days=i),
                "hubungan": Anggota.Hubungan.ANAK,
            },
            oleh=admin,
        )
    # when / then: the same number of queries for 1 and 20 families (one of them: the export
    # writer's check for restricted identifiers, issue 20)
    with django_assert_num_queries(11):
        response = export(admin_client)
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == n + 1
