"""Proposal pages: access → form → service → redirect/render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError
from dinsos.forms import HalamanForm
from dinsos.http import AuthedRequest, allow_operator_kelurahan
from dinsos.models import User
from dinsos.uploads import upload_response
from pemutakhiran import forms, selectors, services
from pemutakhiran.access import (
    access_bukti,
    access_usulan,
    can_buat,
    can_isi_lapangan,
    can_lihat_rekap,
    can_periksa,
    can_tolak,
)
from pemutakhiran.models import Status, Usulan
from pemutakhiran.services.usulan import DAPAT_DITOLAK
from pemutakhiran.syarat import SYARAT, syarat_untuk

PAGE_SIZE = 25


def _add_domain_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@allow_operator_kelurahan
def usulan_list(request: AuthedRequest) -> HttpResponse:
    form = forms.FilterForm(
        request.GET, kecamatan=dinsos_selectors.kecamatan_pilihan(user=request.user)
    )
    filters = form.to_filter()
    qs = selectors.usulan_list(user=request.user, filters=filters)
    context = {
        "form": form,
        "page": Paginator(qs, PAGE_SIZE).get_page(HalamanForm(request.GET).nomor()),
        "query_string": urlencode(filters.params()),
        "jendela": selectors.jendela_hari_ini(),
        "reaktivasi_periode": (
            selectors.reaktivasi_batas_periode() if filters.is_reaktivasi_tanpa_dtsen else None
        ),
        "can_buat": can_buat(request.user),
        "can_periksa": can_periksa(request.user),
        "can_lihat_rekap": can_lihat_rekap(request.user),
    }
    return render(request, "pemutakhiran/usulan_list.html", context)


def _initial_dari_temuan(temuan: Any) -> dict[str, Any]:
    anggota = temuan.anggota
    return {
        "nik": temuan.nik or (anggota.nik if anggota else ""),
        "nama": temuan.nama or (anggota.nama if anggota else ""),
        "no_kk": temuan.no_kk,
        "kelurahan": temuan.kelurahan_id,
    }


@allow_operator_kelurahan
def usulan_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not can_buat(user):
        raise PermissionDenied
    pilih = forms.PilihJenisForm(request.GET).nilai()
    temuan = (
        selectors.temuan_untuk_usulan(user=user, temuan_id=pilih["temuan"])
        if pilih["temuan"]
        else None
    )
    jenis, alasan = pilih["jenis"] or "", pilih["alasan"] or ""
    syarat = syarat_untuk(jenis, alasan)
    if syarat is None:
        pilihan = [(j, a, s) for (j, a), s in SYARAT.items()]
        pilih_context = {"pilihan": pilihan, "temuan": temuan}
        return render(request, "pemutakhiran/usulan_pilih_jenis.html", pilih_context)
    form = forms.UsulanForm(
        request.POST or None,
        request.FILES or None,
        jenis=jenis,
        syarat=syarat,
        kelurahan_qs=selectors.kelurahan_pilihan(user=user),
        initial=_initial_dari_temuan(temuan) if temuan else None,
    )
    ganda = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            usulan = services.usulan_buat(
                data=services.UsulanBaru(
                    jenis=jenis,
                    alasan_nonaktif=alasan,
                    nik=data["nik"],
                    nama=data["nama"],
                    kelurahan=data["kelurahan"],
                    nilai=form.nilai(),
                    temuan=temuan,
                ),
                oleh=user,
                bukti=data.get("bukti"),
            )
        except services.UsulanGanda as e:
            _add_domain_error(form, e)
            ganda = selectors.usulan_terlihat(user=user, usulan_id=e.usulan.pk)
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, "Usulan disimpan sebagai draf. Periksa lalu ajukan.")
            return redirect("pemutakhiran:usulan-detail", usulan.pk)
    context: dict[str, Any] = {"form": form, "syarat": syarat, "temuan": temuan, "ganda": ganda}
    status = 400 if request.method == "POST" else 200
    return render(request, "pemutakhiran/usulan_form.html", context, status=status)


@dataclass(frozen=True)
class Aksi:
    """What the signed-in user may do with the proposal now (flags for the template)."""

    ajukan: bool
    verifikasi: bool
    tugaskan: bool
    isi_lapangan: bool
    setujui: bool
    tolak: bool


def _aksi(request: AuthedRequest, usulan: Usulan) -> Aksi:
    user = request.user
    status = usulan.status
    return Aksi(
        ajukan=status == Status.DRAF and can_buat(user),
        verifikasi=status == Status.DIAJUKAN and can_periksa(user),
        tugaskan=status == Status.DIVERIFIKASI and can_periksa(user),
        isi_lapangan=status == Status.CEK_LAPANGAN
        and not usulan.hasil_lapangan
        and can_isi_lapangan(user, usulan),
        setujui=status == Status.CEK_LAPANGAN and bool(usulan.hasil_lapangan) and can_periksa(user),
        tolak=status in DAPAT_DITOLAK and can_tolak(user, usulan),
    )


def _detail(request: AuthedRequest, usulan: Usulan, **bound: Any) -> HttpResponse:
    aksi = _aksi(request, usulan)
    context = {
        "u": usulan,
        "aksi": aksi,
        "syarat": syarat_untuk(usulan.jenis, usulan.alasan_nonaktif),
        "riwayat": selectors.riwayat_list(usulan=usulan),
        "bukti_list": selectors.bukti_list(usulan=usulan),
        "ajukan_form": bound.get("ajukan_form") or forms.AjukanForm(),
        "catatan_form": bound.get("catatan_form") or forms.CatatanForm(),
        "tugaskan_form": bound.get("tugaskan_form")
        or (
            forms.TugaskanForm(petugas_qs=selectors.petugas_pilihan(usulan=usulan))
            if aksi.tugaskan
            else None
        ),
        "lapangan_form": bound.get("lapangan_form") or forms.HasilLapanganForm(),
        "tolak_form": bound.get("tolak_form") or forms.TolakForm(),
    }
    status = 400 if bound else 200
    return render(request, "pemutakhiran/usulan_detail.html", context, status=status)


@allow_operator_kelurahan
def usulan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, access_usulan(request.user, pk))


def _action(
    request: AuthedRequest,
    pk: int,
    *,
    form_name: str,
    make_form: Callable[[Usulan], Any],
    allowed: Callable[[User, Usulan], bool],
    run: Callable[[Usulan, dict[str, Any]], object],
    pesan: str,
) -> HttpResponse:
    """One step of the cycle: who may take it is checked here (403), whether the proposal
    is in a status the step starts from is the service's (400 with the reason)."""
    usulan = access_usulan(request.user, pk, audit=False)
    if not allowed(request.user, usulan):
        raise PermissionDenied
    form = make_form(usulan)
    if form.is_valid():
        try:
            run(usulan, form.cleaned_data)
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, pesan)
            return redirect("pemutakhiran:usulan-detail", usulan.pk)
    return _detail(request, usulan, **{form_name: form})


