"""Reconciliation and findings pages: access → form → service → redirect/render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from dinsos import services as dinsos_services
from dinsos.ekspor import XLSX, download_file_response
from dinsos.errors import DomainError
from dinsos.formatting import angka
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User
from dinsos.uploads import upload_response
from dtsen import services, tasks
from dtsen.access.temuan import (
    PEMUTUS,
    access_bukti,
    access_ekspor,
    access_rekonsiliasi,
    access_temuan,
)
from dtsen.forms import rekonsiliasi as forms
from dtsen.models import EksporSiks, Temuan
from dtsen.selectors import rekonsiliasi as selectors
from dtsen.selectors import siks as selectors_siks

R = User.Role
KANTOR = (R.ADMIN, R.OPERATOR, R.KOORDINATOR)
PAGE_SIZE = 50


# --- Runs ------------------------------------------------------------------------------------
def _run_list_context(request: AuthedRequest, form: forms.RekonsiliasiForm) -> dict[str, object]:
    filter_form = forms.RekonsiliasiFilterForm(request.GET or None)
    runs = selectors.rekonsiliasi_list(
        user=request.user, dengan_temuan_terbuka=filter_form.is_temuan_terbuka
    )
    page = Paginator(runs, 20).get_page(request.GET.get("page"))
    can_start = request.user.role in {R.ADMIN, R.OPERATOR}
    query = (
        f"temuan={forms.RekonsiliasiFilterForm.TERBUKA}" if filter_form.is_temuan_terbuka else ""
    )
    return {
        "page": page,
        "form": form if can_start else None,
        "filter_form": filter_form,
        "query_string": query,
    }


@require_role(*KANTOR)
def rekonsiliasi_list(request: AuthedRequest) -> HttpResponse:
    wilayah_qs = selectors.wilayah_rekonsiliasi_pilihan(user=request.user)
    form = forms.RekonsiliasiForm(wilayah_qs=wilayah_qs)
    return render(request, "dtsen/rekonsiliasi_list.html", _run_list_context(request, form))


@require_POST
@require_role(R.ADMIN, R.OPERATOR)
def rekonsiliasi_create(request: AuthedRequest) -> HttpResponse:
    wilayah_qs = selectors.wilayah_rekonsiliasi_pilihan(user=request.user)
    form = forms.RekonsiliasiForm(request.POST, wilayah_qs=wilayah_qs)
    if form.is_valid():
        try:
            run = services.rekonsiliasi_create(
                jenis=form.cleaned_data["jenis"],
                wilayah=form.cleaned_data["wilayah"],
                started_by=request.user,
            )
            tasks.rekonsiliasi_queue(rekonsiliasi_id=run.pk)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "Rekonsiliasi dimulai.")
            return redirect("dtsen:rekonsiliasi-detail", run.pk)
    context = _run_list_context(request, form)
    return render(request, "dtsen/rekonsiliasi_list.html", context, status=400)


@require_role(*KANTOR)
def rekonsiliasi_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = access_rekonsiliasi(request.user, pk)
    context = {
        "run": run,
        "kategori": selectors.rekonsiliasi_kategori(run),
        "kecamatan": selectors.rekonsiliasi_kecamatan(run=run, user=request.user),
        "can_cancel": run.is_berjalan and request.user.role in {R.ADMIN, R.OPERATOR},
    }
    return render(request, "dtsen/rekonsiliasi_detail.html", context)


@require_GET
@require_role(*KANTOR)
def rekonsiliasi_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    run = access_rekonsiliasi(request.user, pk)
    response = render(request, "dtsen/_rekonsiliasi_progress.html", {"run": run})
    if not run.is_berjalan:
        response["HX-Refresh"] = "true"  # counts and buttons change with the status
    return response


@require_POST
@require_role(R.ADMIN, R.OPERATOR)
def rekonsiliasi_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    run = access_rekonsiliasi(request.user, pk, for_update=True)
    try:
        services.rekonsiliasi_cancel(rekonsiliasi=run, user=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, "Pembatalan diminta; rekonsiliasi berhenti di langkah berikutnya."
        )
    return redirect("dtsen:rekonsiliasi-detail", run.pk)


# --- Findings --------------------------------------------------------------------------------
def _filter_form(request: AuthedRequest) -> forms.TemuanFilterForm:
    is_office = request.user.role in PEMUTUS
    return forms.TemuanFilterForm(
        request.GET or None,
        kecamatan_qs=selectors.kecamatan_pilihan(user=request.user),
        pendamping_qs=selectors.pendamping_pilihan(user=request.user) if is_office else None,
    )


def temuan_list(request: AuthedRequest) -> HttpResponse:
    form = _filter_form(request)
    temuan = selectors.temuan_list(user=request.user, filter=form.filter())
    page = Paginator(temuan, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="dtsen.temuan",
        reason="Daftar temuan rekonsiliasi",
        jumlah=len(rows),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_assign": request.user.role in PEMUTUS,
        "tujuan": form.pendamping_list,
        "kembali": request.get_full_path(),
    }
    return render(request, "dtsen/temuan_list.html", context)


@require_POST
@require_role(*KANTOR)
def temuan_assign_bulk(request: AuthedRequest) -> HttpResponse:
    form = forms.TemuanBulkAssignForm(
        request.POST,
        temuan_qs=selectors.temuan_list(
            user=request.user, filter=selectors.FilterTemuan(status="semua")
        ),
        pendamping_qs=selectors.pendamping_pilihan(user=request.user),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect(_kembali(request))
    hasil = services.temuan_assign_bulk(
        temuan=form.cleaned_data["temuan"],
        pendamping=form.pendamping(),
        assigned_by=request.user,
    )
    messages.success(request, f"{angka(hasil.ditugaskan)} temuan diteruskan ke pendamping.")
    if hasil.tanpa_pendamping:
        messages.warning(
            request,
            f"{angka(hasil.tanpa_pendamping)} temuan dilewati: keluarganya belum punya "
            "pendamping atau temuan bukan tentang keluarga KPM.",
        )
    if hasil.di_luar_wilayah:
        messages.warning(
            request,
            f"{angka(hasil.di_luar_wilayah)} temuan dilewati: di luar wilayah tugas pendamping.",
        )
    if hasil.ditutup:
        messages.warning(request, f"{angka(hasil.ditutup)} temuan dilewati: sudah ditutup.")
    if hasil.sudah_ditugaskan:
        messages.info(
            request,
            f"{angka(hasil.sudah_ditugaskan)} temuan tidak berubah: sudah di pendamping itu.",
        )
    return redirect(_kembali(request))


def _kembali(request: AuthedRequest) -> str:
    """Back to the filtered list the form was posted from (a path on this site only)."""
    kembali = request.POST.get("kembali", "")
    if kembali and url_has_allowed_host_and_scheme(kembali, allowed_hosts=None):
        return kembali
    return reverse("dtsen:temuan-list")


def _detail_context(request: AuthedRequest, temuan: Temuan) -> dict[str, object]:
    detail = selectors.temuan_detail(temuan=temuan, user=request.user)
    return {
        "d": detail,
        "temuan": temuan,
        "assign_form": forms.TemuanAssignForm(
            pendamping_qs=selectors.pendamping_untuk_temuan(temuan=temuan),
            initial={"pendamping": temuan.pendamping_id or _pendamping_keluarga(temuan)},
        ),
        "follow_up_form": forms.TindakLanjutForm(
            keputusan_pilihan=detail.keputusan_pilihan,
            can_decide=detail.can_decide,
            is_kecocokan=detail.is_kecocokan,
        ),
    }


def _pendamping_keluarga(temuan: Temuan) -> int | None:
    return temuan.keluarga.pendamping_id if temuan.keluarga else None


def temuan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    temuan = access_temuan(request.user, pk)
    return render(request, "dtsen/temuan_detail.html", _detail_context(request, temuan))


@require_POST
def temuan_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    temuan = access_temuan(request.user, pk, for_assign=True, audit=False)
    form = forms.TemuanAssignForm(
        request.POST, pendamping_qs=selectors.pendamping_untuk_temuan(temuan=temuan)
    )
    if form.is_valid():
        try:
            services.temuan_assign(
                temuan=temuan, pendamping=form.cleaned_data["pendamping"], assigned_by=request.user
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "Temuan diteruskan ke pendamping.")
            return redirect("dtsen:temuan-detail", temuan.pk)
    context = {**_detail_context(request, temuan), "assign_form": form}
    return render(request, "dtsen/temuan_detail.html", context, status=400)


@require_POST
def temuan_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    temuan = access_temuan(request.user, pk, audit=False)
    detail = selectors.temuan_detail(temuan=temuan, user=request.user)
    form = forms.TindakLanjutForm(
        request.POST,
        request.FILES,
        keputusan_pilihan=detail.keputusan_pilihan,
        can_decide=detail.can_decide,
        is_kecocokan=detail.is_kecocokan,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.temuan_follow_up(
                temuan=temuan,
                user=request.user,
                tahap=data["tahap"],
                keputusan=data.get("keputusan", ""),
                catatan=data["catatan"],
                bukti=data["bukti"],
                jenis_bukti=data["jenis_bukti"],
                tipe_bukti=form.tipe_bukti,
                is_sama=data.get("is_sama"),
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "Tindak lanjut dicatat.")
            return redirect("dtsen:temuan-detail", temuan.pk)
    context = {**_detail_context(request, temuan), "follow_up_form": form}
    return render(request, "dtsen/temuan_detail.html", context, status=400)


@require_GET
def temuan_bukti(request: AuthedRequest, pk: int, riwayat_pk: int) -> FileResponse:
    riwayat = access_bukti(request.user, pk, riwayat_pk)
    return upload_response(riwayat.bukti, filename=f"bukti-temuan-{pk}-{riwayat.pk}")


@require_role(*KANTOR)
def kecocokan_presisi(request: AuthedRequest) -> HttpResponse:
    presisi = selectors.kecocokan_presisi(user=request.user)
    return render(request, "dtsen/kecocokan_presisi.html", {"p": presisi})


@require_role(*KANTOR)
def temuan_summary(request: AuthedRequest) -> HttpResponse:
    ringkasan = selectors.temuan_ringkasan(user=request.user)
    return render(request, "dtsen/temuan_ringkasan.html", {"r": ringkasan})


# --- SIKS-NG lists (DOMAIN.md §7) ------------------------------------------------------------
@require_role(R.ADMIN, R.OPERATOR)
def siks_list(request: AuthedRequest) -> HttpResponse:
    periksa = [selectors_siks.siks_periksa(user=request.user, jenis=j) for j in EksporSiks.Jenis]
    ekspor = selectors_siks.ekspor_list(user=request.user)[:20]
    return render(request, "dtsen/temuan_siks.html", {"periksa": periksa, "ekspor": ekspor})


@require_POST
@require_role(R.ADMIN, R.OPERATOR)
def siks_export(request: AuthedRequest, jenis: str) -> HttpResponse:
    if jenis not in EksporSiks.Jenis.values:
        raise Http404
    try:
        ekspor = services.siks_export(user=request.user, jenis=EksporSiks.Jenis(jenis))
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            f"{ekspor.get_jenis_display()}: {angka(ekspor.jumlah_baris)} baris diekspor "
            f"(ekspor #{ekspor.pk}).",
        )
    return redirect("dtsen:siks-list")


@require_GET
def siks_download(request: AuthedRequest, pk: int) -> FileResponse:
    if request.user.role not in {R.ADMIN, R.OPERATOR}:  # require_role types HttpResponse only
        raise PermissionDenied
    ekspor = access_ekspor(request.user, pk)
    services.siks_download_record(user=request.user, ekspor=ekspor)
    return download_file_response(
        ekspor.file.open("rb"), name=f"siks-ng-{ekspor.jenis}-{ekspor.pk}", fmt=XLSX
    )
