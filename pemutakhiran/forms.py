"""Input shape and Indonesian field messages for the proposal pages (no writes here)."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from dinsos.forms import (
    BootstrapFormMixin,
    IdField,
    ParameterForm,
    TanggalField,
    WilayahChoiceField,
)
from dinsos.identity import nik_problem, no_kk_problem
from dinsos.models import User, Wilayah
from dinsos.uploads import DOKUMEN, FOTO, UploadField
from pemutakhiran.models import Jenis, Status, Usulan
from pemutakhiran.selectors import TAHAP_PILIHAN, UsulanFilter
from pemutakhiran.syarat import OPSIONAL, ORANG, Syarat

SEMUA = [("", "Semua")]
BULAN_POLA = re.compile(r"^(\d{4})-(\d{2})$")
TAHUN_MIN, TAHUN_MAKS = 2000, 2100


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _angka(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", **attrs})


def kamera() -> forms.ClearableFileInput:
    """A file input that opens the phone's camera (PDF still accepted by the server)."""
    return forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})


class BulanField(forms.Field):
    """A month as `YYYY-MM` in a query string, within the programme's years."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        match = BULAN_POLA.match(text[:8])
        if len(text) > 7 or not match:
            raise forms.ValidationError("Bulan ditulis TTTT-BB, mis. 2025-12.")
        tahun, bulan = int(match[1]), int(match[2])
        if not (TAHUN_MIN <= tahun <= TAHUN_MAKS and 1 <= bulan <= 12):
            raise forms.ValidationError("Bulan tidak dikenal.")
        return datetime.date(tahun, bulan, 1)


class FilterForm(BootstrapFormMixin, ParameterForm):
    """The list's query string; an invalid value falls back to "no filter"."""

    cari = forms.CharField(label="Cari nama/NIK", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=SEMUA + Status.choices)
    jenis = forms.ChoiceField(label="Jenis", required=False, choices=SEMUA + Jenis.choices)
    bulan = BulanField(label="Bulan kiriman", widget=forms.TextInput(attrs={"type": "month"}))
    kecamatan = WilayahChoiceField(
        label="Kecamatan",
        required=False,
        queryset=Wilayah.objects.none(),
        empty_label="Semua",
        error_messages={"invalid_choice": "Pilih kecamatan dari daftar."},
    )
    hasil = BulanField(
        label="Hasil diketahui pada bulan", widget=forms.TextInput(attrs={"type": "month"})
    )
    kelurahan = IdField(widget=forms.HiddenInput)
    tahap = forms.ChoiceField(
        required=False, choices=SEMUA + list(TAHAP_PILIHAN.items()), widget=forms.HiddenInput
    )
    milik = forms.ChoiceField(required=False, choices=[("saya", "saya")], widget=forms.HiddenInput)
    tugas = forms.ChoiceField(required=False, choices=[("saya", "saya")], widget=forms.HiddenInput)
    menunggu = forms.ChoiceField(
        required=False, choices=[("keputusan", "keputusan")], widget=forms.HiddenInput
    )
    siap_kirim = BulanField(widget=forms.HiddenInput)
    dtsen = forms.ChoiceField(
        required=False, choices=[("belum", "belum")], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, kecamatan: QuerySet[Wilayah] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        if kecamatan is not None:
            cast(forms.ModelChoiceField, self.fields["kecamatan"]).queryset = kecamatan

    def to_filter(self) -> UsulanFilter:
        v = self.nilai()
        return UsulanFilter(
            status=v["status"] or "",
            jenis=v["jenis"] or "",
            bulan=v["bulan"],
            kelurahan_id=v["kelurahan"],
            kecamatan_id=v["kecamatan"].pk if v["kecamatan"] else None,
            hasil=v["hasil"],
            tahap=v["tahap"] or "",
            is_milik_saya=v["milik"] == "saya",
            is_tugas_saya=v["tugas"] == "saya",
            is_menunggu_keputusan=v["menunggu"] == "keputusan",
            is_siap_kirim=v["siap_kirim"],
            is_reaktivasi_tanpa_dtsen=v["dtsen"] == "belum",
            cari=v["cari"] or "",
        )


class PilihJenisForm(ParameterForm):
    """`?jenis=&alasan=&temuan=` of the create page: which kind's form to show."""

    jenis = forms.ChoiceField(required=False, choices=SEMUA + Jenis.choices)
    alasan = forms.ChoiceField(required=False, choices=SEMUA + Usulan.AlasanNonaktif.choices)
    temuan = IdField()


class BulanParameterForm(ParameterForm):
    bulan = BulanField()


# The kind-specific fields, declared once; a kind's form keeps only those its `Syarat` names.
def _field(name: str) -> forms.Field:
    fields: dict[str, forms.Field] = {
        "nik": forms.CharField(label="NIK", max_length=16, widget=_angka()),
        "nama": forms.CharField(label="Nama", max_length=100),
        "no_kk": forms.CharField(label="No KK", max_length=16, widget=_angka()),
        "tanggal_lahir": forms.DateField(label="Tanggal lahir", widget=_date_widget()),
        "jenis_kelamin": forms.ChoiceField(
            label="Jenis kelamin", choices=[("L", "Laki-laki"), ("P", "Perempuan")]
        ),
        "alamat": forms.CharField(label="Alamat", max_length=200),
        "keterangan": forms.CharField(label="Keterangan", max_length=2000, widget=_textarea()),
        "data_diperbaiki": forms.ChoiceField(
            label="Data yang salah", choices=Usulan.DataDiperbaiki.choices
        ),
        "nilai_lama": forms.CharField(label="Data tercatat sekarang", max_length=200),
        "nilai_baru": forms.CharField(
            label="Data yang benar",
            max_length=200,
            help_text="Tanggal ditulis TTTT-BB-HH, mis. 1980-05-17.",
        ),
        "nomor_akta_kematian": forms.CharField(label="Nomor akta kematian", max_length=50),
        "no_kk_baru": forms.CharField(label="No KK baru", max_length=16, widget=_angka()),
        "nik_ganda": forms.CharField(
            label="NIK data ganda yang tetap", max_length=16, widget=_angka()
        ),
        "nomor_surat_faskes": forms.CharField(label="Nomor surat faskes", max_length=50),
        "desil_disanggah": forms.IntegerField(
            label="Desil yang disanggah",
            min_value=1,
            max_value=10,
            required=False,
            help_text="Kosongkan bila warga tidak ada di DTSEN.",
        ),
    }
    return fields[name]


IDENTITAS = {"nik": nik_problem, "no_kk": no_kk_problem, "no_kk_baru": no_kk_problem}


class UsulanForm(forms.Form):
    """One kind's proposal: the person, the kind's own fields (syarat.SYARAT), the kelurahan
    (when the user has more than one) and the evidence (camera on a phone)."""

    def __init__(
        self,
        *args: Any,
        jenis: str,
        syarat: Syarat,
        kelurahan_qs: QuerySet[Wilayah],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.jenis = jenis
        for name in (*ORANG, *syarat.fields, *OPSIONAL.get(jenis, ())):
            self.fields[name] = _field(name)
        self.kelurahan_qs = kelurahan_qs
        self.fields["kelurahan"] = forms.ModelChoiceField(
            label="Kelurahan/desa", queryset=kelurahan_qs
        )
        if len(kelurahan_qs) == 1:  # an operator kelurahan/desa: their own, not a choice
            self.fields["kelurahan"].widget = forms.HiddenInput()
            self.initial.setdefault("kelurahan", kelurahan_qs[0].pk)
        if syarat.bukti:
            self.fields["bukti"] = UploadField(allowed=DOKUMEN, label=syarat.bukti, widget=kamera())
        self.apply_bootstrap()

    def apply_bootstrap(self) -> None:
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, problem in IDENTITAS.items():
            if data.get(name) and (message := problem(data[name])):
                self.add_error(name, message)
        if data.get("nik_ganda") and (message := nik_problem(data["nik_ganda"])):
            self.add_error("nik_ganda", message)
        if data.get("data_diperbaiki") and data.get("nilai_baru"):
            self._check_nilai_baru(data)
        return data

    def _check_nilai_baru(self, data: dict[str, Any]) -> None:
        field = data["data_diperbaiki"]
        nilai = data["nilai_baru"].strip()
        D = Usulan.DataDiperbaiki
        if (field == D.NIK and (message := nik_problem(nilai))) or (
            field == D.NO_KK and (message := no_kk_problem(nilai))
        ):
            self.add_error("nilai_baru", message)
        elif field == D.TANGGAL_LAHIR:
            try:
                data["nilai_baru"] = datetime.date.fromisoformat(nilai).isoformat()
            except ValueError:
                self.add_error("nilai_baru", "Tanggal ditulis TTTT-BB-HH, mis. 1980-05-17.")

    def nilai(self) -> dict[str, Any]:
        """The kind's own fields, as `services.UsulanBaru.nilai` takes them."""
        skip = {*ORANG, "kelurahan", "bukti"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class AjukanForm(BootstrapFormMixin, forms.Form):
    tanggal_musdes = TanggalField(label="Tanggal Musdes/Muskel")
    nomor_berita_acara = forms.CharField(label="Nomor berita acara", required=False, max_length=50)


class CatatanForm(BootstrapFormMixin, forms.Form):
    catatan = forms.CharField(
        label="Catatan verifikasi", required=False, max_length=2000, widget=_textarea(2)
    )


class TugaskanForm(BootstrapFormMixin, forms.Form):
    petugas = forms.ModelChoiceField(label="Pendamping/TKSK", queryset=User.objects.none())

    def __init__(self, *args: Any, petugas_qs: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["petugas"]).queryset = petugas_qs


class HasilLapanganForm(BootstrapFormMixin, forms.Form):
    hasil = forms.ChoiceField(label="Hasil cek lapangan", choices=Usulan.HasilLapangan.choices)
    catatan = forms.CharField(label="Catatan", required=False, max_length=2000, widget=_textarea(2))
    foto = UploadField(allowed=FOTO, label="Foto lapangan", widget=kamera())


class TolakForm(BootstrapFormMixin, forms.Form):
    alasan = forms.CharField(label="Alasan penolakan", max_length=2000, widget=_textarea(2))


class EksporForm(forms.Form):
    bulan = BulanField(required=True)
    jenis = forms.ChoiceField(choices=Jenis.choices)
