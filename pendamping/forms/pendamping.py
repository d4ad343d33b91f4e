"""Input shape and Indonesian field messages for the workforce, record and assignment pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from dinsos.formatting import NAMA_BULAN, mask_no_kk
from dinsos.forms import BootstrapFormMixin, IdField, ParameterForm
from dinsos.models import Wilayah
from dinsos.pengaturan import today
from dinsos.uploads import DOKUMEN, UploadField
from kpm.models import Keluarga
from pendamping.models import (
    SKOR_MAKS,
    SKOR_MIN,
    Kasus,
    KlienPmks,
    Kunjungan,
    Pendamping,
    Rujukan,
)
from pendamping.periode import Periode
from pendamping.selectors import (
    CatatanFilter,
    PendampingFilter,
    PenugasanFilter,
    jenis_psks_pilihan,
)

TAHUN_PERTAMA = 2020  # the portal holds no records older than this
BULAN_CHOICES = [("", "Setahun penuh")] + [(str(i), n) for i, n in enumerate(NAMA_BULAN, 1)]
TANPA_PENDAMPING = "kosong"


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _tahun_choices() -> list[tuple[str, str]]:
    return [(str(t), str(t)) for t in range(today().year, TAHUN_PERTAMA - 1, -1)]


def _jenis_choices() -> list[tuple[str, str]]:
    # The kinds are rows the admin edits (issue 20): read once when the form is built.
    return [("", "Semua jenis"), *jenis_psks_pilihan()]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodeForm(BootstrapFormMixin, forms.Form):
    """Month/year selector; without input, the current month."""

    tahun = forms.TypedChoiceField(coerce=int, required=False, label="Tahun")
    bulan = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, choices=BULAN_CHOICES, label="Bulan"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "tahun").choices = _tahun_choices()
        # The dropdowns show the period in effect: without input that is this month, not
        # "Setahun penuh" (issue 14).
        sekarang = today()
        self.fields["tahun"].initial = sekarang.year
        self.fields["bulan"].initial = sekarang.month

    def periode(self) -> Periode:
        sekarang = today()
        if not self.is_bound or not self.is_valid() or not self.cleaned_data.get("tahun"):
            return Periode(sekarang.year, sekarang.month)
        return Periode(self.cleaned_data["tahun"], self.cleaned_data.get("bulan"))


class PendampingFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Cari",
        widget=forms.TextInput(attrs={"placeholder": "Nama atau nama pengguna", "type": "search"}),
    )
    jenis = forms.ChoiceField(required=False)
    semua = forms.BooleanField(required=False, label="Termasuk yang sudah selesai bertugas")
    melebihi = forms.BooleanField(required=False, label="Hanya yang melebihi batas keluarga")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "jenis").choices = _jenis_choices()

    def to_filter(self) -> PendampingFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return PendampingFilter(
            q=(data.get("q") or "").strip(),
            jenis=data.get("jenis") or "",
            is_aktif=not data.get("semua"),
            is_melebihi=bool(data.get("melebihi")),
        )


class PerbandinganForm(PeriodeForm):
    jenis = forms.ChoiceField(required=False, label="Jenis")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "jenis").choices = _jenis_choices()


class CatatanFilterForm(BootstrapFormMixin, forms.Form):
    """Filters of the record lists (cases, referrals, visits, scores, data updates)."""

    pendamping = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Pendamping"
    )
    tahun = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Tahun")
    bulan = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, choices=BULAN_CHOICES, label="Bulan"
    )
    status = forms.ChoiceField(required=False, label="Status")
    kategori = forms.ChoiceField(
        required=False, choices=[("", "Semua kategori"), *Kasus.Kategori.choices]
    )
    menurut = forms.ChoiceField(
        required=False,
        choices=[("", "Menurut tanggal lapor"), ("ditangani", "Menurut tanggal ditangani")],
    )
    terlambat = forms.BooleanField(required=False, label="Hanya yang terlambat dijawab")
    keluarga = IdField(widget=forms.HiddenInput)
    klien = IdField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        pendamping: Iterable[Pendamping],
        status_choices: list[tuple[str, str]] | None = None,
        with_kategori: bool = False,
        with_terlambat: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "pendamping").choices = [("", "Semua pendamping")] + [
            (p.pk, p.nama) for p in pendamping
        ]
        _choice(self, "tahun").choices = [("", "Semua tahun"), *_tahun_choices()]
        if status_choices is None:
            del self.fields["status"]
        else:
            _choice(self, "status").choices = [("", "Semua status"), *status_choices]
        if not with_kategori:
            del self.fields["kategori"]
            del self.fields["menurut"]
        if not with_terlambat:
            del self.fields["terlambat"]

    def to_filter(self) -> CatatanFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return CatatanFilter(
            pendamping=data.get("pendamping"),
            keluarga=data.get("keluarga"),
            tahun=data.get("tahun"),
            bulan=data.get("bulan") if data.get("tahun") else None,
            status=data.get("status") or "",
            kategori=data.get("kategori") or "",
            menurut=data.get("menurut") or "",
            klien=data.get("klien"),
            is_terlambat=bool(data.get("terlambat")),
        )


class CatatanParameterForm(ParameterForm):
    """`?keluarga=`, `?klien=` and `?kasus=` of the record pages: the family or PMKS client
    (and case) fixed by the link."""

    keluarga = IdField()
    klien = IdField()
    kasus = IdField()


class KeluargaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        keluarga = cast(Keluarga, obj)
        nama = keluarga.pengurus.nama if keluarga.pengurus else "(belum ada pengurus)"
        return f"{nama} — KK {mask_no_kk(keluarga.no_kk)}, {keluarga.kelurahan.nama}"


class _CatatanForm(BootstrapFormMixin, forms.Form):
    """A record form: the family is chosen from the user's own list, or fixed by the page."""

    keluarga = KeluargaChoiceField(
        queryset=Keluarga.objects.none(),
        label="Keluarga",
        empty_label="Pilih keluarga…",
        error_messages={
            "invalid_choice": "Pilih keluarga dampingan Anda dari daftar.",
            "required": "Pilih keluarga: ketik namanya, lalu ketuk keluarga yang dimaksud.",
        },
    )

    def __init__(
        self,
        *args: Any,
        keluarga_qs: QuerySet[Keluarga],
        keluarga: Keluarga | None,
        klien: KlienPmks | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["keluarga"])
        if keluarga is not None or klien is not None:
            del self.fields["keluarga"]
        else:
            field.queryset = keluarga_qs


