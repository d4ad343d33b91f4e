"""The job system runs for real: a task goes through Redis to a worker process."""

import pytest
from django.conf import settings

from dinsos.celery import IdentifierInTaskArguments
from dinsos.models import Heartbeat
from dinsos.tasks import heartbeat_record_task
from tests.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_task_runs_in_the_worker_and_its_result_lands_in_the_database(celery_worker):
    # when
    heartbeat_record_task.delay("uji-e2e")
    # then
    wait_until(lambda: Heartbeat.objects.filter(name="uji-e2e").exists())
    beat = Heartbeat.objects.get(name="uji-e2e")
    assert beat.count == 1


def test_running_the_task_twice_counts_twice_in_one_row(celery_worker):
    heartbeat_record_task.delay("uji-ulang")
    heartbeat_record_task.delay("uji-ulang")
    wait_until(lambda: Heartbeat.objects.filter(name="uji-ulang", count=2).exists())
    assert Heartbeat.objects.filter(name="uji-ulang").count() == 1


def test_celery_is_configured_for_safe_redelivery():
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    # a task still running must not be handed to a second worker
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ROUTES["dtsen.tasks.*"] == {"queue": "berat"}


@pytest.mark.parametrize(
    ("task", "args", "kwargs"),
    [
        ("heartbeat", ("1872011203850001",), {}),
        ("heartbeat", (), {"name": "cek 1872011203850001 ulang"}),
        ("snapshot", (), {"snapshot_id": "1872011203850001"}),
    ],
)
def test_a_nik_is_refused_as_a_task_argument_before_it_reaches_redis(task, args, kwargs):
    from celery import current_app

    from dtsen.tasks import snapshot_load_rows_task

    target = {"heartbeat": heartbeat_record_task, "snapshot": snapshot_load_rows_task}[task]
    with current_app.connection_for_write() as conn:
        client = conn.default_channel.client
        before = {q: client.llen(q) for q in ("celery", "default", "berat")}
        with pytest.raises(IdentifierInTaskArguments, match="tidak boleh membawa NIK/No KK"):
            target.apply_async(args, kwargs)
        assert {q: client.llen(q) for q in ("celery", "default", "berat")} == before


def test_ids_and_short_numbers_still_travel(celery_worker):
    # a 15-digit number is not a NIK; the guard must not refuse ordinary ids
    heartbeat_record_task.delay("uji-187201120385000")
    wait_until(lambda: Heartbeat.objects.filter(name="uji-187201120385000").exists())
