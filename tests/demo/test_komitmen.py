"""The demo year of compliance (`seed_demo`, bench/komitmen.py)."""

import datetime

import pytest
from django.db.models import Q

from demo.keluarga import generate_keluarga
from demo.komitmen import generate_komitmen
from dinsos.formatting import angka
from dinsos.models import Wilayah
from kpm.models import Anggota
from verifikasi.models import KOMPONEN_KOMITMEN, Komitmen, Usulan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 15)
# the last 12 full months before TODAY: July 2025 – June 2026
MONTHS = [datetime.date(2025, m, 1) for m in range(7, 13)] + [
    datetime.date(2026, m, 1) for m in range(1, 7)
]


def test_a_year_for_every_participating_member_component_then_the_rules_run(
    kota_metro, admin, pendamping_hadimulyo
):
    # given
    kelurahan = list(Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN))
    generate_keluarga(n=300, seed=3, kelurahan=kelurahan, pendamping=[pendamping_hadimulyo],
                      today=TODAY)  # fmt: skip
    lines: list[str] = []
    # when
    stats = generate_komitmen(today=TODAY, tulis=lines.append)
    # then: one row per member, commitment component and month (July 2025–June 2026)
    expected = (
        sum(
            len([k for k in komponen if k in KOMPONEN_KOMITMEN])
            for komponen in Anggota.objects.filter(
                keluarga__status__in=["aktif", "ditangguhkan", "calon_graduasi"]
            ).values_list("komponen", flat=True)
        )
        * 12
    )
    assert stats is not None
    assert stats.komitmen == Komitmen.objects.count() == expected
    assert (
        list(Komitmen.objects.order_by("bulan").values_list("bulan", flat=True).distinct())
        == MONTHS
    )
    # a school month complies exactly when attendance is at least 85%
    school = Komitmen.objects.filter(persen_kehadiran__isnull=False)
    assert (
        school.filter(
            Q(persen_kehadiran__gte=85, status="tidak_patuh")
            | Q(persen_kehadiran__lt=85, status="patuh")
        ).count()
        == 0
    )
    assert school.filter(hari_efektif__isnull=True).count() == 0
    assert stats.usulan == Usulan.objects.count()
    assert lines == [
        f"Komitmen demo: {angka(expected)} catatan 12 bulan, {stats.usulan} usulan penangguhan "
        f"dalam {stats.detik:.1f} detik."
    ]
    # when: run again
    assert generate_komitmen(today=TODAY) is None
    assert Komitmen.objects.count() == expected
