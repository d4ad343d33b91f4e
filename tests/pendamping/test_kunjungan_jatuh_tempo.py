"""Families due for a home visit (pendamping:kunjungan-jatuh-tempo): no visit or
verification in the last `kunjungan_jatuh_tempo_hari` days (a dated setting, default 90)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dinsos.models import Pengaturan
from dinsos.pengaturan import today
from pendamping.models import Kunjungan
from tests.pendamping.conftest import buat_keluarga, tugaskan

pytestmark = pytest.mark.django_db
URL = reverse("pendamping:kunjungan-jatuh-tempo")


@pytest.fixture
def caseload(kota_metro, admin, pendamping_hadimulyo, profil_a):
    """Four families of A: visited 10 and 90 days ago, 91 days ago, never; and B's family."""
    names = ["Baru Dikunjungi", "Tepat Sembilan Puluh", "Lewat Sehari", "Belum Pernah"]
    keluarga = {n: buat_keluarga(kota_metro["Hadimulyo Barat"], nama=n)[0] for n in names}
    tugaskan(keluarga.values(), pendamping_hadimulyo, admin)
    for nama, hari in (("Baru Dikunjungi", 10), ("Tepat Sembilan Puluh", 89), ("Lewat Sehari", 91)):
        Kunjungan.objects.create(
            keluarga=keluarga[nama],
            pendamping=profil_a,
            tanggal=today() - datetime.timedelta(days=hari),
            dicatat_oleh=pendamping_hadimulyo,
        )
    return keluarga


def _rows(response) -> list[tuple[str, datetime.date | None]]:
    return [(k.pengurus.nama, k.kunjungan_terakhir) for k in response.context["page"]]


def test_pendamping_sees_families_not_visited_in_90_days_never_visited_first(
    client, caseload, pendamping_hadimulyo, keluarga_b
):
    client.force_login(pendamping_hadimulyo)
    response = client.get(URL)
    assert _rows(response) == [
        ("Belum Pernah 1", None),
        ("Lewat Sehari 1", today() - datetime.timedelta(days=91)),
    ]
    body = response.content.decode()
    assert "2 keluarga dampingan tanpa kunjungan rumah atau verifikasi dalam 90 hari" in body
    assert f"?keluarga={caseload['Belum Pernah'].pk}" in body  # one tap to record the visit


def test_the_office_changes_the_days_from_a_date(client, caseload, pendamping_hadimulyo):
    # given: from today on, 60 days
    Pengaturan.objects.create(kunci="kunjungan_jatuh_tempo_hari", nilai=60, berlaku_mulai=today())
    client.force_login(pendamping_hadimulyo)
    response = client.get(URL)
    assert [nama for nama, _ in _rows(response)] == [
        "Belum Pernah 1",
        "Lewat Sehari 1",
        "Tepat Sembilan Puluh 1",
    ]
