"""Typed request and role decorator shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from dinsos.models import User

P = ParamSpec("P")


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
