"""Input shape and Indonesian messages for the komitmen, usulan, graduasi and Sekolah Rakyat
pages (no writes)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile

from dinsos.bulan import awal_bulan
from dinsos.formatting import bulan_tahun
from dinsos.forms import (
    TAHUN_MAKS,
    TAHUN_MIN,
    BootstrapFormMixin,
    IdField,
    KecamatanFilterForm,
    ParameterForm,
    PilihanCepat,
    TahunField,
    TanggalField,
)
from dinsos.models import User, Wilayah
from dinsos.uploads import DOKUMEN, UploadField
from kpm.models import Keluarga, Komponen
from verifikasi import services
from verifikasi.importers.tata_epkh import UKURAN_BYTE_MAKS
from verifikasi.models import KOMPONEN_KOMITMEN, Graduasi, KandidatSekolahRakyat, Komitmen, Usulan
from verifikasi.selectors import (
    BarisKomitmen,
    FilterGraduasi,
    FilterKunjungan,
    FilterSekolahRakyat,
    FilterUsulan,
    KeluargaBulan,
)

KS = Komitmen.Status
_BULAN = re.compile(r"^(\d{4})-(\d{2})$")


class BulanField(forms.CharField):
    """A month as `<input type="month">` sends it ("2025-03") → its first day."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = _BULAN.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError("Tulis bulan seperti 2025-03.")
        if not TAHUN_MIN <= int(match.group(1)) <= TAHUN_MAKS:
            raise forms.ValidationError(f"Tahun harus antara {TAHUN_MIN} dan {TAHUN_MAKS}.")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


class PendampingChoiceField(forms.ModelChoiceField):
    widget = PilihanCepat

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class BulanFilterForm(BootstrapFormMixin, forms.Form):
    """The month view's month and (for office users) pendamping."""

    bulan = BulanField(label="Bulan", required=False)
    pendamping = PendampingChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Semua pendamping"
    )
    belum = forms.BooleanField(required=False, label="Hanya yang belum diverifikasi")

    def __init__(self, *args: Any, pendamping: list[User], hari_ini: datetime.date, **kw: Any):
        super().__init__(*args, **kw)
        self.hari_ini = hari_ini
        if pendamping:
            field = cast(forms.ModelChoiceField, self.fields["pendamping"])
            field.queryset = User.objects.filter(pk__in=[p.pk for p in pendamping])
            field.choices = [("", "Semua pendamping"), *((p.pk, str(p)) for p in pendamping)]
        else:
            del self.fields["pendamping"]

    def clean_bulan(self) -> datetime.date:
        bulan = self.cleaned_data.get("bulan")
        if bulan is None:  # the month that just ended is the one being verified
            return awal_bulan(self.hari_ini, geser=-1)
        if bulan > awal_bulan(self.hari_ini):
            raise forms.ValidationError(f"Bulan {bulan_tahun(bulan)} belum dimulai.")
        return bulan

    def pilihan(self) -> tuple[datetime.date, int | None]:
        """The month and pendamping to show (defaults when the query is invalid or empty)."""
        if self.is_valid():
            pendamping = self.cleaned_data.get("pendamping")
            return self.cleaned_data["bulan"], pendamping.pk if pendamping else None
        return awal_bulan(self.hari_ini, geser=-1), None

    @property
    def is_hanya_belum(self) -> bool:
        """Only families with a member-component not yet recorded for the month."""
        return self.is_valid() and bool(self.cleaned_data.get("belum"))


class KeluargaParameterForm(ParameterForm):
    """`?keluarga=` of the month view: show one family only."""

    keluarga = IdField()


@dataclass
class BarisForm:
    baris: BarisKomitmen
    status: forms.BoundField
    persen: forms.BoundField | None
    catatan: forms.BoundField


@dataclass
class KeluargaForm:
    keluarga: Keluarga
    baris: list[BarisForm]


