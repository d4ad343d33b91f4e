"""Verifikasi komitmen, usulan, graduasi and Sekolah Rakyat pages: access → form → service →
redirect/render (DOMAIN.md §4, §5, §9)."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dinsos import ekspor
from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.bulan import awal_bulan
from dinsos.errors import DomainError
from dinsos.formatting import angka, bulan_tahun
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from dinsos.uploads import upload_response
from kpm import epkh, services
from kpm import forms_komitmen as forms
from kpm import selectors_komitmen as selectors
from kpm.access import access_keluarga, access_unggahan_epkh
from kpm.ekspor_komitmen import sekolah_rakyat_xlsx
from kpm.models import Graduasi, KandidatSekolahRakyat, UnggahanEpkh, Usulan

R = User.Role
PAGE_KELUARGA = 50  # families per month-view page: one save stays far below the field limit
PAGE_SIZE = 25


def _query(request: AuthedRequest, *drop: str) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k not in drop and v})


# --- Month view ---------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def komitmen_bulan(request: AuthedRequest) -> HttpResponse:
    user = request.user
    can_record = selectors.can_record_komitmen(user)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    hari_ini = today()
    filter_form = forms.BulanFilterForm(
        request.GET or None, pendamping=selectors.pendamping_pilihan(user=user), hari_ini=hari_ini
    )
    bulan, pendamping_id = filter_form.pilihan()
    keluarga_qs = selectors.keluarga_komitmen(user=user, pendamping_id=pendamping_id)
    if keluarga_id := forms.KeluargaParameterForm(request.GET).nilai()["keluarga"]:
        keluarga = access_keluarga(user, keluarga_id, audit=False)
        keluarga_qs = keluarga_qs.filter(pk=keluarga.pk)
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
                return redirect(f"{reverse('kpm:komitmen-bulan')}?{_query(request)}")
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
        "query_string": _query(request, "page"),
        "action_query": _query(request),
    }
    return render(request, "kpm/komitmen_bulan.html", context, status=status)


# --- e-PKH import -------------------------------------------------------------------------
def _epkh_preview(
    request: AuthedRequest, unggahan: UnggahanEpkh, form: forms.EpkhUploadForm | None
) -> HttpResponse:
    content, tahun = bytes(unggahan.isi), unggahan.tahun
    try:
        hasil = epkh.baca(content, user=request.user, tahun=tahun, hari_ini=today())
    except epkh.KolomTidakDikenali as e:
        context = {"form": form or forms.EpkhUploadForm(), "galat_berkas": e.message}
        return render(request, "kpm/komitmen_impor.html", context, status=400)
    context = {
        "form": form or forms.EpkhUploadForm(initial={"tahun": tahun}),
        "hasil": hasil,
        "bulan_label": [bulan_tahun(b) for b in hasil.bulan],
        "terapkan_form": forms.EpkhTerapkanForm(initial={"unggahan": unggahan.pk}),
    }
    return render(
        request, "kpm/komitmen_impor.html", context, status=200 if hasil.is_valid else 400
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
        return render(request, "kpm/komitmen_impor.html", {"form": form}, status=400)
    return render(request, "kpm/komitmen_impor.html", {"form": form})


@require_role(R.ADMIN, R.OPERATOR, R.PENDAMPING)
@require_POST
def komitmen_impor_terapkan(request: AuthedRequest) -> HttpResponse:
    form = forms.EpkhTerapkanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pratinjau sudah kedaluwarsa atau rusak; unggah berkas lagi.")
        return redirect("kpm:komitmen-impor")
    unggahan = access_unggahan_epkh(request.user, form.cleaned_data["unggahan"])
    if timezone.now() > unggahan.berlaku_sampai:
        messages.error(request, "Pratinjau sudah kedaluwarsa atau rusak; unggah berkas lagi.")
        return redirect("kpm:komitmen-impor")
    content = bytes(unggahan.isi)
    try:
        hasil = epkh.baca(content, user=request.user, tahun=unggahan.tahun, hari_ini=today())
    except epkh.KolomTidakDikenali:
        hasil = None
    if hasil is None or not hasil.is_valid:
        return _epkh_preview(request, unggahan, None)
    try:
        jumlah = services.epkh_unggahan_terapkan(
            unggahan=unggahan, entri_per_bulan=hasil.entri_per_bulan(), oleh=request.user
        )
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("kpm:komitmen-impor")
    rentang = selectors.rentang_bulan(hasil.bulan[0], hasil.bulan[-1])
    messages.success(
        request,
        f"Impor e-PKH selesai: {angka(jumlah)} catatan komitmen {rentang} dari "
        f"{angka(len(hasil.baris))} siswa disimpan.",
    )
    return redirect(f"{reverse('kpm:komitmen-bulan')}?bulan={hasil.bulan[-1]:%Y-%m}")


# --- Office: flags and proposals ----------------------------------------------------------
@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def usulan_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    hari_ini = today()
    tampil = "tanda" if request.GET.get("tampil") == "tanda" else "usulan"
    status = request.GET.get("status", Usulan.Status.DIUSULKAN)
    if status not in Usulan.Status.values:
        status = Usulan.Status.DIUSULKAN
    filter_form = forms.BulanFilterForm(request.GET or None, pendamping=[], hari_ini=hari_ini)
    bulan, _ = filter_form.pilihan()
    items: QuerySet[Any]
    if tampil == "tanda":
        items = selectors.tanda_list(user=user, bulan=bulan)
    else:
        items = selectors.usulan_list(user=user, status=status)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    awal = awal_bulan(hari_ini, geser=-12)
    context = {
        "tampil": tampil,
        "status": status,
        "status_pilihan": Usulan.Status.choices,
        "filter_form": filter_form,
        "bulan": bulan,
        "label_bulan": bulan_tahun(bulan),
        "batas": dinsos_selectors.pengaturan_get("komitmen_pendidikan_persen_min", on=bulan),
        "page": page,
        "can_decide": selectors.can_decide(user),
        "evaluasi_form": forms.EvaluasiForm(
            initial={"bulan_awal": awal, "bulan_akhir": awal_bulan(hari_ini, geser=-1)}
        ),
        "query_string": _query(request, "page"),
    }
    return render(request, "kpm/komitmen_usulan.html", context)


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
            return redirect("kpm:usulan-list")
    return render(request, "kpm/komitmen_evaluasi.html", {"form": form}, status=400)


@require_role(R.ADMIN, R.OPERATOR)
@require_POST
def usulan_putuskan(request: AuthedRequest, pk: int) -> HttpResponse:
    usulan = selectors.access_usulan(request.user, pk)
    form = forms.KeputusanForm(request.POST)
    if form.is_valid():
        try:
            services.usulan_decide(
                usulan=usulan,
                is_diterima=form.is_diterima,
                catatan=form.cleaned_data["catatan"],
                oleh=request.user,
            )
        except DomainError as e:
            form.add_error("catatan" if e.field == "catatan" else None, e.message)
        else:
            hasil = "diterima: keluarga ditangguhkan" if form.is_diterima else "ditolak"
            messages.success(request, f"Usulan #{usulan.pk} {hasil}.")
            return redirect(f"{reverse('kpm:usulan-list')}?{_query(request)}")
    context = {"usulan": usulan, "form": form}
    return render(request, "kpm/komitmen_usulan_putuskan.html", context, status=400)


# --- Graduasi -------------------------------------------------------------------------------
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
        "can_decide": selectors.can_decide(user),
        "can_propose": selectors.can_record_komitmen(user),
        "query_string": _query(request, "page"),
    }
    return render(request, "kpm/graduasi_list.html", context)


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
            return redirect("kpm:graduasi-list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "keluarga": keluarga}
    return render(request, "kpm/graduasi_form.html", context, status=status)


@require_role(R.ADMIN, R.OPERATOR)
@require_POST
def graduasi_putuskan(request: AuthedRequest, pk: int) -> HttpResponse:
    graduasi = selectors.access_graduasi(request.user, pk)
    form = forms.KeputusanForm(request.POST)
    if form.is_valid():
        try:
            services.graduasi_decide(
                graduasi=graduasi,
                is_diterima=form.is_diterima,
                catatan=form.cleaned_data["catatan"],
                oleh=request.user,
            )
        except DomainError as e:
            form.add_error("catatan" if e.field == "catatan" else None, e.message)
        else:
            hasil = "diterima: keluarga graduasi" if form.is_diterima else "ditolak"
            messages.success(request, f"Usulan graduasi {hasil}.")
            return redirect("kpm:graduasi-list")
    context = {"graduasi": graduasi, "form": form}
    return render(request, "kpm/graduasi_putuskan.html", context, status=400)


def graduasi_bukti(request: AuthedRequest, pk: int) -> FileResponse:
    graduasi = selectors.access_graduasi(request.user, pk)
    if not graduasi.bukti:
        raise Http404("Usulan ini tidak punya berkas bukti.")
    dinsos_services.audit_record(
        user=request.user, action=AuditEvent.Action.VIEW, obj=graduasi, reason="Bukti graduasi"
    )
    return upload_response(graduasi.bukti, filename=f"bukti-graduasi-{graduasi.pk}")


def graduasi_surat(request: AuthedRequest, pk: int) -> HttpResponse:
    graduasi = selectors.access_graduasi(request.user, pk)
    if graduasi.status != Graduasi.Status.DITERIMA:
        raise Http404("Surat hanya untuk keluarga yang sudah graduasi.")
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=graduasi,
        reason="Cetak surat graduasi",
    )
    return render(request, "kpm/graduasi_surat.html", {"graduasi": graduasi})


# --- Sekolah Rakyat -----------------------------------------------------------------------
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
    kandidat = selectors.sekolah_rakyat_kandidat(user=request.user, filters=filters)
    page = Paginator(kandidat, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "ringkas": selectors.sekolah_rakyat_ringkas(kandidat=kandidat),
        "jendela": selectors.sekolah_rakyat_jendela(),
        "can_record": selectors.can_record_komitmen(request.user),
        "can_export": selectors.can_decide(request.user),
        "query_string": _query(request, "page"),
        "acuan_query": urlencode({"acuan": filters.tanggal_acuan.isoformat()}),
    }
    return render(request, "kpm/sekolah_rakyat_list.html", context)


def _tanggal_acuan(request: AuthedRequest) -> datetime.date:
    acuan = forms.AcuanParameterForm(request.GET).nilai()["acuan"]
    return acuan or services.tanggal_acuan_bawaan(today())


@require_role(R.ADMIN, R.OPERATOR, R.PENDAMPING)
@require_http_methods(["GET", "POST"])
def sekolah_rakyat_kunjungan(request: AuthedRequest, pk: int) -> HttpResponse:
    acuan = _tanggal_acuan(request)
    anggota = selectors.sekolah_rakyat_anggota(
        user=request.user, anggota_id=pk, tanggal_acuan=acuan
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
            services.sekolah_rakyat_kunjungan_record(
                anggota=anggota,
                tanggal_acuan=acuan,
                oleh=request.user,
                **form.cleaned_data,
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, f"Kunjungan rumah {anggota.nama} dicatat.")
            return redirect(
                f"{reverse('kpm:sekolah-rakyat-list')}?tanggal_acuan={acuan.isoformat()}"
            )
    status = 400 if request.method == "POST" else 200
    context = {
        "anggota": anggota,
        "form": form,
        "acuan": acuan,
        "status_pilihan": KandidatSekolahRakyat.Status.choices,
    }
    return render(request, "kpm/sekolah_rakyat_kunjungan.html", context, status=status)


@require_role(R.ADMIN, R.OPERATOR)
def sekolah_rakyat_ekspor(request: AuthedRequest) -> HttpResponse:
    filters = _sekolah_rakyat_form(request).to_filter()
    kandidat = list(selectors.sekolah_rakyat_kandidat(user=request.user, filters=filters))
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=KandidatSekolahRakyat._meta.label_lower,
        reason=f"Ekspor kandidat Sekolah Rakyat (umur per {filters.tanggal_acuan.isoformat()})",
        jumlah=len(kandidat),
    )
    return ekspor.download_response(
        sekolah_rakyat_xlsx(kandidat, tanggal_acuan=filters.tanggal_acuan),
        name=f"kandidat-sekolah-rakyat-{filters.tanggal_acuan:%Y%m%d}",
        fmt=ekspor.XLSX,
    )
