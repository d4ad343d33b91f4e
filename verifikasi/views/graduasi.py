"""Graduasi pages: proposals, decisions, evidence and the letter (DOMAIN.md §5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.forms import HalamanForm
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from dinsos.uploads import upload_response
from kpm.access import access_keluarga
from verifikasi import forms, selectors, services
from verifikasi.access import (
    access_graduasi,
    access_graduasi_tanpa_proses,
    can_decide,
    can_record_komitmen,
)
from verifikasi.models import Graduasi
from verifikasi.views.komitmen import PAGE_SIZE, query_tanpa

R = User.Role


def graduasi_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    hari_ini = today()
    tahun = forms.GraduasiTahunForm(request.GET).nilai()["tahun"] or hari_ini.year
    alamiah = selectors.graduasi_alamiah_kandidat(user=user)
    page = Paginator(alamiah, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tahun": tahun,
        "tahun_pilihan": [hari_ini.year - i for i in range(4)],
        "alamiah": page,
        "page": page,
        "diusulkan": list(selectors.graduasi_list(user=user, status=Graduasi.Status.DIUSULKAN)),
        "lulus": list(
            selectors.graduasi_list(user=user, status=Graduasi.Status.DITERIMA, tahun=tahun)
        ),
        "kemajuan": selectors.graduasi_kemajuan(user=user, tahun=tahun),
        "can_decide": can_decide(user),
        "can_propose": can_record_komitmen(user),
        "query_string": query_tanpa(request, "page"),
    }
    return render(request, "verifikasi/graduasi_list.html", context)


def graduasi_lulus_list(request: AuthedRequest) -> HttpResponse:
    """Accepted graduations by month, kind and kecamatan (the rakor report links here)."""
    form = forms.GraduasiLulusFilterForm(
        request.GET or None, kecamatan=dinsos_selectors.kecamatan_pilihan(user=request.user)
    )
    lulus = selectors.graduasi_lulus_list(user=request.user, filters=form.to_filter())
    context = {
        "form": form,
        "page": Paginator(lulus, PAGE_SIZE).get_page(HalamanForm(request.GET).nomor()),
        "query_string": query_tanpa(request, "page"),
    }
    return render(request, "verifikasi/graduasi_lulus_list.html", context)


@require_role(R.ADMIN, R.OPERATOR, R.PENDAMPING)
@require_http_methods(["GET", "POST"])
def graduasi_create(request: AuthedRequest, pk: int) -> HttpResponse:
    keluarga = access_keluarga(request.user, pk, audit=False)
    initial = {"jenis": request.GET.get("jenis", "")}
    form = forms.GraduasiForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.graduasi_propose(
                keluarga=keluarga,
                jenis=form.cleaned_data["jenis"],
                alasan=form.cleaned_data["alasan"],
                bukti=form.cleaned_data["bukti"],
                oleh=request.user,
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "Keluarga diusulkan graduasi: status calon graduasi.")
            return redirect("verifikasi:graduasi-list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "keluarga": keluarga}
    return render(request, "verifikasi/graduasi_form.html", context, status=status)


@require_role(R.ADMIN, R.OPERATOR)
@require_POST
def graduasi_putuskan(request: AuthedRequest, pk: int) -> HttpResponse:
    graduasi = access_graduasi(request.user, pk)
    form = forms.KeputusanForm(request.POST)
    if form.is_valid():
        try:
            hasil_keputusan = services.graduasi_decide(
                graduasi=graduasi,
                is_diterima=form.is_diterima,
                catatan=form.cleaned_data["catatan"],
                oleh=request.user,
            )
        except DomainError as e:
            form.add_error("catatan" if e.field == "catatan" else None, e.message)
        else:
            hasil = "diterima: keluarga graduasi" if form.is_diterima else "ditolak"
            if hasil_keputusan.status == hasil_keputusan.Status.DIUSULKAN:  # issue 20
                hasil = "diterima dan diajukan; berlaku setelah disetujui petugas lain"
            messages.success(request, f"Usulan graduasi {hasil}.")
            return redirect("verifikasi:graduasi-list")
    context = {"graduasi": graduasi, "form": form}
    return render(request, "verifikasi/graduasi_putuskan.html", context, status=400)


def graduasi_bukti(request: AuthedRequest, pk: int) -> FileResponse:
    graduasi = access_graduasi(request.user, pk)
    if not graduasi.bukti:
        raise Http404("Usulan ini tidak punya berkas bukti.")
    dinsos_services.audit_record(
        user=request.user, action=AuditEvent.Action.VIEW, obj=graduasi, reason="Bukti graduasi"
    )
    return upload_response(graduasi.bukti, filename=f"bukti-graduasi-{graduasi.pk}")


def graduasi_surat(request: AuthedRequest, pk: int) -> HttpResponse:
    graduasi = access_graduasi(request.user, pk)
    if graduasi.status != Graduasi.Status.DITERIMA:
        raise Http404("Surat hanya untuk keluarga yang sudah graduasi.")
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=graduasi,
        reason="Cetak surat graduasi",
    )
    return render(request, "verifikasi/graduasi_surat.html", {"graduasi": graduasi})


# --- Lengkapi graduasi (issue 20, D2) -------------------------------------------------
@require_role(R.ADMIN, R.OPERATOR)
def graduasi_lengkapi_list(request: AuthedRequest) -> HttpResponse:
    daftar = selectors.graduasi_tanpa_proses_list(user=request.user)
    page = Paginator(daftar, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "verifikasi/graduasi_lengkapi_list.html", {"page": page})


@require_role(R.ADMIN, R.OPERATOR)
@require_http_methods(["GET", "POST"])
def graduasi_lengkapi(request: AuthedRequest, pk: int) -> HttpResponse:
    catatan = access_graduasi_tanpa_proses(request.user, pk)
    form = forms.GraduasiForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.graduasi_lengkapi(catatan=catatan, oleh=request.user, **form.cleaned_data)
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "Graduasi dilengkapi dan dihitung untuk pendampingnya.")
            return redirect("verifikasi:graduasi-lengkapi-list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "catatan": catatan, "keluarga": catatan.keluarga}
    return render(request, "verifikasi/graduasi_lengkapi.html", context, status=status)
