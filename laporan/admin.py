from django.contrib import admin
from django.http import HttpRequest

from laporan.models import LaporanBulanan


@admin.register(LaporanBulanan)
class LaporanBulananAdmin(admin.ModelAdmin):
    """Read-only: a report is frozen; a new version comes from "Buat ulang" on its page."""

    list_display = ("bulan", "wilayah", "versi", "status", "sumber", "dibuat_oleh", "dibuat_at")
    list_filter = ("status", "sumber")
    list_select_related = ("wilayah", "dibuat_oleh")
    exclude = ("data",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
