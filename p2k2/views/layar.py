"""The attendance screen (phones, offline-first), its sync endpoint and the service worker."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dinsos import formatting
from dinsos.errors import DomainError
from dinsos.http import AuthedRequest
from dinsos.pengaturan import today
from p2k2 import forms, selectors, services
from p2k2.access import access_kelompok, access_pertemuan
from p2k2.models import Kehadiran, Kelompok, Pertemuan


def _layar_context(
    request: AuthedRequest, kelompok: Kelompok, pertemuan: Pertemuan | None
) -> dict[str, Any]:
    rows = selectors.kehadiran_rows(kelompok=kelompok, user=request.user, pertemuan=pertemuan)
    context: dict[str, Any] = {
        "kelompok": kelompok,
        "pertemuan": pertemuan,
        "rows": rows,
        "status_pilihan": Kehadiran.Status.choices,
        "pemahaman_pilihan": Kehadiran.Pemahaman.choices,
        "sync_url": reverse("p2k2:kehadiran-sinkron", args=[kelompok.pk]),
        "konflik": [],
    }
    if pertemuan is None:
        context["form"] = forms.PertemuanForm(
            modul=selectors.modul_list(),
            with_foto=False,
            initial={"tanggal": today(), "tempat": kelompok.tempat},
        )
        # kehadiran.js asks "Lanjutkan pertemuan yang sudah ada?" when date and materi match.
        context["pertemuan_ada"] = selectors.pertemuan_terakhir(kelompok=kelompok)
    else:
        context["konflik"] = selectors.konflik_terbuka(pertemuan=pertemuan, user=request.user)
    return context


@never_cache
def kehadiran(request: AuthedRequest, pk: int) -> HttpResponse:
    pertemuan = access_pertemuan(request.user, pk, for_update=True)
    context = _layar_context(request, pertemuan.kelompok, pertemuan)
    return render(request, "p2k2/kehadiran.html", context)


@never_cache
def kehadiran_baru(request: AuthedRequest, pk: int) -> HttpResponse:
    kelompok = access_kelompok(request.user, pk, for_update=True)
    return render(request, "p2k2/kehadiran.html", _layar_context(request, kelompok, None))


def _json_error(message: str, status: int = 400, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@require_POST
def kehadiran_sinkron(request: AuthedRequest, pk: int) -> JsonResponse:
    """JSON sync of one submission from `static/p2k2/kehadiran.js` (CSRF header, login)."""
    kelompok = access_kelompok(request.user, pk, for_update=True, audit=False)
    try:
        kiriman = forms.kiriman_parse(request.body)
    except DomainError as e:
        return _json_error(e.message)
    client_id = kiriman.pertemuan_client_id
    pertemuan = selectors.pertemuan_by_client_id(kelompok=kelompok, client_id=client_id)
    data: dict[str, Any] = {}
    if pertemuan is None:
        if selectors.pertemuan_is_milik_lain(kelompok=kelompok, client_id=client_id):
            return _json_error("Pertemuan ini milik kelompok lain.")
        form = forms.PertemuanForm(
            kiriman.pertemuan, modul=selectors.modul_list(), with_foto=False, with_terpisah=True
        )
        if not form.is_valid():
            pesan = "; ".join(  # "Materi: …; Tanggal: …." rather than ".;" between fields
                f"{form[f].label}: {' '.join(str(m) for m in e).rstrip('.')}"
                for f, e in form.errors.items()
            )
            return _json_error(f"Data pertemuan belum benar — {pesan}.", errors=form.errors)
        data = form.cleaned_data
    try:
        pertemuan, hasil = services.kehadiran_sync(
            kelompok=kelompok,
            pertemuan=pertemuan,
            pertemuan_client_id=client_id,
            pertemuan_data=data,
            kiriman_id=kiriman.kiriman_id,
            tanda=kiriman.tanda,
            oleh=request.user,
            perangkat=kiriman.perangkat,
        )
    except DomainError as e:
        return _json_error(e.message)
    if pertemuan.client_id != client_id:  # continued the group's meeting of that day
        hasil["pesan"] = (
            f"Pertemuan {pertemuan.judul} pada {formatting.tanggal(pertemuan.tanggal)} sudah "
            f"ada; kehadiran dicatat ke pertemuan itu. {hasil['pesan']}"
        )
    hasil["url"] = reverse("p2k2:pertemuan-detail", args=[pertemuan.pk])
    # The phone re-keys its queue and the screen to the meeting the server holds, and shows
    # every family's mark as the server now has it (not only the ones it sent).
    hasil["pertemuan"] = {
        "client_id": str(pertemuan.client_id),
        "layar": reverse("p2k2:kehadiran", args=[pertemuan.pk]),
        "info": f"{formatting.tanggal(pertemuan.tanggal)} · {pertemuan.judul}",
    }
    rows = selectors.kehadiran_rows(kelompok=kelompok, user=request.user, pertemuan=pertemuan)
    hasil["tersimpan"] = [
        {
            "keluarga_id": r.keluarga_id,
            "status": r.status,
            "pemahaman": r.pemahaman,
            "versi": r.versi,
        }
        for r in rows
        if r.versi
    ]
    return JsonResponse(hasil)


@login_not_required  # the script holds no data; the pages it caches still need a login
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/p2k2/sw.js from /p2k2/sw.js, so its scope covers the attendance screens."""
    path = finders.find("p2k2/sw.js")
    if not isinstance(path, str):
        raise Http404("Service worker tidak ditemukan.")
    with open(path, "rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"  # a new version takes over on the next visit
    return response
