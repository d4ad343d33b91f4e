"""Field records: cases, referrals, visits, satisfaction scores, data updates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from dinsos.uploads import upload_response
from kpm.models import Keluarga
from pendamping import forms, selectors, services
from pendamping.access import (
    access_kasus,
    access_keluarga_for_layanan,
    access_klien_for_layanan,
    access_rujukan,
    can_record_layanan,
)
from pendamping.models import Kasus, KlienPmks, Rujukan
from pendamping.views import (
    PENCATAT,
    R,
    _add_domain_error,
    _form_status,
    _list_url,
    _page,
    _query_string,
)


# --- Field records --------------------------------------------------------------------
def _keluarga_tetap(request: AuthedRequest) -> Keluarga | None:
    """The family fixed by the page (?keluarga=), checked like any family read: another
    pendamping's family is a 404. A family posted from the select is checked the same way."""
    if posted := forms.CatatanParameterForm(request.POST).nilai()["keluarga"]:
        access_keluarga_for_layanan(request.user, posted)
    keluarga_id = forms.CatatanParameterForm(request.GET).nilai()["keluarga"]
    return access_keluarga_for_layanan(request.user, keluarga_id) if keluarga_id else None


def _klien_tetap(request: AuthedRequest) -> KlienPmks | None:
    """The PMKS client fixed by the page (?klien=, issue 20), checked like a client read."""
    klien_id = forms.CatatanParameterForm(request.GET).nilai()["klien"]
    return access_klien_for_layanan(request.user, klien_id) if klien_id else None


def _catatan_create(
    request: AuthedRequest,
    *,
    form_class: type[forms.KasusForm | forms.RujukanForm | forms.KunjunganForm | forms.SkorForm],
    service: Callable[..., Any],
    judul: str,
    pesan: str,
    next_url: Callable[[Any], str],
    extra: dict[str, Any] | None = None,
    is_klien_boleh: bool = False,
) -> HttpResponse:
    klien = _klien_tetap(request) if is_klien_boleh else None
    keluarga = None if klien else _keluarga_tetap(request)
    if keluarga is None and klien is None and request.user.role != R.PENDAMPING:
        messages.info(request, "Buka halaman keluarga, lalu catat dari bagian Pendampingan.")
        return redirect("kpm:keluarga-list")
    form = form_class(
        request.POST or None,
        keluarga_qs=selectors.keluarga_pilihan(user=request.user),
        keluarga=keluarga,
        klien=klien,
    )
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, **(extra or {})}
        subjek = {"klien": klien} if klien else {"keluarga": keluarga or data["keluarga"]}
        try:
            obj = service(**subjek, data=data, oleh=request.user)
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, pesan)
            return redirect(next_url(obj))
    context = {"form": form, "keluarga": keluarga, "klien": klien, "judul": judul}
    return render(request, "pendamping/catatan_form.html", context, status=_form_status(request))


@require_POST
@require_role(*PENCATAT)
def keluarga_cari(request: AuthedRequest) -> HttpResponse:
    """The record forms' family picker: the typed name's matches among the user's own
    families (htmx; static/pendamping/keluarga_pemilih.js)."""
    teks = forms.KeluargaCariForm(request.POST).teks()
    keluarga_list = selectors.keluarga_pilihan_cari(user=request.user, teks=teks)
    if keluarga_list or not teks:
        pesan = ""
    elif len(teks) < selectors.CARI_HURUF_MIN:
        pesan = f"Ketik paling sedikit {selectors.CARI_HURUF_MIN} huruf nama."
    else:
        pesan = "Tidak ada keluarga dampingan Anda dengan nama itu."
    context = {
        "keluarga_list": keluarga_list,
        "pesan": pesan,
        "is_penuh": len(keluarga_list) == selectors.PILIHAN_CARI_MAKS,
    }
    return render(request, "pendamping/_keluarga_cari.html", context)


# (label, list URL name, create URL name, create label): the record lists link to each other.
CATATAN_NAV = (
    ("Kasus", "pendamping:kasus-list", "pendamping:kasus-create", "Catat kasus"),
    ("Rujukan", "pendamping:rujukan-list", "pendamping:rujukan-create", "Catat rujukan"),
    ("Kunjungan", "pendamping:kunjungan-list", "pendamping:kunjungan-create", "Catat kunjungan"),
    ("Kepuasan", "pendamping:skor-list", "pendamping:skor-create", "Catat skor kepuasan"),
)


