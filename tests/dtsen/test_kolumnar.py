"""The columnar DTSEN check (issue 21) loads exactly what the per-row checker loads and reports
exactly its messages (row, column, text), and its vectorised NIK rule is dinsos.identity's."""

import datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dinsos.identity import IdentityError, parse_nik
from dinsos.kode_wilayah import PenentuWilayah
from dinsos.spreadsheet import RowWithNul
from dtsen.importers.columns import match_headers
from dtsen.importers.dtsen import TABEL_DTSEN, DtsenChecker
from dtsen.importers.kolumnar import nik_kolom, tanggal_kolom

TODAY = datetime.date(2026, 1, 1)
HEADERS = [
    "nomor_induk_kependudukan",
    "nama",
    "nomor_kartu_keluarga",
    "tanggal_lahir",
    "jenis_kelamin",
    "status_hubungan_keluarga",
    "alamat",
    "rt",
    "rw",
    "kode_wilayah",
    "desil_nasional",
    "desil_provinsi",
    "desil_kabupaten_kota",
]
KELURAHAN = [
    (1, "18.72.01.1001", "1872022001", "Metro", "18.72.01", "1872022", "Metro Pusat"),
    (2, "18.72.01.1002", "1872022002", "Imopuro", "18.72.01", "1872022", "Metro Pusat"),
]


def checker() -> DtsenChecker:
    wilayah = PenentuWilayah(nama_wilayah="Kota Metro", kelurahan=KELURAHAN)
    made = DtsenChecker(
        snapshot_id=9,
        cocok=match_headers(HEADERS, TABEL_DTSEN, {}),
        wilayah=wilayah,
        today=TODAY,
    )
    wilayah.detect([("1872022001", None)])
    return made


GOOD = [
    "1872014107800003",
    "Siti Aminah",
    "1872010101100001",
    "1980-07-01",
    "2",
    "1",
    "Jl. Mawar No. 3",
    "001",
    "002",
    "1872022001",
    "3",
    "4",
    "",
]


def good(**changes: object) -> list[object]:
    row = list(GOOD)
    for header, value in changes.items():
        row[HEADERS.index(header)] = value
    return row


# Every kind of problem the per-row checker reports, and clean rows between them.
CORPUS: list[list[object]] = [
    good(),
    good(
        nomor_induk_kependudukan="1872011203850001", tanggal_lahir="12/03/1985", jenis_kelamin="1"
    ),
    good(nomor_induk_kependudukan="187201410780000"),  # 15 digits
    good(nomor_induk_kependudukan="1,87201E+15"),  # scientific notation
    good(nomor_induk_kependudukan=1872014107800003),  # a number cell
    good(nomor_induk_kependudukan="18720141078000AB"),
    good(nomor_induk_kependudukan="1872014113800003"),  # month 13
    good(nomor_induk_kependudukan="1872013507800003"),  # day 35
    good(nomor_induk_kependudukan="1872014107800000"),  # serial 0000
    good(nomor_induk_kependudukan="9972014107800003"),  # unknown province: warning
    good(nomor_induk_kependudukan="1800004107800003"),  # region 00: warning
    good(nomor_induk_kependudukan="1872017102800003", tanggal_lahir=""),  # 31 Feb: warning
    good(nomor_induk_kependudukan=" 1872014107800003 "),  # spaces: normalised per row
    good(nomor_induk_kependudukan="'1872014107800003"),
    good(nomor_induk_kependudukan=""),
    good(nomor_induk_kependudukan=None),
    good(jenis_kelamin="1"),  # sex against NIK: warning
    good(tanggal_lahir="1980-07-02"),  # date against NIK: warning
    good(tanggal_lahir="2030-01-01"),
    good(tanggal_lahir="1980-02-30"),
    good(tanggal_lahir="1899-12-31"),
    good(tanggal_lahir="tanggal"),
    good(tanggal_lahir="1/7/1980"),  # short layout: per row, accepted
    good(tanggal_lahir=" 1980-07-01"),
    good(tanggal_lahir=datetime.datetime(1980, 7, 1)),  # noqa: DTZ001  (an XLSX date cell)
    good(tanggal_lahir=29403),  # Excel serial
    good(jenis_kelamin="X"),
    good(jenis_kelamin="Perempuan"),
    good(jenis_kelamin=2),
    good(jenis_kelamin=True),
    good(nama=""),
    good(nama="  Siti   Aminah "),
    good(nama="Siti Amînah"),  # non-ASCII: per row, accepted
    good(nama="Siti\tAminah"),
    good(nomor_kartu_keluarga="187201010110000"),
    good(nomor_kartu_keluarga="0000010101100001"),
    good(nomor_kartu_keluarga=1872010101100001),
    good(desil_nasional="11"),
    good(desil_nasional="0"),
    good(desil_nasional="3.0"),
    good(desil_nasional=3),
    good(desil_provinsi="x"),
    good(desil_kabupaten_kota=True),
    good(rt="1"),
    good(rt="1234"),
    good(rw="RW 2"),
    good(rt=7),
    good(kode_wilayah="1872022009"),  # unknown
    good(kode_wilayah="18.72.01.1002"),
    good(kode_wilayah=""),
    good(kode_wilayah="1872022"),  # a kecamatan code
    good(kode_wilayah=1872022002),
    good(status_hubungan_keluarga="Kepala keluarga dengan nama yang sangat panjang sekali"),
    good(status_hubungan_keluarga=None, alamat=None),
    good(alamat="Jl.  Mawar"),
    good(alamat=12),
    good(status_hubungan_keluarga=1),  # a number cell in a text column: its digits
    good(status_hubungan_keluarga=2.0, alamat=-7),
    good(nama=1.5),
    RowWithNul(good(nama="Siti\x00Aminah")),
    good()[:5],  # a short row
    [*good(), "lebih"],  # a wider row
    good(),
]


