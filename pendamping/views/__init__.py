"""Pendamping pages: access → form → service → redirect/render, by subject: the workforce,
its comparison and assignments (`pendamping`) and the field records (`catatan`). The
helpers both share sit here."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import reverse

from dinsos.errors import DomainError
from dinsos.http import AuthedRequest
from dinsos.models import User

R = User.Role
PAGE_SIZE = 25
PENUGASAN_TAMPIL = 500  # rows drawn on the assignment page; "all filtered" moves them all
KANTOR = (R.ADMIN, R.OPERATOR, R.KOORDINATOR)
PENCATAT = (R.ADMIN, R.OPERATOR, R.PENDAMPING)


def _query_string(request: AuthedRequest) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k != "page" and v})


def _page(request: AuthedRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _list_url(name: str, **params: Any) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def _form_status(request: AuthedRequest) -> int:
    return 400 if request.method == "POST" else 200


def _add_domain_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)
