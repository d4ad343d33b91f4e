"""What the p2k2 app gives the pendamping indicators and the family page (dinsos.hooks)."""

import datetime

import pytest
from django.db.models import Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from dinsos import hooks
from dinsos.models import User
from kpm.models import Keluarga
from p2k2 import selectors
from p2k2.selectors import pelanggaran
from tests.p2k2.conftest import buat_pertemuan, catat

pytestmark = pytest.mark.django_db

MARET = (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))


def test_p2k2_is_registered_on_the_hooks():
    assert selectors.keluarga_panel in hooks.registry.providers(hooks.PANEL_KELUARGA)
    assert selectors.kontak_p2k2 in hooks.registry.providers(hooks.KONTAK_PENDAMPING)
    assert hooks.registry.keyed(hooks.RHK_PENDAMPING)["p2k2"] is selectors.rhk_p2k2
    assert pelanggaran.pelanggaran_alfa in hooks.registry.providers(hooks.PELANGGARAN_KOMITMEN)


def test_families_that_attended_count_as_reached(pertemuan_a, keluarga_a):
    # given: the March meeting: two hadir, one alfa, one izin, one sakit
    catat(
        pertemuan_a, dict(zip(keluarga_a, ["hadir", "hadir", "alfa", "izin", "sakit"], strict=True))
    )
    source = selectors.kontak_p2k2
    # when: used as the pendamping app does (an EXISTS per family)
    reached = Keluarga.objects.annotate(
        kontak=Exists(source(*MARET).filter(keluarga_id=OuterRef("pk")))
    ).filter(kontak=True)
    april = source(datetime.date(2025, 4, 1), datetime.date(2025, 4, 30))
    # then
    assert set(reached) == {keluarga_a[0], keluarga_a[1]}
    assert not april.exists()
    assert set(source(*MARET).values_list("tanggal", flat=True)) == {datetime.date(2025, 3, 10)}


def test_meetings_held_per_pendamping_for_rhk_2(
    kelompok_a, keluarga_a, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given: two held March meetings, one planned, one held in April
    for day in (3, 17):
        catat(buat_pertemuan(kelompok_a, datetime.date(2025, 3, day)), {keluarga_a[0]: "hadir"})
    buat_pertemuan(kelompok_a, datetime.date(2025, 3, 24))
    catat(buat_pertemuan(kelompok_a, datetime.date(2025, 4, 7)), {keluarga_a[0]: "hadir"})
    source = selectors.rhk_p2k2
    # when: used as the pendamping app does (a subquery per pendamping account)
    rows = source(*MARET).filter(pendamping_user_id=OuterRef("pk")).values("jumlah")[:1]
    jumlah = dict(
        User.objects.filter(pk__in=[pendamping_hadimulyo.pk, pendamping_iringmulyo.pk])
        .annotate(n=Coalesce(Subquery(rows, output_field=IntegerField()), 0))
        .values_list("username", "n")
    )
    # then
    assert jumlah == {"pendamping_a": 2, "pendamping_b": 0}
