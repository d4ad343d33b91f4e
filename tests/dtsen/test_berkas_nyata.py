"""Issue 16: files shaped as offices and BPS pass them around import as they come.

Each fixture in tests/fixtures/impor (made by tests/fixtures/impor/buat.py) is imported the
way the worker does it for a portal upload (`snapshot_create` + `snapshot_load_rows`) and with
`manage.py import_dtsen`, and must give exactly the rows below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from dinsos.spreadsheet.base import MSG_BUKAN_SPREADSHEET, MSG_KOSONG, MSG_TERENKRIPSI
from dtsen.models import DtsenRecord, Snapshot
from tests.dtsen.conftest import HEADERS, masalah, orang, write_csv

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "impor"
TIDAK_DIKENAL_099 = (
    "kode desa/kelurahan '1872099001' tidak dikenal di Kota Metro, baik sebagai kode BPS "
    "1872099001 maupun Kemendagri 18.72.09.9001"
)
DUA_SISTEM_011 = (
    "kode '1872011001' berlaku di dua sistem: BPS = Sumbersari Bantul (Kec. Metro Selatan), "
    "Kemendagri = Metro (Kec. Metro Pusat); dibaca sebagai BPS (sistem mayoritas file ini)"
)


@dataclass(frozen=True)
class Harapan:
    diterima: dict[int, str]  # row → kelurahan it was read as
    masalah: list[tuple[int, str, str, bool]]  # (row, column, message, is_warning)
    format: str
    sistem: str
    aturan: dict[str, int]
    ringkasan: list[list[object]] = field(default_factory=list)
    kolom_diabaikan: list[str] = field(default_factory=list)


HARAPAN = {
    "dtsen_kode_campuran.csv": Harapan(
        diterima={
            2: "Hadimulyo Barat",
            3: "Banjarsari",
            4: "Iring Mulyo",  # Kemendagri without dots: rejected before issue 16
            5: "Sumbersari Bantul",
        },
        masalah=[
            (5, "Kode Kelurahan", DUA_SISTEM_011, True),
            (6, "Kode Kelurahan", TIDAK_DIKENAL_099, False),
        ],
        format="CSV, pemisah koma, pengodean UTF-8",
        sistem="BPS dan Kemendagri bercampur (mayoritas BPS)",
        aturan={"bps": 2, "kemendagri": 1, "mayoritas": 1, "tidak_dikenal": 1},
    ),
    "dtsen_kode_bertitik.csv": Harapan(
        diterima={2: "Iring Mulyo", 3: "Hadimulyo Barat"},
        masalah=[
            (
                4,
                "Kode Kelurahan",
                "kode desa/kelurahan '18.72.09.1001' tidak dikenal di Kota Metro (dibaca "
                "sebagai kode Kemendagri)",
                False,
            )
        ],
        format="CSV, pemisah titik koma, pengodean UTF-8",
        sistem="Kemendagri",
        aturan={"kemendagri": 2, "tidak_dikenal": 1},
    ),
    "dtsen_nama_saja.csv": Harapan(
        diterima={2: "Iring Mulyo", 3: "Hadimulyo Barat", 4: "Iring Mulyo"},
        masalah=[
            (
                4,
                "Nama Desa/Kelurahan",
                "nama tidak persis: desa/kelurahan 'Iringmulya' dibaca sebagai Iring Mulyo",
                True,
            ),
            (
                5,
                "Nama Desa/Kelurahan",
                "desa/kelurahan 'Antah Berantah' tidak dikenal di Kecamatan Metro Timur",
                False,
            ),
        ],
        format="CSV, pemisah koma, pengodean UTF-8",
        sistem="Tanpa kode (nama kecamatan/kelurahan)",
        aturan={"nama": 2, "nama_mirip": 1, "tidak_dikenal": 1},
    ),
    "dtsen_bps_v3.csv": Harapan(
        diterima={2: "Iring Mulyo", 3: "Hadimulyo Barat", 4: "Sumbersari Bantul"},
        masalah=[],
        format="CSV, pemisah |, pengodean UTF-8",
        sistem="BPS",
        aturan={"bps": 3},
        kolom_diabaikan=["catatan_petugas"],
    ),
    "dtsen_baris_ringkasan.xlsx": Harapan(
        diterima={2: "Hadimulyo Barat", 4: "Hadimulyo Barat"},
        masalah=[(3, "NIK", "NIK kosong", False)],  # inside the data: a row, not a footer
        format="Excel (.xlsx)",
        sistem="BPS",
        aturan={"bps": 3},
        ringkasan=[
            [5, "Jumlah | 3"],
            [7, "Sumber: DTSEN Kemensos, diolah Dinas Sosial Kota Metro"],
            [8, "Metro, 1 Juli 2025"],
        ],
    ),
    "dtsen.xls": Harapan(
        diterima={2: "Hadimulyo Barat", 3: "Iring Mulyo"},
        masalah=[
            (
                4,
                "Desil Nasional",
                "desil nasional harus angka 1–10 (tertulis '11'); kosongkan bila belum ada desil",
                False,
            )
        ],
        format="Excel 97-2003 (.xls)",
        sistem="BPS dan Kemendagri bercampur (mayoritas BPS)",
        aturan={"bps": 2, "kemendagri": 1},
    ),
    "dtsen.ods": Harapan(
        diterima={2: "Hadimulyo Barat", 3: "Banjarsari", 4: "Iring Mulyo"},
        masalah=[(3, "RT", "RT '12345' bukan angka 1–3 digit", True)],
        format="LibreOffice (.ods)",
        sistem="BPS dan Kemendagri bercampur (mayoritas BPS)",
        aturan={"bps": 2, "kemendagri": 1},
    ),
    "dtsen_cp1252.csv": Harapan(
        diterima={2: "Hadimulyo Barat", 3: "Hadimulyo Barat"},
        masalah=[],
        format="CSV, pemisah titik koma, pengodean Windows-1252",
        sistem="BPS",
        aturan={"bps": 2},
    ),
}


def _check(snapshot: Snapshot, harapan: Harapan) -> None:
    assert (snapshot.status, snapshot.pesan_gagal) == (Snapshot.Status.SIAP_DITINJAU, "")
    diterima = dict(
        DtsenRecord.objects.filter(snapshot=snapshot).values_list("baris", "kelurahan__nama")
    )
    assert diterima == harapan.diterima
    assert masalah(snapshot) == harapan.masalah
    rejected = {m[0] for m in harapan.masalah if not m[3]}
    warned = {m[0] for m in harapan.masalah if m[3]} - rejected
    assert (snapshot.baris_valid, snapshot.baris_ditolak, snapshot.baris_peringatan) == (
        len(harapan.diterima),
        len(rejected),
        len(warned),
    )
    pembacaan = snapshot.pembacaan
    assert pembacaan["format"] == harapan.format
    assert pembacaan["wilayah"]["sistem"] == harapan.sistem
    assert pembacaan["wilayah"]["aturan"] == harapan.aturan
    assert pembacaan["ringkasan_baris"] == harapan.ringkasan
    assert pembacaan["ringkasan_jumlah"] == len(harapan.ringkasan)
    assert pembacaan["kolom_diabaikan"] == harapan.kolom_diabaikan


@pytest.mark.parametrize("name", sorted(HARAPAN))
def test_fixture_loads_with_exactly_the_expected_rows(muat, name):
    _check(muat(FIXTURES / name), HARAPAN[name])


@pytest.mark.parametrize("name", sorted(HARAPAN))
def test_fixture_imports_with_the_command(admin, kota_metro, name):
    # when
    out = StringIO()
    call_command("import_dtsen", str(FIXTURES / name), "--jenis", "dtsen", "--json", stdout=out)
    # then
    summary = json.loads(out.getvalue())
    _check(Snapshot.objects.get(pk=summary["snapshot"]), HARAPAN[name])


def test_the_review_lists_codes_both_systems_know(muat):
    snapshot = muat(FIXTURES / "dtsen_kode_campuran.csv")
    assert snapshot.pembacaan["wilayah"]["ambigu"] == [
        [
            "1872011001",
            "Sumbersari Bantul (Kec. Metro Selatan)",
            "Metro (Kec. Metro Pusat)",
            "BPS",
            1,
        ]
    ]


def test_a_file_all_in_bps_reads_codes_both_know_without_a_warning_per_row(muat, tmp_path):
    # given: only BPS codes; 1872021003 (Iring Mulyo) is also Kemendagri 18.72.02.1003
    path = write_csv(tmp_path / "d.csv", [orang(1), orang(2, kode="1872021003")])
    # when
    snapshot = muat(path)
    # then
    assert dict(
        DtsenRecord.objects.filter(snapshot=snapshot).values_list("baris", "kelurahan__nama")
    ) == {2: "Hadimulyo Barat", 3: "Iring Mulyo"}
    assert masalah(snapshot) == []
    assert snapshot.pembacaan["wilayah"]["ambigu"] == [
        [
            "1872021003",
            "Iring Mulyo (Kec. Metro Timur)",
            "Karangrejo (Kec. Metro Utara)",
            "BPS",
            1,
        ]
    ]


def test_a_kemendagri_majority_reads_codes_both_know_as_kemendagri(muat, tmp_path):
    # given: two codes only Kemendagri knows, one code both know, one only BPS knows
    rows = [
        orang(1, kode="1872041003"),  # Kemendagri: Iring Mulyo
        orang(2, kode="1872031001"),  # Kemendagri: Mulyojati
        orang(3, kode="1872011004"),  # both: Kemendagri Hadimulyo Barat, BPS Margorejo
        orang(4, kode="1872023001"),  # BPS: Banjarsari
    ]
    # when
    snapshot = muat(write_csv(tmp_path / "d.csv", rows))
    # then
    assert dict(
        DtsenRecord.objects.filter(snapshot=snapshot).values_list("baris", "kelurahan__nama")
    ) == {2: "Iring Mulyo", 3: "Mulyojati", 4: "Hadimulyo Barat", 5: "Banjarsari"}
    assert masalah(snapshot) == [
        (
            4,
            "kode_desa_kelurahan",
            "kode '1872011004' berlaku di dua sistem: BPS = Margorejo (Kec. Metro Selatan), "
            "Kemendagri = Hadimulyo Barat (Kec. Metro Pusat); dibaca sebagai Kemendagri "
            "(sistem mayoritas file ini)",
            True,
        )
    ]


def test_unknown_columns_no_longer_stop_a_file_that_has_every_required_one(muat, tmp_path):
    headers = [*HEADERS, "Nama Petugas Entri"]
    path = write_csv(tmp_path / "d.csv", [[*orang(1), "Budi"]], headers=headers)
    snapshot = muat(path)
    assert (snapshot.status, snapshot.baris_valid) == (Snapshot.Status.SIAP_DITINJAU, 1)
    assert snapshot.pembacaan["kolom_diabaikan"] == ["Nama Petugas Entri"]


def test_the_command_maps_a_header_with_peta(admin, kota_metro, tmp_path):
    # given: a NIK header no alias knows
    headers = ["Nmr Induk Penduduk", *HEADERS[1:]]
    path = write_csv(tmp_path / "d.csv", [orang(1)], headers=headers)
    out = StringIO()
    # when
    call_command(
        "import_dtsen",
        str(path),
        "--jenis",
        "dtsen",
        "--peta",
        "Nmr Induk Penduduk=nik",
        "--json",
        stdout=out,
    )
    # then
    summary = json.loads(out.getvalue())
    assert (summary["status"], summary["baris_valid"]) == (Snapshot.Status.SIAP_DITINJAU, 1)


def test_the_command_refuses_an_unknown_field_in_peta(admin, kota_metro, tmp_path):
    path = write_csv(tmp_path / "d.csv", [orang(1)])
    with pytest.raises(CommandError) as error:
        call_command("import_dtsen", str(path), "--jenis", "dtsen", "--peta", "NIK=nomor")
    assert str(error.value).startswith("Field 'nomor' tidak dikenal; pilihan: alamat, desil_")
    assert Snapshot.objects.count() == 0


def test_the_command_refuses_a_pbijk_list_given_as_dtsen(admin, kota_metro):
    with pytest.raises(CommandError) as error:
        call_command("import_dtsen", str(FIXTURES / "pbijk_daftar.csv"), "--jenis", "dtsen")
    assert str(error.value) == (
        "File ini tampaknya file PBI-JK, bukan DTSEN: ada kolom No Kartu, Segmen, Status. "
        "Pilih jenis data PBI-JK lalu unggah lagi."
    )
    assert Snapshot.objects.count() == 0


# --- The upload page (issue 15: refuse at the door) and the review page -----------------
def _unggah(client, kota_metro, name: str, content: bytes, jenis: str = "dtsen"):
    upload = SimpleUploadedFile(name, content)
    data = {"jenis": jenis, "tanggal_data": "2025-06-30", "wilayah": kota_metro["Kota Metro"].pk}
    return client.post(reverse("dtsen:snapshot-create"), {**data, "file": upload})


@pytest.mark.parametrize(
    ("_case", "name", "content", "message"),
    [
        ("empty", "dtsen.csv", b"", MSG_KOSONG),
        (
            "a photo renamed .xlsx",
            "dtsen.xlsx",
            b"\x89PNG\r\n\x1a\n" + bytes(64),
            MSG_BUKAN_SPREADSHEET,
        ),
        ("a pdf", "dtsen.csv", b"%PDF-1.4\n1 0 obj << >> endobj\n", MSG_BUKAN_SPREADSHEET),
        (
            "encrypted",
            "dtsen.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptionInfo".encode("utf-16-le"),
            MSG_TERENKRIPSI,
        ),
        (
            "a pbi-jk list as dtsen",
            "pbi.csv",
            (FIXTURES / "pbijk_daftar.csv").read_bytes(),
            "File ini tampaknya file PBI-JK, bukan DTSEN: ada kolom No Kartu, Segmen, Status. "
            "Pilih jenis data PBI-JK lalu unggah lagi.",
        ),
    ],
)
def test_the_upload_refuses_at_the_door_and_keeps_nothing(
    client, admin, kota_metro, _case, name, content, message
):
    # given
    client.force_login(admin)
    # when
    response = _unggah(client, kota_metro, name, content)
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [message]
    assert Snapshot.objects.count() == 0


def test_a_dtsen_file_uploaded_as_pbijk_is_refused(client, admin, kota_metro):
    client.force_login(admin)
    response = _unggah(
        client, kota_metro, "d.csv", (FIXTURES / "dtsen_bps_v3.csv").read_bytes(), "pbijk"
    )
    assert response.context["form"].errors["file"] == [
        "File ini tampaknya file DTSEN, bukan PBI-JK: ada kolom status_hubungan_keluarga, "
        "desil_provinsi. Pilih jenis data DTSEN lalu unggah lagi."
    ]
    assert Snapshot.objects.count() == 0


def test_an_xls_file_is_accepted_at_the_door(
    client, admin, kota_metro, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _unggah(client, kota_metro, "dtsen.xls", (FIXTURES / "dtsen.xls").read_bytes())
    snapshot = Snapshot.objects.get()
    assert response["Location"] == reverse("dtsen:snapshot-detail", args=[snapshot.pk])
    assert (snapshot.status, len(queued)) == (Snapshot.Status.DIUNGGAH, 1)


def test_the_review_page_shows_how_the_file_was_read(client, admin, muat):
    # given
    campuran = muat(FIXTURES / "dtsen_kode_campuran.csv")
    ringkasan = muat(FIXTURES / "dtsen_baris_ringkasan.xlsx")
    v3 = muat(FIXTURES / "dtsen_bps_v3.csv")
    client.force_login(admin)
    # when
    pages = [  # whitespace as a reader sees it
        " ".join(client.get(reverse("dtsen:snapshot-detail", args=[s.pk])).content.decode().split())
        for s in (campuran, ringkasan, v3)
    ]
    # then
    assert "CSV, pemisah koma, pengodean UTF-8" in pages[0]
    assert "BPS dan Kemendagri bercampur (mayoritas BPS)" in pages[0]
    for label, jumlah in (
        ("Kode hanya dikenal sebagai kode BPS", 2),
        ("Kode hanya dikenal sebagai kode Kemendagri", 1),
        (
            "Kode berlaku di kedua sistem untuk tempat berbeda; dibaca menurut sistem mayoritas "
            "file",
            1,
        ),
        ("Wilayah tidak dikenal (baris ditolak)", 1),
    ):
        assert f'<td>{label}</td> <td class="text-end">{jumlah}</td>' in pages[0]
    assert (
        "1872011001: BPS = Sumbersari Bantul (Kec. Metro Selatan), Kemendagri = Metro "
        "(Kec. Metro Pusat); dibaca sebagai BPS (1 baris)"
    ) in pages[0]
    assert "Baris ringkasan dilewati (3)" in pages[1]
    assert "Baris 5: Jumlah | 3" in pages[1]
    assert "Kolom diabaikan" in pages[2]
    assert "catatan_petugas. Kolom ini tidak dipakai." in pages[2]
