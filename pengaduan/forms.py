"""Input shape and Indonesian field messages for the complaint pages (no writes here)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.http import urlencode

from dinsos.forms import BootstrapFormMixin, IdField, ParameterForm
from dinsos.identity import validate_nik
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dinsos.uploads import DOKUMEN, UploadField
from dtsen.models import Temuan
from kpm.models import Anggota, Keluarga
from pendamping.models import Kasus, Rujukan
from pengaduan.models import TIKET_ALFABET, TIKET_PANJANG, Pengaduan
from pengaduan.selectors import TENGGAT_PILIHAN, PengaduanFilter
from pengaduan.services import PengaduanBaru

TELEPON_BERSIH = re.compile(r"[\s().-]")
TELEPON_VALID = re.compile(r"\+?\d{8,15}")
SEMUA = [("", "Semua")]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PetugasField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


def bersihkan_telepon(value: str) -> str:
    """A phone number as digits (and a leading +), or ValidationError in Indonesian."""
    telepon = TELEPON_BERSIH.sub("", value or "")
    if telepon and not TELEPON_VALID.fullmatch(telepon):
        raise forms.ValidationError("Nomor telepon/WA harus 8–15 angka, mis. 0812 3456 7890.")
    return telepon


class TemuanField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic only in stubs
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} {obj.get_kategori_display()} ({obj.get_tahap_display()})"


class PengaduanForm(BootstrapFormMixin, forms.Form):
    """Registering a complaint. The complainant is a registry member (by their NIK, or the
    family the page was opened from) or any person by name and kelurahan."""

    kanal = forms.ChoiceField(label="Saluran", choices=Pengaduan.Kanal.choices)
    tanggal_terima = forms.DateField(label="Tanggal diterima", widget=_date_widget())
    nama = forms.CharField(label="Nama pengadu", max_length=100)
    nik = forms.CharField(
        label="NIK pengadu",
        required=False,
        max_length=16,
        help_text="Bila NIK ada di data KPM yang dapat Anda lihat, pengaduan ditautkan ke "
        "keluarganya.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    telepon = forms.CharField(
        label="Telepon/WA",
        required=False,
        max_length=20,
        help_text="Empat angka terakhirnya dipakai pengadu untuk melihat status.",
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    alamat = forms.CharField(label="Alamat", required=False, max_length=200)
    kelurahan = forms.ModelChoiceField(
        label="Kelurahan/desa",
        queryset=Wilayah.objects.none(),
        required=False,
        help_text="Wajib bila pengadu bukan KPM.",
    )
    kategori = forms.ChoiceField(label="Kategori", choices=Pengaduan.Kategori.choices)
    tentang_pendamping = PetugasField(
        label="Pendamping yang diadukan",
        queryset=User.objects.none(),
        required=False,
        help_text="Hanya untuk pengaduan tentang perilaku pendamping: diteruskan ke "
        "koordinator dan tidak terlihat oleh pendamping itu.",
    )
    deskripsi = forms.CharField(label="Isi pengaduan", max_length=4000, widget=_textarea(5))
    petugas = PetugasField(
        label="Diteruskan ke",
        queryset=User.objects.none(),
        required=False,
        empty_label="Otomatis (pendamping keluarga atau Anda)",
    )
    lampiran = UploadField(
        allowed=DOKUMEN, required=False, label="Lampiran (PDF atau foto, opsional)"
    )
    keterangan_lampiran = forms.CharField(
        label="Keterangan lampiran", required=False, max_length=100
    )

    def __init__(
        self,
        *args: Any,
        kelurahan_qs: QuerySet[Wilayah],
        pendamping_qs: QuerySet[User],
        petugas_qs: QuerySet[User] | None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"tanggal_terima": today(), "kanal": Pengaduan.Kanal.LOKET})
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = kelurahan_qs  # type: ignore[attr-defined]
        self.fields["tentang_pendamping"].queryset = pendamping_qs  # type: ignore[attr-defined]
        if petugas_qs is None:  # a pendamping does not choose: the rules route it
            del self.fields["petugas"]
        else:
            self.fields["petugas"].queryset = petugas_qs  # type: ignore[attr-defined]

    def clean_nik(self) -> str:
        nik = self.cleaned_data["nik"].replace(" ", "")
        if nik:
            validate_nik(nik)
        return nik

    def clean_telepon(self) -> str:
        return bersihkan_telepon(self.cleaned_data["telepon"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tanggal = data.get("tanggal_terima")
        if isinstance(tanggal, datetime.date) and tanggal > today():
            self.add_error("tanggal_terima", "Tanggal diterima tidak boleh setelah hari ini.")
        if data.get("lampiran") and not data.get("keterangan_lampiran"):
            self.add_error("keterangan_lampiran", "Tuliskan keterangan lampiran, mis. surat RT.")
        return data


def pengaduan_baru(
    data: dict[str, Any], *, keluarga: Keluarga | None, anggota: Anggota | None
) -> PengaduanBaru:
    """The cleaned form as the service's input."""
    return PengaduanBaru(
        kanal=data["kanal"],
        kategori=data["kategori"],
        deskripsi=data["deskripsi"],
        tanggal_terima=data["tanggal_terima"],
        nama=data["nama"],
        nik=data["nik"],
        telepon=data["telepon"],
        alamat=data["alamat"],
        keluarga=keluarga,
        anggota=anggota,
        kelurahan=data.get("kelurahan"),
        tentang_pendamping=data.get("tentang_pendamping"),
        petugas=data.get("petugas"),
    )