class KasusForm(_CatatanForm):
    tanggal_lapor = forms.DateField(label="Tanggal dilaporkan", widget=_date_widget())
    kategori = forms.ChoiceField(choices=Kasus.Kategori.choices, label="Kategori")
    deskripsi = forms.CharField(
        label="Uraian masalah",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Tulis seperlunya; jangan menulis NIK lengkap.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tanggal_lapor"].initial = today()


class KasusStatusForm(BootstrapFormMixin, forms.Form):
    ke = forms.ChoiceField(label="Status baru")
    tanggal_ditangani = forms.DateField(
        label="Tanggal ditangani", required=False, widget=_date_widget()
    )
    tindakan = forms.CharField(
        label="Tindakan", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, pilihan: list[tuple[str, str]], perlu_tanggal: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "ke").choices = pilihan
        if perlu_tanggal:
            self.fields["tanggal_ditangani"].initial = today()
        else:
            del self.fields["tanggal_ditangani"]


class RujukanForm(_CatatanForm):
    tujuan = forms.ChoiceField(choices=Rujukan.Tujuan.choices, label="Tujuan rujukan")
    tujuan_lain = forms.CharField(
        label="Tujuan lainnya", required=False, max_length=100, help_text="Isi bila tujuan Lainnya."
    )
    tanggal_kirim = forms.DateField(label="Tanggal dikirim", widget=_date_widget())
    keperluan = forms.CharField(
        label="Keperluan", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tanggal_kirim"].initial = today()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("tujuan") == Rujukan.Tujuan.LAINNYA and not (data.get("tujuan_lain") or ""):
            self.add_error("tujuan_lain", "Tuliskan layanan tujuan rujukan.")
        return data


class RujukanHasilForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Hasil",
        choices=[
            (Rujukan.Status.SELESAI, Rujukan.Status.SELESAI.label),
            (Rujukan.Status.TIDAK_DILAYANI, Rujukan.Status.TIDAK_DILAYANI.label),
        ],
    )
    tanggal_selesai = forms.DateField(label="Tanggal jawaban", widget=_date_widget())
    hasil = forms.CharField(
        label="Isi jawaban lembaga tujuan",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dokumen = UploadField(
        allowed=DOKUMEN,
        required=False,
        label="Surat jawaban (PDF atau foto)",
        help_text="Boleh kosong bila jawaban lisan; paling besar 5 MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tanggal_selesai"].initial = today()


class KeluargaCariForm(forms.Form):
    """The family picker's typed name (POST, so a name never lands in a URL or a log)."""

    cari_keluarga = forms.CharField(required=False, max_length=100, strip=True)

    def teks(self) -> str:
        return self.cleaned_data["cari_keluarga"] if self.is_valid() else ""


class KunjunganForm(_CatatanForm):
    tanggal = forms.DateField(label="Tanggal", widget=_date_widget())
    jenis = forms.ChoiceField(choices=Kunjungan.Jenis.choices, label="Jenis")
    catatan = forms.CharField(
        label="Catatan", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tanggal"].initial = today()


class SkorForm(_CatatanForm):
    skor = forms.TypedChoiceField(
        coerce=int,
        label="Skor kepuasan",
        choices=[(str(n), f"{n}") for n in range(SKOR_MIN, SKOR_MAKS + 1)],
        widget=forms.RadioSelect,
        help_text="1 = sangat tidak puas, 5 = sangat puas.",
    )
    tanggal = forms.DateField(label="Tanggal", widget=_date_widget())
    catatan = forms.CharField(label="Catatan", required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tanggal"].initial = today()


class PenugasanFilterForm(BootstrapFormMixin, forms.Form):
    """Step 1 of a bulk assignment: which families (by current pendamping and kelurahan)."""

    dari = forms.ChoiceField(required=False, label="Pendamping sekarang")
    kelurahan = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Kelurahan"
    )

    def __init__(
        self,
        *args: Any,
        pendamping: Iterable[Pendamping],
        kelurahan: Iterable[Wilayah],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "dari").choices = [
            ("", "Semua"),
            (TANPA_PENDAMPING, "Belum ada pendamping"),
        ] + [(str(p.user_id), p.nama) for p in pendamping]
        _choice(self, "kelurahan").choices = [("", "Semua kelurahan")] + [
            (w.pk, w.nama) for w in kelurahan
        ]

    def to_filter(self) -> PenugasanFilter:
        data = self.cleaned_data if self.is_valid() else {}
        dari = data.get("dari") or ""
        return PenugasanFilter(
            dari=int(dari) if dari.isdigit() else None,
            tanpa_pendamping=dari == TANPA_PENDAMPING,
            kelurahan=data.get("kelurahan"),
        )

    @property
    def is_narrowed(self) -> bool:
        """Moving every family in the area at once is never what an officer means."""
        f = self.to_filter()
        return bool(f.dari or f.tanpa_pendamping or f.kelurahan)


class IdListField(forms.Field):
    """Ids of the rows ticked in a table (the checkboxes are drawn by the template)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError("Pilihan keluarga tidak valid.") from exc


class PendampingChoiceField(forms.ModelChoiceField):
    """Shows each pendamping with their current caseload (annotated by the selector)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.nama} ({obj.jumlah_keluarga} keluarga)"


class PenugasanForm(BootstrapFormMixin, forms.Form):
    """Step 2: the target pendamping and which of the listed families move."""

    SEMUA = "semua"
    TERPILIH = "terpilih"

    ke = PendampingChoiceField(
        queryset=Pendamping.objects.none(),
        label="Pindahkan ke pendamping",
        empty_label="Pilih pendamping…",
    )
    tanggal_mulai = forms.DateField(label="Berlaku mulai", widget=_date_widget())
    cakupan = forms.ChoiceField(
        choices=[(SEMUA, "Semua keluarga yang tersaring"), (TERPILIH, "Hanya yang dicentang")],
        widget=forms.RadioSelect,
        initial=SEMUA,
        label="Keluarga yang dipindahkan",
    )
    keluarga = IdListField(required=False, label="Keluarga")

    def __init__(
        self,
        *args: Any,
        pendamping_qs: QuerySet[Pendamping],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ke = cast(forms.ModelChoiceField, self.fields["ke"])
        ke.queryset = pendamping_qs
        self.fields["tanggal_mulai"].initial = today()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cakupan") == self.TERPILIH and not data.get("keluarga"):
            self.add_error("keluarga", "Centang paling sedikit satu keluarga.")
        return data
