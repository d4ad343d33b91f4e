from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin

from dinsos.ekspor import SafeExportAdminMixin
from dinsos.models import AuditEvent, Pengaturan, Persetujuan, User, Wilayah
from dinsos.pengaturan import validate_pengaturan
from dinsos.resources import WilayahResource


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    filter_horizontal = ("wilayah",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Peran dan wilayah", {"fields": ("role", "wilayah")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Peran dan wilayah", {"fields": ("role", "wilayah")}),
    )


@admin.register(Wilayah)
class WilayahAdmin(SafeExportAdminMixin, ImportExportModelAdmin):
    resource_classes = [WilayahResource]
    list_display = ("kode", "kode_bps", "nama", "tingkat", "parent", "berlaku_sampai")
    list_filter = ("tingkat",)
    search_fields = ("kode", "kode_bps", "nama")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit rows cannot be added, edited or deleted through the app."""

    list_display = (
        "created_at",
        "username",
        "action",
        "object_type",
        "object_repr",
        "jumlah",
        "ip",
    )
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PengaturanForm(forms.ModelForm):
    class Meta:
        model = Pengaturan
        fields = ["kunci", "nilai", "berlaku_mulai", "catatan"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "kunci" in data and "nilai" in data:
            try:
                validate_pengaturan(data["kunci"], data["nilai"])
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return data


@admin.register(Pengaturan)
class PengaturanAdmin(admin.ModelAdmin):
    """Dated programme settings; the default of each key is listed in dinsos/pengaturan.py."""

    form = PengaturanForm
    list_display = ("kunci", "nilai", "berlaku_mulai", "catatan")
    list_filter = ("kunci",)


@admin.register(Persetujuan)
class PersetujuanAdmin(admin.ModelAdmin):
    """Read-only (issue 20): proposals are decided on the Persetujuan page, where the
    four-eyes rule and the owning app's executor run; editing here would skip both."""

    list_display = ("created_at", "jenis", "judul", "status", "diajukan_oleh", "diputuskan_oleh")
    list_filter = ("jenis", "status")
    search_fields = ("judul", "objek_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
