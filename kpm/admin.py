"""The Django admin for the KPM registry (admin role only: see dinsos.admin_site).

Edits here keep the registry's history. A family's or member's change form saves through
`kpm.services.keluarga_update` / `anggota_update` (one RiwayatPerubahan row per edit), never
through `Model.save()`. What would bypass a rule is read-only: the status (changed on the
family page with a reason, `keluarga_status_change`), the No KK and NIK (shown masked; the
portal's pages correct them), and the history tables. Families and members are not added or
deleted here: registering needs a pengurus (the portal's form or the Final Closing import)
and a family is never deleted (DOMAIN.md §7).

The family list imports and exports the office's Final Closing list (`kpm.resources`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ExportForm, ImportForm

from dinsos import services as dinsos_services
from dinsos.ekspor import SafeExportAdminMixin
from dinsos.errors import DomainError
from dinsos.formatting import mask_nik, mask_no_kk, rupiah
from dinsos.models import AuditEvent, User, Wilayah
from dinsos.pengaturan import today
from kpm import importers, services
from kpm.models import (
    Anggota,
    Keluarga,
    KeluargaTidakAdaDiImpor,
    Komponen,
    NominalKomponen,
    Penyaluran,
    RiwayatPerubahan,
    RiwayatStatus,
)
from kpm.resources import (
    CsvFinalClosing,
    FinalClosingResource,
    HasilImpor,
    PenyimpananImporSementara,
    XlsxFinalClosing,
)

DESIL_KOSONG = "kosong"
# Issue 22: the changelist search is a GET, so a NIK or No KK typed there would land in the
# URL, the history and the access logs. No admin searches identifiers; the portal's family
# list does (POST, exact, rate-limited, audited).
ADMIN_SEARCH_HELP = "Cari nama. NIK dan No KK dicari di halaman Keluarga portal, bukan di sini."


# --- Filters ------------------------------------------------------------------------
class KecamatanFilter(admin.SimpleListFilter):
    title = "kecamatan"
    parameter_name = "kecamatan"
    kelurahan_path = "kelurahan"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        kecamatan = Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KECAMATAN, berlaku_sampai__isnull=True
        ).order_by("nama")
        return [(str(w.pk), w.nama) for w in kecamatan]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(**{f"{self.kelurahan_path}__parent_id": int(value)})


class KecamatanKeluargaFilter(KecamatanFilter):
    kelurahan_path = "keluarga__kelurahan"


class DesilFilter(admin.SimpleListFilter):
    title = "desil"
    parameter_name = "desil"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(d), f"Desil {d}") for d in range(1, 11)] + [(DESIL_KOSONG, "Belum ada")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == DESIL_KOSONG:
            return queryset.filter(desil__isnull=True)
        if value and value.isdigit():
            return queryset.filter(desil=int(value))
        return queryset


class KomponenFilter(admin.SimpleListFilter):
    title = "komponen"
    parameter_name = "komponen"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(Komponen.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in Komponen.values:
            return queryset.filter(komponen__contains=[value])
        return queryset


# --- Shared display helpers -----------------------------------------------------------
def _keluarga_link(keluarga: Keluarga) -> str:
    url = reverse("admin:kpm_keluarga_change", args=[keluarga.pk])
    return format_html('<a href="{}">{}</a>', url, mask_no_kk(keluarga.no_kk))


def _komponen_label(values: list[str]) -> str:
    return ", ".join(Komponen(v).label for v in values) or "—"


class ReadOnlyAdmin(admin.ModelAdmin):
    """History rows: written only by the services, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# --- Keluarga ----------------------------------------------------------------------
