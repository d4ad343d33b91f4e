"""The family and member pages: access → form → service → redirect/render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dinsos import ekspor, pencarian
from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from kpm import forms, selectors, services
from kpm.access import access_anggota, access_keluarga
from kpm.models import Keluarga
from kpm.views import PAGE_SIZE, R


def keluarga_list(request: AuthedRequest) -> HttpResponse:
    """The family list. The search term travels by POST and a session token, never in the
    URL; a NIK or No KK must be complete, and is rate-limited and audited (dinsos.pencarian).
    Filters stay in the URL so back/refresh/paging keep them."""
    list_url = reverse("kpm:keluarga-list")
    push_url = None
    data = request.GET
    if request.method == "POST" or pencarian.has_term_in_url(request):
        query = pencarian.url_query(
            request,
            request.POST if request.method == "POST" else request.GET,
            cari_identitas=lambda identifier: selectors.keluarga_ids_by_identifier(
                user=request.user, identifier=identifier
            ),
            object_type=Keluarga._meta.label_lower,
        )
        push_url = f"{list_url}?{query}" if query else list_url
        if not request.htmx:
            return redirect(push_url)
        data = QueryDict(query)
    cari = pencarian.resolve(request, data)
    pilihan = selectors.keluarga_filter_choices(user=request.user)
    form = forms.KeluargaFilterForm(cari.data or None, pilihan=pilihan)
    keluarga = selectors.keluarga_list(user=request.user, filters=form.to_filter(ids=cari.ids))
    page = Paginator(keluarga, PAGE_SIZE).get_page(data.get("page"))
    if cari.is_expired:
        messages.info(request, "Pencarian sebelumnya sudah kedaluwarsa; silakan cari lagi.")
    context = {
        "form": form,
        "page": page,
        "query_string": cari.query,
        "pesan_cari": cari.pesan,
        "can_edit": request.user.can_edit_kpm,
        "perbarui_kelurahan": bool(request.htmx),
    }
    template = "kpm/_keluarga_results.html" if request.htmx else "kpm/keluarga_list.html"
    response = render(request, template, context)
    if push_url:
        response["HX-Push-Url"] = push_url
    return response


def keluarga_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    keluarga = access_keluarga(request.user, pk)
    detail = selectors.keluarga_detail(keluarga=keluarga, user=request.user)
    context = {
        "detail": detail,
        "keluarga": keluarga,
        "can_edit": request.user.can_edit_kpm,
        "status_form": _status_form(keluarga),
        "reveal_form": forms.RevealNikForm(),
    }
    return render(request, "kpm/keluarga_detail.html", context)


def _status_form(keluarga: Keluarga, data: object = None) -> forms.StatusForm:
    # DOMAIN.md §5: graduation only through its pipeline (Graduasi), never from this form.
    allowed = services.TRANSISI_STATUS[keluarga.status] - services.STATUS_LEWAT_GRADUASI
    if keluarga.status in services.STATUS_LEWAT_GRADUASI:
        allowed = frozenset()
    pilihan = [(v, label) for v, label in Keluarga.Status.choices if v in allowed]
    return forms.StatusForm(data, pilihan=pilihan)


@require_role(R.ADMIN, R.OPERATOR)
def keluarga_create(request: AuthedRequest) -> HttpResponse:
    form = forms.KeluargaForm(
        request.POST or None,
        kelurahan_qs=selectors.kelurahan_pilihan(user=request.user),
        is_create=True,
    )
    pengurus_form = forms.AnggotaForm(request.POST or None, prefix="pengurus")
    is_valid = request.method == "POST" and form.is_valid() and pengurus_form.is_valid()
    kemungkinan = _kemungkinan_sama(request, form, pengurus_form) if is_valid else []
    if is_valid and not kemungkinan:
        try:
            keluarga = services.keluarga_register(
                keluarga_data=form.cleaned_data,
                pengurus_data=pengurus_form.cleaned_data,
                oleh=request.user,
            )
        except DomainError as e:
            target = pengurus_form if e.field == "nik" else form
            target.add_error(e.field if e.field in target.fields else None, e.message)
        else:
            for warning in pengurus_form.warnings:
                messages.warning(request, f"Periksa data pengurus: {warning}.")
            messages.success(request, "Keluarga berhasil didaftarkan.")
            return redirect("kpm:keluarga-detail", keluarga.pk)
    context = {"form": form, "pengurus_form": pengurus_form, "kemungkinan": kemungkinan}
    status = 400 if request.method == "POST" else 200
    return render(request, "kpm/keluarga_form.html", context, status=status)


def _kemungkinan_sama(
    request: AuthedRequest, form: forms.KeluargaForm, pengurus_form: forms.AnggotaForm
) -> list[selectors.KemungkinanSama]:
    """The head's probable duplicates under another NIK, until the operator confirms."""
    if request.POST.get("tetap_daftar"):
        return []
    pengurus = pengurus_form.cleaned_data
    return selectors.pengurus_kemungkinan_terdaftar(
        user=request.user,
        nik=pengurus["nik"],
        nama=pengurus["nama"],
        tanggal_lahir=pengurus["tanggal_lahir"],
        jenis_kelamin=pengurus["jenis_kelamin"],
        kelurahan=form.cleaned_data["kelurahan"],
        no_kk=form.cleaned_data["no_kk"],
    )


