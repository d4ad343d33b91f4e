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


@pytest.fixture
def caseload_penuh(kota_metro, admin, pendamping_hadimulyo, profil_a):
    """Every part of the order: never visited with heads named out of id order (two share a
    name), one without a head, and three visited long ago on two dates."""
    kelurahan = kota_metro["Hadimulyo Barat"]
    keluarga = {}
    for nama in ("Zaenal", "Ani", "Budi", "Ani", "Citra", "Dedi", "Eka"):
        keluarga.setdefault(nama, []).append(buat_keluarga(kelurahan, nama=nama)[0])
    tanpa = buat_keluarga(kelurahan, nama="Tanpa Kepala")[0]
    tanpa.pengurus = None
    tanpa.save(update_fields=["pengurus"])
    semua = [k for ks in keluarga.values() for k in ks] + [tanpa]
    tugaskan(semua, pendamping_hadimulyo, admin)
    for nama, hari in (("Citra", 200), ("Dedi", 120), ("Eka", 200)):
        Kunjungan.objects.create(
            keluarga=keluarga[nama][0],
            pendamping=profil_a,
            tanggal=today() - datetime.timedelta(days=hari),
            dicatat_oleh=pendamping_hadimulyo,
        )
    return keluarga, tanpa


def _urutan(keluarga, tanpa) -> list[int]:
    ani = sorted(k.pk for k in keluarga["Ani"])
    belum = [*ani, keluarga["Budi"][0].pk, keluarga["Zaenal"][0].pk, tanpa.pk]
    lama = sorted([keluarga["Citra"][0], keluarga["Eka"][0]], key=lambda k: k.pk)
    return [*belum, *(k.pk for k in lama), keluarga["Dedi"][0].pk]


@pytest.mark.parametrize("jalan_min", [1, 5_000], ids=["walk-names", "sort"])
def test_every_slice_keeps_the_order_across_its_parts(
    monkeypatch, jalan_min, caseload_penuh, pendamping_hadimulyo
):
    """Issue 21: never visited by head's name (headless last), then the longest waiting by
    date, name, id; a page read by walking the names (large areas) or by sorting (small
    ones) gives the same rows, also when a page spans two parts."""
    from pendamping.selectors import keluarga as selectors_keluarga

    monkeypatch.setattr(selectors_keluarga, "JALAN_NAMA_MIN", jalan_min)
    keluarga, tanpa = caseload_penuh
    daftar = selectors_keluarga.keluarga_kunjungan_jatuh_tempo(user=pendamping_hadimulyo)
    urutan = _urutan(keluarga, tanpa)
    assert daftar.count() == len(urutan) == 8
    assert [k.pk for k in daftar[0:8]] == urutan
    for start, stop in ((0, 3), (3, 6), (4, 7), (5, 8), (6, 20)):
        assert [k.pk for k in daftar[start:stop]] == urutan[start:stop]
    terakhir = {k.pk: k.kunjungan_terakhir for k in daftar[0:8]}
    assert terakhir[tanpa.pk] is None
    assert terakhir[keluarga["Dedi"][0].pk] == today() - datetime.timedelta(days=120)


@pytest.mark.parametrize("n", [2, 30])
def test_page_query_count_does_not_grow_with_the_area(
    n, client, kota_metro, admin, operator, pendamping_hadimulyo, django_assert_num_queries
):
    tugaskan(buat_keluarga(kota_metro["Hadimulyo Barat"], n=n), pendamping_hadimulyo, admin)
    client.force_login(operator)
    # request overhead (4), the days setting (list and heading), the parts' sizes, one
    # part's page, the page's families
    with django_assert_num_queries(9):
        response = client.get(URL, {"page": 1})
    assert len(response.context["page"].object_list) == min(n, 25)
