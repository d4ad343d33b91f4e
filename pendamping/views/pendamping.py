"""The workforce pages: pendamping, their performance, the comparison, assignments."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from dinsos import selectors as dinsos_selectors
from dinsos.ekspor import XLSX, download_response
from dinsos.errors import DomainError
from dinsos.formatting import angka
from dinsos.http import AuthedRequest, require_role
from pendamping import exporters, forms, selectors, services
from pendamping.access import (
    access_keluarga_ids,
    access_pendamping,
)
from pendamping.views import (
    KANTOR,
    PENUGASAN_TAMPIL,
    R,
    _add_domain_error,
    _form_status,
    _page,
    _query_string,
)

PERBANDINGAN_PER_HALAMAN = 100  # rows of the comparison table per page (issue 21)


# --- Pendamping, performance, comparison -------------------------------------------
@require_role(*KANTOR)
def pendamping_list(request: AuthedRequest) -> HttpResponse:
    form = forms.PendampingFilterForm(request.GET or None)
    pendamping = selectors.pendamping_list(user=request.user, filters=form.to_filter())
    context = {
        "form": form,
        "page": _page(request, pendamping),
        "query_string": _query_string(request),
    }
    return render(request, "pendamping/pendamping_list.html", context)


@require_role(R.PENDAMPING)
def pendamping_saya(request: AuthedRequest) -> HttpResponse:
    profil = selectors.pendamping_milik(user=request.user)
    if profil is None:
        return render(request, "pendamping/pendamping_tanpa_profil.html")
    return pendamping_detail(request, profil.pk)


def pendamping_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    pendamping = access_pendamping(request.user, pk)
    form = forms.PeriodeForm(request.GET or None)
    periode = form.periode()
    hasil, seri, diperbarui = _kinerja(pendamping, periode)
    context = {
        "pendamping": pendamping,
        "is_kantor": request.user.role in KANTOR,
        "wilayah": selectors.pendamping_wilayah(pendamping=pendamping),
        "form": form,
        "periode": periode,
        "i": hasil,
        "grafik_list": selectors.grafik_list(seri),
        "is_p2k2_tersedia": selectors.is_p2k2_tersedia(),
        "can_see_audit": request.user.is_admin,
        "query_string": urlencode(periode.params),
        "diperbarui": diperbarui,
        "keterangan_ringkasan": _keterangan_ringkasan(),
    }
    return render(request, "pendamping/pendamping_detail.html", context)


def pendamping_laporan_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    pendamping = access_pendamping(request.user, pk)
    periode = forms.PeriodeForm(request.GET or None).periode()
    hasil, seri, _ = _kinerja(pendamping, periode)
    nama = f"laporan-pendamping-{pendamping.pk}-{periode.tahun}-{periode.bulan or 'tahun'}"
    return download_response(exporters.laporan_xlsx(hasil, seri), name=nama, fmt=XLSX)


def _kinerja(pendamping: Any, periode: Any) -> tuple[Any, list[Any], Any]:
    """Issue 21: the figures from the summary, brought up to date first (usually nothing to
    do: writes mark their rows, beat refreshes the running periods)."""
    services.ringkasan_kinerja_segarkan(
        pendamping_ids=[pendamping.pk], periodes=selectors.periode_kinerja(periode)
    )
    return selectors.kinerja_ringkas(
        pendamping=pendamping, periode=periode, pengaturan=dinsos_selectors.pengaturan_semua()
    )


def _keterangan_ringkasan() -> str:
    menit = dinsos_selectors.pengaturan_get("ringkasan_umur_menit")
    return (
        f"Catatan baru pendamping langsung terhitung; data lain (P2K2, komitmen, log akses) "
        f"paling lambat {menit} menit."
    )


def _perbandingan_rows(
    request: AuthedRequest,
) -> tuple[forms.PerbandinganForm, Any, list[Any], Any]:
    form = forms.PerbandinganForm(request.GET or None)
    periode = form.periode()
    jenis = form.cleaned_data.get("jenis", "") if form.is_bound and form.is_valid() else ""
    profil = selectors.perbandingan_profil(user=request.user, periode=periode, jenis=jenis)
    services.ringkasan_kinerja_segarkan(
        pendamping_ids=list(profil.values_list("pk", flat=True)), periodes=[periode]
    )
    rows, diperbarui = selectors.perbandingan_ringkas(
        user=request.user,
        periode=periode,
        pengaturan=dinsos_selectors.pengaturan_semua(),
        jenis=jenis,
    )
    return form, periode, rows, diperbarui


@require_role(*KANTOR)
def perbandingan(request: AuthedRequest) -> HttpResponse:
    form = forms.PerbandinganForm(request.GET or None)
    periode = form.periode()
    jenis = form.cleaned_data.get("jenis", "") if form.is_bound and form.is_valid() else ""
    # Issue 21: a page of pendamping at a time (an office's ~70 fit on one, a province's 400
    # take four), each from the summary.
    profil_qs = selectors.perbandingan_profil(user=request.user, periode=periode, jenis=jenis)
    page = Paginator(profil_qs, PERBANDINGAN_PER_HALAMAN).get_page(request.GET.get("page"))
    profil = list(page.object_list)
    services.ringkasan_kinerja_segarkan(pendamping_ids=[p.pk for p in profil], periodes=[periode])
    hasil = selectors.indikator_ringkas(profil, [periode], dinsos_selectors.pengaturan_semua())
    rows, diperbarui = hasil.indikator[0], hasil.diperbarui
    context = {
        "form": form,
        "periode": periode,
        "page": page,
        "rows": rows,
        "diperbarui": diperbarui,
        "keterangan_ringkasan": _keterangan_ringkasan(),
        "is_p2k2_tersedia": selectors.is_p2k2_tersedia(),
        "query_string": _query_string(request),
    }
    return render(request, "pendamping/perbandingan.html", context)


@require_role(*KANTOR)
def perbandingan_xlsx(request: AuthedRequest) -> HttpResponse:
    _, periode, rows, _ = _perbandingan_rows(request)
    content = exporters.perbandingan_xlsx(rows, periode=periode)
    nama = f"perbandingan-pendamping-{periode.tahun}-{periode.bulan or 'tahun'}"
    return download_response(content, name=nama, fmt=XLSX)


# --- Assignment ----------------------------------------------------------------------
@require_role(*KANTOR)
def penugasan(request: AuthedRequest) -> HttpResponse:
    pilihan = selectors.pendamping_pilihan(user=request.user)
    filter_form = forms.PenugasanFilterForm(
        request.GET or None,
        pendamping=list(pilihan),
        kelurahan=selectors.kelurahan_pilihan(user=request.user),
    )
    keluarga = selectors.keluarga_untuk_penugasan(
        user=request.user, filters=filter_form.to_filter(), is_narrowed=filter_form.is_narrowed
    )
    form = forms.PenugasanForm(request.POST or None, pendamping_qs=pilihan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["cakupan"] == forms.PenugasanForm.SEMUA:
            ids = selectors.keluarga_ids(keluarga)
        else:
            ids = access_keluarga_ids(request.user, data["keluarga"])
        try:
            hasil = services.keluarga_tugaskan(
                keluarga_ids=ids,
                ke=data["ke"].user,
                oleh=request.user,
                tanggal_mulai=data["tanggal_mulai"],
            )
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(
                request,
                f"{angka(hasil.dipindahkan)} keluarga ditugaskan ke {data['ke'].nama}; kini "
                f"mendampingi {angka(hasil.jumlah_baru)} dari batas {angka(hasil.batas)} keluarga.",
            )
            return redirect(f"{request.path}?{_query_string(request)}")
    context = {
        "filter_form": filter_form,
        "form": form,
        "keluarga_list": keluarga[:PENUGASAN_TAMPIL],
        "jumlah": keluarga.count(),
        "tampil_maks": PENUGASAN_TAMPIL,
        "query_string": _query_string(request),
    }
    return render(request, "pendamping/penugasan.html", context, status=_form_status(request))
