"""Pages of the shared core: home, health, areas and the audit log."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dinsos import health, selectors
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User

R = User.Role


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    broker = health.check_broker()
    checks = {
        "database": health.check_database(),
        "broker": broker,
        "worker": health.check_worker() if broker.ok else health.BROKER_DOWN_FOR_WORKER,
    }
    ok = all(c.ok for c in checks.values())
    body: dict[str, object] = {"status": "ok" if ok else "gagal"}
    body.update({name: check.detail for name, check in checks.items()})
    if not ok:
        body["gagal"] = [k for k, c in checks.items() if not c.ok]
    return JsonResponse(body, status=200 if ok else 503)


def home(request: AuthedRequest) -> HttpResponse:
    context = {"role_label": request.user.get_role_display()}
    return render(request, "dinsos/home.html", context)


@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def wilayah_list(request: AuthedRequest) -> HttpResponse:
    wilayah = selectors.wilayah_list(user=request.user)
    return render(request, "dinsos/wilayah_list.html", {"wilayah_list": wilayah})


@require_role(R.ADMIN)
def audit_list(request: AuthedRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    username = request.GET.get("username", "").strip()
    filters = {"action": action, "username": username}
    events = selectors.audit_list(action=action, username=username)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "actions": AuditEvent.Action.choices,
        "action": action,
        "username": username,
        "query_string": urlencode({k: v for k, v in filters.items() if v}),
    }
    return render(request, "dinsos/audit_list.html", context)