class FinalClosingImportForm(ImportForm):
    def __init__(self, formats: Any, resources: Any, **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.fields["import_file"].label = "Berkas Final Closing (XLSX atau CSV)"
        self.fields["format"].label = "Format berkas"


class FinalClosingExportForm(ExportForm):
    def __init__(self, formats: Any, resources: Any, **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].label = "Format berkas"


class KeluargaAdminForm(forms.ModelForm):
    class Meta:
        model = Keluarga
        fields = list(services.KELUARGA_FIELDS)

    def _rt_rw(self, name: str, label: str) -> str:
        try:
            return importers.rt_rw(self.cleaned_data[name], label=label)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_rt(self) -> str:
        return self._rt_rw("rt", "RT")

    def clean_rw(self) -> str:
        return self._rt_rw("rw", "RW")


@admin.register(Keluarga)
class KeluargaAdmin(SafeExportAdminMixin, ImportExportModelAdmin):
    """Families: edits through kpm.services; Final Closing import and export."""

    form = KeluargaAdminForm
    list_display = (
        "no_kk_tersamar",
        "nama_pengurus",
        "kelurahan_nama",
        "kecamatan_nama",
        "status",
        "desil",
        "tanggal_terdaftar",
    )
    list_filter = ("status", KecamatanFilter, DesilFilter, KomponenFilter)
    search_fields = ("anggota__nama",)
    search_help_text = ADMIN_SEARCH_HELP
    list_select_related = ("kelurahan__parent", "pengurus")
    fields = (
        "no_kk_tersamar",
        "status",
        "kelurahan",
        "alamat",
        "rt",
        "rw",
        "pendamping",
        "tanggal_terdaftar",
        "pengurus_tersamar",
        "daftar_anggota",
        "desil",
        "desil_per",
        "komponen_label",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "no_kk_tersamar",
        "status",
        "pendamping",  # assigned in the pendamping app, which keeps the history
        "pengurus_tersamar",
        "daftar_anggota",
        "desil",
        "desil_per",
        "komponen_label",
        "created_at",
        "updated_at",
    )
    autocomplete_fields = ("kelurahan",)
    resource_classes = [FinalClosingResource]
    import_template_name = "admin/kpm/keluarga/import.html"
    import_form_class = FinalClosingImportForm
    export_template_name = "admin/kpm/keluarga/export.html"
    export_form_class = FinalClosingExportForm
    tmp_storage_class = PenyimpananImporSementara

    def get_queryset(self, request: HttpRequest) -> QuerySet[Keluarga]:
        return super().get_queryset(request).select_related("kelurahan__parent", "pengurus")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="No KK", ordering="no_kk")
    def no_kk_tersamar(self, obj: Keluarga) -> str:
        return mask_no_kk(obj.no_kk)

    @admin.display(description="pengurus", ordering="pengurus__nama")
    def nama_pengurus(self, obj: Keluarga) -> str:
        return obj.pengurus.nama if obj.pengurus else "—"

    @admin.display(description="pengurus")
    def pengurus_tersamar(self, obj: Keluarga) -> str:
        pengurus = obj.pengurus
        return f"{pengurus.nama} (NIK {mask_nik(pengurus.nik)})" if pengurus else "—"

    @admin.display(description="kelurahan", ordering="kelurahan__nama")
    def kelurahan_nama(self, obj: Keluarga) -> str:
        return obj.kelurahan.nama

    @admin.display(description="kecamatan", ordering="kelurahan__parent__nama")
    def kecamatan_nama(self, obj: Keluarga) -> str:
        return obj.kelurahan.parent.nama if obj.kelurahan.parent else "—"

    @admin.display(description="komponen")
    def komponen_label(self, obj: Keluarga) -> str:
        return _komponen_label(obj.komponen)

    @admin.display(description="anggota")
    def daftar_anggota(self, obj: Keluarga) -> str:
        rows = [
            (
                reverse("admin:kpm_anggota_change", args=[a.pk]),
                mask_nik(a.nik),
                a.nama,
                a.get_hubungan_display(),
            )
            for a in obj.anggota.all()
        ]
        return format_html_join("", '<div><a href="{}">{}</a> {} ({})</div>', rows) or "—"

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Keluarga | None = None,
    ) -> Any:
        if obj is not None and isinstance(request.user, User):
            dinsos_services.audit_record(user=request.user, action=AuditEvent.Action.VIEW, obj=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(
        self, request: HttpRequest, obj: Keluarga, form: forms.ModelForm, change: bool
    ) -> None:
        # The form already copied the new values onto `obj`: diff against the stored row.
        assert isinstance(request.user, User)
        stored = Keluarga.objects.select_related("kelurahan", "pendamping").get(pk=obj.pk)
        data = {f: form.cleaned_data[f] for f in services.KELUARGA_FIELDS if f in form.cleaned_data}
        services.keluarga_update(keluarga=stored, data=data, oleh=request.user)

    # --- Final Closing import/export --------------------------------------------------
    def get_import_formats(self) -> list[type[base_formats.Format]]:
        return [CsvFinalClosing, XlsxFinalClosing]

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        # A file the reader refuses says why in Indonesian (dinsos.spreadsheet.FileDitolak).
        message = (
            e.message
            if isinstance(e, DomainError)
            else "File tidak bisa dibaca; pastikan format yang dipilih sesuai dengan isi file."
        )
        form.add_error("import_file", message)

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().get_import_data_kwargs(**kwargs)
        # A row that became invalid between preview and confirm undoes the whole import.
        data["rollback_on_validation_errors"] = True
        return data

    def process_result(self, result: HasilImpor, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            # The registry changed between preview and confirm: the import was rolled back.
            messages.error(
                request,
                "Impor dibatalkan, tidak ada yang disimpan: data registri berubah sejak "
                "pratinjau. Unggah file lagi untuk melihat kesalahannya.",
            )
            return redirect("admin:kpm_keluarga_import")
        response: HttpResponse = super().process_result(result, request)
        return response

    def add_success_message(self, result: HasilImpor, request: HttpRequest) -> None:
        jumlah = result.jumlah
        messages.success(
            request,
            f"Impor Final Closing selesai: {jumlah[services.AKSI_BARU]} keluarga baru, "
            f"{jumlah[services.AKSI_DIPERBARUI]} diperbarui, "
            f"{jumlah[services.AKSI_TETAP]} tanpa perubahan. {result.hilang} keluarga di "
            "registri tidak ada di file ini dan dicatat untuk ditindaklanjuti (tidak dihapus).",
        )
        for warning in result.peringatan:
            messages.warning(request, f"Baris {warning.row}, {warning.column}: {warning.message}")

    def get_data_for_export(
        self, request: HttpRequest, queryset: QuerySet[Keluarga], **kwargs: Any
    ) -> Any:
        assert isinstance(request.user, User)
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        dinsos_services.audit_record(
            user=request.user,
            action=AuditEvent.Action.EXPORT,
            object_type=Keluarga._meta.label_lower,
            reason="Final Closing",
            jumlah=len(dataset),
        )
        return dataset

    def get_export_filename(
        self, request: HttpRequest, queryset: QuerySet[Keluarga], file_format: Any
    ) -> str:
        return f"final-closing-{today():%Y-%m-%d}.{file_format.get_extension()}"


# --- Anggota ------------------------------------------------------------------------
class AnggotaAdminForm(forms.ModelForm):
    class Meta:
        model = Anggota
        fields = [f for f in services.ANGGOTA_FIELDS if f != "nik"]


@admin.register(Anggota)
class AnggotaAdmin(admin.ModelAdmin):
    """Members: edits through kpm.services.anggota_update; the NIK is shown masked."""

    form = AnggotaAdminForm
    list_display = (
        "nik_tersamar",
        "nama",
        "keluarga_tersamar",
        "hubungan",
        "jenis_kelamin",
        "tanggal_lahir",
        "kelurahan_nama",
    )
    list_filter = ("hubungan", "jenis_kelamin", "jenjang_sekolah", KecamatanKeluargaFilter)
    search_fields = ("nama",)
    search_help_text = ADMIN_SEARCH_HELP
    list_select_related = ("keluarga__kelurahan",)
    fields = (
        "nik_tersamar",
        "keluarga_link",
        "nama",
        "jenis_kelamin",
        "tanggal_lahir",
        "hubungan",
        "jenjang_sekolah",
        "is_hamil",
        "is_disabilitas_berat",
        "is_korban_ham",
        "komponen_label",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "nik_tersamar",
        "keluarga_link",
        "komponen_label",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Anggota]:
        return super().get_queryset(request).select_related("keluarga__kelurahan")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="NIK", ordering="nik")
    def nik_tersamar(self, obj: Anggota) -> str:
        return mask_nik(obj.nik)

    @admin.display(description="No KK", ordering="keluarga__no_kk")
    def keluarga_tersamar(self, obj: Anggota) -> str:
        return mask_no_kk(obj.keluarga.no_kk)

    @admin.display(description="keluarga")
    def keluarga_link(self, obj: Anggota) -> str:
        return _keluarga_link(obj.keluarga)

    @admin.display(description="kelurahan", ordering="keluarga__kelurahan__nama")
    def kelurahan_nama(self, obj: Anggota) -> str:
        return obj.keluarga.kelurahan.nama

    @admin.display(description="komponen")
    def komponen_label(self, obj: Anggota) -> str:
        return _komponen_label(obj.komponen)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Anggota | None = None,
    ) -> Any:
        if obj is not None and isinstance(request.user, User):
            dinsos_services.audit_record(user=request.user, action=AuditEvent.Action.VIEW, obj=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(
        self, request: HttpRequest, obj: Anggota, form: forms.ModelForm, change: bool
    ) -> None:
        assert isinstance(request.user, User)
        stored = Anggota.objects.select_related("keluarga").get(pk=obj.pk)
        data = {f: form.cleaned_data[f] for f in services.ANGGOTA_FIELDS if f in form.cleaned_data}
        services.anggota_update(anggota=stored, data=data, oleh=request.user)


# --- History (read-only) -------------------------------------------------------------
@admin.register(RiwayatStatus)
class RiwayatStatusAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "keluarga_tersamar", "dari", "ke", "alasan", "oleh")
    list_filter = ("ke", "dari")
    search_fields = ("keluarga__pengurus__nama",)
    list_select_related = ("keluarga", "oleh")
    date_hierarchy = "created_at"

    @admin.display(description="No KK", ordering="keluarga__no_kk")
    def keluarga_tersamar(self, obj: RiwayatStatus) -> str:
        return _keluarga_link(obj.keluarga)


