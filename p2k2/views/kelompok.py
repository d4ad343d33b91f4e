"""P2K2 pages of groups, their members and meetings: access → form → service → redirect/render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dinsos import ekspor
from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError
from dinsos.forms import HalamanForm
from dinsos.http import AuthedRequest, require_role
from dinsos.models import User
from dinsos.pengaturan import today
from dinsos.twofactor import qr_svg_banyak
from dinsos.uploads import upload_response
from p2k2 import exporters, forms, selectors, services
from p2k2.access import access_kelompok, access_konflik, access_pertemuan, can_manage_p2k2
from p2k2.models import Kelompok, Pertemuan
from p2k2.views.rekap import KETERANGAN_RINGKASAN
from pendamping import services as pendamping_services

R = User.Role
PAGE_SIZE = 25
PENGELOLA = (R.ADMIN, R.OPERATOR, R.PENDAMPING)


def _status(request: AuthedRequest) -> int:
    return 400 if request.method == "POST" else 200


def _add_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def kelompok_list(request: AuthedRequest) -> HttpResponse:
    kelompok = selectors.kelompok_list(user=request.user)
    page = Paginator(kelompok, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_manage": can_manage_p2k2(request.user),
        "diperbarui": selectors.kelompok_diperbarui(page),
        "keterangan_ringkasan": KETERANGAN_RINGKASAN,
    }
    return render(request, "p2k2/kelompok_list.html", context)


def pertemuan_list(request: AuthedRequest) -> HttpResponse:
    """Meetings by month, status and kecamatan (the rakor report's P2K2 figures)."""
    form = forms.PertemuanFilterForm(
        request.GET or None, kecamatan=dinsos_selectors.kecamatan_pilihan(user=request.user)
    )
    pertemuan = selectors.pertemuan_list(user=request.user, filters=form.to_filter())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": Paginator(pertemuan, PAGE_SIZE).get_page(HalamanForm(request.GET).nomor()),
        "query_string": query.urlencode(),
    }
    return render(request, "p2k2/pertemuan_list.html", context)


