"""Request context that the audit service reads, so every access helper records the IP."""

import contextvars
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from dinsos.http import is_open_to
from dinsos.models import User

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


class RequestContextMiddleware:
    """Expose the client IP of the current request to `dinsos.services.audit_record`.

    Access helpers take a user, not a request; passing the request through every
    selector only for the audit log would couple all reads to HTTP.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class IdleExpiryMiddleware:
    """Push the session's idle expiry forward, at most once a minute.

    Replaces SESSION_SAVE_EVERY_REQUEST, which rewrote the session row (and its cache
    entry) on every request: under bench/load.py that was one UPDATE per page for nothing.
    A session now expires between SESSION_COOKIE_AGE − 60 s and SESSION_COOKIE_AGE after
    the user's last request. Must come after SessionMiddleware, so that its response step
    runs first and SessionMiddleware saves the change.
    """

    KEY = "_disegarkan"
    INTERVAL_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.is_empty() or session.modified:
            return response  # nothing to keep alive, or saved (with a new expiry) anyway
        now = int(time.time())
        if now - session.get(self.KEY, 0) >= self.INTERVAL_SECONDS:
            session[self.KEY] = now  # marks it modified: saved with expiry = now + age
        return response


class NoStoreMiddleware:
    """Tell browsers and proxies not to keep any response to a signed-in user (issue 22).

    Every page and export behind the login carries personal data, so rather than marking each
    view `never_cache` (and forgetting the next one) all of them get `Cache-Control: no-store`:
    after sign-out, Back or the disk cache of a shared office PC shows nothing. Static files
    hold no personal data and stay cacheable (WhiteNoise answers most before this runs).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response


# Pages a user who still owes a second factor may open.
OTP_EXEMPT_URL_NAMES = frozenset(
    {"login", "logout", "otp-verify", "otp-setup", "healthz", "password_reset_done"}
)


class OtpRequiredMiddleware:
    """Send admins and operators to the TOTP step until this session is verified.

    Runs after django-otp's OTPMiddleware, which sets `request.user.is_verified()`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        if not settings.DINSOS_OTP_WAJIB or not isinstance(user, User):
            return None
        if not user.is_authenticated or user.role not in settings.DINSOS_OTP_ROLES:
            return None
        if user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
            return None
        match = request.resolver_match
        if match is None or match.url_name in OTP_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse("otp-verify"))


class OperatorKelurahanMiddleware:
    """Deny by default for the operator kelurahan/desa (issue 17): every view answers 403
    unless it is marked `dinsos.http.allow_operator_kelurahan` or is an account page.

    The role is scoped to one kelurahan through its area like any other, but the apps' list
    pages were written for the office's roles; marking the few pages it may open, rather
    than refusing it in every other view, keeps a new page closed to it until someone
    decides otherwise (the same reasoning as LoginRequiredMiddleware).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        match = request.resolver_match
        if is_open_to(user, view_func, match.url_name if match else None):
            return None
        raise PermissionDenied
