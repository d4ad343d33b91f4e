"""Payouts per tahap (issue 20, RHK 1): the list, and the bank/Pos distribution list
uploaded in the browser — checked whole, previewed, then applied or cancelled."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.formatting import angka
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent
from kpm import forms, services, tasks
from kpm.access import access_unggahan_penyaluran, can_unggah_penyaluran
from kpm.models import TAHAP_PER_TAHUN, Penyaluran, UnggahanPenyaluran
from kpm.selectors import penyaluran
from kpm.views import PAGE_SIZE, R

BISA_BATAL = (
    UnggahanPenyaluran.Status.SIAP,
    UnggahanPenyaluran.Status.DITOLAK,
    UnggahanPenyaluran.Status.GAGAL,
)


def _angka_get(request: AuthedRequest, name: str, maks: int) -> int | None:
    value = request.GET.get(name, "")
    # Bounded before int(): an overlong string of digits must not reach the conversion.
    if not (value.isdigit() and len(value) <= len(str(maks))):
        return None
    return int(value) if 1 <= int(value) <= maks else None


@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def penyaluran_list(request: AuthedRequest) -> HttpResponse:
    tahun = _angka_get(request, "tahun", 2100)
    tahap = _angka_get(request, "tahap", TAHAP_PER_TAHUN)
    status = request.GET.get("status", "")
    status = status if status in Penyaluran.Status.values else ""
    rows = penyaluran.penyaluran_list(user=request.user, tahun=tahun, tahap=tahap, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="kpm.penyaluran",
        object_repr="Daftar penyaluran",
        jumlah=len(page.object_list),
    )
    context = {
        "page": page,
        "tahun": tahun or "",
        "tahap": tahap or "",
        "status": status,
        "tahap_choices": range(1, TAHAP_PER_TAHUN + 1),
        "status_choices": Penyaluran.Status.choices,
        "can_unggah": can_unggah_penyaluran(request.user),
    }
    return render(request, "kpm/penyaluran_list.html", context)


# --- The bank/Pos list uploaded in the browser ------------------------------------------
KESALAHAN_PER_HALAMAN = 50


@require_role(R.ADMIN, R.OPERATOR)
def unggahan_create(request: AuthedRequest) -> HttpResponse:
    form = forms.PenyaluranUnggahForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        berkas = form.cleaned_data["berkas"]
        unggahan = services.penyaluran_unggah(
            berkas=berkas, nama_file=berkas.name, oleh=request.user
        )
        if unggahan.ukuran <= settings.PENYALURAN_LANGSUNG_MAX_BYTES:
            services.penyaluran_periksa(unggahan_id=unggahan.pk)
        else:  # a large list: checked in the background, the page shows its progress
            tasks.penyaluran_periksa_antrekan(unggahan_id=unggahan.pk)
        return redirect("kpm:penyaluran-unggahan", unggahan.pk)
    context = {
        "form": form,
        "riwayat": penyaluran.unggahan_penyaluran_list(user=request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "kpm/penyaluran_unggah.html", context, status=status)


@require_role(R.ADMIN, R.OPERATOR)
def unggahan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unggahan = access_unggahan_penyaluran(request.user, pk)
    siap = unggahan.status == UnggahanPenyaluran.Status.SIAP
    context = {
        "u": unggahan,
        "kesalahan": Paginator(unggahan.kesalahan, KESALAHAN_PER_HALAMAN).get_page(
            request.GET.get("page")
        ),
        "sama": penyaluran.unggahan_penyaluran_sama(unggahan=unggahan) if siap else None,
        "bisa_batal": unggahan.status in BISA_BATAL,
    }
    return render(request, "kpm/penyaluran_unggahan.html", context)


@require_GET
@require_role(R.ADMIN, R.OPERATOR)
def unggahan_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    unggahan = access_unggahan_penyaluran(request.user, pk)
    response = render(request, "kpm/_penyaluran_kemajuan.html", {"u": unggahan})
    if not unggahan.is_berjalan:
        response["HX-Refresh"] = "true"  # the preview or the errors replace the progress
    return response


@require_POST
@require_role(R.ADMIN, R.OPERATOR)
def unggahan_terapkan(request: AuthedRequest, pk: int) -> HttpResponse:
    unggahan = access_unggahan_penyaluran(request.user, pk)
    try:
        unggahan = services.penyaluran_terapkan_mulai(unggahan=unggahan, oleh=request.user)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("kpm:penyaluran-unggahan", unggahan.pk)
    if unggahan.baris_valid <= settings.PENYALURAN_LANGSUNG_MAX_BARIS:
        hasil = services.penyaluran_terapkan(unggahan_id=unggahan.pk)
        if hasil is not None:
            messages.success(
                request,
                f"Daftar penyaluran diterapkan: {angka(hasil.baru)} baru, "
                f"{angka(hasil.diubah)} diubah, {angka(hasil.tetap)} tetap.",
            )
    else:
        tasks.penyaluran_terapkan_antrekan(unggahan_id=unggahan.pk)
        messages.info(request, "Daftar penyaluran sedang diterapkan.")
    return redirect("kpm:penyaluran-unggahan", unggahan.pk)


@require_POST
@require_role(R.ADMIN, R.OPERATOR)
def unggahan_batal(request: AuthedRequest, pk: int) -> HttpResponse:
    unggahan = access_unggahan_penyaluran(request.user, pk)
    try:
        services.penyaluran_batal(unggahan=unggahan, oleh=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "Daftar penyaluran dibatalkan; tidak ada yang dicatat.")
    return redirect("kpm:penyaluran-unggahan", unggahan.pk)
