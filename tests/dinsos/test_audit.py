import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from dinsos import selectors, services
from dinsos.formatting import JAKARTA
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


def _events(user, action, n, at, object_type="kpm.keluarga"):
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                user=user,
                username=user.username,
                action=action,
                object_type=object_type,
                object_id=str(i),
                jumlah=1,
            )
            for i in range(n)
        ]
    )
    AuditEvent.objects.filter(created_at__gt=at).update(created_at=at)


WIB = JAKARTA


@pytest.mark.parametrize(("n", "flagged"), [(200, False), (201, True)])
def test_viewing_more_than_200_families_in_an_hour_is_flagged(admin, operator, n, flagged):
    at = timezone.now() - datetime.timedelta(days=1)
    _events(operator, AuditEvent.Action.VIEW, n, at)
    flags = selectors.audit_flags(sejak=at - datetime.timedelta(hours=1))
    assert [(f.jenis, f.username, f.jumlah) for f in flags] == (
        [("banyak_lihat", "operator", 201)] if flagged else []
    )


@pytest.mark.parametrize(("hour", "flagged"), [(6, True), (7, False), (16, False), (17, True)])
def test_exports_outside_office_hours_are_flagged(operator, hour, flagged):
    at = datetime.datetime(2026, 3, 2, hour, 30, tzinfo=WIB)
    _events(operator, AuditEvent.Action.EXPORT, 1, at)
    flags = selectors.audit_flags(sejak=at - datetime.timedelta(days=1))
    assert [f.jenis for f in flags] == (["ekspor_luar_jam"] if flagged else [])


def test_audit_page_lists_flags_and_filters_by_date(client, admin, operator):
    night = datetime.datetime.now(tz=WIB).replace(hour=22, minute=0) - datetime.timedelta(days=1)
    _events(operator, AuditEvent.Action.EXPORT, 1, night)
    client.force_login(admin)
    response = client.get(reverse("audit-list"))
    assert [f.jenis for f in response.context["flags"]] == ["ekspor_luar_jam"]
    assert "di luar jam kerja" in response.content.decode()
    day = night.date().isoformat()
    filtered = client.get(reverse("audit-list"), {"dari": day, "sampai": day})
    assert [e.action for e in filtered.context["page"]] == ["export"]
    other_day = (night.date() - datetime.timedelta(days=3)).isoformat()
    empty = client.get(reverse("audit-list"), {"dari": other_day, "sampai": other_day})
    assert list(empty.context["page"]) == []


@pytest.mark.parametrize(("n", "flagged"), [(50, False), (51, True)])
def test_more_than_50_identifier_searches_in_an_hour_are_flagged(
    client, admin, operator, n, flagged
):
    # given: n NIK/No KK searches by one operator within one hour (issue 22)
    at = timezone.now() - datetime.timedelta(days=1)
    _events(operator, AuditEvent.Action.SEARCH, n, at)
    # when
    flags = selectors.audit_flags(sejak=at - datetime.timedelta(hours=1))
    client.force_login(admin)
    page = client.get(reverse("audit-list")).content.decode()
    # then
    assert [(f.jenis, f.username, f.jumlah) for f in flags] == (
        [("banyak_cari_identitas", "operator", 51)] if flagged else []
    )
    assert ("Mencari 51 NIK/No KK dalam satu jam (batas 50)." in page) is flagged
