"""Sekolah Rakyat pages: the candidate list, home visits and the export (DOMAIN.md §9)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dinsos import ekspor
from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.forms import HalamanForm
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from verifikasi import forms, selectors, services
from verifikasi.access import (
    can_decide,
    can_record_komitmen,
)
from verifikasi.exporters import sekolah_rakyat_xlsx
from verifikasi.models import KandidatSekolahRakyat
from verifikasi.services import jendela_usia
from verifikasi.views.komitmen import PAGE_SIZE, query_tanpa

R = User.Role


def _sekolah_rakyat_form(request: AuthedRequest) -> forms.SekolahRakyatFilterForm:
    return forms.SekolahRakyatFilterForm(
        request.GET or None,
        kelurahan=selectors.kelurahan_pilihan(user=request.user),
        pendamping=selectors.pendamping_pilihan(user=request.user),
        hari_ini=today(),
    )


def sekolah_rakyat_list(request: AuthedRequest) -> HttpResponse:
    form = _sekolah_rakyat_form(request)
    filters = form.to_filter()
    pengaturan = dinsos_selectors.pengaturan_semua(on=today())
    # Issue 21: the candidates of the reference date come from its summary.
    ringkasan = services.sekolah_rakyat_ringkasan_siapkan(
        tanggal_acuan=filters.tanggal_acuan, pengaturan=pengaturan
    )
    # Issue 20, D5: seats per level, and DTSEN children outside KPM.
    kuota = selectors.sekolah_rakyat_kuota(ringkasan=ringkasan, pengaturan=pengaturan)
    kandidat = selectors.sekolah_rakyat_kandidat(
        user=request.user, filters=filters, ringkasan=ringkasan, kuota=kuota
    )
    ringkas = selectors.sekolah_rakyat_ringkas(
        kandidat=kandidat, tahun_ajaran=filters.tanggal_acuan.year
    )
    paginator = Paginator(kandidat, PAGE_SIZE)
    # The per-kelurahan table counts the same rows: no second COUNT over them.
    paginator.count = sum(r.utama + r.cadangan for r in ringkas)
    page = paginator.get_page(request.GET.get("page"))
    # The page's rows as the members they are (one query); the pagination stays the rows'.
    page.object_list = selectors.sekolah_rakyat_anggota_list(  # type: ignore[assignment]
        user=request.user, baris=page.object_list, tahun_ajaran=filters.tanggal_acuan.year
    )
    dtsen = selectors.sekolah_rakyat_dtsen(
        user=request.user, filters=filters, ringkasan=ringkasan, kuota=kuota
    )
    page_dtsen = Paginator(dtsen, PAGE_SIZE).get_page(request.GET.get("halaman_dtsen"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "kuota": kuota,
        "page_dtsen": page_dtsen,
        "query_dtsen": query_tanpa(request, "halaman_dtsen"),
        "ringkas": ringkas,
        "jendela": jendela_usia(pengaturan),
        "diperbarui": ringkasan.dihitung_pada,
        "keterangan_ringkasan": _keterangan_ringkasan(pengaturan),
        "can_record": can_record_komitmen(request.user),
        "can_export": can_decide(request.user),
        "query_string": query_tanpa(request, "page"),
        "acuan_query": urlencode({"acuan": filters.tanggal_acuan.isoformat()}),
    }
    return render(request, "verifikasi/sekolah_rakyat_list.html", context)


def _keterangan_ringkasan(pengaturan: Mapping[str, Any]) -> str:
    menit = pengaturan["ringkasan_umur_menit"]
    return (
        f"Kandidat dihitung ulang paling lambat tiap {menit} menit dan setelah snapshot DTSEN "
        "diterapkan; hasil kunjungan, kuota dan pembatasan data langsung terlihat."
    )


def sekolah_rakyat_kunjungan_list(request: AuthedRequest) -> HttpResponse:
    """Home visits recorded, by school year, result, month and kecamatan (the rakor report
    links here)."""
    form = forms.KunjunganFilterForm(
        request.GET or None, kecamatan=dinsos_selectors.kecamatan_pilihan(user=request.user)
    )
    kunjungan = selectors.kunjungan_list(user=request.user, filters=form.to_filter())
    context = {
        "form": form,
        "page": Paginator(kunjungan, PAGE_SIZE).get_page(HalamanForm(request.GET).nomor()),
        "query_string": query_tanpa(request, "page"),
    }
    return render(request, "verifikasi/sekolah_rakyat_kunjungan_list.html", context)


def _tanggal_acuan(request: AuthedRequest) -> datetime.date:
    acuan = forms.AcuanParameterForm(request.GET).nilai()["acuan"]
    return acuan or services.tanggal_acuan_bawaan(today())


@require_role(R.ADMIN, R.OPERATOR, R.PENDAMPING)
@require_http_methods(["GET", "POST"])
def sekolah_rakyat_kunjungan(request: AuthedRequest, pk: int) -> HttpResponse:
    acuan = _tanggal_acuan(request)
    ringkasan = services.sekolah_rakyat_ringkasan_siapkan(tanggal_acuan=acuan)
    anggota = selectors.sekolah_rakyat_anggota(
        user=request.user, anggota_id=pk, tanggal_acuan=acuan, ringkasan=ringkasan
    )
    tercatat = selectors.sekolah_rakyat_tercatat(anggota=anggota, tahun_ajaran=acuan.year)
    initial: dict[str, Any] = {"tanggal_kunjungan": today()}
    if tercatat is not None:
        initial = {
            "tanggal_kunjungan": tercatat.tanggal_kunjungan,
            "status": tercatat.status,
            "is_persetujuan_ortu": tercatat.is_persetujuan_ortu,
            "catatan": tercatat.catatan,
        }
    form = forms.KunjunganForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            hasil = services.sekolah_rakyat_kunjungan_ajukan(
                anggota=anggota,
                tanggal_acuan=acuan,
                oleh=request.user,
                **form.cleaned_data,
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            if isinstance(hasil, KandidatSekolahRakyat):
                messages.success(request, f"Kunjungan rumah {anggota.nama} dicatat.")
            else:  # issue 20: four eyes
                messages.success(
                    request,
                    f"Konfirmasi {anggota.nama} diajukan; tercatat setelah disetujui petugas "
                    "kantor di halaman Persetujuan.",
                )
            return redirect(
                f"{reverse('verifikasi:sekolah-rakyat-list')}?tanggal_acuan={acuan.isoformat()}"
            )
    status = 400 if request.method == "POST" else 200
    context = {
        "anggota": anggota,
        "form": form,
        "acuan": acuan,
        "status_pilihan": KandidatSekolahRakyat.Status.choices,
    }
    return render(request, "verifikasi/sekolah_rakyat_kunjungan.html", context, status=status)


def sekolah_rakyat_ekspor(request: AuthedRequest) -> HttpResponseBase:
    if request.user.role not in {R.ADMIN, R.OPERATOR}:  # require_role is typed for HttpResponse
        raise PermissionDenied
    filters = _sekolah_rakyat_form(request).to_filter()
    ringkasan = services.sekolah_rakyat_ringkasan_siapkan(tanggal_acuan=filters.tanggal_acuan)
    kandidat = selectors.sekolah_rakyat_kandidat(
        user=request.user,
        filters=filters,
        ringkasan=ringkasan,
        kuota=selectors.sekolah_rakyat_kuota(ringkasan=ringkasan),
    )
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=KandidatSekolahRakyat._meta.label_lower,
        reason=f"Ekspor kandidat Sekolah Rakyat (umur per {filters.tanggal_acuan.isoformat()})",
        jumlah=kandidat.count(),
    )
    # Issue 21: written while sent, the candidates read 2.000 at a time.
    baris = selectors.sekolah_rakyat_ekspor_baris(
        user=request.user, kandidat=kandidat, tahun_ajaran=filters.tanggal_acuan.year
    )
    return ekspor.download_stream_response(
        sekolah_rakyat_xlsx(baris, tanggal_acuan=filters.tanggal_acuan),
        name=f"kandidat-sekolah-rakyat-{filters.tanggal_acuan:%Y%m%d}",
        fmt=ekspor.XLSX,
    )
