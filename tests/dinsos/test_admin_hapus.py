"""Deleting in the Django admin: the count is shown before and recorded after (issue 15)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse

from dinsos.admin_site import AuditDeletionMixin
from dinsos.models import AuditEvent
from pendamping import services as pendamping_services
from pendamping.models import Kunjungan, Pendamping
from tests.factories import keluarga_with_pengurus

pytestmark = pytest.mark.django_db


def test_every_registered_admin_records_its_deletions():
    missing = [
        model._meta.label
        for model, model_admin in django_admin.site._registry.items()
        if not isinstance(model_admin, AuditDeletionMixin)
    ]
    assert missing == []


def test_a_bulk_delete_shows_its_count_then_records_it(
    client, admin, pendamping_hadimulyo, kota_metro
):
    # given: three visits recorded for one family
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    profil = pendamping_services.pendamping_create(
        nama="Ani",
        jenis=Pendamping.Jenis.PKH,
        mulai=datetime.date(2024, 1, 1),
        wilayah=[kota_metro["Hadimulyo Barat"]],
        user=pendamping_hadimulyo,
    )
    for day in (1, 2, 3):
        Kunjungan.objects.create(
            keluarga=keluarga,
            pendamping=profil,
            tanggal=datetime.date(2025, 3, day),
            dicatat_oleh=admin,
        )
    ids = [str(pk) for pk in Kunjungan.objects.values_list("pk", flat=True)]
    client.force_login(admin)
    url = reverse("admin:pendamping_kunjungan_changelist")
    # when: the admin picks all three and asks to delete them
    confirm = client.post(url, {"action": "delete_selected", "_selected_action": ids})
    # then: the confirmation page counts them, and nothing is gone yet
    assert "Kunjungan: 3" in confirm.content.decode()
    assert Kunjungan.objects.count() == 3
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()
    # when: confirmed
    client.post(url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    # then
    assert Kunjungan.objects.count() == 0
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert (event.user, event.object_type, event.jumlah) == (admin, "pendamping.kunjungan", 3)
