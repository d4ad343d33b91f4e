"""The downloadable error report (dtsen.importers.report), opened as a spreadsheet would."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from dtsen.importers import report

pytestmark = pytest.mark.django_db  # restricted identifiers are read from the registry


def _baca(path):
    sheet = load_workbook(path).active
    return sheet, [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def test_each_problem_is_a_line_under_a_bold_header(tmp_path):
    path = tmp_path / "laporan.xlsx"
    problems = [
        (2, "nik", "NIK harus 16 angka (tertulis '12')", False),
        (7, "rt", "RT harus angka (tertulis 'x')", True),
        (1_048_000, '=HYPERLINK("x")', "-2+3 bukan desil", False),
    ]
    written = report.write_report(iter(problems), path)
    sheet, rows = _baca(path)
    assert written == 3
    assert sheet.title == "Masalah"
    assert [c.font.b for c in sheet[1]] == [True] * 4
    assert [c.font.b for c in sheet[2]] == [False] * 4
    assert rows == [
        [("Baris", "s"), ("Kolom", "s"), ("Jenis", "s"), ("Keterangan", "s")],
        [(2, "n"), ("nik", "s"), ("Ditolak", "s"), ("NIK harus 16 angka (tertulis '12')", "s")],
        [(7, "n"), ("rt", "s"), ("Peringatan", "s"), ("RT harus angka (tertulis 'x')", "s")],
        # Text from the file is never a formula: a leading apostrophe keeps it text.
        [
            (1_048_000, "n"),
            ('\'=HYPERLINK("x")', "s"),
            ("Ditolak", "s"),
            ("'-2+3 bukan desil", "s"),
        ],
    ]


def test_lines_past_the_cap_are_counted_in_a_closing_line(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "MAX_BARIS", 2)
    path = tmp_path / "laporan.xlsx"
    problems = [(n, "desil_nasional", f"masalah {n}", False) for n in range(2, 7)]
    written = report.write_report(problems, path)
    _, rows = _baca(path)
    assert written == 2
    assert [[v for v, _ in row] for row in rows] == [
        ["Baris", "Kolom", "Jenis", "Keterangan"],
        [2, "desil_nasional", "Ditolak", "masalah 2"],
        [3, "desil_nasional", "Ditolak", "masalah 3"],
        [None, None, None, "… dan 3 masalah lain tidak ditampilkan."],
    ]