class KeluargaParameterForm(ParameterForm):
    """`?keluarga=` when the form is opened from a family page."""

    keluarga = IdField()


class CatatanForm(BootstrapFormMixin, forms.Form):
    isi = forms.CharField(label="Catatan internal", max_length=4000, widget=_textarea(3))


class TanggapanForm(BootstrapFormMixin, forms.Form):
    tanggapan = forms.CharField(
        label="Tanggapan untuk pengadu",
        max_length=4000,
        widget=_textarea(4),
        help_text="Terlihat oleh pengadu di halaman status dan di surat tanggapan.",
    )


class TutupForm(BootstrapFormMixin, forms.Form):
    hasil = forms.ChoiceField(label="Hasil", choices=[("", "— pilih —"), *Pengaduan.Hasil.choices])
    tanggapan = forms.CharField(
        label="Tanggapan akhir untuk pengadu",
        max_length=4000,
        widget=_textarea(4),
        help_text="Wajib: yang disampaikan kepada pengadu saat pengaduan ditutup.",
    )


class AlihkanForm(BootstrapFormMixin, forms.Form):
    petugas = PetugasField(label="Petugas baru", queryset=User.objects.none())
    alasan = forms.CharField(label="Alasan", required=False, max_length=200)

    def __init__(self, *args: Any, petugas_qs: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["petugas"].queryset = petugas_qs  # type: ignore[attr-defined]


class LampiranForm(BootstrapFormMixin, forms.Form):
    berkas = UploadField(allowed=DOKUMEN, label="Berkas (PDF atau foto)")
    keterangan = forms.CharField(label="Keterangan", max_length=100)


class TindakLanjutForm(BootstrapFormMixin, forms.Form):
    """One follow-up: link a reconciliation finding, open a case, or refer the family."""

    JENIS = [
        ("temuan", "Tautkan temuan rekonsiliasi"),
        ("kasus", "Buat kasus pendampingan"),
        ("rujukan", "Rujuk ke layanan lain"),
    ]
    jenis = forms.ChoiceField(label="Tindak lanjut", choices=JENIS)
    temuan = TemuanField(label="Temuan", queryset=Temuan.objects.none(), required=False)
    kategori_kasus = forms.ChoiceField(
        label="Kategori kasus", choices=[("", "—"), *Kasus.Kategori.choices], required=False
    )
    tujuan = forms.ChoiceField(
        label="Tujuan rujukan", choices=[("", "—"), *Rujukan.Tujuan.choices], required=False
    )
    tujuan_lain = forms.CharField(label="Tujuan lainnya", max_length=100, required=False)

    def __init__(self, *args: Any, temuan_qs: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["temuan"].queryset = temuan_qs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wajib = {"temuan": "temuan", "kasus": "kategori_kasus", "rujukan": "tujuan"}
        field = wajib.get(data.get("jenis", ""))
        if field and not data.get(field):
            self.add_error(field, "Wajib diisi untuk tindak lanjut ini.")
        return data


class FilterForm(BootstrapFormMixin, ParameterForm):
    """The list's query string; invalid values fall back to "all"."""

    cari = forms.CharField(
        label="Cari", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Nomor tiket atau nama"}),
    )  # fmt: skip
    status = forms.ChoiceField(
        label="Status", required=False, choices=SEMUA + Pengaduan.Status.choices
    )
    kategori = forms.ChoiceField(
        label="Kategori", required=False, choices=SEMUA + Pengaduan.Kategori.choices
    )
    kanal = forms.ChoiceField(
        label="Saluran", required=False, choices=SEMUA + Pengaduan.Kanal.choices
    )
    tenggat = forms.ChoiceField(
        label="Tenggat", required=False, choices=SEMUA + list(TENGGAT_PILIHAN.items())
    )
    kecamatan = IdField(widget=forms.HiddenInput)
    bulan = forms.DateField(required=False, input_formats=["%Y-%m"], widget=forms.HiddenInput)
    pegang = forms.ChoiceField(
        label="Dipegang", required=False, choices=[("", "Semua"), ("saya", "Saya")]
    )
    eskalasi = forms.BooleanField(required=False, widget=forms.HiddenInput)
    tepat = forms.BooleanField(required=False, widget=forms.HiddenInput)
    ditutup = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def to_filter(self) -> PengaduanFilter:
        v = self.nilai()
        return PengaduanFilter(
            status=v["status"] or "",
            kategori=v["kategori"] or "",
            kanal=v["kanal"] or "",
            kecamatan_id=v["kecamatan"],
            bulan=v["bulan"],
            tenggat=v["tenggat"] or "",
            is_milik_saya=v["pegang"] == "saya",
            is_eskalasi=bool(v["eskalasi"]),
            is_dijawab_tepat=bool(v["tepat"]),
            is_ditutup=bool(v["ditutup"]),
            cari=v["cari"] or "",
        )


def urlencode_filters(filters: PengaduanFilter) -> str:
    """The filters as a query string, for the pagination links."""
    return urlencode(filters.params())


class BulanForm(ParameterForm):
    bulan = forms.DateField(required=False, input_formats=["%Y-%m"])

    def bulan_dipilih(self) -> datetime.date:
        return (self.nilai()["bulan"] or today()).replace(day=1)


class StatusPublikForm(forms.Form):
    """The public status page: the ticket and the last 4 digits of the phone given."""

    tiket = forms.CharField(
        label="Nomor tiket",
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )
    digit = forms.CharField(
        label="4 angka terakhir nomor telepon/WA",
        max_length=4,
        min_length=4,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )

    def clean_tiket(self) -> str:
        tiket = re.sub(r"[\s-]", "", self.cleaned_data["tiket"]).upper()
        # Not a ticket's shape: refused here, before any look-up or rate count.
        if len(tiket) != TIKET_PANJANG or any(c not in TIKET_ALFABET for c in tiket):
            raise forms.ValidationError(
                f"Nomor tiket terdiri dari {TIKET_PANJANG} huruf dan angka, seperti pada "
                "bukti pengaduan."
            )
        return tiket

    def clean_digit(self) -> str:
        digit = self.cleaned_data["digit"]
        if not digit.isdigit():
            raise forms.ValidationError("Isi 4 angka terakhir nomor telepon/WA.")
        return digit
