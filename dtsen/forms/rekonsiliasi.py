"""Forms of the reconciliation and findings pages: input shape and Indonesian messages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from dinsos.forms import BootstrapFormMixin, BulanField
from dinsos.models import User, Wilayah
from dinsos.uploads import DOKUMEN, UploadField
from dtsen.models import Kategori, Rekonsiliasi, Temuan, TemuanRiwayat
from dtsen.selectors.rekonsiliasi import FilterTemuan

KELUARGA = "keluarga"  # bulk assignment: each finding to its own family's pendamping


class PendampingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class RekonsiliasiForm(BootstrapFormMixin, forms.Form):
    jenis = forms.ChoiceField(label="Bandingkan", choices=Rekonsiliasi.Jenis.choices)
    wilayah = forms.ModelChoiceField(
        label="Wilayah", queryset=Wilayah.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, wilayah_qs: QuerySet[Wilayah], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["wilayah"]).queryset = wilayah_qs


class RekonsiliasiFilterForm(BootstrapFormMixin, forms.Form):
    """The run list's filter: every run, or only those with findings still open."""

    TERBUKA = "terbuka"

    temuan = forms.ChoiceField(
        required=False,
        label="Tampilkan",
        choices=[("", "Semua rekonsiliasi"), (TERBUKA, "Yang masih punya temuan terbuka")],
    )

    @property
    def is_temuan_terbuka(self) -> bool:
        return self.is_valid() and self.cleaned_data["temuan"] == self.TERBUKA


class TemuanFilterForm(BootstrapFormMixin, forms.Form):
    STATUS = (("terbuka", "Terbuka"), ("ditutup", "Ditutup"), ("semua", "Semua"))

    kategori = forms.ChoiceField(
        required=False, label="Kategori", choices=[("", "Semua"), *Kategori.choices]
    )
    kecamatan = forms.ModelChoiceField(
        required=False,
        label="Kecamatan",
        queryset=Wilayah.objects.none(),
        empty_label="Semua",
        error_messages={"invalid_choice": "Pilih kecamatan dari daftar."},
    )
    tahap = forms.ChoiceField(
        required=False, label="Tahap", choices=[("", "Semua"), *Temuan.Tahap.choices]
    )
    pendamping = forms.CharField(required=False, label="Pendamping", widget=forms.Select)
    jenis = forms.ChoiceField(
        required=False, label="Rekonsiliasi", choices=[("", "Semua"), *Rekonsiliasi.Jenis.choices]
    )
    status = forms.ChoiceField(required=False, label="Status", choices=STATUS)
    # Issue 19: the rakor report's "dibuka"/"ditutup" figures of a month link with these.
    dibuka = BulanField(label="Ditemukan pada bulan")
    ditutup = BulanField(label="Ditutup pada bulan")

    def __init__(
        self,
        *args: Any,
        kecamatan_qs: QuerySet[Wilayah],
        pendamping_qs: QuerySet[User] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["kecamatan"]).queryset = kecamatan_qs
        self.pendamping_list = list(pendamping_qs) if pendamping_qs is not None else []
        self._pendamping = {str(p.pk): p for p in self.pendamping_list}
        if pendamping_qs is None:
            del self.fields["pendamping"]
        else:
            choices = [("", "Semua"), ("-", "Belum ditugaskan")]
            choices += [(k, str(p)) for k, p in self._pendamping.items()]
            self.fields["pendamping"].widget.choices = choices  # type: ignore[attr-defined]

    def clean_pendamping(self) -> str:
        value = self.cleaned_data.get("pendamping", "")
        if value not in {"", "-", *self._pendamping}:
            raise forms.ValidationError("Pilihan pendamping tidak dikenal.")
        return str(value)

    def filter(self) -> FilterTemuan:
        """The filters in effect: every valid field (a bad one is shown and left out)."""
        if self.is_bound:
            self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        pendamping = data.get("pendamping", "")
        return FilterTemuan(
            kategori=data.get("kategori") or "",
            kecamatan=data.get("kecamatan"),
            tahap=data.get("tahap") or "",
            pendamping=self._pendamping.get(pendamping),
            tanpa_pendamping=pendamping == "-",
            jenis=data.get("jenis") or "",
            status=data.get("status") or "terbuka",
            dibuka=data.get("dibuka"),
            ditutup=data.get("ditutup"),
        )


