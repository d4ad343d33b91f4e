"""The demo workforce that `seed_demo` adds (DOMAIN.md §12: the Kota Metro 2025 mix)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from dinsos.demo import DEMO_PASSWORD
from dinsos.models import User
from kpm.models import Keluarga
from pendamping.models import (
    Kasus,
    KlienPmks,
    Kunjungan,
    Pendamping,
    Penugasan,
    Rujukan,
    SkorKepuasan,
)
from pendamping.selectors import STATUS_DIDAMPINGI

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--keluarga", "600", stdout=out)
    return out.getvalue()


def test_demo_has_the_kota_metro_mix(demo):
    counts = dict(Pendamping.objects.values_list("jenis").annotate(n=Count("pk")))
    assert counts == {
        "asn": 30,
        "pkh": 32,
        "rehsos": 4,
        "tksk": 5,
        "psm": 29,
        "karang_taruna": 3,
        "lks": 2,
    }
    with_login = Pendamping.objects.filter(user__isnull=False)
    assert set(with_login.values_list("jenis", flat=True)) == {"pkh"}
    usernames = sorted(with_login.values_list("user__username", flat=True))
    assert usernames == sorted(
        ["pendamping", "pendamping2", *(f"pkh{i:02d}" for i in range(1, 31))]
    )
    assert User.objects.get(username="pkh07").check_password(DEMO_PASSWORD)
    assert (
        "Pendamping demo: 30 ASN, 32 Pendamping PKH, 4 Pendamping Rehsos, 5 TKSK, 29 PSM, "
        "3 Karang Taruna, 2 LKS" in demo
    )
    # Issue 20: PMKS clients of the Rehsos, TKSK and PSM workers, each visited once; issue 21:
    # three more registered by each demo pendamping account (demo.contoh), not yet visited.
    assert KlienPmks.objects.filter(pendamping__user__isnull=True).count() == 38 * 3
    assert KlienPmks.objects.count() == 38 * 3 + 2 * 3
    assert Kunjungan.objects.filter(klien__isnull=False).count() == 38 * 3


def test_demo_accounts_keep_their_families_with_history(demo):
    for username, kelurahan in (("pendamping", "Hadimulyo Barat"), ("pendamping2", "Iring Mulyo")):
        families = Keluarga.objects.filter(kelurahan__nama=kelurahan)
        assert set(families.values_list("pendamping__username", flat=True)) == {username}
        assert Pendamping.objects.get(user__username=username).wilayah.get().nama == kelurahan


def test_every_assigned_family_has_one_open_history_row_for_its_pendamping(demo):
    assigned = Keluarga.objects.filter(pendamping__isnull=False)
    matching = Penugasan.objects.filter(selesai__isnull=True, pendamping=F("keluarga__pendamping"))
    assert matching.count() == assigned.count()
    assert Keluarga.objects.filter(pendamping__isnull=True).count() == 0


def test_caseloads_stay_within_the_ceilings(demo):
    caseload = Pendamping.objects.filter(user__isnull=False).annotate(
        n=Count(
            "user__keluarga_dampingan",
            filter=Q(user__keluarga_dampingan__status__in=STATUS_DIDAMPINGI),
        )
    )
    for profil in caseload:
        assert profil.n <= (150 if profil.is_wilayah_sulit else 350), profil.nama
    assert caseload.filter(is_wilayah_sulit=True).count() == 1


def test_field_records_belong_to_whoever_had_the_family_that_day(demo):
    for model, field in (
        (Kunjungan, "tanggal"),
        (Kasus, "tanggal_lapor"),
        (Rujukan, "tanggal_kirim"),
        (SkorKepuasan, "tanggal"),
    ):
        rows = model.objects.filter(keluarga__isnull=False)  # issue 20: clients have no family
        held = rows.filter(
            keluarga__penugasan__pendamping=F("pendamping__user"),
            keluarga__penugasan__mulai__lte=F(field),
        ).filter(
            Q(keluarga__penugasan__selesai__isnull=True)
            | Q(keluarga__penugasan__selesai__gte=F(field))
        )
        assert held.distinct().count() == rows.count(), model.__name__


def test_seed_demo_twice_adds_no_second_workforce(demo):
    before = (Pendamping.objects.count(), Penugasan.objects.count(), Kasus.objects.count())
    call_command("seed_demo", "--keluarga", "600", stdout=io.StringIO())
    assert (Pendamping.objects.count(), Penugasan.objects.count(), Kasus.objects.count()) == before
