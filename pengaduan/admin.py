from django.contrib import admin
from django.http import HttpRequest

from pengaduan.models import HariLibur, Pengaduan


@admin.register(HariLibur)
class HariLiburAdmin(admin.ModelAdmin):
    """Cuti bersama and local closing days: the `holidays` library knows only the national
    public holidays, so the office enters these each year (pengaduan/tenggat.py)."""

    list_display = ("tanggal", "keterangan")
    date_hierarchy = "tanggal"
    search_fields = ("keterangan",)


@admin.register(Pengaduan)
class PengaduanAdmin(admin.ModelAdmin):
    """Read-only: complaints change only through the portal's pages (services, audit)."""

    list_display = ("tiket", "tanggal_terima", "kategori", "kanal", "status", "petugas")
    list_filter = ("status", "kategori", "kanal")
    search_fields = ("tiket", "nama")  # never the NIK (issue 22)
    list_select_related = ("petugas",)
    exclude = ("nik", "telepon")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