class TemuanAssignForm(BootstrapFormMixin, forms.Form):
    pendamping = PendampingChoiceField(
        label="Teruskan ke pendamping",
        queryset=User.objects.none(),
        error_messages={"required": "Pilih pendamping.", "invalid_choice": "Pilih pendamping."},
    )

    def __init__(self, *args: Any, pendamping_qs: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["pendamping"]).queryset = pendamping_qs


class TemuanBulkAssignForm(BootstrapFormMixin, forms.Form):
    temuan = forms.ModelMultipleChoiceField(
        queryset=Temuan.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Pilih paling sedikit satu temuan."},
    )
    tujuan = forms.ChoiceField(label="Teruskan ke")

    def __init__(
        self,
        *args: Any,
        temuan_qs: QuerySet[Temuan],
        pendamping_qs: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["temuan"]).queryset = temuan_qs
        self._pendamping = {str(p.pk): p for p in pendamping_qs}
        cast(forms.ChoiceField, self.fields["tujuan"]).choices = [
            (KELUARGA, "Pendamping keluarga masing-masing"),
            *((k, str(p)) for k, p in self._pendamping.items()),
        ]

    def pendamping(self) -> User | None:
        return self._pendamping.get(self.cleaned_data["tujuan"])


class TindakLanjutForm(BootstrapFormMixin, forms.Form):
    tahap = forms.ChoiceField(
        label="Langkah",
        choices=[
            (Temuan.Tahap.DIVERIFIKASI.value, "Catat hasil verifikasi lapangan"),
            (Temuan.Tahap.DIPUTUSKAN.value, "Catat keputusan"),
        ],
    )
    keputusan = forms.ChoiceField(label="Keputusan", required=False)
    catatan = forms.CharField(
        label="Catatan",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Tulis catatan hasil pemeriksaan."},
    )
    bukti = UploadField(  # read by content, renamed, photos re-encoded (dinsos.uploads)
        allowed=DOKUMEN, label="Bukti (foto/PDF, paling besar 5 MB)", required=False
    )
    jenis_bukti = forms.ChoiceField(
        label="Jenis bukti", choices=TemuanRiwayat.JenisBukti.choices, required=False
    )
    # Only on probable matches: the field check's answer, kept as a labelled pair.
    is_sama = forms.TypedChoiceField(
        label="Hasil cek: orang yang sama?",
        choices=[("", "—"), ("1", "Sama orang"), ("0", "Bukan orang yang sama")],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        keputusan_pilihan: list[tuple[str, str]],
        can_decide: bool,
        is_kecocokan: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not is_kecocokan:
            del self.fields["is_sama"]
        cast(forms.ChoiceField, self.fields["keputusan"]).choices = [
            ("", "—"),
            *keputusan_pilihan,
        ]
        if not can_decide:
            cast(forms.ChoiceField, self.fields["tahap"]).choices = [
                (Temuan.Tahap.DIVERIFIKASI.value, "Catat hasil verifikasi lapangan")
            ]
            del self.fields["keputusan"]
        self.tipe_bukti = ""

    def clean_bukti(self) -> Any:
        upload = self.cleaned_data.get("bukti")
        self.tipe_bukti = upload.content_type if upload else ""  # found by UploadField
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("bukti") and not data.get("jenis_bukti"):
            self.add_error("jenis_bukti", "Pilih jenis bukti.")
        if data.get("tahap") == Temuan.Tahap.DIPUTUSKAN and not data.get("keputusan"):
            self.add_error("keputusan", "Pilih keputusan.")
        return data
