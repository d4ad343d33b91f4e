"""The rakor report pages: the list by month, one report (or its progress), its files."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dinsos import services as dinsos_services
from dinsos.ekspor import XLSX, DownloadFormat, download_file_response
from dinsos.errors import DomainError
from dinsos.forms import HalamanForm
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User
from laporan import forms, selectors, services, tampilan, tasks
from laporan.access import KANTOR, access_laporan, can_lihat_sdm
from laporan.models import LaporanBulanan

R = User.Role
PDF = DownloadFormat(".pdf", "application/pdf")
PAGE_SIZE = 24  # two years of one area's monthly reports


def _form(request: AuthedRequest, data: object = None) -> forms.LaporanBuatForm:
    return forms.LaporanBuatForm(
        data,
        bulan_pilihan=selectors.bulan_pilihan(),
        wilayah_qs=selectors.wilayah_pilihan(user=request.user),
    )


def _list_context(request: AuthedRequest, form: forms.LaporanBuatForm) -> dict[str, object]:
    laporan = selectors.laporan_list(user=request.user)
    page = Paginator(laporan, PAGE_SIZE).get_page(HalamanForm(request.GET).nomor())
    return {"form": form, "page": page, "laporan_list": page, "query_string": ""}


@require_GET
@require_role(*KANTOR)
def laporan_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "laporan/laporan_list.html", _list_context(request, _form(request)))


@require_POST
@require_role(*KANTOR)
def laporan_create(request: AuthedRequest) -> HttpResponse:
    form = _form(request, request.POST)
    if form.is_valid():
        try:
            laporan = services.laporan_minta(
                wilayah=form.cleaned_data["wilayah"],
                bulan=form.cleaned_data["bulan"],
                oleh=request.user,
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            tasks.laporan_antrekan(laporan_id=laporan.pk)
            messages.success(
                request, "Laporan sedang disusun; halaman ini menampilkan kemajuannya."
            )
            return redirect("laporan:laporan-detail", laporan.pk)
    return render(request, "laporan/laporan_list.html", _list_context(request, form), status=400)


@require_GET
@require_role(*KANTOR)
def laporan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    laporan = access_laporan(request.user, pk)
    context = {
        "laporan": laporan,
        "judul": services.judul_laporan(laporan),
        "bagian_list": tampilan.bagian_list(
            laporan.data, with_sdm=can_lihat_sdm(request.user), with_links=True
        )
        if laporan.is_selesai
        else [],
        "riwayat": selectors.laporan_riwayat(laporan=laporan),
        "form_ulang": _form(
            request, {"bulan": laporan.bulan.isoformat(), "wilayah": laporan.wilayah_id}
        ),
        "is_sdm_tersembunyi": not can_lihat_sdm(request.user),
    }
    return render(request, "laporan/laporan_detail.html", context)


@require_GET
@require_role(*KANTOR)
def laporan_progres(request: AuthedRequest, pk: int) -> HttpResponse:
    laporan = access_laporan(request.user, pk)
    response = render(request, "laporan/_laporan_progres.html", {"laporan": laporan})
    if not laporan.is_berjalan:
        response["HX-Refresh"] = "true"  # the figures and the download buttons appear
    return response


def _unduh(request: AuthedRequest, laporan: LaporanBulanan, fmt: DownloadFormat) -> HttpResponse:
    if not laporan.is_selesai:
        messages.error(request, "Laporan belum selesai disusun.")
        return redirect("laporan:laporan-detail", laporan.pk)
    dinsos_services.audit_record(user=request.user, action=AuditEvent.Action.EXPORT, obj=laporan)
    nama = f"laporan-rakor-{laporan.bulan:%Y-%m}-{laporan.wilayah.nama}-v{laporan.versi}"
    if can_lihat_sdm(request.user):
        berkas = laporan.berkas_pdf if fmt is PDF else laporan.berkas_xlsx
        return download_file_response(berkas.open("rb"), name=nama, fmt=fmt)  # type: ignore[return-value]  # a streamed HttpResponseBase, as require_role's type wants
    # Without the workforce section: made once from the same frozen figures, then kept.
    berkas = services.laporan_berkas_umum(laporan=laporan, pdf=fmt is PDF)
    return download_file_response(berkas.open("rb"), name=nama, fmt=fmt)  # type: ignore[return-value]  # a streamed HttpResponseBase, as require_role's type wants


@require_GET
@require_role(*KANTOR)
def laporan_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    return _unduh(request, access_laporan(request.user, pk), PDF)


@require_GET
@require_role(*KANTOR)
def laporan_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    return _unduh(request, access_laporan(request.user, pk), XLSX)
