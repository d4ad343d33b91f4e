import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from dinsos import services
from dinsos.models import AuditEvent

pytestmark = pytest.mark.django_db


def _event_at(user, when):
    event = services.audit_record(user=user, action=AuditEvent.Action.VIEW)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=when)
    return event


def test_rows_past_retention_are_removed_and_recent_ones_stay(operator, settings):
    settings.DINSOS_RETENSI = {"dinsos.AuditEvent": ("created_at", 30)}
    now = timezone.now()
    old = _event_at(operator, now - datetime.timedelta(days=31))
    recent = _event_at(operator, now - datetime.timedelta(days=29))
    # when
    removed = services.retensi_hapus(now=now)
    # then
    assert removed == {"dinsos.AuditEvent": 1}
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_dry_run_counts_without_deleting(operator, settings, capsys):
    settings.DINSOS_RETENSI = {"dinsos.AuditEvent": ("created_at", 30)}
    _event_at(operator, timezone.now() - datetime.timedelta(days=400))
    call_command("retensi", "--dry-run")
    assert json.loads(capsys.readouterr().out) == {
        "dry_run": True,
        "dihapus": {"dinsos.AuditEvent": 1},
    }
    assert AuditEvent.objects.count() == 1
