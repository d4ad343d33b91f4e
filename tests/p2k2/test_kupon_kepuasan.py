"""The satisfaction QR coupons under the P2K2 attendance sheet (issue 20, D10)."""

import datetime

import pytest
from django.urls import reverse

from dinsos.pengaturan import today
from pendamping import services as pendamping_services
from pendamping.models import Pendamping, TautanKepuasan

pytestmark = pytest.mark.django_db


@pytest.fixture
def profil(pendamping_hadimulyo) -> Pendamping:
    return pendamping_services.pendamping_create(
        nama="Ani Pendamping",
        jenis=Pendamping.Jenis.PKH,
        mulai=datetime.date(2024, 1, 1),
        wilayah=list(pendamping_hadimulyo.wilayah.all()),
        user=pendamping_hadimulyo,
        is_wilayah_sulit=False,
    )


def test_the_sheet_prints_one_qr_coupon_per_family_and_keeps_them(
    client, profil, pertemuan_a, koordinator_metro_pusat
):
    # given
    client.force_login(koordinator_metro_pusat)
    url = reverse("p2k2:daftar-hadir", args=[pertemuan_a.pk])
    # when: printed twice
    first = client.get(url)
    tokens = set(TautanKepuasan.objects.values_list("token", flat=True))
    second = client.get(url)
    # then: five coupons, each an inline SVG QR, and the same five links both times
    html = second.content.decode()
    assert first.status_code == second.status_code == 200
    assert html.count('<div class="kupon">') == 5
    assert html.count('<div class="kupon-qr"><svg') == 5
    assert set(TautanKepuasan.objects.values_list("token", flat=True)) == tokens
    assert len(tokens) == 5
    assert set(TautanKepuasan.objects.values_list("pendamping_id", flat=True)) == {profil.pk}
    assert set(TautanKepuasan.objects.values_list("periode", flat=True)) == {
        pendamping_services.periode_kepuasan(today())
    }


def test_no_coupons_when_the_pendamping_has_no_profile(
    client, pertemuan_a, koordinator_metro_pusat
):
    client.force_login(koordinator_metro_pusat)
    html = client.get(reverse("p2k2:daftar-hadir", args=[pertemuan_a.pk])).content.decode()
    assert 'data-testid="kupon-kepuasan"' not in html
    assert TautanKepuasan.objects.count() == 0
