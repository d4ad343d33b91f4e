"""Issue 20, RHK 1: each pendamping's share of their families' payouts that were tersalur."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from kpm.models import Keluarga, Penyaluran
from kpm.selectors import penyaluran
from pendamping.models import Pendamping
from pendamping.periode import Periode
from pendamping.selectors import indikator
from tests.kpm.salur import terapkan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sumber_rhk() -> Iterator[None]:
    sumber = {
        "penyaluran": penyaluran.rhk_penyaluran,
        "penyaluran_gagal": penyaluran.rhk_penyaluran_gagal,
    }
    with hooks.registry.override(hooks.RHK_PENDAMPING, sumber):
        yield


def _rhk1(profil: Pendamping, periode: Periode) -> tuple[str, bool, int]:
    (row,) = indikator.indikator_list(
        Pendamping.objects.filter(pk=profil.pk),
        periode=periode,
        pengaturan=dinsos_selectors.pengaturan_semua(),
    )
    item = next(i for i in row.rhk if i.nomor == 1)
    return item.nilai, item.is_tercatat, item.jumlah


def _salur(keluarga, tahap, status):
    Penyaluran.objects.create(
        keluarga=keluarga,
        pendamping_id=keluarga.pendamping_id,
        tahun=2026,
        tahap=tahap,
        nominal=750_000,
        status=status,
        alasan_gagal="Rekening tidak aktif" if status == "gagal" else "",
    )


def test_rhk_1_counts_tersalur_of_the_tahap_in_the_period(profil_a, keluarga_a, keluarga_b):
    # given: Ani's family paid in tahap 2 and failed in tahap 3; Budi's family failed in tahap 2
    _salur(keluarga_a, 2, "tersalur")
    _salur(keluarga_a, 3, "gagal")
    _salur(keluarga_b, 2, "gagal")
    # then: May is in tahap 2, the year holds both tahap, January none
    assert _rhk1(profil_a, Periode(2026, 5)) == ("100,0% tersalur (1/1)", True, 1)
    assert _rhk1(profil_a, Periode(2026)) == ("50,0% tersalur (1/2)", True, 1)
    assert _rhk1(profil_a, Periode(2026, 1))[:2] == ("belum ada data penyaluran", False)


def test_a_tahap_is_the_quarter_it_pays():
    assert penyaluran.tahap_dalam(datetime.date(2026, 5, 1), datetime.date(2026, 5, 31)) == [
        (2026, 2)
    ]
    assert penyaluran.tahap_dalam(datetime.date(2025, 12, 1), datetime.date(2026, 1, 31)) == [
        (2025, 4),
        (2026, 1),
    ]


def test_a_payout_stays_with_the_pendamping_of_its_tahap(
    profil_a, profil_b, keluarga_a, admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # given: the list of tahap 2 recorded while Ani accompanied the family
    content = f"NO KK;TAHAP;TAHUN;NOMINAL;STATUS\n'{keluarga_a.no_kk};2;2026;750000;TERSALUR\n"
    terapkan(content.encode(), admin)
    # when: the family later moves to Budi
    Keluarga.objects.filter(pk=keluarga_a.pk).update(pendamping=profil_b.user)
    # then: tahap 2 still counts for Ani, not for Budi
    assert _rhk1(profil_a, Periode(2026, 5)) == ("100,0% tersalur (1/1)", True, 1)
    assert _rhk1(profil_b, Periode(2026, 5))[:2] == ("belum ada data penyaluran", False)
