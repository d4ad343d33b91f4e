"""The PMKS client register (issue 20): list, register, detail, correct."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from pendamping import forms, selectors, services
from pendamping.access import access_klien, can_record_layanan
from pendamping.models import KlienPmks
from pendamping.views import PENCATAT, R, _add_domain_error, _form_status, _page, _query_string


def klien_list(request: AuthedRequest) -> HttpResponse:
    form = forms.KlienFilterForm(request.GET or None, kategori_qs=selectors.kategori_pmks_pilihan())
    context = {
        "form": form,
        "page": _page(request, selectors.klien_list(user=request.user, filters=form.to_filter())),
        "query_string": _query_string(request),
        "can_create": can_record_layanan(request.user),
    }
    return render(request, "pendamping/klien_list.html", context)


def _klien_form(
    request: AuthedRequest, *, initial: dict[str, object] | None = None, nik_tersimpan: str = ""
) -> forms.KlienForm:
    return forms.KlienForm(
        request.POST or None,
        initial=initial,
        kategori_qs=selectors.kategori_pmks_pilihan(),
        kelurahan_qs=selectors.klien_kelurahan_pilihan(user=request.user),
        petugas_qs=(
            None
            if request.user.role == R.PENDAMPING
            else selectors.klien_petugas_pilihan(user=request.user)
        ),
        nik_tersimpan=nik_tersimpan,
    )


@require_role(*PENCATAT)
def klien_create(request: AuthedRequest) -> HttpResponse:
    form = _klien_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            klien = services.klien_create(data=form.cleaned_data, oleh=request.user)
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, "Klien PMKS didaftarkan.")
            return redirect("pendamping:klien-detail", klien.pk)
    context = {"form": form, "judul": "Daftarkan klien PMKS"}
    return render(request, "pendamping/klien_form.html", context, status=_form_status(request))


@require_role(*PENCATAT)
def klien_update(request: AuthedRequest, pk: int) -> HttpResponse:
    klien = access_klien(request.user, pk, for_update=True)
    initial = {f: getattr(klien, f) for f in services.KLIEN_FIELDS if f != "nik"}
    form = _klien_form(request, initial=initial, nik_tersimpan=klien.nik)
    if request.method == "POST" and form.is_valid():
        try:
            services.klien_update(klien=klien, data=form.cleaned_data, oleh=request.user)
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, "Data klien diperbarui.")
            return redirect("pendamping:klien-detail", klien.pk)
    context = {"form": form, "klien": klien, "judul": f"Ubah data {klien.nama}"}
    return render(request, "pendamping/klien_form.html", context, status=_form_status(request))


def klien_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    klien: KlienPmks = access_klien(request.user, pk)
    context = {
        "klien": klien,
        **selectors.klien_catatan(klien=klien),
        "can_record": can_record_layanan(request.user),
    }
    return render(request, "pendamping/klien_detail.html", context)
