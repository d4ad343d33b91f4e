"""Input shape and Indonesian field messages for the PMKS client pages (issue 20)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from dinsos.forms import BootstrapFormMixin
from dinsos.identity import validate_nik
from dinsos.models import Wilayah
from kpm.forms import PembatasanDasarForm
from pendamping.forms.pendamping import _date_widget
from pendamping.models import KategoriPmks, KlienPmks, Pendamping
from pendamping.selectors import KlienFilter


class KlienFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Cari",
        widget=forms.TextInput(attrs={"placeholder": "Nama klien", "type": "search"}),
    )
    kategori = forms.ModelChoiceField(
        queryset=KategoriPmks.objects.none(), required=False, empty_label="Semua kategori"
    )

    def __init__(self, *args: Any, kategori_qs: QuerySet[KategoriPmks], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["kategori"]).queryset = kategori_qs

    def to_filter(self) -> KlienFilter:
        data = self.cleaned_data if self.is_valid() else {}
        kategori = data.get("kategori")
        return KlienFilter(
            q=(data.get("q") or "").strip(), kategori=kategori.pk if kategori else None
        )


class PetugasChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.nama} ({obj.jenis.nama})"


class KlienForm(BootstrapFormMixin, forms.Form):
    """A PMKS client's data; on an edit the stored NIK is shown masked and kept when empty."""

    nama = forms.CharField(label="Nama lengkap", max_length=100)
    nik = forms.CharField(
        label="NIK",
        required=False,
        max_length=16,
        validators=[validate_nik],
        help_text="16 angka; boleh kosong bila belum punya NIK.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    jenis_kelamin = forms.ChoiceField(
        label="Jenis kelamin",
        choices=[("", "Pilih…"), *KlienPmks.JenisKelamin.choices],
        error_messages={"required": "Pilih jenis kelamin."},
    )
    tanggal_lahir = forms.DateField(label="Tanggal lahir", required=False, widget=_date_widget())
    kategori = forms.ModelChoiceField(
        queryset=KategoriPmks.objects.none(),
        label="Kategori PMKS",
        empty_label="Pilih kategori…",
        error_messages={"required": "Pilih kategori PMKS.", "invalid_choice": "Pilih dari daftar."},
    )
    kelurahan = forms.ModelChoiceField(
        queryset=Wilayah.objects.none(),
        label="Kelurahan",
        empty_label="Pilih kelurahan…",
        error_messages={"required": "Pilih kelurahan.", "invalid_choice": "Pilih dari daftar."},
    )
    alamat = forms.CharField(label="Alamat", required=False, max_length=200)
    pendamping = PetugasChoiceField(
        queryset=Pendamping.objects.none(),
        label="Petugas yang menangani",
        required=False,
        empty_label="Belum ditetapkan",
        error_messages={"invalid_choice": "Pilih petugas dari daftar."},
    )
    keterangan = forms.CharField(
        label="Keterangan",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kondisi dan kebutuhan klien; jangan menulis NIK lengkap.",
    )

    def __init__(
        self,
        *args: Any,
        kategori_qs: QuerySet[KategoriPmks],
        kelurahan_qs: QuerySet[Wilayah],
        petugas_qs: QuerySet[Pendamping] | None,
        nik_tersimpan: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["kategori"]).queryset = kategori_qs
        cast(forms.ModelChoiceField, self.fields["kelurahan"]).queryset = kelurahan_qs
        if petugas_qs is None:  # a worker registers their own clients
            del self.fields["pendamping"]
        else:
            cast(forms.ModelChoiceField, self.fields["pendamping"]).queryset = petugas_qs
        if nik_tersimpan:
            self.fields[
                "nik"
            ].help_text = "Tersimpan; biarkan kosong untuk mempertahankan, atau ketik NIK baru."


class KlienPembatasanForm(PembatasanDasarForm):
    """A PMKS client's restriction/objection request (the client is the page's)."""
