"""A family under a restriction request in force is left out of the figures as it is left out
of the lists (UU 27/2022: counting is processing), and recording, refusing or lifting a request
marks the performance summary of the family's pendamping out of date in the same transaction,
so a closed month's page that was computed before shows the change on the next view."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dinsos.models import User
from kpm import services
from kpm.models import Keluarga, PermintaanPembatasan
from pendamping.models import Pendamping, RingkasanKinerja
from tests.factories import keluarga_with_pengurus
from tests.kpm.salur import daftar_csv, terapkan
from tests.pendamping.conftest import buat_profil

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_sementara")]

TAHUN = 2025  # May 2025 (tahap 2): a closed month whatever day the tests run
BULAN = 5


@pytest.fixture
def profil(pendamping_hadimulyo: User) -> Pendamping:
    return buat_profil(pendamping_hadimulyo, mulai=datetime.date(2024, 1, 1))


@pytest.fixture
def keluarga(kota_metro, operator, pendamping_hadimulyo: User) -> list[Keluarga]:
    """Three active families of the pendamping, each paid in tahap 2 of TAHUN."""
    families = [
        keluarga_with_pengurus(
            kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
        )
        for _ in range(3)
    ]
    terapkan(
        daftar_csv(*(f"'{k.no_kk};;2;{TAHUN};750000;Tersalur;;BRI" for k in families)), operator
    )
    return families


def _angka(client, profil: Pendamping) -> tuple[int, int, int]:
    """Caseload, families served and RHK 1 payouts on the May page of the pendamping."""
    response = client.get(
        reverse("pendamping:pendamping-detail", args=[profil.pk]), {"tahun": TAHUN, "bulan": BULAN}
    )
    assert response.status_code == 200
    i = response.context["i"]
    return i.jumlah_keluarga, i.didampingi, i.rhk_luar["penyaluran"]


def _daftar(client, pendamping: User) -> int:
    """Rows of the family list the caseload links to."""
    filters = {"pendamping": pendamping.pk, "status": "didampingi"}
    return client.get(reverse("kpm:keluarga-list"), filters).context["page"].paginator.count


def _catat(keluarga: Keluarga, operator: User) -> PermintaanPembatasan:
    return services.pembatasan_catat(
        keluarga=keluarga,
        anggota=keluarga.pengurus,
        jenis=PermintaanPembatasan.Jenis.PEMBATASAN,
        diterima_at=timezone.now() - datetime.timedelta(hours=1),
        dasar="Surat pengurus keluarga.",
        oleh=operator,
    )


def test_a_restriction_recorded_after_the_summary_changes_the_figures(
    client, admin, operator, keluarga, profil, pendamping_hadimulyo
):
    # given: the May page was computed (the summary rows exist and are fresh)
    client.force_login(admin)
    assert _angka(client, profil) == (3, 3, 3)
    with CaptureQueriesContext(connection) as ctx:
        _angka(client, profil)
    kueri_segar = len(ctx.captured_queries)
    assert not RingkasanKinerja.objects.filter(pendamping=profil, is_basi=True).exists()
    # when: a restriction request on one family is recorded
    _catat(keluarga[0], operator)
    # then: every row of the pendamping from the family's enrolment on is out of date
    assert not RingkasanKinerja.objects.filter(pendamping=profil, is_basi=False).exists()
    # and the next view leaves the family out, as the list it links to does
    client.force_login(admin)
    assert _angka(client, profil) == (2, 2, 2)
    assert _daftar(client, pendamping_hadimulyo) == 2
    # and a fresh read costs what it cost before
    with CaptureQueriesContext(connection) as ctx:
        _angka(client, profil)
    assert len(ctx.captured_queries) == kueri_segar


def test_a_refused_request_counts_the_family_again(client, admin, operator, keluarga, profil):
    # given: a request waiting, the page computed without the family
    permintaan = _catat(keluarga[0], operator)
    client.force_login(admin)
    assert _angka(client, profil) == (2, 2, 2)
    # when: the admin refuses it
    services.pembatasan_putuskan(
        permintaan=permintaan, dikabulkan=False, catatan="Tidak beralasan.", oleh=admin
    )
    # then
    assert _angka(client, profil) == (3, 3, 3)


def test_a_lifted_restriction_counts_the_family_again(client, admin, operator, keluarga, profil):
    # given: a granted restriction, the page computed without the family
    permintaan = _catat(keluarga[0], operator)
    permintaan = services.pembatasan_putuskan(
        permintaan=permintaan, dikabulkan=True, catatan="Dasar kuat.", oleh=admin
    )
    client.force_login(admin)
    assert _angka(client, profil) == (2, 2, 2)
    # when: the admin lifts it
    services.pembatasan_cabut(permintaan=permintaan, catatan="Dasarnya berakhir.", oleh=admin)
    # then
    assert _angka(client, profil) == (3, 3, 3)
