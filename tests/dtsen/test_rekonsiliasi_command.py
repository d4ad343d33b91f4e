"""`manage.py reconcile`: the same run, synchronously, with its counts printed."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from dtsen.models import Rekonsiliasi
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, keluarga, terapkan

pytestmark = pytest.mark.django_db


@pytest.fixture
def sumber(muat, admin, tmp_path, kota_metro):
    terapkan(muat, admin, tmp_path, [dtsen_row(Orang(1, "Budi Santoso", kk=1), desil=7)])
    keluarga(Orang(1, "Budi Santoso", kk=1), kelurahan=kota_metro["Hadimulyo Barat"])
    keluarga(Orang(2, "Paijo", kk=2), kelurahan=kota_metro["Hadimulyo Barat"])


def test_reconcile_prints_counts_as_json(sumber):
    out = io.StringIO()
    call_command("reconcile", "--jenis", "kpm-dtsen", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    run = Rekonsiliasi.objects.get()
    assert isinstance(summary.pop("detik"), float)  # seconds spent, for scripts
    assert summary == {
        "rekonsiliasi": run.pk,
        "jenis": "kpm-dtsen",
        "status": "selesai",
        "jumlah": {"kpm_tidak_di_dtsen": 1, "desil_di_atas_pkh": 1, "kpm_tanpa_desil": 1},
        "total": 3,
        "baru": 3,
        "tetap": 0,
        "dibuka_lagi": 0,
        "ditutup": 0,
    }
    assert run.started_by is None


def test_reconcile_prints_a_readable_summary_on_a_second_run(sumber):
    call_command("reconcile", "--jenis", "kpm-dtsen", stdout=io.StringIO())
    out = io.StringIO()
    call_command("reconcile", "--jenis", "kpm-dtsen", stdout=out)
    run = Rekonsiliasi.objects.latest("id")
    assert out.getvalue().splitlines() == [
        f"Rekonsiliasi #{run.pk} (KPM dengan DTSEN): Selesai. 3 temuan: 0 baru, 3 tetap, "
        "0 dibuka kembali, 0 ditutup.",
        "  Anggota KPM tidak ada di DTSEN: 1",
        "  Desil KPM di atas batas PKH: 1",
        "  KPM tanpa desil: 1",
    ]


def test_reconcile_explains_a_missing_snapshot(kota_metro):
    with pytest.raises(CommandError) as error:
        call_command("reconcile", "--jenis", "pbijk-dtsen", stdout=io.StringIO())
    assert str(error.value) == (
        "Belum ada snapshot DTSEN yang aktif untuk Kota Metro. Impor dan terapkan dulu filenya."
    )
