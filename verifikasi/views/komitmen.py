"""Verifikasi komitmen, e-PKH import and suspension proposals: access → form → service →
redirect/render (DOMAIN.md §4)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dinsos import selectors as dinsos_selectors
from dinsos.bulan import awal_bulan
from dinsos.errors import DomainError
from dinsos.formatting import angka, bulan_tahun
from dinsos.http import AuthedRequest, require_role
from dinsos.models import User
from dinsos.pengaturan import today
from kpm.access import access_keluarga
from verifikasi import forms, selectors, services
from verifikasi.access import (
    access_unggahan_epkh,
    access_usulan,
    can_decide,
    can_record_komitmen,
)
from verifikasi.importers import epkh, tata_epkh
from verifikasi.models import UnggahanEpkh

R = User.Role
PAGE_KELUARGA = 50  # families per month-view page: one save stays far below the field limit
PAGE_SIZE = 25


def query_tanpa(request: AuthedRequest, *drop: str) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k not in drop and v})


# --- Month view ---------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def komitmen_bulan(request: AuthedRequest) -> HttpResponse:
    user = request.user
    can_record = can_record_komitmen(user)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    hari_ini = today()
    filter_form = forms.BulanFilterForm(
        request.GET or None, pendamping=selectors.pendamping_pilihan(user=user), hari_ini=hari_ini
    )
    bulan, pendamping_id = filter_form.pilihan()
    if keluarga_id := forms.KeluargaParameterForm(request.GET).nilai()["keluarga"]:
        keluarga_id = access_keluarga(user, keluarga_id, audit=False).pk
    keluarga_qs = selectors.keluarga_komitmen(
        user=user,
        pendamping_id=pendamping_id,
        belum_bulan=bulan if filter_form.is_hanya_belum else None,
        keluarga_id=keluarga_id,
    )
    page = Paginator(keluarga_qs, PAGE_KELUARGA).get_page(request.GET.get("page"))
    batas = dinsos_selectors.pengaturan_get("komitmen_pendidikan_persen_min", on=bulan)
    rows = selectors.komitmen_bulan(keluarga=list(page), bulan=bulan, batas=batas)
    form = forms.KomitmenBulanForm(request.POST or None, keluarga=rows)
    status = 200
    if request.method == "POST":
        # A month that has not started must not fall back to the default month on save.
        if filter_form.is_bound and not filter_form.is_valid():
            form.add_error(None, "Pilih bulan yang sudah dimulai.")
        elif form.is_valid():
            try:
                jumlah = services.komitmen_record(entri=form.entri(), bulan=bulan, oleh=user)
            except DomainError as e:
                form.add_error(None, e.message)
            else:
                messages.success(
                    request,
                    f"{angka(jumlah)} catatan komitmen {bulan_tahun(bulan)} disimpan.",
                )
                return redirect(f"{reverse('verifikasi:komitmen-bulan')}?{query_tanpa(request)}")
        status = 400
    context = {
        "filter_form": filter_form,
        "form": form,
        "kelompok": form.kelompok(),
        "page": page,
        "bulan": bulan,
        "label_bulan": bulan_tahun(bulan),
        "batas": batas,
        "can_record": can_record,
        "status_pilihan": forms.KomitmenBulanForm.STATUS_PILIHAN,
        "query_string": query_tanpa(request, "page"),
        "action_query": query_tanpa(request),
    }
    return render(request, "verifikasi/komitmen_bulan.html", context, status=status)


# --- e-PKH import -------------------------------------------------------------------------
def _epkh_preview(
    request: AuthedRequest, unggahan: UnggahanEpkh, form: forms.EpkhUploadForm | None
) -> HttpResponse:
    content, tahun = bytes(unggahan.isi), unggahan.tahun
    try:
        hasil = epkh.baca(content, user=request.user, tahun=tahun, hari_ini=today())
    except tata_epkh.KolomTidakDikenali as e:
        context = {"form": form or forms.EpkhUploadForm(), "galat_berkas": e.message}
        return render(request, "verifikasi/komitmen_impor.html", context, status=400)
    context = {
        "form": form or forms.EpkhUploadForm(initial={"tahun": tahun}),
        "hasil": hasil,
        "bulan_label": [bulan_tahun(b) for b in hasil.bulan],
        "terapkan_form": forms.EpkhTerapkanForm(initial={"unggahan": unggahan.pk}),
    }
    return render(
        request, "verifikasi/komitmen_impor.html", context, status=200 if hasil.is_valid else 400
    )


@require_role(R.ADMIN, R.OPERATOR, R.PENDAMPING)
@require_http_methods(["GET", "POST"])
def komitmen_impor(request: AuthedRequest) -> HttpResponse:
    form = forms.EpkhUploadForm(
        request.POST or None, request.FILES or None, initial={"tahun": today().year}
    )
    if request.method == "POST":
        if form.is_valid():
            unggahan = services.epkh_unggahan_simpan(
                isi=form.cleaned_data["berkas"].read(),
                tahun=form.cleaned_data["tahun"],
                oleh=request.user,
            )
            return _epkh_preview(request, unggahan, form)
        return render(request, "verifikasi/komitmen_impor.html", {"form": form}, status=400)
    return render(request, "verifikasi/komitmen_impor.html", {"form": form})


@require_role(R.ADMIN, R.OPERATOR, R.PENDAMPING)
@require_POST
def komitmen_impor_terapkan(request: AuthedRequest) -> HttpResponse:
    form = forms.EpkhTerapkanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pratinjau sudah kedaluwarsa atau rusak; unggah berkas lagi.")
        return redirect("verifikasi:komitmen-impor")
    unggahan = access_unggahan_epkh(request.user, form.cleaned_data["unggahan"])
    if timezone.now() > unggahan.berlaku_sampai:
        messages.error(request, "Pratinjau sudah kedaluwarsa atau rusak; unggah berkas lagi.")
        return redirect("verifikasi:komitmen-impor")
    content = bytes(unggahan.isi)
    try:
        hasil = epkh.baca(content, user=request.user, tahun=unggahan.tahun, hari_ini=today())
    except tata_epkh.KolomTidakDikenali:
        hasil = None
    if hasil is None or not hasil.is_valid:
        return _epkh_preview(request, unggahan, None)
    try:
        jumlah = services.epkh_unggahan_terapkan(
            unggahan=unggahan, entri_per_bulan=hasil.entri_per_bulan(), oleh=request.user
        )
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("verifikasi:komitmen-impor")
    rentang = selectors.rentang_bulan(hasil.bulan[0], hasil.bulan[-1])
    messages.success(
        request,
        f"Impor e-PKH selesai: {angka(jumlah)} catatan komitmen {rentang} dari "
        f"{angka(len(hasil.baris))} siswa disimpan.",
    )
    return redirect(f"{reverse('verifikasi:komitmen-bulan')}?bulan={hasil.bulan[-1]:%Y-%m}")


# --- Office: flags and proposals ----------------------------------------------------------
@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def usulan_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    hari_ini = today()
    tampil = "tanda" if request.GET.get("tampil") == "tanda" else "usulan"
    saringan = forms.UsulanFilterForm(
        request.GET or None, kecamatan=dinsos_selectors.kecamatan_pilihan(user=user)
    )
    status, filters = saringan.to_filter()
    filter_form = forms.BulanFilterForm(request.GET or None, pendamping=[], hari_ini=hari_ini)
    bulan, _ = filter_form.pilihan()
    items: QuerySet[Any]
    if tampil == "tanda":
        items = selectors.tanda_list(user=user, bulan=bulan, filters=filters)
    else:
        items = selectors.usulan_list(user=user, status=status, filters=filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    awal = awal_bulan(hari_ini, geser=-12)
    aturan = dinsos_selectors.pengaturan_semua(on=bulan)  # threshold and D13 reading: 1 query
    context = {
        "tampil": tampil,
        "saringan": saringan,
        "filter_form": filter_form,
        "bulan": bulan,
        "label_bulan": bulan_tahun(bulan),
        "batas": aturan["komitmen_pendidikan_persen_min"],
        "jeda_memutus": aturan["runtun_jeda_berketerangan_memutus"],
        "page": page,
        "can_decide": can_decide(user),
        "evaluasi_form": forms.EvaluasiForm(
            initial={"bulan_awal": awal, "bulan_akhir": awal_bulan(hari_ini, geser=-1)}
        ),
        "query_string": query_tanpa(request, "page"),
    }
    return render(request, "verifikasi/komitmen_usulan.html", context)


@require_role(R.ADMIN, R.OPERATOR)
@require_POST
def usulan_evaluasi(request: AuthedRequest) -> HttpResponse:
    form = forms.EvaluasiForm(request.POST)
    if form.is_valid():
        try:
            hasil = services.usulan_evaluate(
                bulan_awal=form.cleaned_data["bulan_awal"],
                bulan_akhir=form.cleaned_data["bulan_akhir"],
                oleh=request.user,
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            rentang = selectors.rentang_bulan(hasil.awal, awal_bulan(hasil.akhir))
            messages.success(
                request,
                f"Evaluasi {rentang}: {angka(hasil.ditemukan)} pelanggaran ditemukan, "
                f"{angka(hasil.baru)} usulan baru, {angka(hasil.diperbarui)} usulan diperbarui.",
            )
            return redirect("verifikasi:usulan-list")
    return render(request, "verifikasi/komitmen_evaluasi.html", {"form": form}, status=400)


@require_role(R.ADMIN, R.OPERATOR)
@require_POST
def usulan_putuskan(request: AuthedRequest, pk: int) -> HttpResponse:
    usulan = access_usulan(request.user, pk)
    form = forms.KeputusanForm(request.POST)
    if form.is_valid():
        try:
            hasil_keputusan = services.usulan_decide(
                usulan=usulan,
                is_diterima=form.is_diterima,
                catatan=form.cleaned_data["catatan"],
                oleh=request.user,
            )
        except DomainError as e:
            form.add_error("catatan" if e.field == "catatan" else None, e.message)
        else:
            hasil = "diterima: keluarga ditangguhkan" if form.is_diterima else "ditolak"
            if hasil_keputusan.status == hasil_keputusan.Status.DIUSULKAN:  # issue 20
                hasil = "diterima dan diajukan; berlaku setelah disetujui petugas lain"
            messages.success(request, f"Usulan #{usulan.pk} {hasil}.")
            return redirect(f"{reverse('verifikasi:usulan-list')}?{query_tanpa(request)}")
    context = {"usulan": usulan, "form": form}
    return render(request, "verifikasi/komitmen_usulan_putuskan.html", context, status=400)
