"""Input shape and Indonesian field messages for the KPM pages (no writes here)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.conf import settings

from dinsos.formatting import bulan_tahun
from dinsos.forms import (
    BootstrapFormMixin,
    BulanField,
    identifier_keep_stored,
    identifier_or_stored,
)
from dinsos.identity import (
    IdentityError,
    nik_warnings,
    normalize_identifier,
    parse_nik,
    parse_no_kk,
)
from dinsos.spreadsheet import FileDitolak, upload_path
from dinsos.spreadsheet.base import MSG_KOSONG
from kpm.importers.kolom import KolomTidakLengkap
from kpm.importers.penyaluran import penyaluran_pintu
from kpm.models import Anggota, Keluarga, Komponen, PermintaanPembatasan
from kpm.selectors import DESIL_KOSONG, SORTS, STATUS_DIDAMPINGI, KeluargaFilter, PilihanFilter

DESIL_CHOICES = [("", "Semua desil"), (DESIL_KOSONG, "Belum ada desil")] + [
    (str(d), f"Desil {d}") for d in range(1, 11)
]
SORT_CHOICES = [
    ("", "Relevansi / No KK"),
    ("no_kk", "No KK"),
    ("nama", "Nama pengurus (A–Z)"),
    ("-nama", "Nama pengurus (Z–A)"),
    ("kelurahan", "Kelurahan"),
    ("status", "Status"),
    ("terdaftar", "Terdaftar (terlama)"),
    ("-terdaftar", "Terdaftar (terbaru)"),
    ("desil", "Desil"),
]
assert {v for v, _ in SORT_CHOICES if v} <= set(SORTS)


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class KeluargaFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Cari",
        widget=forms.TextInput(
            attrs={"placeholder": "NIK/No KK lengkap (16 digit) atau nama", "type": "search"}
        ),
    )
    kecamatan = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    kelurahan = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Semua status"),
            (STATUS_DIDAMPINGI, "Masih didampingi (aktif, ditangguhkan, calon graduasi)"),
            *Keluarga.Status.choices,
        ],
    )
    pendamping = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    desil = forms.ChoiceField(required=False, choices=DESIL_CHOICES)
    komponen = forms.ChoiceField(
        required=False, choices=[("", "Semua komponen"), *Komponen.choices]
    )
    lama_5_tahun = forms.BooleanField(
        required=False, label="Terdaftar ≥ 5 tahun (tanpa lansia/disabilitas berat)"
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Urutkan")
    # Set by the links of the pendamping figures, not typed: the page says what they hold.
    graduasi_tahun = forms.IntegerField(
        required=False, min_value=2000, max_value=2100, widget=forms.HiddenInput
    )
    graduasi_bulan = forms.IntegerField(
        required=False, min_value=1, max_value=12, widget=forms.HiddenInput
    )
    # Issue 19: the list as it stood at a month's end (the rakor report's figures link here).
    per = BulanField(label="Status per akhir bulan")

    def __init__(self, *args: Any, pilihan: PilihanFilter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pilihan = pilihan
        _choice(self, "kecamatan").choices = [("", "Semua kecamatan"), *pilihan.kecamatan]
        _choice(self, "kelurahan").choices = [("", "Semua kelurahan"), *pilihan.kelurahan]
        _choice(self, "pendamping").choices = [("", "Semua pendamping"), *pilihan.pendamping]
        # Any kelurahan in scope validates (so a wrong pair gets the message from clean()),
        # but the list offers only those of the chosen kecamatan.
        if (kecamatan := self._kecamatan_submitted()) is not None:
            self.fields["kelurahan"].widget.choices = [  # type: ignore[attr-defined]
                ("", "Semua kelurahan"),
                *pilihan.kelurahan_in(kecamatan),
            ]

    def _kecamatan_submitted(self) -> int | None:
        value = str(self.data.get("kecamatan") or "") if self.is_bound else ""
        if not value.isdigit() or int(value) not in dict(self.pilihan.kecamatan):
            return None
        return int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if kecamatan and kelurahan and self.pilihan.kecamatan_of.get(kelurahan) != kecamatan:
            nama_kecamatan = dict(self.pilihan.kecamatan)[kecamatan]
            nama_kelurahan = dict(self.pilihan.kelurahan)[kelurahan]
            self.add_error(
                "kelurahan",
                f"Kelurahan {nama_kelurahan} tidak berada di Kecamatan {nama_kecamatan}. "
                f"Pilih kelurahan di Kecamatan {nama_kecamatan}, atau pilih "
                f"“Semua kecamatan” untuk melihat {nama_kelurahan}.",
            )
        return data

    def to_filter(self, *, ids: list[int] | None = None) -> KeluargaFilter:
        """The selector's filter; `ids` are the families an identifier search found
        (dinsos.pencarian), which replace the text search. A field with an unknown value is
        left out (the form shows why) and the others still apply."""
        if self.is_bound:
            self.is_valid()  # cleaned_data then holds every field that is valid
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return KeluargaFilter(
            ids=tuple(ids) if ids is not None else None,
            q=data.get("q") or "",
            kecamatan=data.get("kecamatan"),
            kelurahan=data.get("kelurahan"),
            status=data.get("status") or "",
            pendamping=data.get("pendamping"),
            desil=data.get("desil") or "",
            komponen=data.get("komponen") or "",
            lama_5_tahun=bool(data.get("lama_5_tahun")),
            sort=data.get("sort") or "",
            graduasi_tahun=data.get("graduasi_tahun"),
            graduasi_bulan=data.get("graduasi_bulan") if data.get("graduasi_tahun") else None,
            per=data.get("per"),
        )

    @property
    def per_label(self) -> str:
        """`Mei 2025` when the list shows the state at that month's end."""
        per = getattr(self, "cleaned_data", {}).get("per")
        return bulan_tahun(per) if per else ""

    @property
    def graduasi_label(self) -> str:
        """`Desember 2026` or `tahun 2026` when the graduasi period filter is in effect."""
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        tahun, bulan = data.get("graduasi_tahun"), data.get("graduasi_bulan")
        if not tahun:
            return ""
        return bulan_tahun(datetime.date(tahun, bulan, 1)) if bulan else f"tahun {tahun}"