@admin.register(RiwayatPerubahan)
class RiwayatPerubahanAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "keluarga_tersamar", "anggota_tersamar", "ringkasan", "oleh")
    search_fields = ("keluarga__pengurus__nama",)
    list_select_related = ("keluarga", "anggota", "oleh")
    date_hierarchy = "created_at"

    @admin.display(description="No KK", ordering="keluarga__no_kk")
    def keluarga_tersamar(self, obj: RiwayatPerubahan) -> str:
        return _keluarga_link(obj.keluarga)

    @admin.display(description="anggota")
    def anggota_tersamar(self, obj: RiwayatPerubahan) -> str:
        return str(obj.anggota) if obj.anggota else "—"

    @admin.display(description="perubahan")
    def ringkasan(self, obj: RiwayatPerubahan) -> str:
        return "; ".join(f"{k}: {v[0] or '—'} → {v[1] or '—'}" for k, v in obj.perubahan.items())


# --- Amounts -----------------------------------------------------------------------
@admin.register(NominalKomponen)
class NominalKomponenAdmin(admin.ModelAdmin):
    """The dated amounts table (DOMAIN.md §2): one yearly amount per component and year."""

    list_display = ("tahun", "komponen", "nominal_tahunan_rp", "nominal_tahap_rp")
    list_filter = ("tahun", "komponen")
    fields = ("tahun", "komponen", "nominal_tahunan")

    @admin.display(description="per tahun", ordering="nominal_tahunan")
    def nominal_tahunan_rp(self, obj: NominalKomponen) -> str:
        return rupiah(obj.nominal_tahunan)

    @admin.display(description="per tahap")
    def nominal_tahap_rp(self, obj: NominalKomponen) -> str:
        return rupiah(obj.nominal_per_tahap)


