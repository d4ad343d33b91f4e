"""Overdue complaints are escalated by the beat task, in a real worker, once."""

import datetime

import pytest
from django.urls import reverse

from dinsos.pengaturan import today
from pengaduan import services
from pengaduan.models import Pengaduan, Riwayat
from pengaduan.tasks import pengaduan_eskalasi_task
from tests.pengaduan.helpers import buat_pengaduan

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_escalation_runs_in_the_worker_and_twice_changes_nothing(
    celery_worker, client, operator, kota_metro, koordinator_metro_pusat
):
    # given: two overdue complaints from Metro Pusat (received 60 days ago), one overdue but
    # closed, one received today (not due), one overdue in Metro Timur
    lama = today() - datetime.timedelta(days=60)
    pusat = kota_metro["Hadimulyo Barat"]
    lewat = [buat_pengaduan(oleh=operator, kelurahan=pusat, tanggal_terima=lama) for _ in range(2)]
    ditutup = buat_pengaduan(oleh=operator, kelurahan=pusat, tanggal_terima=lama)
    services.pengaduan_tutup(pengaduan=ditutup, hasil="selesai", tanggapan="OK", oleh=operator)
    buat_pengaduan(oleh=operator, kelurahan=pusat, tanggal_terima=today())
    timur = buat_pengaduan(oleh=operator, kelurahan=kota_metro["Iring Mulyo"], tanggal_terima=lama)
    # when: the task runs twice (a duplicate delivery, a second beat)
    counts = [
        pengaduan_eskalasi_task.apply_async(ignore_result=False).get(timeout=30) for _ in range(2)
    ]
    # then: each overdue open complaint escalated once
    assert counts == [3, 0]
    escalated = Pengaduan.objects.filter(dieskalasi_at__isnull=False)
    assert sorted(escalated.values_list("pk", flat=True)) == sorted(
        [lewat[0].pk, lewat[1].pk, timur.pk]
    )
    assert Riwayat.objects.filter(jenis="eskalasi").count() == 3
    # and the koordinator of Metro Pusat sees the two of their area on the Beranda, and the
    # link opens exactly those two
    client.force_login(koordinator_metro_pusat)
    items = client.get(reverse("home")).context["worklist"]
    item = next(i for i in items if i.judul == "Pengaduan dieskalasi di wilayah Anda")
    assert (item.jumlah, item.tingkat) == (2, "bahaya")
    rows = client.get(item.url).context["page"]
    assert sorted(p.pk for p in rows) == sorted([lewat[0].pk, lewat[1].pk])
