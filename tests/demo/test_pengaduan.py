"""The demo complaints: six months of them, valid, routed like the service routes them."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from demo.pengaduan import BULAN, PER_BULAN, generate_pengaduan
from dinsos.pengaturan import today
from pengaduan.models import Pengaduan, Riwayat

pytestmark = pytest.mark.django_db


def test_seed_demo_writes_complaints_once():
    # when
    out = io.StringIO()
    call_command("seed_demo", "--keluarga", "200", stdout=out)
    # then: 360 complaints over six months, every one with its first history row
    assert Pengaduan.objects.count() == BULAN * PER_BULAN == 360
    assert Riwayat.objects.filter(jenis="dicatat").count() == 360
    assert f"Pengaduan demo: 360 pengaduan dalam {BULAN} bulan." in out.getvalue()
    # registry families go to their pendamping; nobody holds a complaint about themself
    kpm = Pengaduan.objects.filter(keluarga__isnull=False, tentang_pendamping__isnull=True)
    assert kpm.exclude(petugas=F("keluarga__pendamping")).count() == 0
    assert Pengaduan.objects.filter(petugas=F("tentang_pendamping")).count() == 0
    # both open and closed complaints, for the Beranda and the figures
    statuses = set(Pengaduan.objects.values_list("status", flat=True))
    assert statuses == {"diterima", "ditangani", "ditutup"}
    # when: a second run
    assert generate_pengaduan(today=today(), tulis=lambda _: None) == 0
    assert Pengaduan.objects.count() == 360