# --- Follow-up of families missing from an import ----------------------------------------
@admin.register(KeluargaTidakAdaDiImpor)
class KeluargaTidakAdaDiImporAdmin(admin.ModelAdmin):
    """Families missing from an imported Final Closing: followed up, never deleted."""

    list_display = (
        "keluarga_tersamar",
        "nama_pengurus",
        "kelurahan_nama",
        "status_keluarga",
        "nama_file",
        "diimpor_oleh",
        "created_at",
        "is_selesai",
    )
    list_editable = ("is_selesai",)
    list_filter = ("is_selesai", "nama_file", KecamatanKeluargaFilter)
    search_fields = ("keluarga__pengurus__nama", "nama_file")
    list_select_related = ("keluarga__kelurahan", "keluarga__pengurus", "diimpor_oleh")
    fields = ("keluarga_link", "nama_file", "diimpor_oleh", "created_at", "is_selesai", "catatan")
    readonly_fields = ("keluarga_link", "nama_file", "diimpor_oleh", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="No KK", ordering="keluarga__no_kk")
    def keluarga_tersamar(self, obj: KeluargaTidakAdaDiImpor) -> str:
        return mask_no_kk(obj.keluarga.no_kk)

    @admin.display(description="keluarga")
    def keluarga_link(self, obj: KeluargaTidakAdaDiImpor) -> str:
        return _keluarga_link(obj.keluarga)

    @admin.display(description="pengurus")
    def nama_pengurus(self, obj: KeluargaTidakAdaDiImpor) -> str:
        pengurus = obj.keluarga.pengurus
        return pengurus.nama if pengurus else "—"

    @admin.display(description="kelurahan", ordering="keluarga__kelurahan__nama")
    def kelurahan_nama(self, obj: KeluargaTidakAdaDiImpor) -> str:
        return obj.keluarga.kelurahan.nama

    @admin.display(description="status keluarga", ordering="keluarga__status")
    def status_keluarga(self, obj: KeluargaTidakAdaDiImpor) -> str:
        return obj.keluarga.get_status_display()


