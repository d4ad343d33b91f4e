from django.contrib import admin
from django.http import HttpRequest

from pemutakhiran.models import BatchSiks, Usulan


@admin.register(Usulan)
class UsulanAdmin(admin.ModelAdmin):
    list_display = ("pk", "jenis", "status", "bulan", "kelurahan", "created_at")
    list_filter = ("jenis", "status", "bulan")
    # Read only: every change goes through the services (history and audit).
    readonly_fields = [f.name for f in Usulan._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(BatchSiks)
class BatchSiksAdmin(admin.ModelAdmin):
    list_display = ("bulan", "jenis", "jumlah_baris", "jumlah_ditahan", "dibuat_oleh")
    readonly_fields = [f.name for f in BatchSiks._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
