"""Input shape and Indonesian messages for the P2K2 pages and the attendance sync (no writes)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms.utils import pretty_name

from dinsos.errors import DomainError
from dinsos.formatting import angka, mask_nik
from dinsos.forms import BootstrapFormMixin, BulanField, KecamatanFilterForm
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dinsos.uploads import FOTO, UploadField
from kpm.models import Keluarga
from p2k2.models import (
    DESKRIPSI_MAKS,
    NAMA_KEGIATAN_MAKS,
    Kehadiran,
    Kelompok,
    KonflikKehadiran,
    Modul,
    Pertemuan,
)
from p2k2.selectors import FilterAlfa, FilterPertemuan
from p2k2.services import Tanda

ADAPTIF = "adaptif"
KIRIMAN_BARIS_MAKS = 200  # far above the group maximum: a guard against junk, not a rule
VERSI_MAKS = 2**31 - 1  # the largest value a PositiveIntegerField holds in PostgreSQL
TAHUN_MIN = 2015  # P2K2 (FDS) started in 2015 (domain-sources §2.1)


class KeluargaChoiceField(forms.ModelMultipleChoiceField):
    """Families shown as "pengurus name — masked NIK" (the queryset selects `pengurus`)."""

    def label_from_instance(self, obj: Any) -> str:
        pengurus = obj.pengurus
        if pengurus is None:
            return f"(belum ada pengurus) — KK {mask_nik(obj.no_kk)}"
        return f"{pengurus.nama} — {mask_nik(pengurus.nik)}"


class KetuaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.pengurus.nama if obj.pengurus else f"KK {mask_nik(obj.no_kk)}"


class KelompokForm(BootstrapFormMixin, forms.Form):
    """A new group; a pendamping creates groups for themselves (no pendamping field)."""

    nama = forms.CharField(max_length=60, label="Nama kelompok")
    pendamping = forms.ModelChoiceField(queryset=User.objects.none(), label="Pendamping")
    kelurahan = forms.ModelChoiceField(queryset=Wilayah.objects.none(), label="Kelurahan/desa")
    tempat = forms.CharField(
        max_length=200, required=False, label="Tempat biasa", initial="Rumah ketua kelompok"
    )

    def __init__(
        self,
        *args: Any,
        pendamping_qs: QuerySet[User] | None,
        kelurahan_qs: QuerySet[Wilayah],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if pendamping_qs is None:
            del self.fields["pendamping"]
        else:
            cast(forms.ModelChoiceField, self.fields["pendamping"]).queryset = pendamping_qs
        cast(forms.ModelChoiceField, self.fields["kelurahan"]).queryset = kelurahan_qs


class KelompokUbahForm(BootstrapFormMixin, forms.Form):
    nama = forms.CharField(max_length=60, label="Nama kelompok")
    tempat = forms.CharField(max_length=200, required=False, label="Tempat biasa")
    ketua = KetuaChoiceField(
        queryset=Keluarga.objects.none(), required=False, label="Ketua kelompok"
    )

    def __init__(self, *args: Any, anggota_qs: QuerySet[Keluarga], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["ketua"]).queryset = anggota_qs


class AnggotaForm(forms.Form):
    """Families to add to, move out of or remove from a group."""

    keluarga = KeluargaChoiceField(
        queryset=Keluarga.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Keluarga",
        error_messages={"required": "Pilih paling sedikit satu keluarga."},
    )
    ke = forms.ModelChoiceField(
        queryset=Kelompok.objects.none(), required=False, label="Pindah ke kelompok"
    )

    def __init__(
        self,
        *args: Any,
        keluarga_qs: QuerySet[Keluarga],
        kelompok_qs: QuerySet[Kelompok] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["keluarga"]).queryset = keluarga_qs
        if kelompok_qs is None:
            del self.fields["ke"]
        else:
            field = cast(forms.ModelChoiceField, self.fields["ke"])
            field.queryset = kelompok_qs
            field.required = True
            field.widget.attrs["class"] = "form-select"


def materi_choices(modul: list[Modul]) -> list[Any]:
    """The grouped "materi" select: every session under its module, and the adaptif topic."""
    groups: list[Any] = [("", "— pilih materi —")]
    for m in modul:
        if m.is_adaptif:
            groups.append((m.nama, [(ADAPTIF, "Topik bebas (tulis di bawah)")]))
        else:
            groups.append(
                (m.nama, [(str(s.pk), f"Sesi {s.urutan}: {s.judul}") for s in m.sesi.all()])
            )
    return groups


class PertemuanForm(BootstrapFormMixin, forms.Form):
    """A meeting's details (DOMAIN.md §6: the SIKS-NG activity form fields and limits)."""

    materi = forms.ChoiceField(label="Materi")
    topik = forms.CharField(max_length=150, required=False, label="Topik adaptif")
    nama_kegiatan = forms.CharField(
        required=False,
        label="Nama kegiatan (SIKS-NG)",
        widget=forms.TextInput(attrs={"maxlength": NAMA_KEGIATAN_MAKS}),
        help_text=f"Paling banyak {NAMA_KEGIATAN_MAKS} karakter; kosong = dibuat otomatis.",
    )
    tanggal = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    jam_mulai = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    jam_selesai = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    tempat = forms.CharField(max_length=200, required=False)
    narasumber_1 = forms.CharField(max_length=100, required=False, label="Narasumber 1")
    narasumber_2 = forms.CharField(max_length=100, required=False, label="Narasumber 2")
    narasumber_3 = forms.CharField(max_length=100, required=False, label="Narasumber 3")
    deskripsi = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DESKRIPSI_MAKS}),
        help_text=(
            f"Paling banyak {angka(DESKRIPSI_MAKS)} karakter: proses, materi, partisipasi, "
            "hasil, kendala dan tindak lanjut."
        ),
    )
    foto = UploadField(  # read by content, renamed, re-encoded without EXIF (dinsos.uploads)
        allowed=FOTO,
        required=False,
        label="Foto kegiatan",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    foto_lat = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    foto_lng = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    # The answer to "Lanjutkan pertemuan yang sudah ada?": shown only with that question (a
    # submit button on the meeting form, a checkbox on the phone screen), never on its own.
    is_terpisah = forms.BooleanField(
        required=False, label="Tidak, ini pertemuan terpisah (bukan lanjutan)"
    )

    def __init__(
        self,
        *args: Any,
        modul: list[Modul],
        with_foto: bool = True,
        with_terpisah: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sesi_by_pk = {str(s.pk): s for m in modul for s in m.sesi.all()}
        cast(forms.ChoiceField, self.fields["materi"]).choices = materi_choices(modul)
        if not with_foto:
            for name in ("foto", "foto_lat", "foto_lng"):
                del self.fields[name]
        if not with_terpisah:
            del self.fields["is_terpisah"]

    def clean_nama_kegiatan(self) -> str:
        nama = " ".join(self.cleaned_data["nama_kegiatan"].split())
        if len(nama) > NAMA_KEGIATAN_MAKS:
            raise forms.ValidationError(
                f"Nama kegiatan {angka(len(nama))} karakter; SIKS-NG menerima paling banyak "
                f"{NAMA_KEGIATAN_MAKS} karakter. Persingkat."
            )
        return nama

    def clean_deskripsi(self) -> str:
        deskripsi = self.cleaned_data["deskripsi"].strip()
        if len(deskripsi) > DESKRIPSI_MAKS:
            raise forms.ValidationError(
                f"Deskripsi {angka(len(deskripsi))} karakter; SIKS-NG menerima paling banyak "
                f"{angka(DESKRIPSI_MAKS)} karakter. Persingkat."
            )
        return deskripsi

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        materi = data.get("materi")
        if materi == ADAPTIF:
            data["sesi"] = None
            if not (data.get("topik") or "").strip():
                self.add_error("topik", "Tulis topik untuk pertemuan P2K2 Adaptif.")
        elif materi:
            data["sesi"] = self.sesi_by_pk[materi]
            data["topik"] = ""
        mulai, selesai = data.get("jam_mulai"), data.get("jam_selesai")
        if mulai and selesai and selesai <= mulai:
            self.add_error("jam_selesai", "Jam selesai harus sesudah jam mulai.")
        tanggal = data.get("tanggal")
        if tanggal and not TAHUN_MIN <= tanggal.year <= today().year + 1:
            self.add_error("tanggal", "Tanggal pertemuan tidak masuk akal; periksa tahunnya.")
        return data


class KonflikForm(forms.Form):
    pilihan = forms.ChoiceField(choices=KonflikKehadiran.Pilihan.choices)


class RekapForm(BootstrapFormMixin, forms.Form):
    tahun = forms.TypedChoiceField(coerce=int, label="Tahun")

    def __init__(self, *args: Any, tahun_pilihan: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["tahun"]).choices = [(t, str(t)) for t in tahun_pilihan]


class RekapAlfaForm(BootstrapFormMixin, forms.Form):
    """Filters of the alfa recap; the values in effect stay selected."""

    STATUS = (("", "Semua runtun"), ("berlangsung", "Masih berlangsung"))

    kelurahan = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Kelurahan"
    )
    status = forms.ChoiceField(required=False, choices=STATUS, label="Status")

    def __init__(self, *args: Any, kelurahan: QuerySet[Wilayah], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kelurahan"]).choices = [
            ("", "Semua kelurahan"),
            *((w.pk, w.nama) for w in kelurahan),
        ]

    def filter(self) -> FilterAlfa:
        if not self.is_bound or not self.is_valid():
            return FilterAlfa()
        return FilterAlfa(
            kelurahan=self.cleaned_data["kelurahan"],
            hanya_berlangsung=self.cleaned_data["status"] == "berlangsung",
        )


# --- The attendance sync payload ----------------------------------------------------
@dataclass(frozen=True)
class Kiriman:
    """A parsed sync request from `static/p2k2/kehadiran.js`."""

    kiriman_id: uuid.UUID
    perangkat: uuid.UUID | None
    pertemuan_client_id: uuid.UUID
    pertemuan: dict[str, Any]  # the meeting's fields when the phone created it
    tanda: list[Tanda]


def _uuid(value: Any, label: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise DomainError(f"{label} tidak valid; muat ulang halaman lalu simpan lagi.") from exc


STATUS = set(Kehadiran.Status.values)
PEMAHAMAN = set(Kehadiran.Pemahaman.values)


def _tanda(row: Any, nomor: int) -> Tanda:
    if not isinstance(row, dict):
        raise DomainError(f"Baris kehadiran ke-{nomor} tidak terbaca.")
    keluarga_id, versi = row.get("keluarga_id"), row.get("versi", 0)
    status, pemahaman = row.get("status"), row.get("pemahaman") or ""
    if not isinstance(keluarga_id, int) or isinstance(keluarga_id, bool) or keluarga_id <= 0:
        raise DomainError(f"Baris kehadiran ke-{nomor}: keluarga tidak dikenal.")
    if not isinstance(status, str) or status not in STATUS:
        raise DomainError(f"Baris kehadiran ke-{nomor}: status harus hadir, izin, sakit atau alfa.")
    if not isinstance(pemahaman, str) or pemahaman not in PEMAHAMAN:
        raise DomainError(f"Baris kehadiran ke-{nomor}: penilaian pemahaman tidak dikenal.")
    if not isinstance(versi, int) or isinstance(versi, bool) or not 0 <= versi <= VERSI_MAKS:
        raise DomainError(f"Baris kehadiran ke-{nomor}: versi tidak valid.")
    return Tanda(keluarga_id=keluarga_id, status=status, pemahaman=pemahaman, versi=versi)


def _data_pertemuan(pertemuan: dict[str, Any]) -> dict[str, Any]:
    """The meeting's fields for `PertemuanForm`: text (or null), as the phone's form sends
    them; a number or a list would reach the form fields that expect a string."""
    data = {k: v for k, v in pertemuan.items() if k != "client_id"}
    for name, field in PertemuanForm.base_fields.items():
        value = data.get(name)
        label = field.label or pretty_name(name)
        if value is not None and not isinstance(value, str):
            raise DomainError(f"Data pertemuan belum benar — {label}: harus berupa teks.")
        try:
            (value or "").encode("utf-8")
        except UnicodeEncodeError as exc:
            raise DomainError(
                f"Data pertemuan belum benar — {label}: ada karakter yang tidak terbaca; "
                "ketik ulang isinya."
            ) from exc
    return data


def kiriman_parse(body: bytes) -> Kiriman:
    """Read the JSON body of a sync request; DomainError (Indonesian) on a malformed one."""
    try:
        data = json.loads(body.decode("utf-8"))
    # ValueError covers JSONDecodeError and integers too long to convert (CPython's digit
    # limit); RecursionError, arrays or objects nested too deep to decode.
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DomainError("Kiriman tidak terbaca (bukan JSON).") from exc
    if not isinstance(data, dict):
        raise DomainError("Kiriman tidak terbaca (bukan JSON).")
    pertemuan = data.get("pertemuan")
    rows = data.get("kehadiran")
    if not isinstance(pertemuan, dict) or not isinstance(rows, list):
        raise DomainError("Kiriman tidak lengkap: data pertemuan atau kehadiran tidak ada.")
    if not rows:
        raise DomainError("Tidak ada kehadiran yang dikirim.")
    if len(rows) > KIRIMAN_BARIS_MAKS:
        raise DomainError(f"Paling banyak {KIRIMAN_BARIS_MAKS} keluarga dalam satu kiriman.")
    tanda = [_tanda(row, nomor) for nomor, row in enumerate(rows, start=1)]
    baris_pertama: dict[int, int] = {}
    for nomor, t in enumerate(tanda, start=1):
        if (pertama := baris_pertama.setdefault(t.keluarga_id, nomor)) != nomor:
            raise DomainError(
                f"Baris kehadiran ke-{nomor}: keluarga yang sama sudah ada di baris ke-{pertama}; "
                "satu keluarga cukup dicatat sekali."
            )
    perangkat = data.get("perangkat")
    return Kiriman(
        kiriman_id=_uuid(data.get("kiriman_id"), "ID kiriman"),
        perangkat=_uuid(perangkat, "ID perangkat") if perangkat else None,
        pertemuan_client_id=_uuid(pertemuan.get("client_id"), "ID pertemuan"),
        pertemuan=_data_pertemuan(pertemuan),
        tanda=tanda,
    )


# --- Issue 20 (D10): the family's own satisfaction answer (public page) ------------------
PILIHAN_SKOR_KEPUASAN = [
    ("5", "5 — Sangat puas"),
    ("4", "4 — Puas"),
    ("3", "3 — Cukup"),
    ("2", "2 — Kurang puas"),
    ("1", "1 — Tidak puas"),
]


class JawabKepuasanForm(BootstrapFormMixin, forms.Form):
    skor = forms.TypedChoiceField(
        coerce=int,
        choices=PILIHAN_SKOR_KEPUASAN,
        widget=forms.RadioSelect,
        label="Seberapa puas Anda dengan pendampingan yang Anda terima?",
        error_messages={"required": "Pilih salah satu nilai."},
    )
    catatan = forms.CharField(
        label="Saran atau keluhan (boleh dikosongkan)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skor"].widget.attrs["class"] = "form-check-input"  # radios, not a box


class PertemuanFilterForm(KecamatanFilterForm):
    """The meeting list's month, status and kecamatan (issue 19: the rakor report's links)."""

    bulan = BulanField(label="Bulan")
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "Semua status"), *Pertemuan.Status.choices]
    )

    def to_filter(self) -> FilterPertemuan:
        data = self.valid()
        return FilterPertemuan(
            bulan=data.get("bulan"),
            status=data.get("status") or "",
            kecamatan=data.get("kecamatan"),
        )
