"""Unknown headers: the admin maps them once, and the mapping is reused for the next file."""

from __future__ import annotations

import pytest

from dinsos.errors import DomainError
from dtsen import services
from dtsen.models import DtsenRecord, PemetaanKolom, Snapshot
from tests.dtsen.conftest import HEADERS, orang, write_csv

pytestmark = pytest.mark.django_db
HEADERS_ASING = ["Nmr Induk Penduduk", *HEADERS[1:], "Keterangan Tambahan"]


def _file(tmp_path, name, n):
    return write_csv(tmp_path / name, [[*orang(n), "catatan"]], headers=HEADERS_ASING)


def test_unknown_headers_wait_for_the_admin_and_are_remembered(muat, tmp_path, admin):
    # given
    first = muat(_file(tmp_path, "a.csv", 1))
    assert first.status == Snapshot.Status.PERLU_PEMETAAN
    assert first.kolom_tak_dikenal == ["Nmr Induk Penduduk", "Keterangan Tambahan"]
    assert DtsenRecord.objects.filter(snapshot=first).count() == 0
    # when: the admin maps one to NIK and ignores the other
    services.pemetaan_kolom_save(
        snapshot=first,
        pemetaan={"Nmr Induk Penduduk": "nik", "Keterangan Tambahan": ""},
        user=admin,
    )
    services.snapshot_load_rows(snapshot_id=first.pk)
    second = muat(_file(tmp_path, "b.csv", 2))
    # then: both files load; the second needed no mapping
    first.refresh_from_db()
    assert (first.status, first.baris_valid) == (Snapshot.Status.SIAP_DITINJAU, 1)
    assert (second.status, second.baris_valid) == (Snapshot.Status.SIAP_DITINJAU, 1)
    assert dict(PemetaanKolom.objects.values_list("header", "field")) == {
        "noindukpenduduk": "nik",  # "Nmr" is read as "No"
        "keterangantambahan": "",
    }


def test_a_field_cannot_be_mapped_twice(muat, tmp_path, admin):
    snapshot = muat(_file(tmp_path, "a.csv", 1))
    with pytest.raises(DomainError) as error:
        services.pemetaan_kolom_save(
            snapshot=snapshot,
            pemetaan={"Nmr Induk Penduduk": "nama", "Keterangan Tambahan": ""},
            user=admin,
        )
    assert error.value.message == "Satu kolom data hanya boleh dipetakan sekali: Nama."
    assert PemetaanKolom.objects.count() == 0


def test_the_command_line_can_ignore_unknown_headers(muat, tmp_path):
    snapshot = muat(_file(tmp_path, "a.csv", 1), abaikan=True)
    assert snapshot.status == Snapshot.Status.GAGAL
    assert snapshot.pesan_gagal == "Kolom wajib tidak ditemukan: NIK"