@require_role(*PENGELOLA)
def kelompok_create(request: AuthedRequest) -> HttpResponse:
    is_pendamping = request.user.role == R.PENDAMPING
    form = forms.KelompokForm(
        request.POST or None,
        pendamping_qs=None if is_pendamping else selectors.pendamping_pilihan(user=request.user),
        kelurahan_qs=selectors.kelurahan_pilihan(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        if is_pendamping:
            data["pendamping"] = request.user
        try:
            kelompok = services.kelompok_create(data=data, oleh=request.user)
        except DomainError as e:
            _add_error(form, e)
        else:
            messages.success(request, f"Kelompok {kelompok.nama} dibuat; tambahkan anggotanya.")
            return redirect("p2k2:kelompok-detail", kelompok.pk)
    return render(request, "p2k2/kelompok_form.html", {"form": form}, status=_status(request))


def _detail_context(request: AuthedRequest, kelompok: Kelompok, **bound: Any) -> dict[str, Any]:
    detail = selectors.kelompok_detail(kelompok=kelompok, user=request.user)
    context: dict[str, Any] = {"detail": detail, "kelompok": kelompok}
    if detail.can_manage:
        anggota = selectors.anggota_keluarga(kelompok=kelompok, user=request.user)
        context["tambah_form"] = bound.get("tambah_form") or forms.AnggotaForm(
            keluarga_qs=selectors.keluarga_pilihan(kelompok=kelompok, user=request.user)
        )
        context["pindah_form"] = bound.get("pindah_form") or forms.AnggotaForm(
            keluarga_qs=anggota, kelompok_qs=selectors.kelompok_tujuan(kelompok=kelompok)
        )
        context["keluar_form"] = bound.get("keluar_form") or forms.AnggotaForm(keluarga_qs=anggota)
    return context


def kelompok_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    kelompok = access_kelompok(request.user, pk)
    return render(request, "p2k2/kelompok_detail.html", _detail_context(request, kelompok))


def kelompok_update(request: AuthedRequest, pk: int) -> HttpResponse:
    kelompok = access_kelompok(request.user, pk, for_update=True, audit=False)
    form = forms.KelompokUbahForm(
        request.POST or None,
        initial={"nama": kelompok.nama, "tempat": kelompok.tempat, "ketua": kelompok.ketua_id},
        anggota_qs=selectors.anggota_keluarga(kelompok=kelompok, user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.kelompok_update(kelompok=kelompok, data=form.cleaned_data, oleh=request.user)
        except DomainError as e:
            _add_error(form, e)
        else:
            messages.success(request, "Data kelompok disimpan.")
            return redirect("p2k2:kelompok-detail", kelompok.pk)
    context = {"form": form, "kelompok": kelompok}
    return render(request, "p2k2/kelompok_form.html", context, status=_status(request))


@require_POST
def anggota_tambah(request: AuthedRequest, pk: int) -> HttpResponse:
    kelompok = access_kelompok(request.user, pk, for_update=True, audit=False)
    form = forms.AnggotaForm(
        request.POST, keluarga_qs=selectors.keluarga_pilihan(kelompok=kelompok, user=request.user)
    )
    if form.is_valid():
        try:
            jumlah = services.keanggotaan_tambah(
                kelompok=kelompok,
                keluarga_ids=[k.pk for k in form.cleaned_data["keluarga"]],
                oleh=request.user,
            )
        except DomainError as e:
            _add_error(form, e)
        else:
            messages.success(request, f"{jumlah} keluarga ditambahkan ke {kelompok.nama}.")
            return redirect("p2k2:kelompok-detail", kelompok.pk)
    context = _detail_context(request, kelompok, tambah_form=form)
    return render(request, "p2k2/kelompok_detail.html", context, status=400)


@require_POST
def anggota_pindah(request: AuthedRequest, pk: int) -> HttpResponse:
    kelompok = access_kelompok(request.user, pk, for_update=True, audit=False)
    form = forms.AnggotaForm(
        request.POST,
        keluarga_qs=selectors.anggota_keluarga(kelompok=kelompok, user=request.user),
        kelompok_qs=selectors.kelompok_tujuan(kelompok=kelompok),
    )
    if form.is_valid():
        ke = form.cleaned_data["ke"]
        try:
            jumlah = services.keanggotaan_pindah(
                ke=ke,
                keluarga_ids=[k.pk for k in form.cleaned_data["keluarga"]],
                oleh=request.user,
            )
        except DomainError as e:
            _add_error(form, e)
        else:
            messages.success(request, f"{jumlah} keluarga dipindah ke {ke.nama}.")
            return redirect("p2k2:kelompok-detail", kelompok.pk)
    context = _detail_context(request, kelompok, pindah_form=form)
    return render(request, "p2k2/kelompok_detail.html", context, status=400)


@require_POST
def anggota_keluar(request: AuthedRequest, pk: int) -> HttpResponse:
    kelompok = access_kelompok(request.user, pk, for_update=True, audit=False)
    form = forms.AnggotaForm(
        request.POST, keluarga_qs=selectors.anggota_keluarga(kelompok=kelompok, user=request.user)
    )
    if form.is_valid():
        try:
            jumlah = services.keanggotaan_akhiri(
                kelompok=kelompok,
                keluarga_ids=[k.pk for k in form.cleaned_data["keluarga"]],
                oleh=request.user,
            )
        except DomainError as e:
            _add_error(form, e)
        else:
            messages.success(request, f"{jumlah} keluarga keluar dari {kelompok.nama}.")
            return redirect("p2k2:kelompok-detail", kelompok.pk)
    context = _detail_context(request, kelompok, keluar_form=form)
    return render(request, "p2k2/kelompok_detail.html", context, status=400)


# --- Meetings ------------------------------------------------------------------------
def _materi_initial(pertemuan: Pertemuan) -> str:
    return str(pertemuan.sesi_id) if pertemuan.sesi_id else forms.ADAPTIF


def pertemuan_create(request: AuthedRequest, pk: int) -> HttpResponse:
    kelompok = access_kelompok(request.user, pk, for_update=True, audit=False)
    form = forms.PertemuanForm(
        request.POST or None,
        request.FILES or None,
        modul=selectors.modul_list(),
        with_terpisah=True,
        initial={"tanggal": today(), "tempat": kelompok.tempat},
    )
    context: dict[str, Any] = {"form": form, "kelompok": kelompok}
    if request.method == "POST" and form.is_valid():
        try:
            pertemuan = services.pertemuan_create(
                kelompok=kelompok, data=form.cleaned_data, oleh=request.user
            )
        except services.PertemuanGanda as e:
            context["ganda"] = e.pertemuan  # the template asks "Lanjutkan … yang sudah ada?"
        except DomainError as e:
            _add_error(form, e)
        else:
            messages.success(request, "Pertemuan disimpan.")
            return redirect("p2k2:pertemuan-detail", pertemuan.pk)
    return render(request, "p2k2/pertemuan_form.html", context, status=_status(request))


def pertemuan_update(request: AuthedRequest, pk: int) -> HttpResponse:
    pertemuan = access_pertemuan(request.user, pk, for_update=True, audit=False)
    initial = {f: getattr(pertemuan, f) for f in services.PERTEMUAN_FIELDS if f != "sesi"}
    form = forms.PertemuanForm(
        request.POST or None,
        request.FILES or None,
        modul=selectors.modul_list(),
        initial={**initial, "materi": _materi_initial(pertemuan)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pertemuan_update(
                pertemuan=pertemuan, data=form.cleaned_data, oleh=request.user
            )
        except DomainError as e:
            _add_error(form, e)
        else:
            messages.success(request, "Pertemuan disimpan.")
            return redirect("p2k2:pertemuan-detail", pertemuan.pk)
    context = {"form": form, "kelompok": pertemuan.kelompok, "pertemuan": pertemuan}
    return render(request, "p2k2/pertemuan_form.html", context, status=_status(request))


def pertemuan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    pertemuan = access_pertemuan(request.user, pk)
    rows = selectors.kehadiran_rows(
        kelompok=pertemuan.kelompok, user=request.user, pertemuan=pertemuan
    )
    context = {
        "pertemuan": pertemuan,
        "rows": rows,
        "ringkasan": selectors.ringkasan(rows),
        "konflik": selectors.konflik_terbuka(pertemuan=pertemuan, user=request.user),
        "can_manage": can_manage_p2k2(request.user),
        "nama_kegiatan": exporters.nama_kegiatan(pertemuan),
    }
    return render(request, "p2k2/pertemuan_detail.html", context)


def pertemuan_foto(request: AuthedRequest, pk: int) -> FileResponse:
    pertemuan = access_pertemuan(request.user, pk, audit=False)
    if not pertemuan.foto:
        raise Http404("Pertemuan ini belum punya foto.")
    return upload_response(pertemuan.foto, filename=f"foto-pertemuan-{pertemuan.pk}")


@require_POST
def konflik_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    konflik = access_konflik(request.user, pk)
    form = forms.KonflikForm(request.POST)
    if form.is_valid():
        try:
            services.konflik_resolve(
                konflik=konflik, pilihan=form.cleaned_data["pilihan"], oleh=request.user
            )
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "Konflik kehadiran diselesaikan.")
    return redirect("p2k2:pertemuan-detail", konflik.pertemuan_id)


def daftar_hadir(request: AuthedRequest, pk: int) -> HttpResponse:
    pertemuan = access_pertemuan(request.user, pk)
    rows = selectors.kehadiran_rows(
        kelompok=pertemuan.kelompok, user=request.user, pertemuan=pertemuan
    )
    # Issue 20 (D10): each family's one-time satisfaction link of the running period, made
    # once (idempotent) and printed as a QR coupon under the sheet.
    token = pendamping_services.tautan_siapkan(
        keluarga_ids=[r.keluarga_id for r in rows], hari=today()
    )
    alamat = {
        r.keluarga_id: request.build_absolute_uri(reverse("p2k2:kepuasan-isi", args=[t]))
        for r in rows
        if (t := token.get(r.keluarga_id))
    }
    qr = qr_svg_banyak(alamat.values())
    kupon = [(r, qr[alamat[r.keluarga_id]]) for r in rows if r.keluarga_id in alamat]
    context = {
        "pertemuan": pertemuan,
        "rows": rows,
        "ringkasan": selectors.ringkasan(rows),
        "kupon": kupon,
    }
    return render(request, "p2k2/daftar_hadir.html", context)


def siks_ng(request: AuthedRequest, pk: int) -> HttpResponse:
    pertemuan = access_pertemuan(request.user, pk, for_update=True, audit=False)
    pemeriksaan, content = exporters.siks_export(pertemuan=pertemuan, oleh=request.user)
    if content is None:
        context = {"pertemuan": pertemuan, "pemeriksaan": pemeriksaan}
        return render(request, "p2k2/siks_periksa.html", context, status=400)
    nama = f"siks-ng-p2k2-{pertemuan.kelompok_id}-{pertemuan.tanggal.isoformat()}"
    return ekspor.download_response(content, name=nama, fmt=ekspor.XLSX)
