"""P2K2 pages: access → form → service → redirect/render; and the attendance sync endpoint."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dinsos import ekspor, formatting
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from dinsos.uploads import upload_response
from p2k2 import exporters, forms, selectors, services
from p2k2.access import access_kelompok, access_konflik, access_pertemuan, can_manage_p2k2
from p2k2.models import Kehadiran, Kelompok, Pertemuan

R = User.Role
PAGE_SIZE = 25
PENGELOLA = (R.ADMIN, R.OPERATOR, R.PENDAMPING)


def _status(request: AuthedRequest) -> int:
    return 400 if request.method == "POST" else 200


def _add_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- Groups --------------------------------------------------------------------------
def kelompok_list(request: AuthedRequest) -> HttpResponse:
    kelompok = selectors.kelompok_list(user=request.user)
    context = {
        "page": Paginator(kelompok, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_manage": can_manage_p2k2(request.user),
    }
    return render(request, "p2k2/kelompok_list.html", context)


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
    context = {"pertemuan": pertemuan, "rows": rows, "ringkasan": selectors.ringkasan(rows)}
    return render(request, "p2k2/daftar_hadir.html", context)


def siks_ng(request: AuthedRequest, pk: int) -> HttpResponse:
    pertemuan = access_pertemuan(request.user, pk, for_update=True, audit=False)
    pemeriksaan, content = exporters.siks_export(pertemuan=pertemuan, oleh=request.user)
    if content is None:
        context = {"pertemuan": pertemuan, "pemeriksaan": pemeriksaan}
        return render(request, "p2k2/siks_periksa.html", context, status=400)
    nama = f"siks-ng-p2k2-{pertemuan.kelompok_id}-{pertemuan.tanggal.isoformat()}"
    return ekspor.download_response(content, name=nama, fmt=ekspor.XLSX)


# --- The attendance screen (phones) and its sync endpoint -------------------------------
def _layar_context(
    request: AuthedRequest, kelompok: Kelompok, pertemuan: Pertemuan | None
) -> dict[str, Any]:
    rows = selectors.kehadiran_rows(kelompok=kelompok, user=request.user, pertemuan=pertemuan)
    context: dict[str, Any] = {
        "kelompok": kelompok,
        "pertemuan": pertemuan,
        "rows": rows,
        "status_pilihan": Kehadiran.Status.choices,
        "pemahaman_pilihan": Kehadiran.Pemahaman.choices,
        "sync_url": reverse("p2k2:kehadiran-sinkron", args=[kelompok.pk]),
        "konflik": [],
    }
    if pertemuan is None:
        context["form"] = forms.PertemuanForm(
            modul=selectors.modul_list(),
            with_foto=False,
            initial={"tanggal": today(), "tempat": kelompok.tempat},
        )
        # kehadiran.js asks "Lanjutkan pertemuan yang sudah ada?" when date and materi match.
        context["pertemuan_ada"] = selectors.pertemuan_terakhir(kelompok=kelompok)
    else:
        context["konflik"] = selectors.konflik_terbuka(pertemuan=pertemuan, user=request.user)
    return context


@never_cache
def kehadiran(request: AuthedRequest, pk: int) -> HttpResponse:
    pertemuan = access_pertemuan(request.user, pk, for_update=True)
    context = _layar_context(request, pertemuan.kelompok, pertemuan)
    return render(request, "p2k2/kehadiran.html", context)


@never_cache
def kehadiran_baru(request: AuthedRequest, pk: int) -> HttpResponse:
    kelompok = access_kelompok(request.user, pk, for_update=True)
    return render(request, "p2k2/kehadiran.html", _layar_context(request, kelompok, None))


def _json_error(message: str, status: int = 400, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@require_POST
def kehadiran_sinkron(request: AuthedRequest, pk: int) -> JsonResponse:
    """JSON sync of one submission from `static/p2k2/kehadiran.js` (CSRF header, login)."""
    kelompok = access_kelompok(request.user, pk, for_update=True, audit=False)
    try:
        kiriman = forms.kiriman_parse(request.body)
    except DomainError as e:
        return _json_error(e.message)
    client_id = kiriman.pertemuan_client_id
    pertemuan = selectors.pertemuan_by_client_id(kelompok=kelompok, client_id=client_id)
    data: dict[str, Any] = {}
    if pertemuan is None:
        if selectors.pertemuan_is_milik_lain(kelompok=kelompok, client_id=client_id):
            return _json_error("Pertemuan ini milik kelompok lain.")
        form = forms.PertemuanForm(
            kiriman.pertemuan, modul=selectors.modul_list(), with_foto=False, with_terpisah=True
        )
        if not form.is_valid():
            pesan = "; ".join(  # "Materi: …; Tanggal: …." rather than ".;" between fields
                f"{form[f].label}: {' '.join(str(m) for m in e).rstrip('.')}"
                for f, e in form.errors.items()
            )
            return _json_error(f"Data pertemuan belum benar — {pesan}.", errors=form.errors)
        data = form.cleaned_data
    try:
        pertemuan, hasil = services.kehadiran_sync(
            kelompok=kelompok,
            pertemuan=pertemuan,
            pertemuan_client_id=client_id,
            pertemuan_data=data,
            kiriman_id=kiriman.kiriman_id,
            tanda=kiriman.tanda,
            oleh=request.user,
            perangkat=kiriman.perangkat,
        )
    except DomainError as e:
        return _json_error(e.message)
    if pertemuan.client_id != client_id:  # continued the group's meeting of that day
        hasil["pesan"] = (
            f"Pertemuan {pertemuan.judul} pada {formatting.tanggal(pertemuan.tanggal)} sudah "
            f"ada; kehadiran dicatat ke pertemuan itu. {hasil['pesan']}"
        )
    hasil["url"] = reverse("p2k2:pertemuan-detail", args=[pertemuan.pk])
    # The phone re-keys its queue and the screen to the meeting the server holds, and shows
    # every family's mark as the server now has it (not only the ones it sent).
    hasil["pertemuan"] = {
        "client_id": str(pertemuan.client_id),
        "layar": reverse("p2k2:kehadiran", args=[pertemuan.pk]),
        "info": f"{formatting.tanggal(pertemuan.tanggal)} · {pertemuan.judul}",
    }
    rows = selectors.kehadiran_rows(kelompok=kelompok, user=request.user, pertemuan=pertemuan)
    hasil["tersimpan"] = [
        {
            "keluarga_id": r.keluarga_id,
            "status": r.status,
            "pemahaman": r.pemahaman,
            "versi": r.versi,
        }
        for r in rows
        if r.versi
    ]
    return JsonResponse(hasil)


@login_not_required  # the script holds no data; the pages it caches still need a login
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/p2k2/sw.js from /p2k2/sw.js, so its scope covers the attendance screens."""
    path = finders.find("p2k2/sw.js")
    if not isinstance(path, str):
        raise Http404("Service worker tidak ditemukan.")
    with open(path, "rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"  # a new version takes over on the next visit
    return response


# --- Recaps ------------------------------------------------------------------------------
def _tahun(request: AuthedRequest) -> tuple[forms.RekapForm, int]:
    pilihan = selectors.tahun_pilihan(user=request.user)
    form = forms.RekapForm(request.GET or None, tahun_pilihan=pilihan)
    tahun = form.cleaned_data["tahun"] if form.is_bound and form.is_valid() else pilihan[0]
    return form, tahun


def rekap_kehadiran(request: AuthedRequest) -> HttpResponse:
    form, tahun = _tahun(request)
    data = selectors.rekap_kehadiran(user=request.user, tahun=tahun)
    context = {
        "form": form,
        "rekap": data,
        "grafik_bulan": selectors.grafik_bulan(data.bulan, tahun),
        "grafik_kecamatan": selectors.grafik_kecamatan(data.kecamatan, tahun),
    }
    return render(request, "p2k2/rekap.html", context)


def rekap_alfa(request: AuthedRequest) -> HttpResponse:
    form = forms.RekapAlfaForm(
        request.GET or None, kelurahan=selectors.kelurahan_pilihan(user=request.user)
    )
    batas = selectors.runtun_alfa_batas()
    runs = selectors.runtun_alfa_rekap(user=request.user, batas=batas, filter=form.filter())
    is_xlsx = request.GET.get("format") == "xlsx"
    if runs or is_xlsx:
        dinsos_services.audit_record(
            user=request.user,
            action=AuditEvent.Action.EXPORT if is_xlsx else AuditEvent.Action.VIEW,
            object_type="p2k2.alfaberturut",
            reason="Daftar alfa P2K2 berturut-turut",
            jumlah=len(runs),
        )
    if is_xlsx:
        content = exporters.runtun_alfa_xlsx(runs, batas=batas)
        return ekspor.download_response(content, name="alfa-p2k2", fmt=ekspor.XLSX)
    query = request.GET.copy()
    query["format"] = "xlsx"
    context = {"runs": runs, "batas": batas, "form": form, "query_xlsx": query.urlencode()}
    return render(request, "p2k2/rekap_alfa.html", context)


def rekap_kurikulum(request: AuthedRequest) -> HttpResponse:
    kemajuan = selectors.kemajuan_kurikulum(user=request.user)
    hanya_tertinggal = request.GET.get("tertinggal") == "on"
    context = {
        "kemajuan": [k for k in kemajuan if k.is_tertinggal] if hanya_tertinggal else kemajuan,
        "jumlah_tertinggal": sum(1 for k in kemajuan if k.is_tertinggal),
        "hanya_tertinggal": hanya_tertinggal,
    }
    return render(request, "p2k2/rekap_kurikulum.html", context)
