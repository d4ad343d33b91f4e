"""Issue 20 (D7), DOMAIN.md §7: a PBI-JK reactivation must be followed by an update in DTSEN
within the next two update periods; afterwards the office sees who is still missing."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from dinsos.models import Pengaturan
from dinsos.pengaturan import today
from dinsos.selectors import beranda_items
from dtsen.models import DtsenRecord, Snapshot
from dtsen.models import Jenis as JenisSnapshot
from dtsen.services import partisi
from pemutakhiran.models import Jenis, Status, Usulan
from pemutakhiran.selectors import UsulanFilter, usulan_list

pytestmark = pytest.mark.django_db

NIK_TERCATAT = "1872015004800001"
NIK_BELUM = "1872015004800002"
NIK_BARU = "1872015004800003"
HARI_INI = today()


def _reaktivasi(nik, *, aktif_sejak, oleh, kelurahan):
    return Usulan.objects.create(
        jenis=Jenis.REAKTIVASI_PBIJK,
        status=Status.DITERIMA,
        sumber=Usulan.Sumber.KANTOR,
        bulan=aktif_sejak.replace(day=1),
        nik=nik,
        nama=f"Warga {nik[-1]}",
        kelurahan=kelurahan,
        kecamatan=kelurahan.parent,
        dibuat_oleh=oleh,
        nomor_surat_faskes="445/RS/2025",
        tanggal_hasil=aktif_sejak,
    )


def _snapshot_dtsen(*, tanggal, niks, oleh, wilayah, status=Snapshot.Status.DITERAPKAN):
    snapshot = Snapshot.objects.create(
        jenis=JenisSnapshot.DTSEN,
        file=ContentFile(b"x", name="dtsen.csv"),
        nama_file="dtsen.csv",
        sha256=f"{tanggal:%Y%m%d}".ljust(64, "0"),
        tanggal_data=tanggal,
        wilayah=wilayah,
        status=status,
        created_by=oleh,
        applied_by=oleh,
        applied_at=timezone.now(),
    )
    partisi.siapkan(snapshot.pk)  # records written past the loader need their partition
    DtsenRecord.objects.bulk_create(
        DtsenRecord(
            snapshot=snapshot,
            baris=i + 2,
            nik=nik,
            no_kk="1872012001150009",
            nama="X",
            kelurahan=wilayah,
        )
        for i, nik in enumerate(niks)
    )


@pytest.fixture
def reaktivasi(admin, kota_metro):
    kel = kota_metro["Hadimulyo Barat"]
    lama = HARI_INI - datetime.timedelta(days=100)  # more than two monthly periods ago
    _reaktivasi(NIK_TERCATAT, aktif_sejak=lama, oleh=admin, kelurahan=kel)
    belum = _reaktivasi(NIK_BELUM, aktif_sejak=lama, oleh=admin, kelurahan=kel)
    # still within the two periods: not yet due
    _reaktivasi(
        NIK_BARU, aktif_sejak=HARI_INI - datetime.timedelta(days=20), oleh=admin, kelurahan=kel
    )
    # a DTSEN snapshot after the reactivation holds only the first person; an older one
    # (before the reactivation) holds the second, which does not count
    _snapshot_dtsen(
        tanggal=lama + datetime.timedelta(days=30), niks=[NIK_TERCATAT], oleh=admin, wilayah=kel
    )
    _snapshot_dtsen(
        tanggal=lama - datetime.timedelta(days=30),
        niks=[NIK_BELUM],
        oleh=admin,
        wilayah=kel,
        status=Snapshot.Status.RIWAYAT,
    )
    return belum


def test_a_reactivated_person_missing_from_later_dtsen_is_listed(reaktivasi, admin):
    rows = usulan_list(user=admin, filters=UsulanFilter(is_reaktivasi_tanpa_dtsen=True))
    assert list(rows) == [reaktivasi]


def test_the_beranda_count_equals_the_list_behind_it(client, reaktivasi, admin):
    [item] = [i for i in beranda_items(user=admin) if "Reaktivasi PBI-JK" in i.judul]
    assert item.jumlah == 1
    client.force_login(admin)
    page = client.get(item.url)
    assert page.status_code == 200
    assert page.context["page"].paginator.count == item.jumlah
    html = page.content.decode()
    assert "dimutakhirkan di DTSEN dalam dua" in html


def test_the_number_of_periods_is_a_dated_setting(reaktivasi, admin):
    Pengaturan.objects.create(
        kunci="pbijk_reaktivasi_periode_dtsen", nilai=6, berlaku_mulai=datetime.date(2000, 1, 1)
    )
    rows = usulan_list(user=admin, filters=UsulanFilter(is_reaktivasi_tanpa_dtsen=True))
    assert list(rows) == []
