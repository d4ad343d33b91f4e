import logging

import pytest
from django.urls import reverse

from dinsos import services
from dinsos.log_filters import RedactIdentifiersFilter, redact
from dinsos.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_record_stores_who_what_how_many_and_reason(operator, kota_metro):
    # given
    kelurahan = kota_metro["Imopuro"]
    # when
    event = services.audit_record(
        user=operator,
        action=AuditEvent.Action.EXPORT,
        obj=kelurahan,
        reason="laporan bulanan",
        jumlah=120,
    )
    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.username == "operator"
    assert stored.action == "export"
    assert stored.object_type == "dinsos.wilayah"
    assert stored.object_id == str(kelurahan.pk)
    assert stored.object_repr == "Imopuro (18.72.01.1003)"
    assert stored.reason == "laporan bulanan"
    assert stored.jumlah == 120


def test_audit_record_keeps_the_client_ip_of_the_request(client, admin):
    # given: a request passes through the middleware that exposes its IP
    client.force_login(admin)
    client.get(reverse("audit-list"), REMOTE_ADDR="10.1.2.3")
    # when: outside a request, no IP is known
    event = services.audit_record(user=admin, action=AuditEvent.Action.VIEW)
    # then
    assert event.ip is None


def test_audit_page_filters_by_action(client, admin):
    services.audit_record(user=admin, action=AuditEvent.Action.EXPORT, object_type="kpm.keluarga")
    services.audit_record(user=admin, action=AuditEvent.Action.VIEW, object_type="kpm.keluarga")
    client.force_login(admin)
    response = client.get(reverse("audit-list"), {"action": "export"})
    assert [e.action for e in response.context["page"]] == ["export"]


def test_audit_rows_cannot_be_changed_or_deleted_in_the_admin(client, admin):
    event = services.audit_record(user=admin, action=AuditEvent.Action.VIEW)
    client.force_login(admin)
    change = client.post(
        reverse("admin:dinsos_auditevent_change", args=[event.pk]), {"reason": "x"}
    )
    delete = client.post(
        reverse("admin:dinsos_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_log_lines_never_carry_a_full_nik(caplog):
    logger = logging.getLogger("dinsos.uji")
    logger.addFilter(RedactIdentifiersFilter())
    with caplog.at_level(logging.INFO, logger="dinsos.uji"):
        logger.info("NIK %s ditolak", "1872015004990007")
    assert caplog.records[0].getMessage() == "NIK 1872**********07 ditolak"
    assert "1872015004990007" not in caplog.text


def test_redact_leaves_shorter_and_longer_numbers_alone():
    assert redact("kode 187201 dan 18720150049900071") == "kode 187201 dan 18720150049900071"
