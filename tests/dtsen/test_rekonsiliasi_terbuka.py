"""The run list's "Yang masih punya temuan terbuka" filter and the operator's Beranda line
that counts it (issue 14): a run whose last-seen findings are all closed leaves the list."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from dtsen.models import Rekonsiliasi, Temuan

pytestmark = pytest.mark.django_db
URL = reverse("dtsen:rekonsiliasi-list")


def _run(kota_metro, jenis: str, wilayah: str, *temuan_closed: bool) -> Rekonsiliasi:
    run = Rekonsiliasi.objects.create(
        jenis=jenis,
        wilayah=kota_metro[wilayah],
        status=Rekonsiliasi.Status.SELESAI,
        finished_at=timezone.now(),
    )
    for closed in temuan_closed:
        Temuan.objects.create(
            jenis=run.jenis,
            wilayah=run.wilayah,
            kategori="kpm_tidak_di_dtsen",
            kunci=uuid.uuid4().hex,
            sidik=uuid.uuid4().hex,
            kelurahan=kota_metro["Hadimulyo Barat"],
            kecamatan=kota_metro["Metro Pusat"],
            first_seen_run=run,
            last_seen_run=run,
            closed_run=run if closed else None,
            closed_at=timezone.now() if closed else None,
            alasan_tutup=Temuan.AlasanTutup.ANOMALI_HILANG if closed else "",
        )
    return run


@pytest.fixture
def runs(kota_metro):
    """The latest runs of three kinds/areas: two findings, one still open; all findings
    closed; no findings. (A run closes the open findings of its kind and area that it does
    not compute, so only the latest run of a kind and area can still see an open one.)"""
    J = Rekonsiliasi.Jenis
    return [
        _run(kota_metro, J.KPM_DTSEN, "Kota Metro", True, False),
        _run(kota_metro, J.PBIJK_DTSEN, "Kota Metro", True),
        _run(kota_metro, J.KPM_DTSEN, "Metro Pusat"),
    ]


def test_an_earlier_run_of_the_same_kind_and_area_is_not_listed(client, operator, runs, kota_metro):
    # given: a later run of the first run's kind and area that still sees its open finding
    later = _run(kota_metro, Rekonsiliasi.Jenis.KPM_DTSEN, "Kota Metro")
    client.force_login(operator)
    # then: the open finding is listed under the run that saw it last
    response = client.get(URL, {"temuan": "terbuka"})
    assert [r.pk for r in response.context["page"]] == [later.pk]


def test_only_runs_with_an_open_finding(client, operator, runs):
    client.force_login(operator)
    response = client.get(URL, {"temuan": "terbuka"})
    assert [r.pk for r in response.context["page"]] == [runs[0].pk]
    assert response.context["filter_form"]["temuan"].value() == "terbuka"  # the select shows it
    assert [r.pk for r in client.get(URL).context["page"]] == [r.pk for r in reversed(runs)]


def test_operator_beranda_counts_them_and_links_to_the_filtered_list(client, operator, runs):
    client.force_login(operator)
    worklist = client.get(reverse("home")).context["worklist"]
    (item,) = [i for i in worklist if i.judul == "Rekonsiliasi dengan temuan terbuka"]
    assert (item.jumlah, item.url) == (1, f"{URL}?temuan=terbuka")
