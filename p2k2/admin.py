from typing import Any

from django.contrib import admin
from django.db.models import Min, QuerySet
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin

from dinsos.ekspor import SafeExportAdminMixin
from dinsos.pengaturan import today
from kpm.models import Keluarga
from p2k2.models import (
    Keanggotaan,
    Kehadiran,
    Kelompok,
    Kiriman,
    KonflikKehadiran,
    Modul,
    Pertemuan,
    Sesi,
)
from p2k2.resources import SesiResource
from p2k2.services import ringkasan as ringkasan_services
from p2k2.services.pertemuan import kinerja_basi
from pendamping.models import Penugasan
from pendamping.services import ringkasan_kinerja_basi


def _kinerja_basi_pertemuan(pertemuan: QuerySet[Pertemuan]) -> None:
    """Issue 21: meetings about to be deleted: the pendamping performance summary of their
    groups' pendamping (RHK 2) and of their families' pendamping (contacts: the current one
    or an assignment row still open then) is out of date from the earliest of their dates
    (a few queries and one UPDATE, whatever the number of meetings)."""
    hari = pertemuan.aggregate(awal=Min("tanggal"))["awal"]
    if hari is None:
        return
    keluarga = Kehadiran.objects.filter(pertemuan__in=pertemuan).values("keluarga_id")
    akun = set(pertemuan.values_list("kelompok__pendamping_id", flat=True))
    akun |= set(Keluarga.objects.filter(pk__in=keluarga).values_list("pendamping_id", flat=True))
    akun |= set(
        Penugasan.objects.filter(keluarga_id__in=keluarga)
        .exclude(selesai__lt=hari)
        .values_list("pendamping_id", flat=True)
    )
    ringkasan_kinerja_basi(user_ids=akun, sejak=hari)


class _ReadOnly(admin.ModelAdmin):
    """Rows written by the P2K2 services only (attendance sync, membership moves)."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SesiInline(admin.TabularInline):
    model = Sesi
    fields = ("urutan", "judul")
    ordering = ("urutan",)
    extra = 0


@admin.register(Modul)
class ModulAdmin(admin.ModelAdmin):
    """The curriculum (DOMAIN.md §6): modules with their sessions in teaching order."""

    list_display = ("nama", "urutan", "is_adaptif", "is_aktif")
    list_editable = ("urutan", "is_aktif")
    inlines = [SesiInline]


@admin.register(Sesi)
class SesiAdmin(SafeExportAdminMixin, ImportExportModelAdmin):
    resource_classes = [SesiResource]
    list_display = ("modul", "urutan", "judul")
    list_filter = ("modul",)
    list_select_related = ("modul",)
    search_fields = ("judul",)


class KeanggotaanInline(admin.TabularInline):
    model = Keanggotaan
    fields = ("keluarga", "mulai", "selesai", "oleh")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Kelompok)
class KelompokAdmin(admin.ModelAdmin):
    list_display = ("nama", "pendamping", "kelurahan", "tempat")
    list_filter = ("kelurahan__parent",)
    search_fields = ("nama", "pendamping__username", "pendamping__first_name")
    list_select_related = ("pendamping", "kelurahan")
    raw_id_fields = ("pendamping", "kelurahan", "ketua")
    inlines = [KeanggotaanInline]

    def save_model(self, request: HttpRequest, obj: Kelompok, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "pendamping" in form.changed_data:
            # Issue 21: the group's held meetings (RHK 2) move to the new pendamping.
            awal = obj.pertemuan.aggregate(awal=Min("tanggal"))["awal"] or today()
            ringkasan_kinerja_basi(
                user_ids=[form.initial.get("pendamping"), obj.pendamping_id], sejak=awal
            )


@admin.register(Pertemuan)
class PertemuanAdmin(admin.ModelAdmin):
    list_display = ("kelompok", "tanggal", "sesi", "topik", "status")
    list_filter = ("status", "sesi__modul")
    search_fields = ("kelompok__nama", "topik")
    list_select_related = ("kelompok", "sesi__modul")
    raw_id_fields = ("kelompok", "sesi", "dibuat_oleh")
    # The photo comes only through the meeting form, which checks and re-encodes it.
    readonly_fields = ("client_id", "foto")
    date_hierarchy = "tanggal"

    # Issue 21: an edit here (date, status, session, group) or a deletion (with its marks)
    # changes the recaps; recompute what it touched in the same transaction.
    def save_model(self, request: HttpRequest, obj: Pertemuan, form: Any, change: bool) -> None:
        lama = form.initial.get("kelompok") if change else None
        hadir = Kehadiran.objects.filter(pertemuan=obj.pk).values("keluarga_id")
        if change:  # the pendamping performance summary: where it was (RHK 2, contacts)…
            kinerja_basi(pertemuan=Pertemuan.objects.get(pk=obj.pk), keluarga_ids=hadir)
        super().save_model(request, obj, form, change)
        kinerja_basi(pertemuan=obj, keluarga_ids=hadir)  # … and where it is now
        ringkasan_services.ringkasan_pertemuan_segarkan(pertemuan=obj)
        if lama and lama != obj.kelompok_id:
            ringkasan_services.ringkasan_kelompok_segarkan(kelompok_ids=[lama])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Pertemuan]) -> None:
        kelompok = set(queryset.values_list("kelompok_id", flat=True))
        keluarga = set(
            Kehadiran.objects.filter(pertemuan__in=queryset).values_list("keluarga_id", flat=True)
        )
        _kinerja_basi_pertemuan(queryset)
        super().delete_queryset(request, queryset)
        ringkasan_services.ringkasan_kelompok_segarkan(kelompok_ids=kelompok)
        ringkasan_services.ringkasan_runtun_segarkan(keluarga_ids=keluarga)

    def delete_model(self, request: HttpRequest, obj: Pertemuan) -> None:
        self.delete_queryset(request, Pertemuan.objects.filter(pk=obj.pk))


@admin.register(Kehadiran)
class KehadiranAdmin(_ReadOnly):
    list_display = ("pertemuan", "keluarga", "status", "pemahaman", "versi", "recorded_by")
    list_filter = ("status",)
    search_fields = ("keluarga__pengurus__nama", "pertemuan__kelompok__nama")  # no NIK in URLs
    list_select_related = ("pertemuan__kelompok", "keluarga", "recorded_by")


@admin.register(KonflikKehadiran)
class KonflikKehadiranAdmin(_ReadOnly):
    list_display = (
        "pertemuan",
        "keluarga",
        "status_tersimpan",
        "status",
        "oleh",
        "pilihan",
        "diselesaikan_at",
    )
    list_filter = ("pilihan",)
    list_select_related = ("pertemuan__kelompok", "keluarga", "oleh")


@admin.register(Kiriman)
class KirimanAdmin(_ReadOnly):
    list_display = ("client_id", "pertemuan", "oleh", "created_at")
    list_select_related = ("pertemuan__kelompok", "oleh")
    search_fields = ("client_id",)