def per_row(rows: list[list[object]]) -> tuple[list[tuple], list[tuple], dict]:
    made = checker()
    records, problems = [], []
    for number, cells in enumerate(rows, start=2):
        hasil = made.check(number, list(cells) if type(cells) is list else RowWithNul(cells))
        problems.extend(
            (m.row, m.column, m.message, m.is_warning, hasil.nik) for m in hasil.masalah
        )
        if hasil.record is not None:
            records.append(hasil.record)
    return records, problems, made.wilayah.ringkasan()


def batch(rows: list[list[object]], size: int) -> tuple[list[tuple], list[tuple], dict, int]:
    made = checker()
    records, problems, valid = [], [], 0
    numbered = list(enumerate(rows, start=2))
    for start in range(0, len(numbered), size):
        part = numbered[start : start + size]
        hasil = made.check_batch(
            [n for n, _ in part],
            [list(c) if type(c) is list else RowWithNul(c) for _, c in part],
        )
        assert hasil.frame is not None
        records.extend([*hasil.frame.rows(), *hasil.records])
        problems.extend(p[1:] for p in hasil.problems)
        valid += hasil.valid
    return sorted(records, key=lambda r: r[1]), problems, made.wilayah.ringkasan(), valid


@pytest.mark.parametrize("size", [1, 7, 10_000])
def test_batch_loads_and_reports_exactly_what_the_per_row_checker_does(size):
    # given a corpus of every kind of bad row, with clean rows among them
    rows = CORPUS * 3
    # when
    records, problems, ringkasan = per_row(rows)
    got_records, got_problems, got_ringkasan, valid = batch(rows, size)
    # then the same rows load with the same values, and every message is the same
    assert got_records == records
    assert got_problems == problems
    assert got_ringkasan == ringkasan
    assert valid == len(records)
    assert len(problems) > len(CORPUS)  # the corpus does exercise the messages


def test_clean_rows_skip_the_per_row_checker(monkeypatch):
    # given clean rows only
    rows = [good() for _ in range(50)]
    made = checker()
    calls = []
    monkeypatch.setattr(made, "check", lambda *a: calls.append(a))
    # when
    hasil = made.check_batch(list(range(2, 52)), [list(r) for r in rows])
    # then they are loaded from the frame, none row by row
    assert calls == []
    assert hasil.frame is not None
    assert hasil.frame.height == 50
    assert hasil.csv().count(b"\n") == 50


cell = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.text(alphabet="0123456789", max_size=17),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1850, 1, 1), max_value=datetime.date(2100, 1, 1)),
)


@st.composite
def mixed_row(draw: st.DrawFn) -> list[object]:
    row = good()
    for index in draw(st.sets(st.integers(0, len(HEADERS) - 1), max_size=3)):
        row[index] = draw(cell)
    return row


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mixed_row(), min_size=1, max_size=30))
def test_batch_agrees_with_per_row_on_any_cells(rows):
    records, problems, ringkasan = per_row(rows)
    got_records, got_problems, got_ringkasan, _ = batch(rows, 10_000)
    assert got_records == records
    assert got_problems == problems
    assert got_ringkasan == ringkasan


