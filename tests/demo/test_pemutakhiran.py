"""The demo proposals: this month's cycle at every step, last month's objections sent."""

import io

import pytest
from django.core.management import call_command

from demo.pemutakhiran import BULAN_LALU, PER_BULAN, generate_usulan
from dinsos.models import User
from dinsos.pengaturan import today
from pemutakhiran.models import BatchSiks, Usulan

pytestmark = pytest.mark.django_db


def test_seed_demo_writes_the_proposal_cycle_once():
    # when
    out = io.StringIO()
    call_command("seed_demo", "--keluarga", "200", stdout=out)
    # then: every step of this month's cycle, last month's six objections sent
    assert Usulan.objects.count() == PER_BULAN + BULAN_LALU == 24
    statuses = sorted(set(Usulan.objects.values_list("status", flat=True)))
    assert statuses == [
        "cek_lapangan",
        "diajukan",
        "dikirim",
        "disetujui",
        "diverifikasi",
        "draf",
    ]
    assert BatchSiks.objects.get().jumlah_baris == BULAN_LALU
    assert f"Usulan pemutakhiran demo: 24 usulan, {BULAN_LALU} terkirim bulan lalu." in (
        out.getvalue()
    )
    # the demo operator kelurahan/desa works in Hadimulyo Barat only
    operator = User.objects.get(username="operator_kelurahan")
    assert list(operator.wilayah.values_list("nama", flat=True)) == ["Hadimulyo Barat"]
    # when: a second run
    assert generate_usulan(today=today(), tulis=lambda _: None) == 0
    assert Usulan.objects.count() == 24