def _catatan_nav(request: AuthedRequest, aktif: str) -> dict[str, Any]:
    nav = [
        {"label": label, "url": reverse(name), "is_aktif": name == aktif}
        for label, name, _, _ in CATATAN_NAV
    ]
    create = next(((c, cl) for _, name, c, cl in CATATAN_NAV if name == aktif), None)
    return {
        "catatan_nav": nav,
        # Office staff record from the family page; a pendamping picks from their own list.
        "can_create": request.user.role == R.PENDAMPING and create is not None,
        "create_url": reverse(create[0]) if create else "",
        "create_label": create[1] if create else "",
    }


def _catatan_list(
    request: AuthedRequest,
    *,
    template: str,
    rows: Callable[..., Any],
    status_choices: list[tuple[str, str]] | None = None,
    with_kategori: bool = False,
    with_terlambat: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    form = forms.CatatanFilterForm(
        request.GET or None,
        pendamping=selectors.pendamping_filter_pilihan(user=request.user),
        status_choices=status_choices,
        with_kategori=with_kategori,
        with_terlambat=with_terlambat,
    )
    context = {
        "form": form,
        "page": _page(request, rows(user=request.user, filters=form.to_filter())),
        "query_string": _query_string(request),
        **_catatan_nav(request, request.resolver_match.view_name if request.resolver_match else ""),
        **(extra or {}),
    }
    return render(request, template, context)


def kasus_list(request: AuthedRequest) -> HttpResponse:
    return _catatan_list(
        request,
        template="pendamping/kasus_list.html",
        rows=selectors.kasus_list,
        status_choices=Kasus.Status.choices,
        with_kategori=True,
    )


@require_role(*PENCATAT)
def kasus_create(request: AuthedRequest) -> HttpResponse:
    return _catatan_create(
        request,
        form_class=forms.KasusForm,
        service=services.kasus_catat,
        judul="Catat kasus",
        pesan="Kasus dicatat.",
        next_url=lambda kasus: reverse("pendamping:kasus-detail", args=[kasus.pk]),
        is_klien_boleh=True,
    )


def _kasus_status_form(kasus: Kasus, data: Any = None) -> forms.KasusStatusForm:
    allowed = services.TRANSISI_KASUS[kasus.status]
    pilihan = [(v, label) for v, label in Kasus.Status.choices if v in allowed]
    return forms.KasusStatusForm(
        data, pilihan=pilihan, perlu_tanggal=kasus.tanggal_ditangani is None
    )


def kasus_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    kasus = access_kasus(request.user, pk)
    context = {
        "kasus": kasus,
        "rujukan_list": selectors.rujukan_kasus(kasus=kasus),
        "status_form": _kasus_status_form(kasus),
        "can_record": can_record_layanan(request.user),
    }
    return render(request, "pendamping/kasus_detail.html", context)


@require_POST
def kasus_status(request: AuthedRequest, pk: int) -> HttpResponse:
    kasus = access_kasus(request.user, pk, for_update=True)
    form = _kasus_status_form(kasus, request.POST)
    if form.is_valid():
        try:
            services.kasus_status_ubah(
                kasus=kasus,
                ke=form.cleaned_data["ke"],
                tanggal_ditangani=form.cleaned_data.get("tanggal_ditangani"),
                tindakan=form.cleaned_data["tindakan"],
                oleh=request.user,
            )
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, "Status kasus diperbarui.")
            return redirect("pendamping:kasus-detail", kasus.pk)
    context = {"kasus": kasus, "status_form": form}
    return render(request, "pendamping/kasus_status.html", context, status=400)


def rujukan_list(request: AuthedRequest) -> HttpResponse:
    return _catatan_list(
        request,
        template="pendamping/rujukan_list.html",
        rows=selectors.rujukan_list,
        status_choices=Rujukan.Status.choices,
        with_terlambat=True,
        extra={"batas_hari": selectors.rujukan_batas_hari()},
    )