# --- the vectorised NIK rule against dinsos.identity (DOMAIN.md §8) -------------------------
NIK_CORPUS = [
    "1872014107800003",
    "1872010107800003",
    "1872013107800003",  # day 31
    "1872013207800003",  # day 32: rejected
    "1872014007800003",  # day 40: rejected
    "1872017107800003",  # day 71
    "1872017207800003",  # day 72: rejected
    "1872010007800003",  # day 00: rejected
    "1872010100800003",  # month 00: rejected
    "1872010113800003",  # month 13: rejected
    "1872013002800003",  # 30 February: warning
    "1872012902000003",  # 29 February 2000
    "1872012902250003",  # 29 February 2025: warning
    "1872010101270003",  # 2027 is after TODAY: 1927
    "1872010101260003",  # 1 January 2026 = TODAY
    "1872010101800000",  # serial 0000: rejected
    "0072010101800001",  # unknown province: warning
    "1800010101800001",  # kab/kota 00: warning
    "1872000101800001",  # kecamatan 00: warning
    "9172010101800001",  # Papua (old code)
    "9872010101800001",
]


def vectorised(niks: list[str]) -> list[dict]:
    exprs = nik_kolom(pl.col("nik"), today=TODAY)
    frame = pl.DataFrame({"nik": niks}, schema={"nik": pl.String}).select(**exprs)
    return frame.to_dicts()


def by_identity(nik: str) -> dict:
    try:
        info = parse_nik(nik, today=TODAY)
    except IdentityError:
        return {"diterima": False}
    return {
        "diterima": True,
        "bersih": not info.peringatan,
        "jenis_kelamin": info.jenis_kelamin,
        "tanggal_lahir": info.tanggal_lahir,
        "ddmmyy": f"{info.hari:02d}{info.bulan:02d}{info.tahun_2digit:02d}",
    }


def assert_agree(niks: list[str]) -> None:
    for nik, got in zip(niks, vectorised(niks), strict=True):
        want = by_identity(nik)
        assert got["diterima"] == want["diterima"], nik
        if want["diterima"]:
            assert got["bersih"] == want["bersih"], nik
            assert got["jenis_kelamin"] == want["jenis_kelamin"], nik
            assert got["tanggal_lahir"] == want["tanggal_lahir"], nik
            assert got["ddmmyy"] == want["ddmmyy"], nik
        else:
            assert not got["bersih"], nik


def test_vectorised_nik_rule_agrees_with_identity_on_the_corpus():
    assert_agree(NIK_CORPUS)


nik16 = st.text(alphabet="0123456789", min_size=16, max_size=16)
# NIKs near the rule's edges: any region, day 00-79, month 00-14, any year, serial 0000-0002.
nik_near = st.builds(
    lambda region, day, month, year, serial: f"{region}{day:02d}{month:02d}{year:02d}{serial:04d}",
    st.sampled_from(["187201", "000000", "990101", "180001", "917201", "187200"]),
    st.integers(0, 79),
    st.integers(0, 14),
    st.integers(0, 99),
    st.integers(0, 2),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(nik16, nik_near), min_size=1, max_size=40))
def test_vectorised_nik_rule_agrees_with_identity_on_generated_niks(niks):
    assert_agree(niks)


def test_a_nik_not_written_as_16_digits_is_left_to_the_per_row_checker():
    got = vectorised([" 1872014107800003", "187201410780000", "1872O14107800003", None])
    assert [g["diterima"] for g in got] == [False, False, False, False]


def test_vectorised_birth_dates_accept_only_what_the_date_parser_accepts_unchanged():
    texts = ["1980-07-01", "01/07/1980", "", None, "1980-02-30", "2026-01-02", "1899-12-31"]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    date, ok = tanggal_kolom(pl.col("t"), today=TODAY)
    got = frame.select(date=date, ok=ok).rows()
    assert got == [
        (datetime.date(1980, 7, 1), True),
        (datetime.date(1980, 7, 1), True),
        (None, True),
        (None, True),
        (None, False),
        (datetime.date(2026, 1, 2), False),
        (datetime.date(1899, 12, 31), False),
    ]
