"""The probable-match scoring core (dinsos/kecocokan.py): levels, explanations, score, refit."""

from __future__ import annotations

import csv
import datetime

import pytest

from dinsos import kecocokan
from dinsos.kecocokan import Aturan, Berlabel, Orang

D = datetime.date


@pytest.mark.parametrize(
    ("a", "b", "level", "alasan"),
    [
        ("Muhammad Rizki", "M. Rizki", "varian", ["nama: varian Muhammad"]),
        (
            "Mochammad Rizky",
            "Muhamad Rizki",
            "varian",
            ["nama: varian Muhammad", "nama: varian Rizki"],
        ),
        ("Nurul Hidayah", "Nur Hidayah", "varian", ["nama: varian Nur"]),
        ("St. Aminah", "Siti Aminah", "varian", ["nama: varian Siti"]),
        ("Soeparman", "Suparman", "varian", ["nama: varian Suparman"]),
        ("Djoko Susilo", "Joko Susilo", "varian", ["nama: varian Joko"]),
        ("Aminah Siti", "Siti Aminah", "urutan", ["nama: urutan kata berbeda"]),
        ("Aminah", "Siti Aminah", "sebagian", ["nama: satu bagian tidak ada"]),
        ("Ahmad bin Yusuf", "Ahmad", "sama", ["nama: gelar atau bin/binti diabaikan"]),
        ("Sarno Almarhum", "Sarno", "sama", ["nama: gelar atau bin/binti diabaikan"]),
        ("Hj. SITI AMINAH, S.Pd.", "Siti Aminah", "sama", []),
        ("Rahmat", "Rahmad", "mirip", ["nama: beda sedikit (salah ketik)"]),
        ("Yusup", "Yusuf", "mirip", ["nama: beda sedikit (salah ketik)"]),
        ("Budi Santoso", "Joko Susilo", "beda", []),
    ],
)
def test_name_levels_and_their_explanations(a, b, level, alasan):
    # when
    got, kode = kecocokan.bandingkan_nama(a, b)
    # then
    assert (got, [kecocokan.teks_alasan(k) for k in kode]) == (level, alasan)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (D(1985, 3, 7), D(1985, 3, 7), "sama"),
        (D(1985, 3, 7), D(1985, 7, 3), "tukar"),
        (D(1985, 3, 7), D(1985, 3, 9), "satu_digit"),
        (D(1985, 3, 7), D(1986, 3, 7), "satu_digit"),
        (D(1985, 3, 17), D(1985, 1, 1), "isian"),
        (D(1985, 3, 17), D(1985, 12, 31), "isian"),
        (D(1985, 3, 17), D(1985, 8, 24), "tahun"),
        (D(1985, 3, 17), D(1990, 8, 24), "beda"),
        (None, D(1990, 8, 24), "kosong"),
    ],
)
def test_birth_date_levels(a, b, level):
    assert kecocokan.bandingkan_lahir(a, b) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1872015705850012", "1872011705850012", "tanpa40"),  # a woman's +40 left out
        ("1872011705850012", "1872011705850013", "satu_digit"),
        ("1872011705850012", "1872011705850021", "tukar"),
        ("1872011705850012", "1872011705850045", "dua_digit"),
        ("1872011705850012", "1872011705857345", "wilayah_lahir"),  # temporary NIK replaced
        ("1872011705850012", "1872012208910345", "wilayah"),
        ("1872011705850012", "1871032208910345", "beda"),
        ("187201170585001", "1872011705850012", "kosong"),
    ],
)
def test_nik_levels(a, b, level):
    assert kecocokan.bandingkan_nik(a, b) == level


SITI = Orang("1872015705850012", "Siti Aminah", D(1985, 5, 17), "P", 1, "1872010101100001")


