"""DTSEN/PBI-JK pages: access → form → service → redirect/render."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dinsos import ekspor
from dinsos import forms as dinsos_forms
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.http import AuthedRequest, require_role
from dinsos.models import AuditEvent, User
from dtsen import forms, selectors, services, tasks
from dtsen.access.snapshot import (
    access_kecamatan,
    access_penerapan,
    access_snapshot,
    access_snapshot_pembanding,
)
from dtsen.models import Jenis, Penerapan, Snapshot
from dtsen.selectors import dampak as dampak_selectors

R = User.Role
PAGE_SIZE = 25
PERUBAHAN_PAGE_SIZE = 100
# Issue 21: what "diperbarui" means on the desil-change pages (templates/dinsos/_diperbarui).
KETERANGAN_PERUBAHAN = (
    "Dihitung sekali untuk pasangan snapshot ini: baris snapshot tidak berubah setelah dimuat."
)


@require_role(R.ADMIN)
def snapshot_list(request: AuthedRequest) -> HttpResponse:
    form = forms.SnapshotFilterForm(request.GET or None)
    status = form.status_terpilih()
    snapshots = selectors.snapshot_list(user=request.user, status=status)
    page = Paginator(snapshots, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "query_string": urlencode({"status": status})}
    return render(request, "dtsen/snapshot_list.html", context)


@require_role(R.ADMIN)
def snapshot_create(request: AuthedRequest) -> HttpResponse:
    wilayah_qs = selectors.kabkota_pilihan(user=request.user)
    form = forms.SnapshotUploadForm(
        request.POST or None,
        request.FILES or None,
        wilayah_qs=wilayah_qs,
        initial={"jenis": Jenis.DTSEN, "wilayah": wilayah_qs.first()},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            snapshot = services.snapshot_upload(
                jenis=form.cleaned_data["jenis"],
                tanggal_data=form.cleaned_data["tanggal_data"],
                wilayah=form.cleaned_data["wilayah"],
                file=upload,
                nama_file=upload.name,
                created_by=request.user,
            )
            tasks.snapshot_queue_load(snapshot_id=snapshot.pk)
        except services.AntreanTidakTersedia as e:  # the file is saved; it can be re-run there
            messages.error(request, e.message)
            return redirect("dtsen:snapshot-detail", e.snapshot_id)
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "File diunggah dan sedang diproses.")
            return redirect("dtsen:snapshot-detail", snapshot.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "dtsen/snapshot_form.html", {"form": form}, status=status)


def _detail_context(request: AuthedRequest, snapshot: Snapshot) -> dict[str, object]:
    penerapan = selectors.penerapan_list(snapshot=snapshot)
    menunggu = next((p for p in penerapan if p.status == Penerapan.Status.MENUNGGU), None)
    context: dict[str, object] = {
        "snapshot": snapshot,
        "terapkan_form": forms.TerapkanForm(),
        "kembalikan_form": forms.KembalikanForm(),
        "masalah": selectors.masalah_pratinjau(snapshot=snapshot),
        "aktif": selectors.snapshot_aktif(jenis=snapshot.jenis, wilayah=snapshot.wilayah),
        "penerapan_list": penerapan,
        "menunggu": menunggu,
        "bisa_setujui": menunggu is not None and menunggu.diusulkan_oleh_id != request.user.pk,
        "penerapan_aktif": next(
            (p for p in penerapan if p.status == Penerapan.Status.DITERAPKAN), None
        ),
    }
    if snapshot.status == Snapshot.Status.SIAP_DITINJAU and menunggu is None:
        dampak = dampak_selectors.snapshot_dampak(snapshot=snapshot)
        context["dampak"] = dampak
        context["hilang_seluruh"] = dampak.jumlah_hilang(Penerapan.Cakupan.SELURUH)
        context["hilang_sebagian"] = dampak.jumlah_hilang(Penerapan.Cakupan.SEBAGIAN)
        context["perlu_persetujuan"] = {
            c: dampak_selectors.perlu_persetujuan(dampak=dampak, cakupan=c)
            for c in Penerapan.Cakupan.values
        }
    if snapshot.status == Snapshot.Status.PERLU_PEMETAAN:
        context["pemetaan_form"] = forms.PemetaanKolomForm(
            headers=snapshot.kolom_tak_dikenal,
            pilihan=selectors.pemetaan_pilihan(jenis=snapshot.jenis),
            halaman=request.GET.get("page"),
        )
    return context


@require_role(R.ADMIN)
def snapshot_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    snapshot = access_snapshot(request.user, pk)
    return render(request, "dtsen/snapshot_detail.html", _detail_context(request, snapshot))


@require_GET
@require_role(R.ADMIN)
def snapshot_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    snapshot = access_snapshot(request.user, pk)
    response = render(request, "dtsen/_snapshot_progress.html", {"snapshot": snapshot})
    if not snapshot.is_sedang_diproses:
        response["HX-Refresh"] = "true"  # the rest of the page (summary, buttons) changes too
    return response


@require_POST
@require_role(R.ADMIN)
def snapshot_mapping(request: AuthedRequest, pk: int) -> HttpResponse:
    snapshot = access_snapshot(request.user, pk)
    form = forms.PemetaanKolomForm(
        request.POST,
        headers=snapshot.kolom_tak_dikenal,
        pilihan=selectors.pemetaan_pilihan(jenis=snapshot.jenis),
        halaman=request.POST.get("halaman"),
    )
    if form.is_valid():
        try:
            saved = services.pemetaan_kolom_save(
                snapshot=snapshot, pemetaan=form.pemetaan(), user=request.user
            )
            if saved.status == Snapshot.Status.DIUNGGAH:  # every header mapped: load it
                tasks.snapshot_queue_load(snapshot_id=saved.pk)
        except services.AntreanTidakTersedia as e:  # the mapping is saved; re-run from the page
            messages.error(request, e.message)
            return redirect("dtsen:snapshot-detail", snapshot.pk)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            if left := len(saved.kolom_tak_dikenal):
                messages.success(request, f"Pemetaan disimpan; {left} kolom lagi belum dipetakan.")
            else:
                messages.success(request, "Pemetaan kolom disimpan; file diproses ulang.")
            return redirect("dtsen:snapshot-detail", snapshot.pk)
    context = {**_detail_context(request, snapshot), "pemetaan_form": form}
    return render(request, "dtsen/snapshot_detail.html", context, status=400)


@require_POST
@require_role(R.ADMIN)
def snapshot_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    snapshot = access_snapshot(request.user, pk)
    form = forms.TerapkanForm(request.POST)
    if form.is_valid():
        try:
            penerapan = services.snapshot_propose(
                snapshot=snapshot,
                proposed_by=request.user,
                cakupan=form.cleaned_data["cakupan"],
                konfirmasi_jumlah=form.cleaned_data["konfirmasi_jumlah"],
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            if penerapan.status == Penerapan.Status.MENUNGGU:
                messages.warning(
                    request,
                    f"Penerapan ini menghapus desil {penerapan.jumlah_hilang} keluarga dan "
                    "menunggu persetujuan admin kedua.",
                )
            else:
                tasks.perubahan_desil_queue(snapshot_id=snapshot.pk)
                messages.success(
                    request,
                    f"Snapshot diterapkan. Desil {penerapan.jumlah_berubah} keluarga KPM "
                    "diperbarui.",
                )
            return redirect("dtsen:snapshot-detail", snapshot.pk)
    context = {**_detail_context(request, snapshot), "terapkan_form": form}
    return render(request, "dtsen/snapshot_detail.html", context, status=400)


@require_POST
@require_role(R.ADMIN)
def penerapan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    penerapan = access_penerapan(request.user, pk)
    try:
        done = services.penerapan_approve(penerapan=penerapan, approved_by=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        tasks.perubahan_desil_queue(snapshot_id=done.snapshot_id)
        messages.success(
            request,
            f"Penerapan disetujui. Desil {done.jumlah_berubah} keluarga KPM diperbarui.",
        )
    return redirect("dtsen:snapshot-detail", penerapan.snapshot_id)


@require_POST
@require_role(R.ADMIN)
def penerapan_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    penerapan = access_penerapan(request.user, pk)
    try:
        services.penerapan_reject(penerapan=penerapan, user=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "Usul penerapan ditolak; tidak ada yang berubah.")
    return redirect("dtsen:snapshot-detail", penerapan.snapshot_id)


@require_POST
@require_role(R.ADMIN)
def snapshot_undo(request: AuthedRequest, pk: int) -> HttpResponse:
    snapshot = access_snapshot(request.user, pk)
    form = forms.KembalikanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Centang konfirmasi sebelum mengembalikan.")
        return redirect("dtsen:snapshot-detail", snapshot.pk)
    try:
        penerapan = services.snapshot_undo(snapshot=snapshot, user=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        pesan = (
            "Dikembalikan ke snapshot sebelumnya: desil "
            f"{penerapan.jumlah_dikembalikan} keluarga dipulihkan."
        )
        if penerapan.berubah_sejak:
            pesan += (
                f" {len(penerapan.berubah_sejak)} keluarga dibiarkan karena desilnya sudah "
                "berubah lagi sejak penerapan itu."
            )
        messages.success(request, pesan)
    return redirect("dtsen:snapshot-detail", snapshot.pk)


@require_POST
@require_role(R.ADMIN)
def snapshot_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    snapshot = access_snapshot(request.user, pk)
    try:
        services.snapshot_cancel(snapshot=snapshot, user=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "Impor dibatalkan.")
    return redirect("dtsen:snapshot-detail", snapshot.pk)


@require_POST
@require_role(R.ADMIN)
def snapshot_requeue(request: AuthedRequest, pk: int) -> HttpResponse:
    snapshot = access_snapshot(request.user, pk)
    try:
        services.snapshot_requeue(snapshot=snapshot, user=request.user)
        tasks.snapshot_queue_load(snapshot_id=snapshot.pk)
    except DomainError as e:  # AntreanTidakTersedia too: the snapshot stays re-runnable
        messages.error(request, e.message)
    else:
        messages.success(request, "File diproses ulang.")
    return redirect("dtsen:snapshot-detail", snapshot.pk)


@require_GET
def snapshot_report(request: AuthedRequest, pk: int) -> FileResponse:
    if not request.user.is_admin:  # require_role is typed for HttpResponse, not streaming
        raise PermissionDenied
    snapshot = access_snapshot(request.user, pk)
    if not snapshot.laporan:
        raise Http404
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=snapshot,
        reason="Laporan masalah impor",
        jumlah=snapshot.baris_ditolak + snapshot.baris_peringatan,
    )
    return ekspor.download_file_response(
        snapshot.laporan.open("rb"), name=f"laporan-masalah-{snapshot.pk}", fmt=ekspor.XLSX
    )


def _pair(
    request: AuthedRequest, jenis: str
) -> tuple[forms.PerubahanForm, Snapshot | None, Snapshot | None]:
    choices = selectors.snapshot_pembanding_list(user=request.user, jenis=jenis)
    if "lama" in request.GET or "baru" in request.GET:
        form = forms.PerubahanForm(request.GET, snapshot_qs=choices)
        if not form.is_valid():
            return form, None, None
        return form, form.cleaned_data["lama"], form.cleaned_data["baru"]
    lama, baru = selectors.pasangan_default(user=request.user, jenis=jenis)
    initial = {"lama": lama, "baru": baru}
    return forms.PerubahanForm(initial=initial, snapshot_qs=choices), lama, baru


@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def perubahan_desil(request: AuthedRequest) -> HttpResponse:
    form, lama, baru = _pair(request, Jenis.DTSEN)
    ringkasan, perbandingan = None, None
    if lama and baru:
        # Issue 21: counted once per pair (snapshot rows never change), then read.
        perbandingan = services.perbandingan_desil_pastikan(lama=lama, baru=baru)
        ringkasan = selectors.perubahan_desil_ringkasan(
            user=request.user, perbandingan=perbandingan, baru=baru
        )
    context = {
        "form": form,
        "lama": lama,
        "baru": baru,
        "ringkasan": ringkasan,
        "diperbarui": perbandingan.dihitung_pada if perbandingan else None,
        "keterangan_ringkasan": KETERANGAN_PERUBAHAN,
    }
    return render(request, "dtsen/perubahan_desil.html", context)


@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def perubahan_desil_kecamatan(
    request: AuthedRequest, lama_id: int, baru_id: int, kecamatan_id: int
) -> HttpResponse:
    lama = access_snapshot_pembanding(request.user, lama_id)
    baru = access_snapshot_pembanding(request.user, baru_id)
    kecamatan = access_kecamatan(request.user, kecamatan_id)
    number = dinsos_forms.HalamanForm(request.GET).nomor()
    # Issue 21: the pair's counts say which kelurahan the page falls in; their people are
    # stored on the first view and read by place afterwards.
    perbandingan = services.perbandingan_desil_pastikan(lama=lama, baru=baru)
    potongan = selectors.perubahan_desil_potongan(
        user=request.user,
        perbandingan=perbandingan,
        kecamatan=kecamatan,
        limit=PERUBAHAN_PAGE_SIZE + 1,
        offset=(number - 1) * PERUBAHAN_PAGE_SIZE,
    )
    if not all(p.disimpan for p in potongan):
        services.perubahan_desil_simpan_orang(
            perbandingan=perbandingan, lama=lama, baru=baru, potongan=potongan
        )
        potongan = [replace(p, disimpan=len(p.kelurahan) == 1) for p in potongan]
    rows = selectors.perubahan_desil_halaman(
        user=request.user,
        perbandingan=perbandingan,
        lama=lama,
        baru=baru,
        kecamatan=kecamatan,
        potongan=potongan,
    )
    dinsos_services.audit_record(
        user=request.user,
        action=AuditEvent.Action.VIEW,
        obj=baru,
        reason=f"Perubahan desil {kecamatan.nama} dibanding snapshot #{lama.pk}",
        jumlah=min(len(rows), PERUBAHAN_PAGE_SIZE),
    )
    context = {
        "lama": lama,
        "baru": baru,
        "kecamatan": kecamatan,
        "rows": rows[:PERUBAHAN_PAGE_SIZE],
        "page_number": number,
        "has_next": len(rows) > PERUBAHAN_PAGE_SIZE,
        "diperbarui": perbandingan.dihitung_pada,
        "keterangan_ringkasan": KETERANGAN_PERUBAHAN,
    }
    return render(request, "dtsen/perubahan_desil_kecamatan.html", context)


@require_POST
@require_role(R.ADMIN, R.OPERATOR, R.KOORDINATOR)
def perubahan_desil_export(
    request: AuthedRequest, lama_id: int, baru_id: int, kecamatan_id: int
) -> HttpResponse:
    lama = access_snapshot_pembanding(request.user, lama_id)
    baru = access_snapshot_pembanding(request.user, baru_id)
    kecamatan = access_kecamatan(request.user, kecamatan_id)
    content = services.perubahan_desil_export(
        user=request.user, lama=lama, baru=baru, kecamatan=kecamatan
    )
    name = f"perubahan-desil-{kecamatan.nama}-{baru.tanggal_data}"
    return ekspor.download_response(content, name=name, fmt=ekspor.XLSX)
