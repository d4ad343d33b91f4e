"""List pages keep the same number of queries whatever the number of rows (no N+1)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dinsos.models import User
from pendamping.models import Kasus, Kunjungan, Pendamping, SkorKepuasan
from tests.conftest import make_user
from tests.pendamping.conftest import buat_keluarga, buat_profil, tugaskan

pytestmark = pytest.mark.django_db
D = datetime.date


def _pendamping_with_records(n: int, kota_metro, admin) -> list[Pendamping]:
    """n PKH pendamping in Hadimulyo Barat, each with 2 families, a visit, a case, a score."""
    hadimulyo = kota_metro["Hadimulyo Barat"]
    profiles = []
    for i in range(n):
        user = make_user(f"pkh{i:02d}", User.Role.PENDAMPING, hadimulyo)
        profil = buat_profil(user, nama=f"Pendamping {i:02d}")
        keluarga = buat_keluarga(hadimulyo, 2, nama=f"Warga {i}")
        tugaskan(keluarga, user, admin, D(2025, 1, 1))
        Kunjungan.objects.create(
            keluarga=keluarga[0], pendamping=profil, tanggal=D(2025, 3, 3), dicatat_oleh=user
        )
        Kasus.objects.create(
            keluarga=keluarga[0],
            pendamping=profil,
            tanggal_lapor=D(2025, 3, 1),
            tanggal_ditangani=D(2025, 3, 2),
            status=Kasus.Status.DITANGANI,
            kategori=Kasus.Kategori.KESEHATAN,
            deskripsi="x",
            dicatat_oleh=user,
        )
        SkorKepuasan.objects.create(
            keluarga=keluarga[1],
            pendamping=profil,
            skor=4,
            tanggal=D(2025, 3, 9),
            dicatat_oleh=user,
        )
        profiles.append(profil)
    buat_profil(None, nama="Zulfa Tanpa Akun", jenis=Pendamping.Jenis.PSM, wilayah=[hadimulyo])
    return profiles


# Issue 21: the pages read the performance summary (pendamping.RingkasanKinerja).
# Warm (every row up to date): request overhead (session read, user, OTP device check, session
# save), the profiles' ids, the summary's age setting, which rows are out of date, the
# settings, the profiles, the rows.
PERBANDINGAN_QUERIES = 9  # + the worker kinds of the filter (issue 20)
# Cold (first view of the period): the same, plus the ids' accounts, the settings, the
# snapshot the computation starts from, the ONE indicator statement in its savepoint with SET
# LOCAL jit, and the upsert with the re-mark of rows written meanwhile, in its savepoint.
PERBANDINGAN_QUERIES_DINGIN = 23


@pytest.mark.parametrize("n", [2, 12])
@pytest.mark.parametrize("params", [{"tahun": 2025, "bulan": 3}, {"tahun": 2025}])
def test_comparison_table_query_count_is_flat(
    n, params, client, kota_metro, admin, koordinator_metro_pusat, django_assert_num_queries
):
    # given
    _pendamping_with_records(n, kota_metro, admin)
    client.force_login(koordinator_metro_pusat)
    # when the first view computes the summary, and a second one reads it
    with django_assert_num_queries(PERBANDINGAN_QUERIES_DINGIN):
        client.get(reverse("pendamping:perbandingan"), params)
    with django_assert_num_queries(PERBANDINGAN_QUERIES):
        response = client.get(reverse("pendamping:perbandingan"), params)
    # then
    rows = response.context["rows"]
    assert len(rows) == n + 1
    first = rows[0]
    expected = "50,0% (1/2)"
    assert (first.pendamping.nama, first.cakupan_teks) == ("Pendamping 00", expected)
    assert "Angka dari ringkasan, diperbarui" in response.content.decode()


@pytest.mark.parametrize("n", [2, 12])
def test_comparison_export_query_count_is_flat(
    n, client, kota_metro, admin, django_assert_num_queries
):
    _pendamping_with_records(n, kota_metro, admin)
    client.force_login(admin)
    # No summary-age setting (-1), the export writer's restricted identifiers (+1, issue 20).
    with django_assert_num_queries(PERBANDINGAN_QUERIES_DINGIN):
        response = client.get(reverse("pendamping:perbandingan-xlsx"), {"tahun": 2025})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.mark.parametrize("n", [2, 12])
def test_pendamping_list_query_count_is_flat(
    n, client, kota_metro, admin, operator, django_assert_num_queries
):
    _pendamping_with_records(n, kota_metro, admin)
    client.force_login(operator)
    # request overhead (4), the worker kinds of the filter, settings, count, page, areas
    with django_assert_num_queries(9):
        response = client.get(reverse("pendamping:pendamping-list"))
    assert len(response.context["page"].object_list) == n + 1


@pytest.mark.parametrize("n", [2, 12])
def test_case_list_query_count_is_flat(n, client, kota_metro, admin, django_assert_num_queries):
    _pendamping_with_records(n, kota_metro, admin)
    client.force_login(admin)
    # request overhead (4), pendamping choices, count, page
    with django_assert_num_queries(7):
        response = client.get(reverse("pendamping:kasus-list"))
    assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("n", [2, 12])
def test_performance_page_query_count_is_flat(
    n, client, kota_metro, admin, django_assert_num_queries
):
    profiles = _pendamping_with_records(n, kota_metro, admin)
    client.force_login(admin)
    url = reverse("pendamping:pendamping-detail", args=[profiles[0].pk])
    # Cold: request overhead (4), profile, which rows are out of date (and the setting), the
    # account, settings, the snapshot, savepoint, SET LOCAL jit, the period and 12 months of
    # 2025, release, the upsert and the re-mark in its savepoint, then as warm.
    with django_assert_num_queries(33):
        client.get(url, {"tahun": 2025, "bulan": 3})
    # Warm (issue 21): the 13 summary rows are read, nothing is computed.
    with django_assert_num_queries(8):
        response = client.get(url, {"tahun": 2025, "bulan": 3})
    assert "Angka dari ringkasan, diperbarui" in response.content.decode()
