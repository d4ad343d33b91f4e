"""Forms of the shared core."""

import datetime
import re
from typing import Any, cast

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from dinsos.formatting import mask_nik
from dinsos.models import AuditEvent, Wilayah


class LoginForm(AuthenticationForm):
    """Django's login form with Indonesian messages that reveal nothing about accounts."""

    error_messages = {
        "invalid_login": "Nama pengguna atau kata sandi salah. Periksa lalu coba lagi.",
        "inactive": "Akun ini tidak aktif. Hubungi admin Dinas Sosial.",
    }


class BootstrapFormMixin:
    """Give every widget its Bootstrap class, so templates stay free of styling logic."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class PilihanCepat(forms.Select):
    """A select whose options are written in Python, for long choice lists: a province's
    ~400 pendamping through Django's option template took ~50 ms of each filter page
    (issue 21). Same markup: the widget's attributes, one option per choice, the current
    value selected. Plain choices only (no option groups)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        terpilih = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), mark_safe(" selected") if str(v) in terpilih else "", label)
                for v, label in self.choices
            ),
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(final_attrs), options)


def identifier_keep_stored(form: forms.BaseForm, name: str, *, tersimpan: str, label: str) -> None:
    """Turn field `name` of an edit form into "type a new NIK/No KK, or leave it empty".

    Issue 22: an edit form that rendered the stored number as its value let anyone who may
    edit read every full NIK in their area without a reason or an audit record. The page now
    shows only the masked number; the full one leaves the server only through "reveal with
    reason". Read the submitted value back with `identifier_or_stored`.
    """
    field = form.fields[name]
    field.required = False
    field.initial = None
    form.initial.pop(name, None)
    samaran = mask_nik(tersimpan)
    field.widget.attrs.update({"placeholder": samaran, "autocomplete": "off"})
    field.help_text = (
        f"{label} tersimpan: {samaran}. Kosongkan untuk tetap memakai {label} ini; "
        f"isi {label} baru (16 digit) hanya bila perlu dikoreksi."
    )


def identifier_or_stored(value: str | None, *, tersimpan: str) -> str | None:
    """`tersimpan` when the field was left empty (or holds the masked placeholder), else None:
    the caller then validates the new value the user typed."""
    typed = (value or "").strip()
    if not typed or typed == mask_nik(tersimpan):
        return tersimpan
    return None


class OtpTokenForm(BootstrapFormMixin, forms.Form):
    token = forms.RegexField(
        label="Kode 6 angka dari aplikasi autentikator",
        regex=r"^\d{6}$",
        error_messages={"invalid": "Kode terdiri dari 6 angka."},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )


class PasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    """Django's reset form: it sends mail only to known active accounts and says the same
    thing whether or not the address exists."""


# --- Query-string parameters ----------------------------------------------------------------
# Issue 22, finding 10: `?tahun=99999999999999999999` overflowed a date and `?page=<24 digits>`
# a bigint OFFSET, both answering 500. Every integer or date a page reads from its query
# string goes through one of these bounded fields; a value outside the bounds is refused
# like a typo.
ID_MAKS = 2**63 - 1  # PostgreSQL bigint: the type of every primary key
HALAMAN_MAKS = 100_000  # far past the last page of any list the portal shows
TAHUN_MIN, TAHUN_MAKS = 2000, 2100  # the years a record of the programme can carry
_BULAN = re.compile(r"^(\d{4})-(\d{2})$")


class IdField(forms.IntegerField):
    """The id of an object named in a query string (`?keluarga=12`): a positive bigint."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=ID_MAKS, **kwargs)


class TahunField(forms.IntegerField):
    """A year in a query string, within the years the portal's records can carry."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=TAHUN_MIN, max_value=TAHUN_MAKS, **kwargs)


class TanggalField(forms.DateField):
    """A date filter within TAHUN_MIN–TAHUN_MAKS: the lists add a day to it, and
    9999-12-31 plus one day overflows."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.DateInput({"type": "date"}))
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not TAHUN_MIN <= value.year <= TAHUN_MAKS:
            raise forms.ValidationError(
                f"Tanggal harus antara tahun {TAHUN_MIN} dan {TAHUN_MAKS}.", code="max_value"
            )


class BulanField(forms.CharField):
    """A month as `<input type="month">` sends it ("2025-03") → its first day, within
    TAHUN_MIN–TAHUN_MAKS; shown back as "2025-03" so the control holds the value in effect."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = _BULAN.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError("Tulis bulan seperti 2025-03.", code="invalid")
        if not TAHUN_MIN <= int(match.group(1)) <= TAHUN_MAKS:
            raise forms.ValidationError(
                f"Tahun harus antara {TAHUN_MIN} dan {TAHUN_MAKS}.", code="max_value"
            )
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


class WilayahChoiceField(forms.ModelChoiceField):
    """An area picked by its name (the list already says which level it is)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.nama)


class KecamatanFilterForm(BootstrapFormMixin, forms.Form):
    """Base of a list's filter form with a kecamatan among the user's areas (the rakor
    report's links narrow a list to a koordinator's kecamatan with it). A bad value is shown
    with its message and left out; the other filters still apply (`valid()`)."""

    kecamatan = WilayahChoiceField(
        queryset=Wilayah.objects.none(),
        required=False,
        label="Kecamatan",
        empty_label="Semua kecamatan",
        error_messages={"invalid_choice": "Pilih kecamatan dari daftar."},
    )

    def __init__(self, *args: Any, kecamatan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["kecamatan"]).queryset = kecamatan

    def valid(self) -> dict[str, Any]:
        """The cleaned value of every valid field (all of them when the form is valid)."""
        if self.is_bound:
            self.is_valid()
        return getattr(self, "cleaned_data", {})


class ParameterForm(forms.Form):
    """Base of the forms that read a page's query string.

    `nilai()` gives every field's cleaned value, or None for a field that is missing or
    invalid: a hand-edited URL falls back to the page's default instead of failing.
    """

    def nilai(self) -> dict[str, Any]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


class HalamanForm(ParameterForm):
    """`?page=` of a list paged by the view itself (Paginator.get_page bounds its own)."""

    page = forms.IntegerField(required=False, min_value=1, max_value=HALAMAN_MAKS)

    def nomor(self) -> int:
        return self.nilai()["page"] or 1


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(required=False, label="Aksi")
    username = forms.CharField(required=False, label="Pengguna", max_length=150)
    object_type = forms.CharField(required=False, label="Jenis data", max_length=100)
    dari = TanggalField(label="Dari")
    sampai = TanggalField(label="Sampai")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", "Semua"),
            *AuditEvent.Action.choices,
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class PersetujuanKeputusanForm(forms.Form):
    """One decision on a four-eyes proposal (issue 20): approve, refuse (reason) or withdraw."""

    AKSI = (("setujui", "Setujui"), ("tolak", "Tolak"), ("batalkan", "Batalkan"))
    aksi = forms.ChoiceField(
        choices=AKSI, error_messages={"invalid_choice": "Pilih setujui, tolak atau batalkan."}
    )
    catatan = forms.CharField(
        required=False, max_length=500, error_messages={"max_length": "Catatan terlalu panjang."}
    )
