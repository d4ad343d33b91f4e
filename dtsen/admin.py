from django.contrib import admin
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin

from dinsos.ekspor import SafeExportAdminMixin
from dtsen.models import PemetaanKolom, Snapshot
from dtsen.resources import PemetaanKolomResource


@admin.register(PemetaanKolom)
class PemetaanKolomAdmin(SafeExportAdminMixin, ImportExportModelAdmin):
    resource_classes = [PemetaanKolomResource]
    list_display = ("jenis", "header", "field", "created_by", "updated_at")
    list_filter = ("jenis",)
    search_fields = ("header", "field")


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """Read-only view: snapshots change only through the import pages and services."""

    list_display = (
        "pk",
        "jenis",
        "tanggal_data",
        "wilayah",
        "status",
        "baris_valid",
        "baris_ditolak",
        "created_by",
        "created_at",
    )
    list_filter = ("jenis", "status")
    list_select_related = ("wilayah", "created_by")
    exclude = ("file", "laporan")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