def test_each_variant_kind_scores_and_explains_itself():
    # given: the same woman written another way in every signal at once
    other = Orang("1872011705850012", "St. Aminah binti Ahmad", D(1985, 1, 1), "P", 1, "")
    # when
    hasil = kecocokan.nilai(SITI, other, aturan=Aturan(), serumah=True)
    # then
    assert hasil.sinyal == {
        "nama": "varian",
        "lahir": "isian",
        "nik": "tanpa40",
        "jk": "sama",
        "kelurahan": "sama",
        "kk": "serumah",
    }
    assert hasil.teks == [
        "nama: gelar atau bin/binti diabaikan",
        "nama: varian Siti",
        "tanggal lahir isian (01-01/31-12/01-07), tahun sama",
        "NIK: tambahan 40 pada tanggal (perempuan) tidak ada",
        "anggota lain KK ini cocok dengan NIK-nya",
    ]
    assert (hasil.skor, hasil.pita) == (20.5, "sangat_mungkin")  # 6.5 + 2.5 + 6 + 0.5 + 1 + 4


def test_a_pair_differing_in_name_birth_date_and_nik_region_has_no_band():
    # given
    stranger = Orang("1871032208910345", "Joko Susilo", D(1991, 8, 22), "P", 2, "")
    # when
    hasil = kecocokan.nilai(SITI, stranger, aturan=Aturan())
    # then
    assert (hasil.pita, hasil.sinyal["nama"], hasil.sinyal["lahir"], hasil.sinyal["nik"]) == (
        "",
        "beda",
        "beda",
        "beda",
    )
    assert hasil.skor < Aturan().ambang["lemah"]


def test_bands_follow_the_thresholds_in_force():
    aturan = Aturan.dari(None, {"sangat_mungkin": 20, "mungkin": 10, "lemah": 5})
    assert [aturan.pita(s) for s in (25, 20, 19.5, 10, 7, 4.9)] == [
        "sangat_mungkin",
        "sangat_mungkin",
        "mungkin",
        "mungkin",
        "lemah",
        "",
    ]


def test_refit_learns_log_odds_from_labelled_pairs():
    # given: the same person always shares the KK, strangers never do; names say nothing
    same = {"nama": "sama", "lahir": "sama", "nik": "satu_digit", "jk": "sama"}
    pairs = [Berlabel({**same, "kelurahan": "sama", "kk": "sama"}, True)] * 60 + [
        Berlabel({**same, "kelurahan": "beda", "kk": "beda"}, False)
    ] * 60
    # when
    baru = kecocokan.refit(pairs, lama=Aturan())
    # then: the KK and kelurahan weights move by the smoothed log-odds; a level as common in
    # both answers, or one nobody reached, keeps its weight
    assert baru.bobot["kk"]["sama"] == 10.92  # 4 + log2((60 + 0.5) / (0 + 0.5))
    assert baru.bobot["kk"]["beda"] == -8.92  # -2 - 6.92
    assert baru.bobot["nama"]["sama"] == 7.0
    assert baru.bobot["kk"]["serumah"] == kecocokan.BOBOT_AWAL["kk"]["serumah"]
    assert baru.ambang == Aturan().ambang


def test_precision_per_band_counts_the_right_answers():
    aturan = Aturan.dari(None, {"sangat_mungkin": 20, "mungkin": 10, "lemah": 5})
    tinggi = {"nama": "sama", "lahir": "sama", "nik": "tukar", "kk": "sama"}  # 7+5+5+3 = 20
    sedang = {"nama": "sama", "lahir": "sama"}  # 12
    pairs = [Berlabel(tinggi, True)] * 3 + [Berlabel(sedang, True), Berlabel(sedang, False)]
    # when
    presisi = kecocokan.presisi_per_pita(pairs, aturan=aturan)
    # then
    assert [(p.pita, p.diusulkan, p.benar, p.persen) for p in presisi] == [
        ("sangat_mungkin", 3, 3, 100.0),
        ("mungkin", 2, 1, 50.0),
        ("lemah", 0, 0, None),
    ]


def test_variant_dictionary_keeps_a_source_for_every_row():
    with kecocokan.VARIAN_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["varian"] for r in rows if not r["sumber"].strip()] == []
    assert kecocokan.varian_nama()["moh"] == "muhammad"
