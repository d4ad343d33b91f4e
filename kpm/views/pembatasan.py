"""Restriction and objection requests (UU 27/2022; DOMAIN.md §10; issue 20): one register
for families and, through pendamping's hooks, PMKS clients."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from kpm import forms, selectors, services
from kpm.access import access_pembatasan
from kpm.models import PermintaanPembatasan
from kpm.views import PAGE_SIZE, R


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
