"""The monthly SIKS-NG batch pages (office) and the cycle's figures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dinsos.ekspor import XLSX, download_file_response
from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from dinsos.models import User
from pemutakhiran import forms, selectors, services
from pemutakhiran.access import access_batch, can_lihat_rekap, can_periksa
from pemutakhiran.models import BatchSiks, Jenis

R = User.Role


@require_role(R.ADMIN, R.OPERATOR)
def batch_list(request: AuthedRequest) -> HttpResponse:
    jendela = selectors.jendela_hari_ini()
    bulan = forms.BulanParameterForm(request.GET).nilai()["bulan"] or jendela.bulan
    periksa = [
        (
            selectors.batch_get(bulan=bulan, jenis=jenis),
            selectors.batch_periksa(user=request.user, bulan=bulan, jenis=jenis),
        )
        for jenis in Jenis
    ]
    context = {
        "bulan": bulan,
        "jendela": jendela,
        "periksa": periksa,
        "riwayat": selectors.batch_list()[:24],
        "bulan_pilihan": selectors.bulan_pilihan(),
    }
    return render(request, "pemutakhiran/batch_list.html", context)


@require_POST
def batch_ekspor(request: AuthedRequest) -> HttpResponseBase:
    if not can_periksa(request.user):
        raise PermissionDenied
    form = forms.EksporForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pilih bulan dan jenis kiriman.")
        return redirect("pemutakhiran:batch-list")
    bulan, jenis = form.cleaned_data["bulan"], form.cleaned_data["jenis"]
    try:
        batch = services.batch_ekspor(bulan=bulan, jenis=jenis, oleh=request.user)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(f"{reverse('pemutakhiran:batch-list')}?bulan={bulan:%Y-%m}")
    return _unduh(batch)


def _unduh(batch: BatchSiks) -> FileResponse:
    name = f"siks-ng-{batch.jenis}-{batch.bulan:%Y-%m}"
    return download_file_response(batch.file.open("rb"), name=name, fmt=XLSX)


def batch_unduh(request: AuthedRequest, pk: int) -> FileResponse:
    batch = access_batch(request.user, pk)
    services.batch_unduh_catat(batch=batch, oleh=request.user)
    return _unduh(batch)


def rekap(request: AuthedRequest) -> HttpResponse:
    if not can_lihat_rekap(request.user):
        raise PermissionDenied
    bulan = (
        forms.BulanParameterForm(request.GET).nilai()["bulan"] or selectors.jendela_hari_ini().bulan
    )
    context = {
        "rekap": selectors.usulan_rekap(user=request.user, bulan=bulan),
        "bulan_pilihan": selectors.bulan_pilihan(),
    }
    return render(request, "pemutakhiran/rekap.html", context)
