"""Issue 21: RHK 3 counts verifications by who recorded them, on the day first recorded; a
re-recording by someone else moves it, so it marks the earlier recorder's summary of that
day's month out of date (through `hooks.RINGKASAN_BASI`: verifikasi cannot import
pendamping)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dinsos.formatting import JAKARTA
from dinsos.pengaturan import today
from pendamping.models import RingkasanKinerja
from tests.pendamping.conftest import buat_profil
from tests.verifikasi.komitmen_helpers import bulan, catat, keluarga_komitmen
from verifikasi.models import Komitmen

pytestmark = pytest.mark.django_db


def _bulan_lalu() -> datetime.date:
    return (today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _rhk3(client, profil, hari: datetime.date) -> int:
    response = client.get(
        reverse("pendamping:pendamping-detail", args=[profil.pk]),
        {"tahun": hari.year, "bulan": hari.month},
    )
    assert response.status_code == 200
    return response.context["i"].rhk_luar["komitmen"]


def test_a_verification_re_recorded_by_the_operator_leaves_the_pendamping(
    client, admin, operator, kota_metro, pendamping_hadimulyo
):
    # given: the pendamping recorded a verification last month; that month's page computed
    profil = buat_profil(pendamping_hadimulyo)
    lalu = _bulan_lalu()
    _, siti, _ = keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    catat(siti, "ibu_hamil", bulan(lalu.year, lalu.month), pendamping_hadimulyo, status="patuh")
    Komitmen.objects.update(
        created_at=datetime.datetime.combine(lalu.replace(day=20), datetime.time(9), JAKARTA)
    )
    client.force_login(admin)
    assert _rhk3(client, profil, lalu) == 1
    # when: the operator's e-PKH import records the same member, component and month
    with CaptureQueriesContext(connection) as ctx:
        catat(siti, "ibu_hamil", bulan(lalu.year, lalu.month), operator, status="tidak_patuh")
    # then: one statement marked the summary, and the page no longer credits the pendamping
    basi = [q["sql"] for q in ctx.captured_queries if "pendamping_ringkasankinerja" in q["sql"]]
    assert len(basi) == 1, basi
    assert RingkasanKinerja.objects.get(
        pendamping=profil, tahun=lalu.year, bulan=lalu.month
    ).is_basi
    assert _rhk3(client, profil, lalu) == 0
