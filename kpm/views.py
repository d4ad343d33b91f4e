"""KPM pages: access → form → service → redirect/render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dinsos import ekspor, pencarian
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User
from kpm import forms, selectors, services
from kpm.access import access_anggota, access_keluarga, access_pembatasan
from kpm.models import TAHAP_PER_TAHUN, Keluarga, Penyaluran, PermintaanPembatasan
from kpm.selectors import penyaluran

R = User.Role
PAGE_SIZE = 25


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
def _angka_get(request: AuthedRequest, name: str, maks: int) -> int | None:
    value = request.GET.get(name, "")
    # Bounded before int(): an overlong string of digits must not reach the conversion.
    if not (value.isdigit() and len(value) <= len(str(maks))):
        return None
    return int(value) if 1 <= int(value) <= maks else None


@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def penyaluran_list(request: AuthedRequest) -> HttpResponse:
    tahun = _angka_get(request, "tahun", 2100)
    tahap = _angka_get(request, "tahap", TAHAP_PER_TAHUN)
    status = request.GET.get("status", "")
    status = status if status in Penyaluran.Status.values else ""
    rows = penyaluran.penyaluran_list(user=request.user, tahun=tahun, tahap=tahap, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="kpm.penyaluran",
        object_repr="Daftar penyaluran",
        jumlah=len(page.object_list),
    )
    context = {
        "page": page,
        "tahun": tahun or "",
        "tahap": tahap or "",
        "status": status,
        "tahap_choices": range(1, TAHAP_PER_TAHUN + 1),
        "status_choices": Penyaluran.Status.choices,
    }
    return render(request, "kpm/penyaluran_list.html", context)


# --- Restriction and objection requests (UU 27/2022; DOMAIN.md §10; issue 20) -------------
@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def pembatasan_list(
    request: AuthedRequest, form: forms.PembatasanForm | None = None
) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in PermintaanPembatasan.Status.values else ""
    tenggat = request.GET.get("tenggat", "")
    rows = selectors.pembatasan_list(user=request.user, status=status, tenggat=tenggat)
    can_catat = request.user.role in selectors.PENCATAT
    if can_catat and form is None:
        form = forms.PembatasanForm(initial={"diterima_at": timezone.localtime()})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.pembatasan_subjek_lain(page.object_list)
    context = {
        "page": page,
        "form": form if can_catat else None,
        "status": status,
        "status_choices": PermintaanPembatasan.Status.choices,
        "is_dekat": tenggat == selectors.DEKAT,
    }
    return render(
        request, "kpm/pembatasan_list.html", context, status=400 if form and form.errors else 200
    )


@require_role(R.ADMIN, R.OPERATOR)
@require_POST
def pembatasan_create(request: AuthedRequest) -> HttpResponse:
    form = forms.PembatasanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        subjek = selectors.pembatasan_subjek(
            nik=data["nik"], no_kk=data["no_kk"], user=request.user
        )
        if subjek is None:
            form.add_error(
                None,
                "Tidak ada keluarga dengan NIK/No KK itu di wilayah Anda, atau sudah dibatasi.",
            )
        else:
            try:
                permintaan = services.pembatasan_catat(
                    keluarga=subjek[0], anggota=subjek[1], jenis=data["jenis"],
                    diterima_at=data["diterima_at"], dasar=data["dasar"], oleh=request.user,
                )  # fmt: skip
            except DomainError as e:
                form.add_error(None, e.message)
            else:
                messages.success(
                    request,
                    "Permintaan tercatat; data keluarga ini kini disembunyikan dari daftar dan "
                    "ekspor. Putuskan paling lambat 3×24 jam sejak diterima.",
                )
                return redirect("kpm:pembatasan-detail", permintaan.pk)
    return pembatasan_list(request, form=form)


@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def pembatasan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    permintaan = access_pembatasan(request.user, pk)
    is_admin = request.user.role == R.ADMIN
    selectors.pembatasan_subjek_lain([permintaan])
    keluarga = permintaan.keluarga
    context = {
        "p": permintaan,
        "is_admin": is_admin,
        "putuskan_form": forms.PembatasanPutuskanForm(),
        "cabut_form": forms.PembatasanCabutForm(),
        "data_subjek_form": forms.RevealNikForm(),
        "subjek": permintaan.anggota or (keluarga.pengurus if keluarga else None),
    }
    return render(request, "kpm/pembatasan_detail.html", context)


@require_role(R.ADMIN)
@require_POST
def pembatasan_putuskan(request: AuthedRequest, pk: int) -> HttpResponse:
    permintaan = access_pembatasan(request.user, pk, for_update=True)
    form = forms.PembatasanPutuskanForm(request.POST)
    if form.is_valid():
        try:
            permintaan = services.pembatasan_putuskan(
                permintaan=permintaan,
                dikabulkan=form.cleaned_data["keputusan"] == "kabulkan",
                catatan=form.cleaned_data["catatan"],
                oleh=request.user,
            )
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"Keputusan tercatat: {permintaan.get_status_display()}.")
    else:
        messages.error(request, "Pilih keputusan dan tuliskan dasarnya.")
    return redirect("kpm:pembatasan-detail", permintaan.pk)


@require_role(R.ADMIN)
@require_POST
def pembatasan_cabut(request: AuthedRequest, pk: int) -> HttpResponse:
    permintaan = access_pembatasan(request.user, pk, for_update=True)
    form = forms.PembatasanCabutForm(request.POST)
    if form.is_valid():
        try:
            services.pembatasan_cabut(
                permintaan=permintaan, catatan=form.cleaned_data["catatan"], oleh=request.user
            )
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "Pembatasan dicabut; datanya tampil lagi.")
    else:
        messages.error(request, "Tuliskan alasan mencabut pembatasan.")
    return redirect("kpm:pembatasan-detail", permintaan.pk)
