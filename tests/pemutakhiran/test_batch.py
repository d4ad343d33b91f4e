"""The monthly SIKS-NG batch: checked against DOMAIN.md, failing rows held back, frozen once
exported, the same file on a second export."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dinsos.errors import DomainError
from pemutakhiran import services
from pemutakhiran.models import BatchSiks, Jenis, Riwayat, Status, Usulan
from pemutakhiran.selectors import batch_periksa
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, terapkan
from tests.pemutakhiran.helpers import buat, sampai

pytestmark = pytest.mark.django_db

ADA = Orang(1, "Warga Satu")  # in the active DTSEN
TIDAK_ADA = Orang(2, "Warga Dua", kk=2)  # not in it
LAIN = Orang(3, "Warga Tiga", kk=3)
DESEMBER = datetime.date(2025, 12, 1)


@pytest.fixture
def disetujui(muat, tmp_path, admin, operator, pendamping_hadimulyo, kota_metro):
    """Two approved deactivations for December: one of a person in DTSEN, one not."""
    terapkan(muat, admin, tmp_path, [dtsen_row(ADA), dtsen_row(LAIN)])

    def setujui(o):
        u = buat(oleh=operator, kelurahan=kota_metro["Hadimulyo Barat"], nik=o.nik, nama=o.nama)
        return sampai(
            u, Status.DISETUJUI, pemeriksa=operator, petugas=pendamping_hadimulyo, pengesah=admin
        )

    return setujui


def _rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_export_sends_the_rows_that_pass_and_holds_back_the_others(disetujui, admin):
    # given
    lolos, gagal = disetujui(ADA), disetujui(TIDAK_ADA)
    # when
    batch = services.batch_ekspor(bulan=DESEMBER, jenis=Jenis.PENONAKTIFAN, oleh=admin)
    # then: one row in the SIKS-NG sheet, identifiers as text
    rows = _rows(batch.file.read())
    assert rows[0][:8] == (
        "NO",
        "NIK",
        "NO KK",
        "NAMA",
        "KODE DESA/KELURAHAN",
        "DESA/KELURAHAN",
        "KECAMATAN",
        "ALASAN",
    )
    assert rows[1][:8] == (
        1,
        ADA.nik,
        None,  # not in the registry: no KK known (an empty cell)
        "WARGA SATU",
        "1872022003",
        "HADIMULYO BARAT",
        "METRO PUSAT",
        "MENINGGAL",
    )
    assert len(rows) == 2
    assert (batch.jumlah_baris, batch.jumlah_ditahan) == (1, 1)
    lolos.refresh_from_db()
    gagal.refresh_from_db()
    assert (lolos.status, lolos.batch) == (Status.DIKIRIM, batch)
    # the other stays approved, carried to January with the reason
    assert (gagal.status, gagal.bulan, gagal.batch) == (
        Status.DISETUJUI,
        datetime.date(2026, 1, 1),
        None,
    )
    assert Riwayat.objects.filter(usulan=gagal).last().catatan == (
        "Ditahan dari kiriman Desember 2025: Tidak ada di DTSEN aktif: tidak ada data yang "
        "dinonaktifkan. Diperiksa lagi untuk kiriman Januari 2026."
    )


def test_a_batch_is_frozen_and_a_second_export_gives_the_same_file(
    disetujui, admin, operator, client
):
    # given: December exported
    disetujui(ADA)
    pertama = services.batch_ekspor(bulan=DESEMBER, jenis=Jenis.PENONAKTIFAN, oleh=admin)
    isi = pertama.file.read()
    # when: another deactivation is approved afterwards and December is exported again
    kemudian = disetujui(LAIN)
    client.force_login(operator)
    response = client.post(
        reverse("pemutakhiran:batch-ekspor"), {"bulan": "2025-12", "jenis": "penonaktifan"}
    )
    # then: the same file, and the late one waits for January
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == isi
    assert BatchSiks.objects.count() == 1
    kemudian.refresh_from_db()
    assert (kemudian.status, kemudian.bulan) == (Status.DISETUJUI, datetime.date(2026, 1, 1))
    januari = services.batch_ekspor(
        bulan=datetime.date(2026, 1, 1), jenis=Jenis.PENONAKTIFAN, oleh=admin
    )
    assert [r[1] for r in _rows(januari.file.read())[1:]] == [LAIN.nik]


def test_an_export_with_no_passing_row_is_refused(disetujui, admin):
    disetujui(TIDAK_ADA)
    with pytest.raises(DomainError) as error:
        services.batch_ekspor(bulan=DESEMBER, jenis=Jenis.PENONAKTIFAN, oleh=admin)
    assert error.value.message == (
        "Tidak ada usulan penonaktifan yang lolos pemeriksaan untuk kiriman Desember 2025."
    )
    assert not BatchSiks.objects.exists()


def test_a_new_family_already_in_dtsen_and_an_unknown_reactivation_are_held_back(
    muat, tmp_path, admin, operator, pendamping_hadimulyo, kota_metro
):
    # given: ADA is in the active DTSEN; nobody was ever on an applied PBI-JK list
    terapkan(muat, admin, tmp_path, [dtsen_row(ADA)])
    kel = kota_metro["Hadimulyo Barat"]
    baru = buat(
        oleh=operator,
        kelurahan=kel,
        nik=ADA.nik,
        jenis=Jenis.USULAN_BARU,
        alasan="",
        nilai={
            "no_kk": ADA.no_kk,
            "tanggal_lahir": ADA.lahir,
            "jenis_kelamin": "L",
            "alamat": "Jl. Contoh 1",
            "keterangan": "Miskin.",
        },
    )
    reaktivasi = buat(
        oleh=operator,
        kelurahan=kel,
        nik=TIDAK_ADA.nik,
        jenis=Jenis.REAKTIVASI_PBIJK,
        alasan="",
        nilai={"nomor_surat_faskes": "445/RS/2025"},
    )
    jalur = {"pemeriksa": operator, "petugas": pendamping_hadimulyo, "pengesah": admin}
    for u in (baru, reaktivasi):
        sampai(u, Status.DISETUJUI, **jalur)
    # when
    usulan_baru = batch_periksa(user=admin, bulan=DESEMBER, jenis=Jenis.USULAN_BARU)
    pbijk = batch_periksa(user=admin, bulan=DESEMBER, jenis=Jenis.REAKTIVASI_PBIJK)
    # then
    assert [c.alasan for c in usulan_baru.ditahan] == [
        ["Sudah ada di DTSEN aktif: ajukan perbaikan data atau sanggahan, bukan usulan baru."]
    ]
    assert [c.alasan for c in pbijk.ditahan] == [
        [
            "Tanggal penonaktifan tidak diketahui: tidak ada di daftar PBI-JK sebelumnya "
            "sebagai peserta aktif."
        ]
    ]
    assert usulan_baru.lolos == pbijk.lolos == []
    assert Usulan.objects.filter(status=Status.DISETUJUI).count() == 2
