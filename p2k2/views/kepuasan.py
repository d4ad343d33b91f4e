"""The family's own satisfaction page: opened from the one-time link or QR printed on the
P2K2 attendance sheet, without login (issue 20, D10). The link and the answer are the
pendamping app's (`pendamping.services.tautan_jawab`); the page lives here, beside the sheet.

The token (43 random URL-safe characters) is the only key; the page shows no personal data,
only the pendamping's name and the period. Requests are limited per client IP
(django-ratelimit, counted in the Redis cache) so tokens cannot be probed; an unknown, used
or expired link answers in Indonesian and never says whose it was.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from dinsos.errors import DomainError
from p2k2.forms import JawabKepuasanForm
from pendamping import selectors as pendamping_selectors
from pendamping import services as pendamping_services

RATE_GROUP_IP = "p2k2.kepuasan.ip"
PESAN_BATAS = "Terlalu banyak percobaan. Coba lagi dalam {menit} menit."
PESAN_SIBUK = "Layanan penilaian sedang sibuk. Coba lagi sebentar lagi."
PESAN_TIDAK_DIKENAL = "Tautan penilaian tidak dikenal. Periksa kembali tautan atau QR-nya."


def _batas(request: HttpRequest) -> str:
    usage = get_usage(
        request,
        group=RATE_GROUP_IP,
        key="ip",
        rate=settings.DINSOS_KEPUASAN_BATAS_IP,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return ""
    if usage["limit"] == 0:  # the cache did not answer: refuse rather than go unlimited
        return PESAN_SIBUK
    return PESAN_BATAS.format(menit=max(1, math.ceil(usage["time_left"] / 60)))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def kepuasan_isi(request: HttpRequest, token: str) -> HttpResponse:
    context: dict[str, Any] = {"form": None, "tautan": None, "pesan": "", "selesai": False}
    if pesan := _batas(request):
        context["pesan"] = pesan
        return render(request, "p2k2/kepuasan_isi.html", context, status=429)
    tautan = pendamping_selectors.tautan_get(token=token)
    if tautan is None:
        context["pesan"] = PESAN_TIDAK_DIKENAL
        return render(request, "p2k2/kepuasan_isi.html", context, status=404)
    context["tautan"] = tautan
    if tautan.is_terpakai:
        context["pesan"] = pendamping_services.TAUTAN_SUDAH_DIPAKAI
        return render(request, "p2k2/kepuasan_isi.html", context, status=409)
    form = JawabKepuasanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                pendamping_services.tautan_jawab(
                    token=token,
                    skor=form.cleaned_data["skor"],
                    catatan=form.cleaned_data["catatan"],
                )
            except DomainError as e:
                context["pesan"], status = e.message, 409
            else:
                context["selesai"], status = True, 200
    context["form"] = None if context["selesai"] or context["pesan"] else form
    return render(request, "p2k2/kepuasan_isi.html", context, status=status)
