"""How to write a test in this project: a short, runnable walkthrough (read it top to bottom).

Like Zulip's `test_example.py`, every test here is real and must keep passing; copy the one
closest to what you need. The rules behind them are in ../shared/CONVENTIONS.md §3.13:

- pytest functions, no classes; `# given / # when / # then`.
- Named personas from tests/conftest.py (`admin`, `operator`, `koordinator_metro_pusat`,
  `pendamping_hadimulyo`, `pendamping_iringmulyo`), each with the areas its docstring names.
- factory_boy factories from tests/factories.py give valid identifiers (DOMAIN.md §8).
- Real PostgreSQL, a real Celery worker on real Redis, real Chromium: never mock our own code,
  never run Celery eagerly.
- Assert exactly what a user would notice (the rows, the Indonesian message, the count), so
  the test fails when the feature is deleted.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kpm.models import Anggota, Keluarga
from kpm.tasks import keluarga_komponen_refresh_task
from tests.conftest import login, wait_until
from tests.factories import AnggotaFactory, keluarga_with_pengurus


# 1. A view, as a persona. `client.force_login` skips the sign-in form (its own tests exist);
#    the `kota_metro` fixture loads the real 22 kelurahan of Kota Metro.
@pytest.mark.django_db
def test_a_pendamping_sees_only_the_families_assigned_to_them(
    client, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given: one family each
    mine = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    keluarga_with_pengurus(kelurahan=kota_metro["Iring Mulyo"], pendamping=pendamping_iringmulyo)
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.get(reverse("kpm:keluarga-list"))
    # then: exactly their family; someone else's id answers 404 like a missing one
    assert [k.pk for k in response.context["page"]] == [mine.pk]
    other = Keluarga.objects.exclude(pk=mine.pk).get()
    assert client.get(reverse("kpm:keluarga-detail", args=[other.pk])).status_code == 404


# 2. Query counts: a list page must not run one query per row (no N+1). Pin the count for two
#    sizes with `django_assert_num_queries`; if a change moves it, look before you re-pin.
@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 25])
def test_the_family_list_runs_the_same_queries_for_1_and_25_families(
    n, client, kota_metro, operator, django_assert_max_num_queries
):
    for _ in range(n):
        keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    client.force_login(operator)
    client.get(reverse("kpm:keluarga-list"))  # warm the per-user filter-choice cache
    with django_assert_max_num_queries(12):
        response = client.get(reverse("kpm:keluarga-list"))
    assert response.context["page"].paginator.count == n


# 3. A background job on the real worker. `celery_worker` starts one worker process for the
#    whole session on the test database; such tests need `transaction=True` so the worker (a
#    different connection) sees the rows, and `wait_until` polls for the job's effect.
@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_recomputes_components_on_the_worker(celery_worker, kota_metro):
    # given: a member recorded as pregnant whose stored components are stale
    keluarga = keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    ibu = AnggotaFactory(keluarga=keluarga, is_hamil=True)
    Anggota.objects.filter(pk=ibu.pk).update(komponen=[])
    # when: the task runs on the worker, as beat would start it
    keluarga_komponen_refresh_task.delay()
    # then
    wait_until(lambda: Anggota.objects.get(pk=ibu.pk).komponen == ["ibu_hamil"])


# 4. A browser test: Debian's Chromium through Playwright (`page` is a fresh tab on the live
#    server; a screenshot lands in var/test-artifacts/ when the test fails). Sign in through
#    the real form with `login`, look at the page as a 360 px phone.
@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_operator_finds_a_family_by_name_on_a_phone(page, operator, kota_metro):
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Sri Wahyuni")
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "operator")
    page.goto("/keluarga/")
    page.get_by_role("searchbox").fill("sri wahyu")
    expect(page.get_by_test_id("jumlah-hasil")).to_have_text("1 keluarga")
    expect(page.get_by_role("link", name="Sri Wahyuni")).to_be_visible()