def keluarga_update(request: AuthedRequest, pk: int) -> HttpResponse:
    keluarga = access_keluarga(request.user, pk, for_update=True, audit=False)
    form = forms.KeluargaForm(
        request.POST or None,
        initial=model_to_dict(keluarga, fields=services.KELUARGA_FIELDS),
        kelurahan_qs=selectors.kelurahan_pilihan(user=request.user),
        is_create=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.keluarga_update(keluarga=keluarga, data=form.cleaned_data, oleh=request.user)
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "Data keluarga disimpan.")
            return redirect("kpm:keluarga-detail", keluarga.pk)
    context = {"form": form, "keluarga": keluarga}
    status = 400 if request.method == "POST" else 200
    return render(request, "kpm/keluarga_form.html", context, status=status)


@require_POST
def keluarga_status(request: AuthedRequest, pk: int) -> HttpResponse:
    keluarga = access_keluarga(request.user, pk, for_update=True, audit=False)
    form = _status_form(keluarga, request.POST)
    if form.is_valid():
        try:
            diajukan = services.keluarga_status_ajukan(
                keluarga=keluarga,
                ke=form.cleaned_data["ke"],
                alasan=form.cleaned_data["alasan"],
                oleh=request.user,
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            if diajukan is not None:  # issue 20: four eyes
                messages.success(
                    request,
                    f"Perubahan menjadi {diajukan.sesudah.lower()} diajukan; berlaku setelah "
                    "disetujui petugas lain di halaman Persetujuan.",
                )
            else:
                messages.success(request, f"Status diubah menjadi {keluarga.get_status_display()}.")
            return redirect("kpm:keluarga-detail", keluarga.pk)
    context = {"keluarga": keluarga, "status_form": form}
    return render(request, "kpm/keluarga_status.html", context, status=400)


def anggota_create(request: AuthedRequest, pk: int) -> HttpResponse:
    keluarga = access_keluarga(request.user, pk, for_update=True, audit=False)
    form = forms.AnggotaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.anggota_create(
                keluarga=keluarga, data=data, oleh=request.user, is_pengurus=data["is_pengurus"]
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            for warning in form.warnings:
                messages.warning(request, f"Periksa data anggota: {warning}.")
            messages.success(request, "Anggota ditambahkan.")
            return redirect("kpm:keluarga-detail", keluarga.pk)
    context = {"form": form, "keluarga": keluarga}
    status = 400 if request.method == "POST" else 200
    return render(request, "kpm/anggota_form.html", context, status=status)


def anggota_update(request: AuthedRequest, pk: int) -> HttpResponse:
    anggota = access_anggota(request.user, pk, for_update=True)
    keluarga = anggota.keluarga
    # Never the full NIK in the page (issue 22): the form shows it masked and keeps it
    # unless a new one is typed.
    fields = [f for f in services.ANGGOTA_FIELDS if f != "nik"]
    initial = model_to_dict(anggota, fields=fields)
    initial["is_pengurus"] = keluarga.pengurus_id == anggota.pk
    form = forms.AnggotaForm(request.POST or None, initial=initial, nik_tersimpan=anggota.nik)
    if request.method == "POST" and form.is_valid():
        try:
            services.anggota_update(
                anggota=anggota,
                data=form.cleaned_data,
                oleh=request.user,
                is_pengurus=form.cleaned_data["is_pengurus"],
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            for warning in form.warnings:
                messages.warning(request, f"Periksa data anggota: {warning}.")
            messages.success(request, "Data anggota disimpan.")
            return redirect("kpm:keluarga-detail", keluarga.pk)
    context = {"form": form, "keluarga": keluarga, "anggota": anggota}
    status = 400 if request.method == "POST" else 200
    return render(request, "kpm/anggota_form.html", context, status=status)


@require_POST
def anggota_nik_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    anggota = access_anggota(request.user, pk)
    form = forms.RevealNikForm(request.POST)
    nik = None
    if form.is_valid():
        try:
            nik = services.anggota_nik_reveal(
                anggota=anggota, alasan=form.cleaned_data["alasan"], oleh=request.user
            )
        except DomainError as e:
            form.add_error("alasan", e.message)
    context = {"anggota": anggota, "nik": nik, "form": form}
    template = "kpm/_nik_reveal.html" if request.htmx else "kpm/anggota_nik.html"
    return render(request, template, context, status=200 if nik else 400)


@require_role(R.ADMIN)
def keluarga_akses(request: AuthedRequest, pk: int) -> HttpResponse:
    keluarga = access_keluarga(request.user, pk)
    events = selectors.keluarga_akses(keluarga=keluarga)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {
        "keluarga": keluarga,
        "page": page,
        "anggota_list": selectors.anggota_list(keluarga=keluarga),
    }
    return render(request, "kpm/keluarga_akses.html", context)


@require_role(R.ADMIN)
@require_POST
def anggota_data_subjek(request: AuthedRequest, pk: int) -> HttpResponse:
    # A restricted person keeps the right to their own data (UU 27/2022).
    anggota = access_anggota(request.user, pk, termasuk_dibatasi=True)
    form = forms.RevealNikForm(request.POST)
    if form.is_valid():
        try:
            services.anggota_data_subjek_record(
                anggota=anggota, alasan=form.cleaned_data["alasan"], oleh=request.user
            )
        except DomainError as e:
            form.add_error("alasan", e.message)
        else:
            data = selectors.anggota_data_subjek(anggota=anggota)
            response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
            ekspor.set_download_headers(
                response, name=f"data-pribadi-{anggota.pk}", fmt=ekspor.JSON
            )
            return response
    errors = form.errors.get("alasan") or ["Alasan wajib diisi."]
    messages.error(request, " ".join(str(error) for error in errors))
    return redirect("kpm:keluarga-akses", anggota.keluarga_id)


# --- Payouts per tahap from the bank/Pos lists (issue 20, RHK 1) ----------------------------
