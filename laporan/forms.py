"""Input shape of the laporan pages (no writes here)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from dinsos.formatting import bulan_tahun
from dinsos.forms import BootstrapFormMixin
from dinsos.models import Wilayah


class LaporanBuatForm(BootstrapFormMixin, forms.Form):
    """The month and the area of a report to make (or make again)."""

    bulan = forms.TypedChoiceField(
        label="Bulan",
        coerce=datetime.date.fromisoformat,
        error_messages={"invalid_choice": "Pilih bulan dari daftar."},
    )
    wilayah = forms.ModelChoiceField(
        label="Wilayah",
        queryset=Wilayah.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Pilih wilayah dari daftar."},
    )

    def __init__(
        self,
        *args: Any,
        bulan_pilihan: list[datetime.date],
        wilayah_qs: QuerySet[Wilayah],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bulan"].choices = [  # type: ignore[attr-defined]
            (b.isoformat(), bulan_tahun(b)) for b in bulan_pilihan
        ]
        if len(bulan_pilihan) > 1:
            self.fields["bulan"].initial = bulan_pilihan[1].isoformat()  # last month
        wilayah = cast(forms.ModelChoiceField, self.fields["wilayah"])
        wilayah.queryset = wilayah_qs
        wilayah.label_from_instance = lambda w: w.nama  # type: ignore[assignment,method-assign]