def _pembuat(user: User, usulan: Usulan) -> bool:
    return can_buat(user)


def _pemeriksa(user: User, usulan: Usulan) -> bool:
    return can_periksa(user)


@allow_operator_kelurahan
@require_POST
def usulan_ajukan(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="ajukan_form",
        make_form=lambda u: forms.AjukanForm(request.POST),
        allowed=_pembuat,
        run=lambda u, d: services.usulan_ajukan(
            usulan=u,
            tanggal_musdes=d["tanggal_musdes"],
            nomor_berita_acara=d["nomor_berita_acara"],
            oleh=request.user,
        ),
        pesan="Usulan diajukan ke Dinas Sosial.",
    )


@require_POST
def usulan_verifikasi(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="catatan_form",
        make_form=lambda u: forms.CatatanForm(request.POST),
        allowed=_pemeriksa,
        run=lambda u, d: services.usulan_verifikasi(
            usulan=u, catatan=d["catatan"], oleh=request.user
        ),
        pesan="Usulan diverifikasi.",
    )


@require_POST
def usulan_tugaskan(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="tugaskan_form",
        make_form=lambda u: forms.TugaskanForm(
            request.POST, petugas_qs=selectors.petugas_pilihan(usulan=u)
        ),
        allowed=_pemeriksa,
        run=lambda u, d: services.usulan_tugaskan(
            usulan=u, petugas=d["petugas"], oleh=request.user
        ),
        pesan="Usulan diteruskan untuk cek lapangan.",
    )


@require_POST
def usulan_hasil_lapangan(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="lapangan_form",
        make_form=lambda u: forms.HasilLapanganForm(request.POST, request.FILES),
        allowed=can_isi_lapangan,
        run=lambda u, d: services.usulan_hasil_lapangan(
            usulan=u, hasil=d["hasil"], catatan=d["catatan"], foto=d["foto"], oleh=request.user
        ),
        pesan="Hasil cek lapangan disimpan.",
    )


@require_POST
def usulan_setujui(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="catatan_form",
        make_form=lambda u: forms.CatatanForm(request.POST),
        allowed=_pemeriksa,
        run=lambda u, d: services.usulan_setujui(usulan=u, oleh=request.user),
        pesan="Usulan disetujui untuk kiriman SIKS-NG.",
    )


@allow_operator_kelurahan
@require_POST
def usulan_tolak(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_name="tolak_form",
        make_form=lambda u: forms.TolakForm(request.POST),
        allowed=can_tolak,
        run=lambda u, d: services.usulan_tolak(usulan=u, alasan=d["alasan"], oleh=request.user),
        pesan="Usulan ditolak.",
    )


@allow_operator_kelurahan
def bukti_detail(request: AuthedRequest, pk: int, bukti_pk: int) -> FileResponse:
    bukti = access_bukti(request.user, pk, bukti_pk)
    return upload_response(bukti.berkas, filename=f"bukti-usulan-{pk}-{bukti.pk}")
