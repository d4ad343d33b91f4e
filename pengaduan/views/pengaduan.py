"""The office's complaint pages: access → form → service → redirect/render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dinsos.errors import DomainError
from dinsos.http import AuthedRequest
from dinsos.models import User
from dinsos.uploads import upload_response
from kpm.access import access_keluarga
from pengaduan import forms, selectors, services
from pengaduan.access import (
    access_lampiran,
    access_pengaduan,
    can_alihkan,
    can_lihat_rekap,
    is_visible,
)
from pengaduan.models import Pengaduan

R = User.Role
PAGE_SIZE = 25


def _add_domain_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def pengaduan_list(request: AuthedRequest) -> HttpResponse:
    form = forms.FilterForm(request.GET)
    filters = form.to_filter()
    qs = selectors.pengaduan_list(user=request.user, filters=filters)
    context = {
        "form": form,
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query_string": forms.urlencode_filters(filters),
        "filters": filters,
        "can_lihat_rekap": can_lihat_rekap(request.user),
    }
    return render(request, "pengaduan/pengaduan_list.html", context)


def _create_form(request: AuthedRequest) -> forms.PengaduanForm:
    user = request.user
    return forms.PengaduanForm(
        request.POST or None,
        request.FILES or None,
        kelurahan_qs=selectors.kelurahan_pilihan(user=user),
        pendamping_qs=selectors.pendamping_pilihan(user=user),
        petugas_qs=selectors.petugas_pilihan(user=user) if can_alihkan(user) else None,
    )


def pengaduan_create(request: AuthedRequest) -> HttpResponse:
    form = _create_form(request)
    keluarga_id = forms.KeluargaParameterForm(request.POST or request.GET).nilai()["keluarga"]
    keluarga = access_keluarga(request.user, keluarga_id, audit=False) if keluarga_id else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        anggota = (
            selectors.anggota_dengan_nik(user=request.user, nik=data["nik"])
            if data["nik"]
            else None
        )
        try:
            pengaduan = services.pengaduan_catat(
                data=forms.pengaduan_baru(data, keluarga=keluarga, anggota=anggota),
                oleh=request.user,
            )
            if data.get("lampiran"):
                services.pengaduan_lampiran_tambah(
                    pengaduan=pengaduan,
                    berkas=data["lampiran"],
                    keterangan=data["keterangan_lampiran"],
                    oleh=request.user,
                )
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(
                request,
                f"Pengaduan dicatat dengan nomor tiket {pengaduan.tiket}; berikan nomor ini "
                "kepada pengadu untuk melihat status.",
            )
            if is_visible(request.user, pengaduan.pk):
                return redirect("pengaduan:pengaduan-detail", pengaduan.pk)
            return redirect("pengaduan:pengaduan-list")
    context = {"form": form, "keluarga": keluarga}
    status = 400 if request.method == "POST" else 200
    return render(request, "pengaduan/pengaduan_form.html", context, status=status)


def _detail(request: AuthedRequest, pengaduan: Pengaduan, **bound: Any) -> HttpResponse:
    user = request.user
    context = {
        "p": pengaduan,
        "riwayat": selectors.riwayat_list(pengaduan=pengaduan),
        "lampiran_list": selectors.lampiran_list(pengaduan=pengaduan),
        "catatan_form": bound.get("catatan_form") or forms.CatatanForm(),
        "tanggapan_form": bound.get("tanggapan_form")
        or forms.TanggapanForm(initial={"tanggapan": pengaduan.tanggapan_publik}),
        "tutup_form": bound.get("tutup_form") or forms.TutupForm(),
        "lampiran_form": bound.get("lampiran_form") or forms.LampiranForm(),
        "tindak_lanjut_form": bound.get("tindak_lanjut_form")
        or forms.TindakLanjutForm(
            temuan_qs=selectors.temuan_pilihan(user=user, pengaduan=pengaduan)
        ),
        "alihkan_form": (
            bound.get("alihkan_form")
            or forms.AlihkanForm(petugas_qs=selectors.petugas_pilihan(user=user))
        )
        if can_alihkan(user)
        else None,
        "is_kpm": pengaduan.keluarga_id is not None,
    }
    status = 400 if bound else 200
    return render(request, "pengaduan/pengaduan_detail.html", context, status=status)


def pengaduan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, access_pengaduan(request.user, pk))


def _action(
    request: AuthedRequest,
    pk: int,
    *,
    form_name: str,
    make_form: Callable[[Pengaduan], Any],
    run: Callable[[Pengaduan, dict[str, Any]], object],
    pesan: str,
    for_update: bool = False,
) -> HttpResponse:
    """The shape every detail-page action shares: access, form, service, back to the page."""
    pengaduan = access_pengaduan(request.user, pk, for_update=for_update, audit=False)
    form = make_form(pengaduan)
    if form.is_valid():
        try:
            run(pengaduan, form.cleaned_data)
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, pesan)
            return redirect("pengaduan:pengaduan-detail", pengaduan.pk)
    return _detail(request, pengaduan, **{form_name: form})


@require_POST
def pengaduan_catatan(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="catatan_form",
        make_form=lambda p: forms.CatatanForm(request.POST),
        run=lambda p, d: services.pengaduan_catatan_tambah(
            pengaduan=p, isi=d["isi"], oleh=request.user
        ),
        pesan="Catatan disimpan.",
    )


@require_POST
def pengaduan_tanggapan(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="tanggapan_form",
        make_form=lambda p: forms.TanggapanForm(request.POST),
        run=lambda p, d: services.pengaduan_tanggapi(
            pengaduan=p, tanggapan=d["tanggapan"], oleh=request.user
        ),
        pesan="Tanggapan disimpan dan terlihat oleh pengadu di halaman status.",
    )


@require_POST
def pengaduan_tutup(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="tutup_form",
        make_form=lambda p: forms.TutupForm(request.POST),
        run=lambda p, d: services.pengaduan_tutup(
            pengaduan=p, hasil=d["hasil"], tanggapan=d["tanggapan"], oleh=request.user
        ),
        pesan="Pengaduan ditutup.",
    )


@require_POST
def pengaduan_alihkan(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="alihkan_form",
        make_form=lambda p: forms.AlihkanForm(
            request.POST, petugas_qs=selectors.petugas_pilihan(user=request.user)
        ),
        run=lambda p, d: services.pengaduan_alihkan(
            pengaduan=p, petugas=d["petugas"], alasan=d["alasan"], oleh=request.user
        ),
        pesan="Pengaduan dialihkan.",
        for_update=True,
    )


def _tindak_lanjut(pengaduan: Pengaduan, data: dict[str, Any], user: User) -> None:
    if data["jenis"] == "temuan":
        services.pengaduan_temuan_tautkan(pengaduan=pengaduan, temuan=data["temuan"], oleh=user)
    elif data["jenis"] == "kasus":
        services.pengaduan_kasus_buat(
            pengaduan=pengaduan, kategori=data["kategori_kasus"], oleh=user
        )
    else:
        services.pengaduan_rujukan_buat(
            pengaduan=pengaduan, tujuan=data["tujuan"], tujuan_lain=data["tujuan_lain"], oleh=user
        )


@require_POST
def pengaduan_tindak_lanjut(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="tindak_lanjut_form",
        make_form=lambda p: forms.TindakLanjutForm(
            request.POST, temuan_qs=selectors.temuan_pilihan(user=request.user, pengaduan=p)
        ),
        run=lambda p, d: _tindak_lanjut(p, d, request.user),
        pesan="Tindak lanjut dicatat.",
    )


@require_POST
def lampiran_create(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="lampiran_form",
        make_form=lambda p: forms.LampiranForm(request.POST, request.FILES),
        run=lambda p, d: services.pengaduan_lampiran_tambah(
            pengaduan=p, berkas=d["berkas"], keterangan=d["keterangan"], oleh=request.user
        ),
        pesan="Lampiran diunggah.",
    )


def lampiran_detail(request: AuthedRequest, pk: int, lampiran_pk: int) -> FileResponse:
    lampiran = access_lampiran(request.user, pk, lampiran_pk)
    return upload_response(lampiran.berkas, filename=f"lampiran-pengaduan-{lampiran.pk}")


def pengaduan_surat(request: AuthedRequest, pk: int) -> HttpResponse:
    pengaduan = access_pengaduan(request.user, pk)
    if not pengaduan.tanggapan_publik:
        messages.info(request, "Tulis tanggapan untuk pengadu dulu, lalu cetak suratnya.")
        return redirect("pengaduan:pengaduan-detail", pengaduan.pk)
    context = {
        "p": pengaduan,
        "kantor_nama": settings.DINSOS_NAMA_KANTOR,
        "kantor_alamat": settings.DINSOS_ALAMAT_KANTOR,
    }
    return render(request, "pengaduan/pengaduan_surat.html", context)
