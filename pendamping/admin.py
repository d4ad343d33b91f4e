import datetime
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from dinsos.forms import identifier_keep_stored, identifier_or_stored
from pendamping import services
from pendamping.models import (
    Arahan,
    ArahanPenerima,
    JenisPsks,
    Kasus,
    KategoriPmks,
    KlienPmks,
    Kunjungan,
    LaporanBulanan,
    Pendamping,
    Penugasan,
    Rujukan,
    SkorKepuasan,
    Sosialisasi,
    TautanKepuasan,
)
from pendamping.models.ringkasan import RingkasanKinerja
from pendamping.services.ringkasan import (
    ringkasan_kinerja_basi,
    ringkasan_kinerja_basi_catatan,
    ringkasan_kinerja_basi_semua,
)


class PendampingAdminForm(forms.ModelForm):
    """The stored NIK is shown masked and kept unless a new one is typed (issue 22)."""

    class Meta:
        model = Pendamping
        fields = [
            "user",
            "nama",
            "jenis",
            "nik",
            "telepon",
            "wilayah",
            "mulai",
            "selesai",
            "is_wilayah_sulit",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nik_tersimpan = self.instance.nik if self.instance.pk else ""
        if self.nik_tersimpan:
            identifier_keep_stored(self, "nik", tersimpan=self.nik_tersimpan, label="NIK")

    def clean_nik(self) -> str:
        value: str = self.cleaned_data["nik"]
        if self.nik_tersimpan and (
            kept := identifier_or_stored(value, tersimpan=self.nik_tersimpan)
        ):
            return kept
        return value


class RingkasanBasiAdmin(admin.ModelAdmin):
    """Issue 21: an edit or delete of a record the performance indicators count marks its
    pendamping's summary out of date, from the record's earliest date (before and after
    the edit), in the admin's transaction, as the app's services do."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            ringkasan_kinerja_basi_catatan(type(obj).objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        ringkasan_kinerja_basi_catatan(obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        ringkasan_kinerja_basi_catatan(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            ringkasan_kinerja_basi_semua(queryset)
            super().delete_queryset(request, queryset)


@admin.register(Pendamping)
class PendampingAdmin(admin.ModelAdmin):
    form = PendampingAdminForm
    list_display = ("nama", "jenis", "user", "mulai", "selesai", "is_wilayah_sulit")
    list_filter = ("jenis", "is_wilayah_sulit", "selesai")
    search_fields = ("nama", "user__username", "telepon")
    list_select_related = ("user", "jenis")
    filter_horizontal = ("wilayah",)
    raw_id_fields = ("user",)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The account's areas bound what the pendamping sees; keep them equal to the duty areas.
        services.pendamping_wilayah_sync(pendamping=form.instance)
        if change and "user" in form.changed_data:
            # Issue 21: most figures are the account's: every stored period is out of date.
            ringkasan_kinerja_basi(pendamping_ids=[form.instance.pk], sejak=datetime.date.min)


@admin.register(Penugasan)
class PenugasanAdmin(admin.ModelAdmin):
    """History of who had which family when: written by the assignment service only."""

    list_display = ("keluarga", "pendamping", "mulai", "selesai", "oleh")
    list_filter = ("selesai",)
    search_fields = ("keluarga__pengurus__nama", "pendamping__username")  # no NIK in URLs
    list_select_related = ("keluarga", "pendamping", "oleh")
    date_hierarchy = "mulai"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # Issue 21: the families served of that pendamping change from the row's start.
        ringkasan_kinerja_basi(user_ids=[obj.pendamping_id], sejak=obj.mulai)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            rows = list(queryset.order_by().values_list("pendamping_id", "mulai").distinct())
            if rows:
                ringkasan_kinerja_basi(
                    user_ids={user_id for user_id, _ in rows}, sejak=min(m for _, m in rows)
                )
            super().delete_queryset(request, queryset)


# --- The PSKS kinds, PMKS categories and clients (issue 20) ---------------------------
@admin.register(JenisPsks)
class JenisPsksAdmin(admin.ModelAdmin):
    """The office edits the worker kinds: name, caseload ceiling, whether they follow KPM
    families, active. The code is what records point at: it is not changed once used."""

    list_display = ("nama", "kode", "batas_beban", "is_ikut_keluarga", "is_aktif", "urutan")
    list_editable = ("batas_beban", "is_ikut_keluarga", "is_aktif", "urutan")
    list_filter = ("is_aktif", "is_ikut_keluarga")
    search_fields = ("nama", "kode")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("kode",) if obj is not None else ()


@admin.register(KategoriPmks)
class KategoriPmksAdmin(admin.ModelAdmin):
    list_display = ("nama", "kode", "is_aktif", "urutan")
    list_editable = ("is_aktif", "urutan")
    list_filter = ("is_aktif",)
    search_fields = ("nama", "kode")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("kode",) if obj is not None else ()


@admin.register(KlienPmks)
class KlienPmksAdmin(admin.ModelAdmin):
    """Read-only here: clients are registered on their pages (scoped and audited)."""

    list_display = ("nama", "kategori", "kelurahan", "pendamping")
    list_filter = ("kategori",)
    search_fields = ("nama",)  # no NIK in URLs
    list_select_related = ("kategori", "kelurahan", "pendamping")
    exclude = ("nik",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class _CatatanAdmin(RingkasanBasiAdmin):
    search_fields: ClassVar[tuple[str, ...]] = (
        "keluarga__pengurus__nama",
        "klien__nama",
        "pendamping__nama",
    )  # no NIK in URLs
    list_select_related: ClassVar[tuple[str, ...]] = ("keluarga", "klien", "pendamping")
    raw_id_fields = ["keluarga", "klien", "pendamping", "dicatat_oleh"]


@admin.register(Kasus)
class KasusAdmin(_CatatanAdmin):
    list_display = ("keluarga", "klien", "pendamping", "kategori", "tanggal_lapor", "status")
    list_filter = ("status", "kategori", "pendamping__jenis")
    date_hierarchy = "tanggal_lapor"


@admin.register(Rujukan)
class RujukanAdmin(_CatatanAdmin):
    list_display = ("keluarga", "klien", "pendamping", "tujuan", "tanggal_kirim", "status")
    list_filter = ("status", "tujuan")
    date_hierarchy = "tanggal_kirim"
    raw_id_fields = ["keluarga", "klien", "pendamping", "dicatat_oleh", "kasus"]
    # The answer letter is uploaded on the referral page only (checked by dinsos.uploads).
    exclude = ("dokumen_jawaban", "tipe_dokumen")


@admin.register(Kunjungan)
class KunjunganAdmin(_CatatanAdmin):
    list_display = ("keluarga", "klien", "pendamping", "jenis", "tanggal")
    list_filter = ("jenis",)
    date_hierarchy = "tanggal"


@admin.register(SkorKepuasan)
class SkorKepuasanAdmin(_CatatanAdmin):
    list_display = ("keluarga", "pendamping", "skor", "tanggal", "kanal")
    list_filter = ("skor", "kanal")
    search_fields = ("keluarga__pengurus__nama", "pendamping__nama")  # no NIK in URLs
    list_select_related = ("keluarga", "pendamping")
    raw_id_fields = ["keluarga", "pendamping", "dicatat_oleh"]
    date_hierarchy = "tanggal"


# --- Issue 20: RHK 7–9 records and the family's own satisfaction links ------------------
@admin.register(LaporanBulanan)
class LaporanBulananAdmin(RingkasanBasiAdmin):
    list_display = ("pendamping", "bulan", "dikirim_pada", "is_terlambat")
    list_filter = ("is_terlambat",)
    list_select_related = ("pendamping",)
    search_fields = ("pendamping__nama",)
    raw_id_fields = ["pendamping", "dicatat_oleh"]
    date_hierarchy = "bulan"


class ArahanPenerimaInline(admin.TabularInline):
    model = ArahanPenerima
    extra = 0
    raw_id_fields = ["pendamping"]


@admin.register(Arahan)
class ArahanAdmin(admin.ModelAdmin):
    list_display = ("judul", "tanggal", "batas_tanggal", "dibuat_oleh")
    search_fields = ("judul",)
    raw_id_fields = ["dibuat_oleh"]
    inlines = [ArahanPenerimaInline]
    date_hierarchy = "tanggal"

    # Issue 21: RHK 8 counts the directives dated in a period per addressee; an edit of the
    # date or the addressees, or a delete, marks the summary of the addressees (before and
    # after) out of date from the directive's date.
    @staticmethod
    def _basi(arahan: QuerySet[Any]) -> None:
        rows = list(arahan.order_by().values_list("penerima__pendamping_id", "tanggal"))
        ids = {pk for pk, _ in rows if pk is not None}
        if ids:
            ringkasan_kinerja_basi(pendamping_ids=ids, sejak=min(t for _, t in rows))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            self._basi(Arahan.objects.filter(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self._basi(Arahan.objects.filter(pk=form.instance.pk))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._basi(Arahan.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            self._basi(queryset)
            super().delete_queryset(request, queryset)


@admin.register(Sosialisasi)
class SosialisasiAdmin(RingkasanBasiAdmin):
    list_display = ("topik", "pendamping", "tanggal", "tempat", "jumlah_peserta")
    list_select_related = ("pendamping",)
    search_fields = ("topik", "tempat", "pendamping__nama")
    raw_id_fields = ["pendamping", "kelurahan", "dicatat_oleh"]
    date_hierarchy = "tanggal"
    # The photo enters only through the page's UploadField (tests/dinsos/test_uploads.py).
    exclude = ("foto",)


@admin.register(TautanKepuasan)
class TautanKepuasanAdmin(admin.ModelAdmin):
    list_display = ("keluarga", "pendamping", "periode", "dijawab_pada")
    list_select_related = ("keluarga", "pendamping")
    search_fields = ("pendamping__nama",)
    raw_id_fields = ["keluarga", "pendamping", "skor"]
    exclude = ["token"]  # a working link is the family's to use, not for staff to open


@admin.register(RingkasanKinerja)
class RingkasanKinerjaAdmin(admin.ModelAdmin):
    """Issue 21: the performance summary, for looking only (the services keep it)."""

    list_display = ("pendamping", "tahun", "bulan", "is_basi", "dihitung_pada")
    list_filter = ("tahun", "bulan", "is_basi")
    list_select_related = ("pendamping",)
    search_fields = ("pendamping__nama",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
