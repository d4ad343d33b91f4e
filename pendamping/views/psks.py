"""Issue 20: the PMKS client register (list, register, detail, correct) and the yearly PSKS
evaluation (page and XLSX)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.ekspor import XLSX, download_response
from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent
from pendamping import exporters, forms, selectors, services
from pendamping.access import (
    access_klien,
    access_klien_for_pembatasan,
    can_catat_pembatasan,
    can_record_layanan,
)
from pendamping.models import KlienPmks
from pendamping.periode import Periode
from pendamping.views import (
    KANTOR,
    PENCATAT,
    R,
    _add_domain_error,
    _form_status,
    _page,
    _query_string,
)


def _klien_filter(request: AuthedRequest) -> forms.KlienFilterForm:
    return forms.KlienFilterForm(request.GET or None, kategori_qs=selectors.kategori_pmks_pilihan())


def klien_list(request: AuthedRequest) -> HttpResponse:
    form = _klien_filter(request)
    context = {
        "form": form,
        "page": _page(request, selectors.klien_list(user=request.user, filters=form.to_filter())),
        "query_string": _query_string(request),
        "can_create": can_record_layanan(request.user),
        "can_export": request.user.role in KANTOR,
    }
    return render(request, "pendamping/klien_list.html", context)


@require_role(*KANTOR)
def klien_xlsx(request: AuthedRequest) -> HttpResponse:
    """The client register as filtered on the list (restricted clients left out), audited."""
    rows = list(selectors.klien_list(user=request.user, filters=_klien_filter(request).to_filter()))
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=KlienPmks._meta.label_lower,
        reason="Ekspor daftar klien PMKS",
        jumlah=len(rows),
    )
    return download_response(exporters.klien_xlsx(rows), name="klien-pmks", fmt=XLSX)


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
        "can_pembatasan": can_catat_pembatasan(request.user),
    }
    return render(request, "pendamping/klien_detail.html", context)


@require_role(R.ADMIN, R.OPERATOR)
def klien_pembatasan(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a client's restriction/objection request (UU 27/2022): into kpm's register,
    whose page then shows it; the client is hidden from lists and exports at once."""
    klien = access_klien_for_pembatasan(request.user, pk)
    form = forms.KlienPembatasanForm(
        request.POST or None, initial={"diterima_at": timezone.localtime()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            permintaan = services.klien_pembatasan_catat(
                klien=klien, **form.cleaned_data, oleh=request.user
            )
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(
                request,
                "Permintaan tercatat; data klien ini kini disembunyikan dari daftar dan ekspor. "
                "Putuskan paling lambat 3×24 jam sejak diterima.",
            )
            return redirect("kpm:pembatasan-detail", permintaan.pk)
    context = {"form": form, "klien": klien}
    return render(
        request, "pendamping/klien_pembatasan.html", context, status=_form_status(request)
    )


# --- The yearly PSKS evaluation -------------------------------------------------------------
EVALUATOR = (R.ADMIN, R.KOORDINATOR)


def _evaluasi_rows(request: AuthedRequest) -> tuple[forms.PeriodeForm, Periode, list[Any]]:
    form = forms.PeriodeForm(request.GET or None)
    periode = Periode(form.periode().tahun)
    profil = selectors.perbandingan_profil(user=request.user, periode=periode)
    services.ringkasan_kinerja_segarkan(
        pendamping_ids=list(profil.values_list("pk", flat=True)), periodes=[periode]
    )
    rows, _ = selectors.perbandingan_ringkas(
        user=request.user, periode=periode, pengaturan=dinsos_selectors.pengaturan_semua()
    )
    return form, periode, rows


@require_role(*EVALUATOR)
def evaluasi(request: AuthedRequest) -> HttpResponse:
    form, periode, rows = _evaluasi_rows(request)
    context = {
        "form": form,
        "tahun": periode.tahun,
        "rows": rows,
        "per_jenis": selectors.evaluasi_per_jenis(rows, selectors.jenis_psks_list()),
        "query_string": _query_string(request),
    }
    return render(request, "pendamping/evaluasi.html", context)


@require_role(*EVALUATOR)
def evaluasi_xlsx(request: AuthedRequest) -> HttpResponse:
    _, periode, rows = _evaluasi_rows(request)
    per_jenis = selectors.evaluasi_per_jenis(rows, selectors.jenis_psks_list())
    content = exporters.evaluasi_xlsx(per_jenis, rows, tahun=periode.tahun)
    return download_response(content, name=f"evaluasi-psks-{periode.tahun}", fmt=XLSX)