# --- Penyaluran (issue 20): rows come from the distribution-list import only ---------------
@admin.register(Penyaluran)
class PenyaluranAdmin(ReadOnlyAdmin):
    list_display = ("keluarga_tersamar", "tahun", "tahap", "nominal_rp", "status", "sumber")
    list_filter = ("tahun", "tahap", "status")
    list_select_related = ("keluarga",)
    # Every field read-only: payouts change only by importing a newer list.
    readonly_fields = (
        "keluarga_link",
        "tahun",
        "tahap",
        "nominal",
        "status",
        "alasan_gagal",
        "sumber",
        "nama_file",
        "diimpor_oleh",
        "created_at",
        "updated_at",
    )
    fields = (
        "keluarga_link",
        ("tahun", "tahap"),
        "nominal",
        "status",
        "alasan_gagal",
        "sumber",
        "nama_file",
        "diimpor_oleh",
        "created_at",
        "updated_at",
    )

    @admin.display(description="No KK", ordering="keluarga__no_kk")
    def keluarga_tersamar(self, obj: Penyaluran) -> str:
        return mask_no_kk(obj.keluarga.no_kk)

    @admin.display(description="keluarga")
    def keluarga_link(self, obj: Penyaluran) -> str:
        return _keluarga_link(obj.keluarga)

    @admin.display(description="nominal", ordering="nominal")
    def nominal_rp(self, obj: Penyaluran) -> str:
        return rupiah(obj.nominal)
