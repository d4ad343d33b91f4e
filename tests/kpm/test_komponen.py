"""DOMAIN.md §2 component rules on hand-built families, with exact amounts."""

import datetime

import pytest

from kpm.komponen import Aturan, DataAnggota, hak_keluarga, komponen_anggota, umur

ON = datetime.date(2025, 6, 30)
NOMINAL = {
    "ibu_hamil": 3_000_000,
    "anak_usia_dini": 3_000_000,
    "anak_sd": 900_000,
    "anak_smp": 1_500_000,
    "anak_sma": 2_000_000,
    "disabilitas_berat": 2_400_000,
    "lansia": 2_400_000,
    "korban_ham": 10_800_000,
}
ATURAN = Aturan()


def born(years: int) -> datetime.date:
    """A birth date that makes the member exactly `years` old on ON."""
    return datetime.date(ON.year - years, 6, 1)


@pytest.mark.parametrize(
    ("_case", "anggota", "expected"),
    [
        ("baby", DataAnggota(tanggal_lahir=born(1)), ["anak_usia_dini"]),
        ("six, not in school", DataAnggota(tanggal_lahir=born(6)), ["anak_usia_dini"]),
        ("six in SD", DataAnggota(tanggal_lahir=born(6), jenjang_sekolah="sd"), ["anak_sd"]),
        # DOMAIN.md §2 (issue 20, D4): AUD by age alone — a five-year-old already in SD is AUD
        (
            "five already in SD",
            DataAnggota(tanggal_lahir=born(5), jenjang_sekolah="sd"),
            ["anak_usia_dini"],
        ),
        ("seven not in school", DataAnggota(tanggal_lahir=born(7)), []),
        ("SMP", DataAnggota(tanggal_lahir=born(13), jenjang_sekolah="smp"), ["anak_smp"]),
        ("SMA", DataAnggota(tanggal_lahir=born(17), jenjang_sekolah="sma"), ["anak_sma"]),
        ("SMA at 22 is too old", DataAnggota(tanggal_lahir=born(22), jenjang_sekolah="sma"), []),
        ("finished 12 years", DataAnggota(tanggal_lahir=born(18), jenjang_sekolah="tamat"), []),
        ("pregnant", DataAnggota(tanggal_lahir=born(28), is_hamil=True), ["ibu_hamil"]),
        ("69 is not lansia", DataAnggota(tanggal_lahir=born(69)), []),
        ("70 is lansia", DataAnggota(tanggal_lahir=born(70)), ["lansia"]),
        (
            "lansia with severe disability",
            DataAnggota(tanggal_lahir=born(75), is_disabilitas_berat=True),
            ["disabilitas_berat", "lansia"],
        ),
        ("HAM victim", DataAnggota(tanggal_lahir=born(60), is_korban_ham=True), ["korban_ham"]),
    ],
)
def test_member_components(_case, anggota, expected):
    assert komponen_anggota(anggota, on=ON, aturan=ATURAN) == expected


def test_lansia_threshold_is_a_setting():
    # DOMAIN.md §2: some sources say 60
    aturan = Aturan(lansia_usia_min=60)
    assert komponen_anggota(DataAnggota(tanggal_lahir=born(65)), on=ON, aturan=aturan) == ["lansia"]


def test_age_counts_full_years():
    assert umur(datetime.date(2000, 7, 1), ON) == 24
    assert umur(datetime.date(2000, 6, 30), ON) == 25


def test_family_with_five_components_keeps_the_four_highest():
    # given: pregnant mother, toddler, SD, SMP and SMA children
    pairs = [
        ("ibu", "ibu_hamil"),
        ("adik", "anak_usia_dini"),
        ("sd", "anak_sd"),
        ("smp", "anak_smp"),
        ("sma", "anak_sma"),
    ]
    # when
    hak = hak_keluarga(pairs, nominal=NOMINAL, aturan=ATURAN, tahun=2025, tahun_nominal=2025)
    # then: SD (Rp900.000) is the lowest and is dropped
    assert [(b.anggota_ref, b.komponen) for b in hak.dibayar] == [
        ("ibu", "ibu_hamil"),
        ("adik", "anak_usia_dini"),
        ("smp", "anak_smp"),
        ("sma", "anak_sma"),
    ]
    assert [(b.anggota_ref, b.alasan) for b in hak.tidak_dibayar] == [
        ("sd", "melebihi batas 4 komponen per keluarga (nominal tertinggi dipilih)")
    ]
    assert hak.total_tahunan == 3_000_000 + 3_000_000 + 1_500_000 + 2_000_000
    assert hak.total_tahap == 2_375_000


def test_third_toddler_is_not_counted():
    pairs = [("a", "anak_usia_dini"), ("b", "anak_usia_dini"), ("c", "anak_usia_dini")]
    hak = hak_keluarga(pairs, nominal=NOMINAL, aturan=ATURAN, tahun=2025)
    assert hak.total_tahunan == 6_000_000
    assert [(b.anggota_ref, b.alasan) for b in hak.tidak_dibayar] == [
        ("c", "melebihi batas 2 anak usia dini per keluarga")
    ]


def test_equal_amounts_keep_member_order_when_capping():
    pairs = [
        ("a", "anak_sd"),
        ("b", "anak_sd"),
        ("c", "anak_sd"),
        ("d", "anak_sd"),
        ("e", "anak_sd"),
    ]
    hak = hak_keluarga(pairs, nominal=NOMINAL, aturan=ATURAN, tahun=2025)
    assert [b.anggota_ref for b in hak.dibayar] == ["a", "b", "c", "d"]
    assert hak.total_tahap == 4 * 225_000


def test_without_highest_rule_the_first_four_in_order_are_paid():
    aturan = Aturan(komponen_pilih_tertinggi=False)
    pairs = [
        ("sd", "anak_sd"),
        ("a", "anak_sd"),
        ("b", "anak_sd"),
        ("c", "anak_sd"),
        ("ham", "korban_ham"),
    ]
    hak = hak_keluarga(pairs, nominal=NOMINAL, aturan=aturan, tahun=2025)
    assert [b.anggota_ref for b in hak.tidak_dibayar] == ["ham"]
    assert hak.tidak_dibayar[0].alasan == "melebihi batas 4 komponen per keluarga (urutan data)"


def test_family_without_components_gets_nothing():
    hak = hak_keluarga([], nominal=NOMINAL, aturan=ATURAN, tahun=2025)
    assert (hak.total_tahunan, hak.dibayar, hak.tidak_dibayar) == (0, [], [])
