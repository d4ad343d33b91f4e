"""Pages of the shared core: home, health, areas and the audit log."""

from base64 import b32encode
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from dinsos import ekspor, forms, health, pemrosesan, selectors, services
from dinsos.access import access_persetujuan
from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, allow_operator_kelurahan, require_role
from dinsos.models import User
from dinsos.twofactor import qr_svg

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


@allow_operator_kelurahan
def home(request: AuthedRequest) -> HttpResponse:
    context = {
        "role_label": request.user.get_role_display(),
        "worklist": selectors.beranda_items(user=request.user),
    }
    return render(request, "dinsos/home.html", context)


@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def wilayah_list(request: AuthedRequest) -> HttpResponse:
    wilayah = selectors.wilayah_list(user=request.user)
    return render(request, "dinsos/wilayah_list.html", {"wilayah_list": wilayah})


@require_role(R.ADMIN)
def audit_list(request: AuthedRequest) -> HttpResponse:
    form = forms.AuditFilterForm(request.GET or None)
    filters = form.filters()
    events = selectors.audit_list(**filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    sejak = timezone.now() - selectors.AUDIT_FLAG_WINDOW
    context = {
        "form": form,
        "page": page,
        "flags": selectors.audit_flags(sejak=sejak),
        "query_string": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
    }
    return render(request, "dinsos/audit_list.html", context)


# --- Record of processing activities (UU 27/2022, DOMAIN.md §10; issue 20) ---------------
@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def pemrosesan_list(request: AuthedRequest) -> HttpResponse:
    catatan = pemrosesan.catatan()
    context = {"catatan": catatan, "dpia": pemrosesan.dpia_list(catatan)}
    return render(request, "dinsos/pemrosesan_list.html", context)


@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def pemrosesan_xlsx(request: AuthedRequest) -> HttpResponse:
    content = pemrosesan.catatan_xlsx(pemrosesan.catatan())
    return ekspor.download_response(content, name="catatan-kegiatan-pemrosesan", fmt=ekspor.XLSX)


def _next_url(request: AuthedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


def otp_verify(request: AuthedRequest) -> HttpResponse:
    if not selectors.otp_has_device(user=request.user):
        return redirect(f"{reverse('otp-setup')}?{urlencode({'next': _next_url(request)})}")
    form = forms.OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_check(user=request.user, token=form.cleaned_data["token"])
        except DomainError as e:
            form.add_error("token", e.message)
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/otp_verify.html", context, status=_status(request))


def otp_setup(request: AuthedRequest) -> HttpResponse:
    try:
        device = services.otp_setup_start(user=request.user)
    except DomainError as e:
        messages.info(request, e.message)
        return redirect("otp-verify")
    form = forms.OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.otp_confirm(device=device, token=form.cleaned_data["token"])
        except DomainError as e:
            form.add_error("token", e.message)
        else:
            otp_login(request, device)
            messages.success(request, "Autentikasi dua langkah aktif.")
            return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": qr_svg(device.config_url),
        "secret": b32encode(device.bin_key).decode(),
    }
    return render(request, "registration/otp_setup.html", context, status=_status(request))


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


# --- Four eyes (issue 20) ---------------------------------------------------------------
PENGAJU = (R.ADMIN, R.OPERATOR, R.KOORDINATOR, R.PENDAMPING)


@require_role(*PENGAJU)
def persetujuan_list(request: AuthedRequest) -> HttpResponse:
    antrean = selectors.persetujuan_antrean(user=request.user)
    context = {
        "page": Paginator(antrean, 25).get_page(request.GET.get("page")),
        "milik": selectors.persetujuan_milik(user=request.user),
        "riwayat": selectors.persetujuan_riwayat(user=request.user),
    }
    return render(request, "dinsos/persetujuan_list.html", context)


@require_POST
@require_role(*PENGAJU)
def persetujuan_putuskan(request: AuthedRequest, persetujuan_id: int) -> HttpResponse:
    persetujuan = access_persetujuan(request.user, persetujuan_id)
    form = forms.PersetujuanKeputusanForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("persetujuan-list")
    aksi, catatan = form.cleaned_data["aksi"], form.cleaned_data["catatan"]
    try:
        if aksi == "setujui":
            services.persetujuan_setujui(
                persetujuan=persetujuan, oleh=request.user, catatan=catatan
            )
        elif aksi == "tolak":
            services.persetujuan_tolak(persetujuan=persetujuan, oleh=request.user, catatan=catatan)
        else:
            services.persetujuan_batalkan(persetujuan=persetujuan, oleh=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"Pengajuan {persetujuan.status}: {persetujuan.judul}.")
    return redirect("persetujuan-list")