@require_role(*PENCATAT)
def rujukan_create(request: AuthedRequest) -> HttpResponse:
    kasus_id = forms.CatatanParameterForm(request.GET).nilai()["kasus"]
    kasus = access_kasus(request.user, kasus_id, for_update=True) if kasus_id else None
    if kasus is not None and kasus.klien_id is not None:
        if request.GET.get("klien") != str(kasus.klien_id):
            return redirect(f"{request.path}?klien={kasus.klien_id}&kasus={kasus.pk}")
    elif kasus is not None and request.GET.get("keluarga") != str(kasus.keluarga_id):
        return redirect(f"{request.path}?keluarga={kasus.keluarga_id}&kasus={kasus.pk}")
    return _catatan_create(
        request,
        form_class=forms.RujukanForm,
        service=services.rujukan_kirim,
        judul="Catat rujukan" + (f" untuk {kasus}" if kasus else ""),
        pesan="Rujukan dicatat.",
        next_url=lambda rujukan: reverse("pendamping:rujukan-detail", args=[rujukan.pk]),
        extra={"kasus": kasus},
        is_klien_boleh=True,
    )


def rujukan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    rujukan = access_rujukan(request.user, pk)
    context = {
        "rujukan": rujukan,
        "hasil_form": forms.RujukanHasilForm(),
        "can_record_hasil": can_record_layanan(request.user)
        and rujukan.status == Rujukan.Status.DIKIRIM,
        "is_terlambat": selectors.rujukan_is_terlambat(rujukan=rujukan),
        "batas_hari": selectors.rujukan_batas_hari(),
    }
    return render(request, "pendamping/rujukan_detail.html", context)


@require_GET
def rujukan_dokumen(request: AuthedRequest, pk: int) -> FileResponse:
    """The receiving institution's letter, for whoever may see the referral (audited)."""
    rujukan = access_rujukan(request.user, pk)
    if not rujukan.dokumen_jawaban:
        raise Http404
    return upload_response(rujukan.dokumen_jawaban, filename=f"jawaban-rujukan-{rujukan.pk}")


@require_POST
def rujukan_hasil(request: AuthedRequest, pk: int) -> HttpResponse:
    rujukan = access_rujukan(request.user, pk, for_update=True)
    form = forms.RujukanHasilForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.rujukan_hasil_catat(rujukan=rujukan, oleh=request.user, **form.cleaned_data)
        except DomainError as e:
            _add_domain_error(form, e)
        else:
            messages.success(request, "Hasil rujukan dicatat.")
            return redirect("pendamping:rujukan-detail", rujukan.pk)
    context = {"rujukan": rujukan, "hasil_form": form}
    return render(request, "pendamping/rujukan_hasil.html", context, status=400)


def kunjungan_list(request: AuthedRequest) -> HttpResponse:
    return _catatan_list(
        request, template="pendamping/kunjungan_list.html", rows=selectors.kunjungan_list
    )


def kunjungan_jatuh_tempo(request: AuthedRequest) -> HttpResponse:
    keluarga = selectors.keluarga_kunjungan_jatuh_tempo(user=request.user)
    context = {
        "page": _page(request, keluarga),
        "batas_hari": selectors.kunjungan_batas_hari(),
        "can_record": can_record_layanan(request.user),
    }
    return render(request, "pendamping/kunjungan_jatuh_tempo.html", context)


@require_role(*PENCATAT)
def kunjungan_create(request: AuthedRequest) -> HttpResponse:
    return _catatan_create(
        request,
        form_class=forms.KunjunganForm,
        service=services.kunjungan_catat,
        judul="Catat kunjungan / verifikasi",
        pesan="Kunjungan dicatat.",
        next_url=lambda k: (
            _list_url("pendamping:kunjungan-list", klien=k.klien_id)
            if k.klien_id
            else _list_url("pendamping:kunjungan-list", keluarga=k.keluarga_id)
        ),
        is_klien_boleh=True,
    )


def skor_list(request: AuthedRequest) -> HttpResponse:
    return _catatan_list(
        request,
        template="pendamping/skor_list.html",
        rows=selectors.skor_list,
        status_choices=selectors.SKOR_STATUS_PILIHAN,
    )


@require_role(*PENCATAT)
def skor_create(request: AuthedRequest) -> HttpResponse:
    return _catatan_create(
        request,
        form_class=forms.SkorForm,
        service=services.skor_catat,
        judul="Catat skor kepuasan",
        pesan="Skor kepuasan dicatat.",
        next_url=lambda s: _list_url("pendamping:skor-list", keluarga=s.keluarga_id),
    )


def perubahan_list(request: AuthedRequest) -> HttpResponse:
    return _catatan_list(
        request, template="pendamping/perubahan_list.html", rows=selectors.perubahan_list
    )
