"""Django admin of verifikasi: the Sekolah Rakyat quota per intake (issue 20, D5)."""

from django.contrib import admin

from verifikasi.models import KuotaSekolahRakyat


@admin.register(KuotaSekolahRakyat)
class KuotaSekolahRakyatAdmin(admin.ModelAdmin):
    """The admin fills in the seats of each intake; the candidate list reads them."""

    list_display = ("tahun_ajaran", "jenjang", "jumlah_kursi", "keterangan", "updated_at")
    list_filter = ("tahun_ajaran", "jenjang")
    list_editable = ("jumlah_kursi",)
