"""Typed request and role decorator shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django_htmx.middleware import HtmxDetails

from dinsos.models import User

P = ParamSpec("P")
V = TypeVar("V", bound=Callable[..., Any])

# The account pages every signed-in user needs, open to the operator kelurahan/desa too
# (Django's auth views cannot carry `allow_operator_kelurahan`).
AKUN_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "otp-verify",
        "otp-setup",
        "healthz",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


class AuthedRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: `user` is always a real account."""

    user: User
    htmx: HtmxDetails


ViewFunc = Callable[Concatenate[AuthedRequest, P], HttpResponse]


def require_role(*roles: User.Role) -> Callable[[ViewFunc[P]], ViewFunc[P]]:
    """Allow the view only to the given roles; others get 403."""

    def decorator(view: ViewFunc[P]) -> ViewFunc[P]:
        @wraps(view)
        def wrapped(request: AuthedRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def allow_operator_kelurahan(view: V) -> V:
    """Open a view to the operator kelurahan/desa (issue 17). That role sees no personal data
    beyond its own proposals, so every view refuses it (403, OperatorKelurahanMiddleware)
    unless it carries this mark; the view still scopes what it shows."""
    view.is_for_operator_kelurahan = True  # type: ignore[attr-defined]
    return view


def is_open_to(user: User, view: Any, url_name: str | None) -> bool:
    """Whether `user`'s role may reach `view` at all (the operator kelurahan/desa only the
    marked views and the account pages; every other role every view)."""
    if user.role != User.Role.OPERATOR_KELURAHAN:
        return True
    return url_name in AKUN_URL_NAMES or getattr(view, "is_for_operator_kelurahan", False)


def url_is_open_to(user: User, url: str) -> bool:
    """`is_open_to` for an address (a menu entry, a Beranda link): its view, resolved."""
    if user.role != User.Role.OPERATOR_KELURAHAN:
        return True
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return is_open_to(user, match.func, match.url_name)