class KomitmenBulanForm(forms.Form):
    """One month's verifications of a page of families: a status (or, for school children,
    an attendance percentage) and a note per member-component. Only rows that changed are
    saved; an empty row stays unrecorded."""

    STATUS_PILIHAN = KS.choices

    def __init__(self, *args: Any, keluarga: list[KeluargaBulan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keluarga = keluarga
        for group in keluarga:
            for baris in group.baris:
                key = baris.kunci
                self.fields[f"s-{key}"] = forms.ChoiceField(
                    choices=KS.choices, required=False, initial=baris.status
                )
                if baris.is_pendidikan:
                    self.fields[f"p-{key}"] = forms.DecimalField(
                        required=False,
                        min_value=Decimal(0),
                        max_value=Decimal(100),
                        decimal_places=2,
                        initial=baris.persen_kehadiran,
                        localize=True,
                        error_messages={
                            "invalid": "Tulis angka 0–100.",
                            "min_value": "Persen kehadiran 0–100.",
                            "max_value": "Persen kehadiran 0–100.",
                            "max_decimal_places": "Paling banyak 2 angka desimal.",
                        },
                    )
                self.fields[f"c-{key}"] = forms.CharField(
                    required=False,
                    max_length=services.komitmen.CATATAN_MAKS,
                    initial=baris.catatan,
                )

    def kelompok(self) -> list[KeluargaForm]:
        """The bound fields grouped by family, for the template."""
        return [
            KeluargaForm(
                keluarga=group.keluarga,
                baris=[
                    BarisForm(
                        baris=b,
                        status=self[f"s-{b.kunci}"],
                        persen=self[f"p-{b.kunci}"] if b.is_pendidikan else None,
                        catatan=self[f"c-{b.kunci}"],
                    )
                    for b in group.baris
                ],
            )
            for group in self.keluarga
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for group in self.keluarga:
            for b in group.baris:
                status = data.get(f"s-{b.kunci}") or ""
                persen = data.get(f"p-{b.kunci}")
                catatan = (data.get(f"c-{b.kunci}") or "").strip()
                if status == KS.TIDAK_DAPAT_DIVERIFIKASI and persen is None and not catatan:
                    self.add_error(
                        f"c-{b.kunci}", "Tulis catatan mengapa tidak dapat diverifikasi."
                    )
        return data

    def entri(self) -> list[services.EntriKomitmen]:
        """Rows whose answer differs from what was recorded."""
        result = []
        for group in self.keluarga:
            for b in group.baris:
                status = self.cleaned_data.get(f"s-{b.kunci}") or ""
                persen = self.cleaned_data.get(f"p-{b.kunci}") if b.is_pendidikan else None
                catatan = (self.cleaned_data.get(f"c-{b.kunci}") or "").strip()
                if not status and persen is None:
                    continue
                unchanged = (
                    status == b.status if persen is None else persen == b.persen_kehadiran
                ) and catatan == b.catatan
                if unchanged:
                    continue
                result.append(
                    services.EntriKomitmen(
                        anggota_id=b.anggota_id,
                        komponen=b.komponen,
                        status=status,
                        persen_kehadiran=persen,
                        catatan=catatan,
                    )
                )
        return result


class EpkhUploadForm(BootstrapFormMixin, forms.Form):
    berkas = forms.FileField(
        label="Berkas Form Verifikasi Komitmen Pendidikan (e-PKH): CSV, Excel atau .ods",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.xls,.ods"}),
    )
    tahun = forms.IntegerField(
        label="Tahun",
        min_value=2015,
        help_text='Dipakai bila judul berkas tidak memuat "TAHUN …".',
    )

    def clean_berkas(self) -> UploadedFile:
        berkas = cast(UploadedFile, self.cleaned_data["berkas"])
        if berkas.size is not None and berkas.size > UKURAN_BYTE_MAKS:
            raise forms.ValidationError(
                f"Berkas terlalu besar (paling besar {UKURAN_BYTE_MAKS // 1024} kB untuk satu "
                "sekolah)."
            )
        return berkas


class EpkhTerapkanForm(forms.Form):
    """Confirm a preview: only the id of the upload kept on the server (verifikasi.UnggahanEpkh)."""

    unggahan = IdField(required=True, widget=forms.HiddenInput)


class EvaluasiForm(BootstrapFormMixin, forms.Form):
    bulan_awal = BulanField(label="Dari bulan")
    bulan_akhir = BulanField(label="Sampai bulan")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        awal, akhir = data.get("bulan_awal"), data.get("bulan_akhir")
        if awal and akhir and awal > akhir:
            self.add_error("bulan_akhir", "Bulan akhir tidak boleh sebelum bulan awal.")
        return data


class KeputusanForm(BootstrapFormMixin, forms.Form):
    keputusan = forms.ChoiceField(
        choices=[("terima", "Terima"), ("tolak", "Tolak")], widget=forms.HiddenInput
    )
    catatan = forms.CharField(
        label="Catatan keputusan", required=False, max_length=500, widget=forms.TextInput
    )

    @property
    def is_diterima(self) -> bool:
        return self.cleaned_data["keputusan"] == "terima"


class GraduasiForm(BootstrapFormMixin, forms.Form):
    jenis = forms.ChoiceField(label="Jenis graduasi", choices=Graduasi.Jenis.choices)
    alasan = forms.CharField(label="Alasan", max_length=1000, widget=forms.Textarea({"rows": 3}))
    bukti = UploadField(  # read by content, renamed, photos re-encoded (dinsos.uploads)
        allowed=DOKUMEN,
        label="Bukti (PDF atau foto JPG, PNG, WEBP)",
        required=False,
        help_text=(
            "Mandiri: surat pernyataan yang ditandatangani. Paksa: surat dari desa/kelurahan."
        ),
    )


class AcuanParameterForm(ParameterForm):
    """`?acuan=` of a Sekolah Rakyat visit: the date the list computed ages on."""

    acuan = TanggalField()


class GraduasiTahunForm(ParameterForm):
    """`?tahun=` of the graduation page: the year whose graduations are counted."""

    tahun = TahunField()


class SekolahRakyatFilterForm(BootstrapFormMixin, forms.Form):
    tanggal_acuan = TanggalField(label="Umur per tanggal")
    kelurahan = forms.ModelChoiceField(
        queryset=Wilayah.objects.none(),
        required=False,
        empty_label="Semua kelurahan",
        widget=PilihanCepat,
    )
    pendamping = PendampingChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Semua pendamping"
    )
    jenjang = forms.ChoiceField(
        required=False, choices=[("", "Semua jenjang"), *KandidatSekolahRakyat.Jenjang.choices]
    )
    golongan = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Utama dan cadangan"),
            ("utama", "Utama (desil 1–2)"),
            ("cadangan", "Cadangan"),
        ],
    )

    def __init__(
        self,
        *args: Any,
        kelurahan: Any,
        pendamping: list[User],
        hari_ini: datetime.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.hari_ini = hari_ini
        cast(forms.ModelChoiceField, self.fields["kelurahan"]).queryset = kelurahan
        if pendamping:
            field = cast(forms.ModelChoiceField, self.fields["pendamping"])
            field.queryset = User.objects.filter(pk__in=[p.pk for p in pendamping])
            field.choices = [("", "Semua pendamping"), *((p.pk, str(p)) for p in pendamping)]
        else:
            del self.fields["pendamping"]

    def to_filter(self) -> FilterSekolahRakyat:
        bawaan = services.tanggal_acuan_bawaan(self.hari_ini)
        if not self.is_valid():
            return FilterSekolahRakyat(tanggal_acuan=bawaan)
        data = self.cleaned_data
        golongan = data.get("golongan") or ""
        return FilterSekolahRakyat(
            tanggal_acuan=data.get("tanggal_acuan") or bawaan,
            kelurahan=data["kelurahan"].pk if data.get("kelurahan") else None,
            pendamping=data["pendamping"].pk if data.get("pendamping") else None,
            jenjang=data.get("jenjang") or "",
            is_cadangan=None if not golongan else golongan == "cadangan",
        )


class KunjunganForm(BootstrapFormMixin, forms.Form):
    tanggal_kunjungan = forms.DateField(
        label="Tanggal kunjungan rumah", widget=forms.DateInput({"type": "date"})
    )
    status = forms.ChoiceField(
        label="Hasil kunjungan",
        choices=KandidatSekolahRakyat.Status.choices,
        widget=forms.RadioSelect,
    )
    is_persetujuan_ortu = forms.BooleanField(
        label="Orang tua/wali menyetujui anak masuk Sekolah Rakyat", required=False
    )
    catatan = forms.CharField(
        label="Catatan", required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )


# --- The lists the rakor report links to (issue 19): month and area filters ----------------
def _pilihan(label: str, kosong: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(required=False, label=label, choices=[("", kosong), *choices])


class UsulanFilterForm(KecamatanFilterForm):
    SEMUA = "semua"
    status = forms.ChoiceField(
        required=False, label="Status", choices=[*Usulan.Status.choices, (SEMUA, "Semua status")]
    )
    jenis = _pilihan("Jenis", "Semua jenis", Usulan.Jenis.choices)
    dibuat = BulanField(label="Diusulkan pada bulan", required=False)
    diputuskan = BulanField(label="Diputuskan pada bulan", required=False)
    komponen = _pilihan(
        "Komponen", "Semua komponen", [(c, Komponen(c).label) for c in KOMPONEN_KOMITMEN]
    )

    def to_filter(self) -> tuple[str, FilterUsulan]:
        """The status to list ("" for all; proposals waiting by default) and the rest."""
        data = self.valid()
        status = data.get("status") or Usulan.Status.DIUSULKAN
        filters = FilterUsulan(
            jenis=data.get("jenis") or "",
            dibuat=data.get("dibuat"),
            diputuskan=data.get("diputuskan"),
            komponen=data.get("komponen") or "",
            kecamatan=data.get("kecamatan"),
        )
        return ("" if status == self.SEMUA else status), filters


class GraduasiLulusFilterForm(KecamatanFilterForm):
    bulan = BulanField(label="Graduasi pada bulan", required=False)
    jenis = _pilihan("Jenis", "Semua jenis", Graduasi.Jenis.choices)

    def to_filter(self) -> FilterGraduasi:
        data = self.valid()
        return FilterGraduasi(
            bulan=data.get("bulan"), jenis=data.get("jenis") or "", kecamatan=data.get("kecamatan")
        )


class KunjunganFilterForm(KecamatanFilterForm):
    tahun_ajaran = TahunField(label="Tahun ajaran (masuk Juli)")
    status = _pilihan("Hasil kunjungan", "Semua hasil", KandidatSekolahRakyat.Status.choices)
    jenjang = _pilihan("Jenjang", "Semua jenjang", KandidatSekolahRakyat.Jenjang.choices)
    bulan = BulanField(label="Dikunjungi pada bulan", required=False)
    setuju = forms.BooleanField(required=False, label="Hanya orang tua setuju")

    def to_filter(self) -> FilterKunjungan:
        data = self.valid()
        return FilterKunjungan(
            tahun_ajaran=data.get("tahun_ajaran"),
            status=data.get("status") or "",
            jenjang=data.get("jenjang") or "",
            bulan=data.get("bulan"),
            is_setuju=bool(data.get("setuju")),
            kecamatan=data.get("kecamatan"),
        )
