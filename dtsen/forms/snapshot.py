"""Forms of the dtsen pages: shape checks and Indonesian messages; they never write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from dinsos.formatting import mask_identifiers
from dinsos.forms import BootstrapFormMixin
from dinsos.models import Wilayah
from dinsos.spreadsheet import FileDitolak, batas_dari_settings, upload_path
from dinsos.spreadsheet.base import MSG_KOSONG
from dtsen.importers import pintu
from dtsen.models import Jenis, Penerapan, Snapshot
from dtsen.selectors.snapshot import STATUS_MENUNGGU_PERSETUJUAN, STATUS_TERHENTI

MB = 1024 * 1024
# Unknown headers shown per page of the mapping form: the form never grows with the file
# (issue 22: 16,384 columns gave a 17,5 MB page; a file is also refused past DTSEN_MAX_KOLOM).
PEMETAAN_PER_HALAMAN = 50


class SnapshotUploadForm(BootstrapFormMixin, forms.Form):
    jenis = forms.ChoiceField(label="Jenis data", choices=Jenis.choices)
    tanggal_data = forms.DateField(
        label="Data per tanggal",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Tanggal data pada file (DTSEN diperbarui tiap bulan).",
    )
    wilayah = forms.ModelChoiceField(
        label="Wilayah cakupan", queryset=Wilayah.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label="File",
        help_text=(
            "Excel (.xlsx atau .xls), LibreOffice (.ods) atau CSV (dipisah |, titik koma, "
            "koma atau tab; UTF-8 atau Windows-1252)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt"}),
        error_messages={"empty": MSG_KOSONG},
    )

    def __init__(self, *args: Any, wilayah_qs: QuerySet[Wilayah], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].queryset = wilayah_qs  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.DTSEN_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"File terlalu besar ({upload.size / MB:.0f} MB); batasnya {limit / MB:.0f} MB."
            )
        if upload.size == 0:
            raise forms.ValidationError(MSG_KOSONG)
        return upload

    def clean(self) -> dict[str, Any]:
        """Refuse at the door (issue 15): read the file's type and header before storing."""
        data = super().clean() or {}
        upload, jenis = data.get("file"), data.get("jenis")
        if upload is not None and jenis:
            try:
                with upload_path(upload) as path:
                    pintu.unggahan_periksa(
                        path=path, jenis=Jenis(jenis), batas=batas_dari_settings()
                    )
            except FileDitolak as e:
                self.add_error("file", e.message)
        return data


class PemetaanKolomForm(BootstrapFormMixin, forms.Form):
    """One select per unknown header on one page of them (`halaman`, 1-based)."""

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        pilihan: list[tuple[str, str]],
        halaman: str | int | None = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.page: Page[str] = Paginator(headers, PEMETAAN_PER_HALAMAN).get_page(halaman)
        first = self.page.start_index() - 1 if headers else 0
        self.headers = {f"kolom_{first + i}": h for i, h in enumerate(self.page.object_list)}
        for name, header in self.headers.items():
            self.fields[name] = forms.ChoiceField(
                label=f"Kolom “{mask_identifiers(header)}”", choices=pilihan, required=False
            )

    def pemetaan(self) -> dict[str, str]:
        """This page's headers as written in the file → the chosen field ("" = ignored)."""
        return {header: self.cleaned_data[name] for name, header in self.headers.items()}


class SnapshotFilterForm(BootstrapFormMixin, forms.Form):
    """The import list's status filter (the Beranda links to its values)."""

    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[
            ("", "Semua status"),
            (STATUS_TERHENTI, "Terhenti (tanpa kemajuan 15 menit)"),
            (STATUS_MENUNGGU_PERSETUJUAN, "Menunggu persetujuan Anda"),
            *Snapshot.Status.choices,
        ],
    )

    def status_terpilih(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_bound and self.is_valid() else ""


class KonfirmasiForm(BootstrapFormMixin, forms.Form):
    konfirmasi = forms.BooleanField(
        label="Saya sudah meninjau ringkasan dan laporan masalah.",
        error_messages={"required": "Centang konfirmasi sebelum menerapkan."},
    )


class TerapkanForm(KonfirmasiForm):
    """Apply a snapshot: the scope when the file is partial, and for the whole area the typed
    number of families that will lose their desil (checked by services.snapshot_propose)."""

    cakupan = forms.ChoiceField(
        label="Cakupan penerapan",
        choices=[
            (Penerapan.Cakupan.SEBAGIAN, "Hanya kelurahan yang ada di file (yang lain tetap)"),
            (Penerapan.Cakupan.SELURUH, "File ini mencakup seluruh wilayah"),
        ],
        initial=Penerapan.Cakupan.SEBAGIAN,
        required=False,  # a full file shows no choice; a partial one defaults to its kelurahan
        widget=forms.RadioSelect,
    )
    konfirmasi_jumlah = forms.IntegerField(
        label="Jumlah yang akan kehilangan desil (ketik untuk seluruh wilayah)",
        required=False,
        min_value=0,
        max_value=10_000_000,
    )

    def clean_cakupan(self) -> str:
        return self.cleaned_data.get("cakupan") or Penerapan.Cakupan.SEBAGIAN


class KembalikanForm(BootstrapFormMixin, forms.Form):
    konfirmasi = forms.BooleanField(
        label="Saya mengerti desil yang diubah penerapan ini dikembalikan.",
        error_messages={"required": "Centang konfirmasi sebelum mengembalikan."},
    )


class PerubahanForm(BootstrapFormMixin, forms.Form):
    lama = forms.ModelChoiceField(label="Snapshot lama", queryset=Snapshot.objects.none())
    baru = forms.ModelChoiceField(label="Snapshot baru", queryset=Snapshot.objects.none())

    def __init__(self, *args: Any, snapshot_qs: QuerySet[Snapshot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lama", "baru"):
            field = self.fields[name]
            field.queryset = snapshot_qs  # type: ignore[attr-defined]
            field.label_from_instance = _label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lama") and data.get("lama") == data.get("baru"):
            raise forms.ValidationError("Pilih dua snapshot yang berbeda.")
        return data


def _label(snapshot: Snapshot) -> str:
    return (
        f"{snapshot.get_jenis_display()} per {snapshot.tanggal_data:%d-%m-%Y} — "
        f"{snapshot.get_status_display()} (#{snapshot.pk})"
    )
