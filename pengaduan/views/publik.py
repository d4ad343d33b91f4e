"""The public status page: a citizen checks a complaint without an account.

What it refuses (issue 18): enumeration. The ticket and the last 4 digits of the phone given
must both match; an unknown ticket and wrong digits get the same page, status and message,
through the same work (one look-up, one constant-time comparison, one audit row), so neither
the answer nor its timing tells them apart. Look-ups are limited per client IP and per ticket
typed (django-ratelimit, counted in the Redis cache): 4 digits are 10.000 guesses, 5 an hour
make that years. The page shows only the status, the last update date and the office's public
response: no name, no NIK, no phone.
"""

from __future__ import annotations

import hmac
import math
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from pengaduan import forms, selectors, services
from pengaduan.models import Pengaduan

RATE_GROUP_IP = "pengaduan.status.ip"
RATE_GROUP_TIKET = "pengaduan.status.tiket"
PESAN_TIDAK_COCOK = (
    "Nomor tiket dan 4 angka terakhir telepon tidak cocok dengan pengaduan mana pun. "
    "Periksa kembali bukti pengaduan Anda."
)
PESAN_BATAS = "Terlalu banyak percobaan. Coba lagi dalam {menit} menit."
PESAN_BATAS_TIDAK_TERPERIKSA = "Layanan cek status sedang sibuk. Coba lagi sebentar lagi."
DIGIT_PEMBANDING = "----"  # compared against when no complaint has the ticket: same work


def _limit(request: HttpRequest, *, group: str, key: Any, rate: str) -> str:
    """The refusal message when this look-up is over the limit, else ""."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return ""
    if usage["limit"] == 0:  # the cache did not answer: refuse rather than go unlimited
        return PESAN_BATAS_TIDAK_TERPERIKSA
    return PESAN_BATAS.format(menit=max(1, math.ceil(usage["time_left"] / 60)))


def _cocok(pengaduan: Pengaduan | None, digit: str) -> bool:
    akhir = pengaduan.telepon[-4:] if pengaduan is not None and pengaduan.telepon else ""
    benar = hmac.compare_digest((akhir or DIGIT_PEMBANDING).encode(), digit.encode())
    return pengaduan is not None and bool(akhir) and benar


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def status_publik(request: HttpRequest) -> HttpResponse:
    form = forms.StatusPublikForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "hasil": None, "pesan": ""}
    status = 200
    if request.method == "POST" and form.is_valid():
        tiket, digit = form.cleaned_data["tiket"], form.cleaned_data["digit"]
        pesan = _limit(
            request, group=RATE_GROUP_IP, key="ip", rate=settings.DINSOS_STATUS_PENGADUAN_BATAS_IP
        ) or _limit(
            request,
            group=RATE_GROUP_TIKET,
            key=lambda group, req: tiket,
            rate=settings.DINSOS_STATUS_PENGADUAN_BATAS_TIKET,
        )
        if pesan:
            context["form"], context["pesan"], status = forms.StatusPublikForm(), pesan, 429
        else:
            pengaduan = selectors.status_publik(tiket=tiket)
            cocok = _cocok(pengaduan, digit)
            services.status_publik_catat(pengaduan=pengaduan if cocok else None, tiket=tiket)
            if cocok:
                context["hasil"] = pengaduan
            else:
                # A fresh form: nothing typed is echoed, so both refusals are the same page.
                context["form"], context["pesan"] = forms.StatusPublikForm(), PESAN_TIDAK_COCOK
    elif request.method == "POST":
        status = 400
    return render(request, "pengaduan/status_publik.html", context, status=status)
