"""The family's own satisfaction answer through a one-time link (issue 20, D10): one answer
per family per period, refused for a used, unknown or old link, rate-limited, no login."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from dinsos import selectors as dinsos_selectors
from dinsos.pengaturan import today
from kpm.models import Keluarga
from pendamping import services
from pendamping.models import Pendamping, SkorKepuasan, TautanKepuasan
from pendamping.periode import Periode
from pendamping.selectors import indikator

pytestmark = pytest.mark.django_db
URL = "p2k2:kepuasan-isi"


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()  # this run's own Redis database (REDIS_URL): the counters start at zero
    yield
    cache.clear()


@pytest.fixture
def token(keluarga_a: Keluarga) -> str:
    return services.tautan_siapkan(keluarga_ids=[keluarga_a.pk], hari=today())[keluarga_a.pk]


def _kepuasan(profil: Pendamping) -> str:
    (row,) = indikator.indikator_list(
        Pendamping.objects.filter(pk=profil.pk),
        periode=Periode(today().year, today().month),
        pengaturan=dinsos_selectors.pengaturan_semua(),
    )
    return row.kepuasan_teks


def test_links_are_made_once_per_family_and_period(keluarga_a, keluarga_b, token):
    # when: the sheet is printed again, with a second family
    again = services.tautan_siapkan(keluarga_ids=[keluarga_a.pk, keluarga_b.pk], hari=today())
    # then
    assert again[keluarga_a.pk] == token
    assert len(again[keluarga_b.pk]) == 43
    assert TautanKepuasan.objects.count() == 2


def test_the_family_answers_once_without_login_and_it_counts(client, profil_a, token):
    # given
    page = client.get(reverse(URL, args=[token]))
    assert page.status_code == 200
    assert "Ani Pendamping" in page.content.decode()
    # when
    response = client.post(reverse(URL, args=[token]), {"skor": "4", "catatan": "Ramah"})
    second = client.post(reverse(URL, args=[token]), {"skor": "1"})
    # then
    assert response.status_code == 200
    assert "Penilaian Anda sudah kami terima" in response.content.decode()
    assert second.status_code == 409
    assert "Penilaian untuk periode ini sudah diisi" in second.content.decode()
    skor = SkorKepuasan.objects.get()
    assert (skor.skor, skor.kanal, skor.dicatat_oleh_id, skor.pendamping_id) == (
        4,
        SkorKepuasan.Kanal.TAUTAN,
        None,
        profil_a.pk,
    )
    assert _kepuasan(profil_a) == "4,00 (1 penilaian)"


def test_an_unknown_token_is_refused_and_records_nothing(client, token):
    response = client.post(reverse(URL, args=[token[:-1] + "x"]), {"skor": "5"})
    assert response.status_code == 404
    assert "Tautan penilaian tidak dikenal" in response.content.decode()
    assert SkorKepuasan.objects.count() == 0


def test_a_link_of_an_earlier_period_is_refused(client, token):
    # given: the link belongs to last year's period
    TautanKepuasan.objects.update(periode=datetime.date(today().year - 1, 1, 1))
    # when
    response = client.post(reverse(URL, args=[token]), {"skor": "5"})
    # then
    assert response.status_code == 409
    assert "periode penilaian yang sudah lewat" in response.content.decode()
    assert SkorKepuasan.objects.count() == 0


def test_a_missing_score_is_asked_for_in_indonesian(client, token):
    response = client.post(reverse(URL, args=[token]), {"catatan": "x"})
    assert response.status_code == 400
    assert "Pilih salah satu nilai." in response.content.decode()


def test_requests_are_limited_per_ip(client, settings, token):
    settings.DINSOS_KEPUASAN_BATAS_IP = "2/h"
    for _ in range(2):
        assert client.get(reverse(URL, args=["tebak" * 8])).status_code == 404
    response = client.post(reverse(URL, args=[token]), {"skor": "5"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert SkorKepuasan.objects.count() == 0
