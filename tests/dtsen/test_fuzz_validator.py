"""Fuzz the DTSEN row validator: whatever a spreadsheet cell holds, the user gets a located
Indonesian message or a clean record, never an exception (which would end as a 500 or a
failed job)."""

import datetime
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dinsos.errors import RowError
from dinsos.kode_wilayah import PenentuWilayah
from dtsen.importers.columns import match_headers
from dtsen.importers.dtsen import TABEL_DTSEN, DtsenChecker

HEADERS = [
    "nomor_induk_kependudukan",
    "nama",
    "nomor_kartu_keluarga",
    "tanggal_lahir",
    "jenis_kelamin",
    "status_hubungan_keluarga",
    "alamat",
    "kode_wilayah",
    "desil_nasional",
    "desil_provinsi",
    "desil_kabupaten_kota",
]
WILAYAH = PenentuWilayah(
    nama_wilayah="Kota Metro",
    kelurahan=[(1, "18.72.01.1001", "1872022001", "Metro", "18.72.01", "1872022", "Metro Pusat")],
)
CHECKER = DtsenChecker(
    snapshot_id=1,
    cocok=match_headers(HEADERS, TABEL_DTSEN, {}),
    wilayah=WILAYAH,
    today=datetime.date(2026, 1, 1),
)

digits = st.text(alphabet="0123456789", min_size=0, max_size=20)
cell = st.one_of(
    st.none(),
    st.text(max_size=40),
    digits,
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 1, 1)),
    st.sampled_from(["1872015004990007", "1,87201E+15", "1872022001", "18.72.01.1001", "2", "L"]),
)
LOCATED = re.compile(r"\w")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cell, min_size=0, max_size=len(HEADERS) + 3))
def test_any_row_gives_a_record_or_located_indonesian_messages(cells):
    # when
    hasil = CHECKER.check(7, list(cells))
    # then
    assert all(isinstance(m, RowError) for m in hasil.masalah)
    for masalah in hasil.masalah:
        assert masalah.row == 7
        assert masalah.column in HEADERS
        assert LOCATED.search(masalah.message)
    if hasil.record is None:
        assert any(not m.is_warning for m in hasil.masalah)
    else:
        assert hasil.record[0] == 1  # snapshot id
        assert re.fullmatch(r"\d{16}", hasil.record[2])  # a valid NIK only
