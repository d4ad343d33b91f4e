"""The nightly audit summary runs in a real Celery worker."""

import datetime

import pytest

from dinsos.formatting import JAKARTA
from dinsos.models import AuditEvent
from dinsos.pengaturan import today
from pendamping.models import RekapAkses
from pendamping.tasks import rekap_akses_harian_task
from tests.conftest import wait_until

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_nightly_task_summarises_yesterdays_views(celery_worker, pendamping_hadimulyo):
    # given: 3 families viewed yesterday at 10.xx WIB, one of them twice
    kemarin = today() - datetime.timedelta(days=1)
    for n, keluarga_id in enumerate(("1", "2", "3", "3")):
        event = AuditEvent.objects.create(
            user=pendamping_hadimulyo,
            username="pendamping_a",
            action=AuditEvent.Action.VIEW,
            object_type="kpm.keluarga",
            object_id=keluarga_id,
        )
        waktu = datetime.datetime.combine(kemarin, datetime.time(10, n), tzinfo=JAKARTA)
        AuditEvent.objects.filter(pk=event.pk).update(created_at=waktu)
    # when
    rekap_akses_harian_task.delay()
    # then
    wait_until(RekapAkses.objects.exists)
    assert list(RekapAkses.objects.values_list("user_id", "tanggal", "lihat_per_jam_maks")) == [
        (pendamping_hadimulyo.pk, kemarin, 3)
    ]
