"""What verifikasi adds to other pages through the hooks: the family page's panel and
RHK 3 (verifications recorded) for the pendamping indicators."""

import datetime

import pytest
from django.urls import reverse

from dinsos import hooks
from dinsos.bulan import awal_bulan
from dinsos.pengaturan import today
from tests.verifikasi.komitmen_helpers import TP, catat, keluarga_komitmen, riwayat
from verifikasi import services
from verifikasi.models import Komitmen

pytestmark = pytest.mark.django_db


def test_family_page_shows_recent_months_and_open_proposals(
    client, kota_metro, pendamping_hadimulyo
):
    # given: the last three months non-compliant, and a proposal for them
    keluarga, siti, budi = keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    last = awal_bulan(today(), geser=-1)
    first = awal_bulan(last, geser=-2)
    riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP], mulai=(first.year, first.month))
    catat(budi, "anak_sd", last, pendamping_hadimulyo, persen="92.5")
    services.usulan_evaluate(bulan_awal=first, bulan_akhir=last)
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.get(reverse("kpm:keluarga-detail", args=[keluarga.pk]))
    # then
    [panel] = [p for p in response.context["detail"].panels if p.judul == "Verifikasi komitmen"]
    months = panel.context["bulan"]
    assert months[-1] == awal_bulan(today())
    assert len(months) == 6
    grid = {
        (row.nama, row.komponen): [k.status if k else None for k in row.bulan]
        for row in panel.context["baris"]
    }
    assert grid == {
        ("Siti Aminah", "Ibu hamil/nifas"): [None, None, TP, TP, TP, None],
        ("Budi", "Anak SD/sederajat"): [None, None, None, None, "patuh", None],
    }
    [usulan] = panel.context["usulan"]
    page = response.content.decode()
    assert f"Usulan #{usulan.pk} (tidak patuh komitmen berturut-turut)" in page
    assert usulan.ringkasan in page
    assert "92,50%" in page


def test_rhk_3_counts_verifications_recorded_per_user_in_the_period(
    kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given
    _, siti, budi = keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    _, rina, _ = keluarga_komitmen(
        kelurahan=kota_metro["Iring Mulyo"], pendamping=pendamping_iringmulyo, ibu="Rina",
        anak="Citra", anak_lahir=datetime.date(2014, 6, 2),
    )  # fmt: skip
    riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP])
    catat(budi, "anak_sd", datetime.date(2025, 1, 1), pendamping_hadimulyo, persen="90")
    catat(rina, "ibu_hamil", datetime.date(2025, 1, 1), pendamping_iringmulyo, status="patuh")
    # correcting a record is not a new verification
    catat(budi, "anak_sd", datetime.date(2025, 1, 1), pendamping_hadimulyo, persen="95")
    rhk = hooks.registry.keyed(hooks.RHK_PENDAMPING)["komitmen"]
    day = today()
    # when
    rows = rhk(day, day)
    before = rhk(day - datetime.timedelta(days=30), day - datetime.timedelta(days=1))
    # then
    assert sorted((r["pendamping_user_id"], r["jumlah"]) for r in rows) == [
        (pendamping_hadimulyo.pk, 3), (pendamping_iringmulyo.pk, 1),
    ]  # fmt: skip
    assert list(before) == []
    assert Komitmen.objects.count() == 4
