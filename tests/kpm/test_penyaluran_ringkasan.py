"""Issue 21: a payout list applied (RHK 1) marks the pendamping performance summary of the
tahap's months and year out of date, through `hooks.RINGKASAN_BASI` (kpm cannot import
pendamping), so a list for an earlier tahap shows on that closed month's page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dinsos.models import User
from kpm import services
from kpm.models import Keluarga
from pendamping import services as pendamping_services
from pendamping.models import Pendamping, RingkasanKinerja
from pendamping.periode import Periode
from tests.factories import keluarga_with_pengurus
from tests.kpm.salur import daftar_csv, periksa, terapkan
from tests.pendamping.conftest import buat_profil

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_sementara")]

TAHUN = 2025  # tahap 2 = April–June: closed months whatever day the tests run


@pytest.fixture
def profil(pendamping_hadimulyo: User) -> Pendamping:
    return buat_profil(pendamping_hadimulyo, mulai=datetime.date(2024, 1, 1))


@pytest.fixture
def profil_b(pendamping_iringmulyo: User) -> Pendamping:
    return buat_profil(pendamping_iringmulyo, mulai=datetime.date(2024, 1, 1))


def _keluarga(kota_metro, pendamping: User, n: int) -> list[Keluarga]:
    return [
        keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping)
        for _ in range(n)
    ]


def _daftar(keluarga: list[Keluarga], status: str = "Tersalur", tahap: int = 2) -> bytes:
    alasan = "" if status == "Tersalur" else "Rekening tidak aktif"
    return daftar_csv(
        *(f"'{k.no_kk};;{tahap};{TAHUN};750000;{status};{alasan};BRI" for k in keluarga)
    )


def _rhk1(client, profil: Pendamping, **params: int) -> tuple[tuple[int, int], int]:
    """RHK 1 on the performance page (tersalur, gagal) and the queries the page ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("pendamping:pendamping-detail", args=[profil.pk]), params)
    assert response.status_code == 200
    rhk = response.context["i"].rhk_luar
    return (rhk["penyaluran"], rhk["penyaluran_gagal"]), len(ctx.captured_queries)


def test_a_list_for_an_earlier_tahap_shows_on_that_months_page(
    client, admin, operator, kota_metro, profil, pendamping_hadimulyo
):
    # given: the May page (tahap 2) was viewed before any payout was recorded
    keluarga = _keluarga(kota_metro, pendamping_hadimulyo, 3)
    client.force_login(admin)
    assert _rhk1(client, profil, tahun=TAHUN, bulan=5)[0] == (0, 0)
    _, kueri_segar = _rhk1(client, profil, tahun=TAHUN, bulan=5)
    pendamping_services.ringkasan_kinerja_segarkan(
        pendamping_ids=[profil.pk],
        periodes=[Periode(TAHUN), Periode(TAHUN, 4), Periode(TAHUN, 7)],
    )
    # when: the bank's list for tahap 2 is applied
    terapkan(_daftar(keluarga), operator)
    # then: the tahap's months and the year were marked, the other quarters were not (the
    # page computed every month of the year for its charts)
    ditandai = dict(
        RingkasanKinerja.objects.filter(pendamping=profil, tahun=TAHUN).values_list(
            "bulan", "is_basi"
        )
    )
    assert {b for b, basi in ditandai.items() if basi} == {0, 4, 5, 6}
    assert set(ditandai) == {0, *range(1, 13)}
    # and the pages show the payouts
    client.force_login(admin)
    assert _rhk1(client, profil, tahun=TAHUN, bulan=5)[0] == (3, 0)
    assert _rhk1(client, profil, tahun=TAHUN)[0] == (3, 0)
    # and a fresh read costs what it cost before
    assert _rhk1(client, profil, tahun=TAHUN, bulan=5)[1] == kueri_segar


def test_a_changed_payout_moves_from_the_old_pendamping_to_the_new(
    client, admin, operator, kota_metro, profil, profil_b, pendamping_hadimulyo
):
    # given: a payout recorded for pendamping A's family, then the family moved to B
    (siti,) = _keluarga(kota_metro, pendamping_hadimulyo, 1)
    terapkan(_daftar([siti]), operator)
    Keluarga.objects.filter(pk=siti.pk).update(pendamping=profil_b.user)
    client.force_login(admin)
    assert _rhk1(client, profil, tahun=TAHUN, bulan=5)[0] == (1, 0)
    assert _rhk1(client, profil_b, tahun=TAHUN, bulan=5)[0] == (0, 0)
    # when: a corrected list says it failed (the payout is now credited to B)
    terapkan(_daftar([siti], status="Gagal"), operator)
    # then: both pages show it
    client.force_login(admin)
    assert _rhk1(client, profil, tahun=TAHUN, bulan=5)[0] == (0, 0)
    assert _rhk1(client, profil_b, tahun=TAHUN, bulan=5)[0] == (0, 1)


def test_the_same_list_again_marks_nothing(client, admin, operator, kota_metro, profil):
    # given: a list applied, and the summary computed after it
    keluarga = _keluarga(kota_metro, profil.user, 2)
    terapkan(_daftar(keluarga), operator)
    client.force_login(admin)
    assert _rhk1(client, profil, tahun=TAHUN, bulan=5)[0] == (2, 0)
    # when: the same list is applied again (nothing changes)
    terapkan(_daftar(keluarga), operator)
    # then: the row stays fresh
    assert not RingkasanKinerja.objects.get(pendamping=profil, tahun=TAHUN, bulan=5).is_basi


@pytest.mark.parametrize("n", [2, 40])
def test_marking_takes_two_statements_whatever_the_list_size(
    n, operator, kota_metro, profil, pendamping_hadimulyo
):
    # given: a checked list of n families and the summary of the tahap computed
    keluarga = _keluarga(kota_metro, pendamping_hadimulyo, n)
    hasil = periksa(_daftar(keluarga), operator)
    pendamping_services.ringkasan_kinerja_segarkan(
        pendamping_ids=[profil.pk], periodes=[Periode(TAHUN, 5)]
    )
    services.penyaluran_terapkan_mulai(unggahan=hasil, oleh=operator)
    # when
    with CaptureQueriesContext(connection) as ctx:
        services.penyaluran_terapkan(unggahan_id=hasil.pk)
    # then: two UPDATEs of the summary (new and previous pendamping), whatever n
    basi = [q["sql"] for q in ctx.captured_queries if "pendamping_ringkasankinerja" in q["sql"]]
    assert len(basi) == 2, basi
    assert RingkasanKinerja.objects.get(pendamping=profil, tahun=TAHUN, bulan=5).is_basi
