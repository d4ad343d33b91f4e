"""A NIK never leaks through an error page or the log of a failure (DOMAIN.md §10).

Links and redirects of every page are checked by the access matrix; task arguments by
`dinsos.celery.DinsosTask` (tests/dinsos/test_celery.py).
"""

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from dinsos.log_filters import RedactIdentifiersFilter

pytestmark = pytest.mark.django_db

NIK = "1872015004990007"


@pytest.fixture
def console_log():
    """What the portal's console handler (the one production logs go through) writes."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactIdentifiersFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.urls("tests.dinsos.urls_galat")
def test_a_server_error_shows_no_nik_and_logs_it_masked(operator, console_log):
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    response = client.post(f"/uji-galat/{NIK}/?nik={NIK}", {"nik": NIK})
    assert response.status_code == 500
    page = response.content.decode()
    assert "Terjadi kesalahan" in page
    assert NIK not in page
    logged = console_log.getvalue()
    assert "Internal Server Error" in logged  # it was logged…
    assert "ValueError" in logged
    assert NIK not in logged  # …masked, in the message and in the traceback
    assert "1872**********07" in logged


def test_a_missing_family_with_a_nik_as_id_shows_no_nik(client, operator):
    client.force_login(operator)
    response = client.get(reverse("kpm:keluarga-detail", args=[int(NIK)]))
    assert response.status_code == 404
    assert NIK not in response.content.decode()
    assert "Halaman tidak ditemukan" in response.content.decode()
