"""`manage.py import_dtsen`: the same import, synchronously, for scripts."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from dtsen.models import Snapshot
from kpm.models import Keluarga
from tests.dtsen.conftest import make_no_kk, orang, write_csv
from tests.factories import KeluargaFactory

pytestmark = pytest.mark.django_db


def test_import_and_apply_prints_a_json_summary(admin, kota_metro, tmp_path):
    # given
    keluarga = KeluargaFactory(no_kk=make_no_kk(1), kelurahan=kota_metro["Hadimulyo Barat"])
    path = write_csv(tmp_path / "dtsen.csv", [orang(1, kk=1, desil="2"), orang(2, desil="0")])
    out = io.StringIO()
    # when
    call_command(
        "import_dtsen",
        str(path),
        "--jenis",
        "dtsen",
        "--tanggal",
        "2025-06-30",
        "--apply",
        "--json",
        stdout=out,
    )
    # then
    summary = json.loads(out.getvalue())
    snapshot = Snapshot.objects.get()
    assert summary == {
        "snapshot": snapshot.pk,
        "status": "diterapkan",
        "pesan": "",
        "kolom_tak_dikenal": [],
        "pembacaan": {
            "format": "CSV, pemisah |, pengodean UTF-8",
            "wilayah": {
                "sistem": "BPS",
                "mayoritas": "bps",
                "aturan": {"bps": 2},
                "ambigu": [],
            },
            "ringkasan_jumlah": 0,
            "ringkasan_baris": [],
            "kolom_diabaikan": [],
            "ganda_mungkin": {"blok_dilewati": 0, "baris_dilewati": 0, "blok_maks": 50},
        },
        "baris_dibaca": 2,
        "baris_valid": 1,
        "baris_ditolak": 1,
        "baris_peringatan": 0,
        "keluarga_diperbarui": 1,
        "masalah_pertama": [
            {
                "baris": 3,
                "kolom": "desil_nasional",
                "pesan": (
                    "desil nasional harus angka 1–10 (tertulis '0'); kosongkan bila belum ada desil"
                ),
                "is_peringatan": False,
            }
        ],
    }
    assert Keluarga.objects.get(pk=keluarga.pk).desil == 2


def test_a_refused_file_fails_the_command_with_the_reason(admin, kota_metro, tmp_path):
    path = tmp_path / "bukan.xlsx"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(CommandError) as error:
        call_command("import_dtsen", str(path), "--jenis", "dtsen", stdout=io.StringIO())
    assert str(error.value).startswith("File ini bukan spreadsheet.")
