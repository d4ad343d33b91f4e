"""Input shape and Indonesian field messages of the RHK 7/8 pages (issue 20)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from dinsos.forms import BootstrapFormMixin
from dinsos.uploads import FOTO, UploadField
from pendamping.forms.pendamping import _date_widget
from pendamping.models import Pendamping
from pendamping.models.rhk import NARASI_MAKS, PESERTA_MAKS

_JUMLAH = {"required": "Isi angka (0 bila tidak ada).", "min_value": "Tidak boleh negatif."}


class LaporanBulananForm(BootstrapFormMixin, forms.Form):
    """RHK 7: the month's narrative and the counts the report holds."""

    bulan = forms.DateField(
        label="Bulan yang dilaporkan",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"required": "Pilih bulan.", "invalid": "Pilih bulan dari kalender."},
    )
    narasi = forms.CharField(
        label="Uraian kegiatan bulan ini",
        max_length=NARASI_MAKS,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Uraian kegiatan bulan ini wajib diisi."},
        help_text="Jangan menulis NIK lengkap.",
    )
    jumlah_kunjungan = forms.IntegerField(
        label="Kunjungan rumah", min_value=0, initial=0, error_messages=_JUMLAH
    )
    jumlah_p2k2 = forms.IntegerField(
        label="Pertemuan P2K2", min_value=0, initial=0, error_messages=_JUMLAH
    )
    jumlah_kasus = forms.IntegerField(
        label="Kasus ditangani", min_value=0, initial=0, error_messages=_JUMLAH
    )
    kendala = forms.CharField(
        label="Kendala",
        required=False,
        max_length=NARASI_MAKS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PenerimaField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.nama)


class ArahanForm(BootstrapFormMixin, forms.Form):
    """RHK 8: a directive and the pendamping it goes to."""

    judul = forms.CharField(
        label="Judul", max_length=150, error_messages={"required": "Isi judul arahan."}
    )
    isi = forms.CharField(
        label="Isi arahan",
        max_length=NARASI_MAKS,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Isi arahan wajib diisi."},
    )
    tanggal = forms.DateField(
        label="Tanggal arahan",
        widget=_date_widget(),
        error_messages={"required": "Isi tanggal arahan.", "invalid": "Tanggal tidak valid."},
    )
    batas_tanggal = forms.DateField(
        label="Batas tindak lanjut",
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": "Tanggal tidak valid."},
    )
    penerima = PenerimaField(
        queryset=Pendamping.objects.none(),
        label="Pendamping penerima",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Pilih sedikitnya satu pendamping penerima arahan.",
            "invalid_choice": "Pilih pendamping dari daftar.",
            "invalid_pk_value": "Pilih pendamping dari daftar.",
        },
    )

    def __init__(self, *args: Any, penerima_qs: QuerySet[Pendamping], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["penerima"])
        field.queryset = penerima_qs
        field.widget.attrs["class"] = "form-check-input"  # one finger-sized row per name


class ArahanKonfirmasiForm(BootstrapFormMixin, forms.Form):
    tanggapan = forms.CharField(
        label="Tindak lanjut (boleh kosong)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SosialisasiForm(BootstrapFormMixin, forms.Form):
    """RHK 9: one sosialisasi activity, its participants and an optional photo."""

    tanggal = forms.DateField(
        label="Tanggal",
        widget=_date_widget(),
        error_messages={"required": "Isi tanggal kegiatan.", "invalid": "Tanggal tidak valid."},
    )
    tempat = forms.CharField(
        label="Tempat", max_length=200, error_messages={"required": "Isi tempat kegiatan."}
    )
    topik = forms.CharField(
        label="Topik", max_length=200, error_messages={"required": "Isi topik sosialisasi."}
    )
    jumlah_peserta = forms.IntegerField(
        label="Jumlah peserta",
        min_value=1,
        error_messages={
            "required": "Isi jumlah peserta.",
            "min_value": "Sedikitnya satu peserta.",
            "invalid": "Isi angka.",
        },
    )
    peserta = forms.CharField(
        label="Daftar peserta",
        required=False,
        max_length=PESERTA_MAKS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Satu nama per baris; jangan menulis NIK.",
    )
    foto = UploadField(allowed=FOTO, label="Foto kegiatan", required=False)
