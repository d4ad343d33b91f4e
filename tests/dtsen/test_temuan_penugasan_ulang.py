"""Sending a finding again to the pendamping who has it changes nothing; a bulk
re-assignment is recorded with its count (issue 15)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dinsos.models import AuditEvent
from dtsen.models import Temuan, TemuanRiwayat
from tests.dtsen.rekonsiliasi_data import dunia_temuan

pytestmark = pytest.mark.django_db


@pytest.fixture
def dunia(muat, admin, tmp_path, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo):
    return dunia_temuan(
        muat, admin, tmp_path, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
    )


def test_assigning_again_to_the_same_pendamping_writes_no_history(
    client, dunia, operator, pendamping_hadimulyo
):
    # given: a finding already sent to pendamping A
    client.force_login(operator)
    t = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)
    url = reverse("dtsen:temuan-assign", args=[t.pk])
    client.post(url, {"pendamping": pendamping_hadimulyo.pk})
    t.refresh_from_db()
    first = t.ditugaskan_at
    # when: sent to A again
    client.post(url, {"pendamping": pendamping_hadimulyo.pk})
    # then: one history line, the first assignment time kept
    t.refresh_from_db()
    assert TemuanRiwayat.objects.filter(temuan=t, aksi="ditugaskan").count() == 1
    assert t.ditugaskan_at == first


def test_bulk_reassignment_skips_findings_already_there_and_audits_its_count(
    client, dunia, operator
):
    # given: every finding sent once to its family's pendamping (5 of 7 have one)
    client.force_login(operator)
    ids = list(Temuan.objects.values_list("pk", flat=True))
    url = reverse("dtsen:temuan-assign-bulk")
    client.post(url, {"temuan": ids, "tujuan": "keluarga"}, follow=True)
    # when: the same again
    response = client.post(url, {"temuan": ids, "tujuan": "keluarga"}, follow=True)
    # then: nothing changes, no new history, and both runs are recorded with their count
    assert [str(m) for m in response.context["messages"]] == [
        "0 temuan diteruskan ke pendamping.",
        "2 temuan dilewati: keluarganya belum punya pendamping atau temuan bukan tentang "
        "keluarga KPM.",
        "5 temuan tidak berubah: sudah di pendamping itu.",
    ]
    assert TemuanRiwayat.objects.filter(aksi="ditugaskan").count() == 5
    audit = AuditEvent.objects.filter(reason="Penugasan temuan massal").order_by("id")
    assert list(audit.values_list("jumlah", "object_repr")) == [
        (5, "7 temuan dipilih"),
        (0, "7 temuan dipilih"),
    ]