def _clean_identifier(value: str, label: str, parse: Any) -> str:
    try:
        normalized = normalize_identifier(value, label=label)
        parse(normalized)
    except IdentityError as exc:
        raise forms.ValidationError(exc.message) from exc
    return normalized


class KeluargaForm(BootstrapFormMixin, forms.ModelForm):
    """Create or edit a family. No KK is only entered on creation."""

    class Meta:
        model = Keluarga
        # The pendamping is assigned in the pendamping app, which keeps who had the family
        # when (history); it is not edited here.
        fields = ["no_kk", "kelurahan", "alamat", "rt", "rw", "tanggal_terdaftar"]
        widgets = {"tanggal_terdaftar": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(
        self,
        *args: Any,
        kelurahan_qs: Any,
        is_create: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["kelurahan"]).queryset = kelurahan_qs
        self.fields["no_kk"].validators = []
        self.fields["no_kk"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        if not is_create:
            del self.fields["no_kk"]

    def clean_no_kk(self) -> str:
        return _clean_identifier(self.cleaned_data["no_kk"], "No KK", parse_no_kk)

    def clean_rt(self) -> str:
        return _clean_rt_rw(self.cleaned_data["rt"], "RT")

    def clean_rw(self) -> str:
        return _clean_rt_rw(self.cleaned_data["rw"], "RW")

    def validate_unique(self) -> None:
        """The service checks uniqueness and names the other family (masked)."""


def _clean_rt_rw(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not value.isdigit() or len(value) > 3:
        raise forms.ValidationError(f"{label} berupa angka, paling banyak 3 digit (mis. 001).")
    return value.zfill(3)  # DOMAIN.md §8: keep leading zeros in RT/RW


class AnggotaForm(BootstrapFormMixin, forms.ModelForm):
    """A member's data. Editing (`nik_tersimpan` given), the NIK field starts empty and shows
    the stored NIK masked; left empty it keeps the stored NIK (issue 22)."""

    is_pengurus = forms.BooleanField(required=False, label="Pengurus (penerima bantuan)")

    class Meta:
        model = Anggota
        fields = [
            "nik",
            "nama",
            "jenis_kelamin",
            "tanggal_lahir",
            "hubungan",
            "jenjang_sekolah",
            "is_hamil",
            "is_disabilitas_berat",
            "is_korban_ham",
        ]
        widgets = {"tanggal_lahir": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, nik_tersimpan: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nik"].validators = []
        self.fields["nik"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.nik_tersimpan = nik_tersimpan
        if nik_tersimpan:
            identifier_keep_stored(self, "nik", tersimpan=nik_tersimpan, label="NIK")
        self.warnings: list[str] = []

    def clean_nik(self) -> str:
        value = self.cleaned_data["nik"]
        if self.nik_tersimpan and (
            kept := identifier_or_stored(value, tersimpan=self.nik_tersimpan)
        ):
            return kept
        return _clean_identifier(value, "NIK", parse_nik)

    def validate_unique(self) -> None:
        """The service checks uniqueness and names the other family (masked)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("nik") and not self.errors.get("nik"):
            # DOMAIN.md §8: a disagreement between NIK and the person's data is a warning.
            # DOMAIN.md §8: an unknown province or a day off the calendar is a warning too.
            self.warnings = [
                *parse_nik(data["nik"]).peringatan,
                *nik_warnings(
                    data["nik"],
                    tanggal_lahir=data.get("tanggal_lahir"),
                    jenis_kelamin=data.get("jenis_kelamin"),
                ),
            ]
        return data


class StatusForm(BootstrapFormMixin, forms.Form):
    ke = forms.ChoiceField(label="Status baru", choices=Keluarga.Status.choices)
    alasan = forms.CharField(
        label="Alasan", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def __init__(self, *args: Any, pilihan: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "ke").choices = pilihan


class RevealNikForm(BootstrapFormMixin, forms.Form):
    alasan = forms.CharField(label="Alasan membuka NIK lengkap", max_length=300)


# --- Restriction requests (UU 27/2022; issue 20) -------------------------------------------
class PembatasanDasarForm(BootstrapFormMixin, forms.Form):
    """What every restriction/objection request holds: kind, time received and its basis
    (a PMKS client's request is recorded from the client's page with this form alone)."""

    jenis = forms.ChoiceField(label="Jenis", choices=PermintaanPembatasan.Jenis.choices)
    diterima_at = forms.DateTimeField(
        label="Diterima (WIB)",
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Isi tanggal dan jam diterima.", "required": "Wajib diisi."},
    )
    dasar = forms.CharField(
        label="Dasar permintaan (mis. nomor surat, alasan)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Wajib diisi."},
    )


class PembatasanForm(PembatasanDasarForm):
    """A family's request: the person by NIK, or the family by No KK."""

    nik = forms.CharField(label="NIK pemohon", required=False, max_length=20)
    no_kk = forms.CharField(label="atau No KK", required=False, max_length=20)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nik, no_kk = data.get("nik", "").strip(), data.get("no_kk", "").strip()
        if bool(nik) == bool(no_kk):
            raise forms.ValidationError("Isi salah satu: NIK pemohon atau No KK.")
        try:
            data["nik"] = normalize_identifier(nik, label="NIK") if nik else ""
            data["no_kk"] = normalize_identifier(no_kk, label="No KK") if no_kk else ""
        except IdentityError as e:
            raise forms.ValidationError(e.message) from e
        return data


class PembatasanPutuskanForm(BootstrapFormMixin, forms.Form):
    keputusan = forms.ChoiceField(
        label="Keputusan",
        choices=[
            ("kabulkan", "Kabulkan: data tetap dibatasi"),
            ("tolak", "Tolak: data tampil lagi"),
        ],
    )
    catatan = forms.CharField(
        label="Dasar keputusan",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "Wajib diisi."},
    )


class PembatasanCabutForm(BootstrapFormMixin, forms.Form):
    catatan = forms.CharField(
        label="Alasan mencabut pembatasan",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "Wajib diisi."},
    )


# --- Payout lists (issue 20, RHK 1) ---------------------------------------------------------
class PenyaluranUnggahForm(BootstrapFormMixin, forms.Form):
    """The bank/Pos distribution list: checked at the door (a spreadsheet, with a header row
    holding the required columns) before anything is stored."""

    berkas = forms.FileField(
        label="Daftar penyaluran",
        help_text=(
            "Excel (.xlsx atau .xls), LibreOffice (.ods) atau CSV. Kolom: NIK atau NO KK, "
            "TAHAP, TAHUN, NOMINAL, STATUS (TERSALUR/GAGAL), ALASAN (wajib bila GAGAL), "
            "PENYALUR (boleh kosong). Format kolom NIK/NO KK sebagai Teks."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt"}),
        error_messages={"empty": MSG_KOSONG, "required": "Pilih file daftar penyaluran."},
    )

    def clean_berkas(self) -> Any:
        berkas = self.cleaned_data["berkas"]
        batas = settings.PENYALURAN_UPLOAD_MAX_BYTES
        if berkas.size > batas:
            mb = 1024 * 1024
            raise forms.ValidationError(
                f"File terlalu besar ({berkas.size / mb:.0f} MB); batasnya {batas / mb:.0f} MB."
            )
        try:
            with upload_path(berkas) as path:
                penyaluran_pintu(path)
        except (FileDitolak, KolomTidakLengkap) as e:
            raise forms.ValidationError(e.message) from e
        return berkas
