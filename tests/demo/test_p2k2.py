"""Demo data: groups of ~25 for every pendamping, a year of meetings, realistic attendance."""

import datetime
from collections import Counter

import pytest

from demo import p2k2 as demo
from p2k2.models import Keanggotaan, Kehadiran, Kelompok, Pertemuan
from p2k2.selectors import rekap
from tests.factories import keluarga_with_pengurus
from tests.p2k2.conftest import buat_keluarga

pytestmark = pytest.mark.django_db

HARI_INI = datetime.date(2025, 12, 15)


@pytest.fixture
def keluarga_demo(kurikulum, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo):
    """60 families of pendamping A; 30 in Iring Mulyo with no pendamping yet (B covers it)."""
    mine = buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 60)
    orphans = [keluarga_with_pengurus(kelurahan=kota_metro["Iring Mulyo"]) for _ in range(30)]
    return mine, orphans


def test_demo_groups_every_family_of_every_pendamping(
    keluarga_demo, pendamping_hadimulyo, pendamping_iringmulyo
):
    # when
    stats = demo.generate_p2k2(today=HARI_INI)
    # then: 60 → 3 groups of 20, 30 → 2 groups of 15 (about 25, never above 30)
    sizes = Counter(Keanggotaan.objects.values_list("kelompok__pendamping__username", flat=True))
    assert sizes == {"pendamping_a": 60, "pendamping_b": 30}
    per_group = sorted(Counter(Keanggotaan.objects.values_list("kelompok_id", flat=True)).values())
    assert per_group == [15, 15, 20, 20, 20]
    assert Kelompok.objects.filter(pendamping=pendamping_iringmulyo).count() == 2
    # a year of monthly meetings; the one later this month is only planned
    assert stats.pertemuan == 5 * 12
    assert (
        Pertemuan.objects.filter(status="terlaksana").count()
        + Pertemuan.objects.filter(status="direncanakan", tanggal__gt=HARI_INI).count()
        == 60
    )
    assert not Kehadiran.objects.filter(pertemuan__status="direncanakan").exists()
    assert stats.kehadiran == Kehadiran.objects.count()


def test_demo_attendance_is_mostly_present_with_some_absences(keluarga_demo, pendamping_hadimulyo):
    demo.generate_p2k2(today=HARI_INI)
    shares = Counter(Kehadiran.objects.values_list("status", flat=True))
    total = sum(shares.values())
    assert 0.75 < shares["hadir"] / total < 0.92
    assert 0.02 < shares["izin"] / total < 0.1
    assert 0.02 < shares["sakit"] / total < 0.1
    assert 0.02 < shares["alfa"] / total < 0.1
    # every meeting follows the curriculum or has an adaptif topic, within the SIKS-NG limits
    assert not Pertemuan.objects.filter(sesi__isnull=True, topik="").exists()
    assert max(len(d) for d in Pertemuan.objects.values_list("deskripsi", flat=True)) <= 1000


def test_demo_runs_once(keluarga_demo):
    demo.generate_p2k2(today=HARI_INI)
    assert demo.generate_p2k2(today=HARI_INI) is None
    assert Kelompok.objects.count() == 5


def test_demo_has_families_on_the_alfa_warning_list(
    kurikulum, kota_metro, pendamping_hadimulyo, admin
):
    buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 300)
    demo.generate_p2k2(today=HARI_INI)
    runs = rekap.runtun_alfa_rekap(user=admin)
    # the generator is seeded, so every fresh demo shows this same list
    assert sorted(r.jumlah for r in runs) == [3, 3, 3, 3, 3, 3, 4, 4]
    assert sum(r.is_berlangsung for r in runs) == 1
