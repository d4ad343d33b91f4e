"""`dinsos.forms.PilihanCepat` (issue 21): a long select drawn in Python is the same select."""

from __future__ import annotations

import re

from django import forms

from dinsos.forms import PilihanCepat


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def test_the_same_options_attributes_and_selection_as_django_select():
    choices = [("", "Semua pendamping"), (7, "Siti <Aminah> & Co"), (9, "Budi")]
    for value in ("", "7", 9, None):
        fast = PilihanCepat(attrs={"class": "form-select"}, choices=choices)
        slow = forms.Select(attrs={"class": "form-select"}, choices=choices)
        ours = fast.render("pendamping", value, attrs={"id": "id_pendamping"})
        django = slow.render("pendamping", value, attrs={"id": "id_pendamping"})
        assert _options(ours) == _options(django)
        assert re.match(r"<select[^>]*>", ours).group(0).count('"') == 6  # name, class, id
        assert 'id="id_pendamping"' in ours
        assert 'name="pendamping"' in ours
    assert "Siti &lt;Aminah&gt; &amp; Co" in ours  # labels escaped
