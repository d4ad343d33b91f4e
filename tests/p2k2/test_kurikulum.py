"""The curriculum is seeded with exactly the modules and sessions of DOMAIN.md §6."""

import pytest
from django.apps import apps

from p2k2.models import Modul, Sesi
from tests.p2k2.conftest import _seed

pytestmark = pytest.mark.django_db


def test_seed_has_the_seven_modules_in_order_with_their_session_counts(kurikulum):
    # when
    modules = [(m.nama, m.sesi.count(), m.is_adaptif) for m in Modul.objects.order_by("urutan")]
    # then
    assert modules == [
        ("Pengasuhan dan Pendidikan Anak", 4, False),
        ("Pengelolaan Keuangan dan Perencanaan Usaha", 3, False),
        ("Kesehatan dan Gizi", 3, False),
        ("Perlindungan Anak", 2, False),
        ("Kesejahteraan Sosial", 2, False),
        ("Pencegahan dan Penanganan Stunting", 15, False),
        ("P2K2 Adaptif", 0, True),
    ]
    assert Sesi.objects.count() == 29  # 14 core sessions + 15 Stunting


def test_seed_sessions_keep_their_teaching_order(kurikulum):
    titles = list(
        Sesi.objects.filter(modul__nama="Pengasuhan dan Pendidikan Anak")
        .order_by("urutan")
        .values_list("judul", flat=True)
    )
    assert titles == [
        "Menjadi orang tua yang lebih baik",
        "Memahami perkembangan dan perilaku anak",
        "Memahami cara anak usia dini belajar",
        "Membantu anak sukses di sekolah",
    ]
    stunting = Sesi.objects.filter(modul__nama="Pencegahan dan Penanganan Stunting")
    assert stunting.get(urutan=1).judul == "Permasalahan stunting"
    assert stunting.get(urutan=15).judul == "Rencana tindak lanjut"


def test_seed_twice_adds_nothing(kurikulum):
    # given: the fixture already ran the migration's seed once
    # when
    _seed.seed(apps, None)
    # then
    assert (Modul.objects.count(), Sesi.objects.count()) == (7, 29)
