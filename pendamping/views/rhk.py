"""Issue 20, RHK 7, 8 and 9: the pendamping's monthly report (send, own list, the office's list
with late ones labelled) and the koordinator's directives (issue, who acknowledged; the
recipient reads and acknowledges), and the sosialisasi activities with their photo."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dinsos.errors import DomainError
from dinsos.formatting import tanggal
from dinsos.http import AuthedRequest, require_role
from dinsos.pengaturan import today
from dinsos.uploads import upload_response
from pendamping import forms, selectors, services
from pendamping.access import access_arahan, access_arahan_penerima, access_sosialisasi
from pendamping.models import ArahanPenerima
from pendamping.selectors import rhk_daftar
from pendamping.services.rhk import laporan_batas
from pendamping.views import KANTOR, R, _add_domain_error, _form_status, _page, _query_string

PEMBERI_ARAHAN = (R.ADMIN, R.KOORDINATOR)


# --- RHK 7: monthly report ------------------------------------------------------------------
@require_role(*KANTOR, R.PENDAMPING)
def laporan_bulanan_list(request: AuthedRequest) -> HttpResponse:
    terlambat = request.GET.get("terlambat") == "on"
    qs = rhk_daftar.laporan_bulanan_list(user=request.user, terlambat=terlambat)
    context = {
        "page": _page(request, qs),
        "query_string": _query_string(request),
        "terlambat": terlambat,
        "is_pendamping": request.user.role == R.PENDAMPING,
    }
    return render(request, "pendamping/laporan_bulanan_list.html", context)


@require_role(R.PENDAMPING)
def laporan_bulanan_kirim(request: AuthedRequest) -> HttpResponse:
    profil = selectors.pendamping_milik(user=request.user)
    if profil is None:
        return render(request, "pendamping/pendamping_tanpa_profil.html")
    # Reports are written in the first days of the next month: last month is the default.
    bulan_lalu = (today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    form = forms.LaporanBulananForm(request.POST or None, initial={"bulan": bulan_lalu})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            laporan = services.laporan_bulanan_kirim(
                pendamping=profil, bulan=data["bulan"], data=data, oleh=request.user
            )
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            pesan = "Laporan bulanan terkirim."
            if laporan.is_terlambat:
                pesan += f" Laporan ini terlambat (batas {tanggal(laporan_batas(laporan.bulan))})."
            messages.success(request, pesan)
            return redirect("pendamping:laporan-bulanan-list")
    context = {"form": form, "judul": "Kirim laporan bulanan"}
    return render(
        request, "pendamping/laporan_bulanan_form.html", context, status=_form_status(request)
    )


# --- RHK 8: directives ----------------------------------------------------------------------
@require_role(*KANTOR, R.PENDAMPING)
def arahan_list(request: AuthedRequest) -> HttpResponse:
    if request.user.role == R.PENDAMPING:
        belum = request.GET.get("belum") == "on"
        qs = rhk_daftar.arahan_diterima_list(user=request.user, belum=belum)
        context = {"page": _page(request, qs), "belum": belum}
        context["query_string"] = _query_string(request)
        return render(request, "pendamping/arahan_saya.html", context)
    context = {
        "page": _page(request, rhk_daftar.arahan_list(user=request.user)),
        "query_string": _query_string(request),
        "can_create": request.user.role in PEMBERI_ARAHAN,
    }
    return render(request, "pendamping/arahan_list.html", context)


@require_role(*PEMBERI_ARAHAN)
def arahan_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ArahanForm(
        request.POST or None, penerima_qs=rhk_daftar.arahan_penerima_pilihan(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            arahan = services.arahan_buat(
                data=data, penerima=list(data["penerima"]), oleh=request.user
            )
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, f"Arahan dikirim ke {len(data['penerima'])} pendamping.")
            return redirect("pendamping:arahan-detail", arahan.pk)
    context = {"form": form}
    return render(request, "pendamping/arahan_form.html", context, status=_form_status(request))


@require_role(*KANTOR, R.PENDAMPING)
def arahan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    arahan = access_arahan(request.user, pk)
    saya: ArahanPenerima | None = None
    penerima = None
    if request.user.role == R.PENDAMPING:
        saya = access_arahan_penerima(request.user, pk)
    else:
        penerima = rhk_daftar.arahan_penerima_list(arahan=arahan)
    context = {
        "arahan": arahan,
        "saya": saya,
        "penerima": penerima,
        "form": forms.ArahanKonfirmasiForm(initial={"tanggapan": saya.tanggapan if saya else ""}),
    }
    return render(request, "pendamping/arahan_detail.html", context)


@require_POST
@require_role(R.PENDAMPING)
def arahan_konfirmasi(request: AuthedRequest, pk: int) -> HttpResponse:
    saya = access_arahan_penerima(request.user, pk)
    form = forms.ArahanKonfirmasiForm(request.POST)
    if not form.is_valid():
        context = {"arahan": saya.arahan, "saya": saya, "penerima": None, "form": form}
        return render(request, "pendamping/arahan_detail.html", context, status=400)
    services.arahan_konfirmasi(
        penerima=saya, tanggapan=form.cleaned_data["tanggapan"], oleh=request.user
    )
    messages.success(request, "Terima kasih, arahan sudah dikonfirmasi.")
    return redirect("pendamping:arahan-detail", pk)


# --- RHK 9: sosialisasi ---------------------------------------------------------------------
@require_role(*KANTOR, R.PENDAMPING)
def sosialisasi_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "page": _page(request, rhk_daftar.sosialisasi_list(user=request.user)),
        "query_string": _query_string(request),
        "is_pendamping": request.user.role == R.PENDAMPING,
    }
    return render(request, "pendamping/sosialisasi_list.html", context)


@require_role(R.PENDAMPING)
def sosialisasi_create(request: AuthedRequest) -> HttpResponse:
    profil = selectors.pendamping_milik(user=request.user)
    if profil is None:
        return render(request, "pendamping/pendamping_tanpa_profil.html")
    form = forms.SosialisasiForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sosialisasi_catat(pendamping=profil, data=form.cleaned_data, oleh=request.user)
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, "Kegiatan sosialisasi dicatat.")
            return redirect("pendamping:sosialisasi-list")
    context = {"form": form}
    return render(
        request, "pendamping/sosialisasi_form.html", context, status=_form_status(request)
    )


def sosialisasi_foto(request: AuthedRequest, pk: int) -> FileResponse:
    # Scoped like the list (a pendamping: their own; other roles see no pendamping: 404).
    sosialisasi = access_sosialisasi(request.user, pk)
    if not sosialisasi.foto:
        raise Http404("Kegiatan ini belum punya foto.")
    return upload_response(sosialisasi.foto, filename=f"foto-sosialisasi-{sosialisasi.pk}")
