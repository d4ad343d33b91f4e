"""Is this probably the same person? The scoring core of the probable-match rule (issue #23).

Pure functions, no database: the reconciliation (dtsen), the DTSEN import's duplicate check
(dtsen) and the KPM family form (kpm) each find candidates in SQL their own way and score them
here, so one rule serves all three.

The rule is a transparent Fellegi–Sunter record-linkage score: each signal of a pair (name,
birth date, NIK, sex, kelurahan, household) falls into one level, each level carries a weight
in points (a log-odds: positive when the level is more common for the same person than for
two people), and the score is their sum. The weights are a dated setting
(`pencocokan_bobot`), re-fitted from field-checked pairs by `manage.py refit_pencocokan`
(`refit` below); the score's band (`sangat_mungkin`, `mungkin`, `lemah`) comes from dated
thresholds. Every level that carries evidence has an Indonesian explanation
("tanggal lahir tertukar hari/bulan", "NIK beda 1 digit", "nama: varian Muhammad").

Names are compared after folding (`nama_lipat`): `dinsos.names.normalize_nama`, then every
word looked up in the variant dictionary `dinsos/data/varian_nama.csv` (each row with its
source; an empty `baku` drops the word: bin/binti, almarhum, a title in the middle), then the
old-spelling rules of the 1972 spelling reform (EYD: oe→u, dj→j, tj→c, sj→sy, ch→kh).
"""

from __future__ import annotations

import csv
import datetime
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Hamming

from dinsos.names import normalize_nama

VARIAN_CSV = Path(__file__).resolve().parent / "data" / "varian_nama.csv"

# EYD 1972 replaced the Van Ophuijsen/Soewandi spellings; older records keep them.
_EJAAN_LAMA = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ch", "kh"))
# Dates that registries write when only the year is known (Dukcapil practice: 1 January,
# 31 December; 1 July for "mid-year").
TANGGAL_ISIAN = frozenset({(1, 1), (31, 12), (1, 7)})
KATA_KERABAT = frozenset({"bin", "binti", "bt", "bte", "bn"})  # "son/daughter of"
NIK_TAMBAH_PEREMPUAN = 40  # DOMAIN.md §8: women's NIK day is the birth day + 40

PITA = ("sangat_mungkin", "mungkin", "lemah")
PITA_LABEL = {"sangat_mungkin": "Sangat mungkin", "mungkin": "Mungkin", "lemah": "Lemah"}


# --- Names ---------------------------------------------------------------------------------
@cache
def varian_nama() -> dict[str, str]:
    """The variant dictionary: word → its standard form ("" = drop the word)."""
    with VARIAN_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["varian"].strip(): row["baku"].strip() for row in csv.DictReader(handle)}


def _ejaan(kata: str) -> str:
    for lama, baru in _EJAAN_LAMA:
        kata = kata.replace(lama, baru)
    return kata


def _lipat_kata(kata: str) -> str:
    kamus = varian_nama()
    if kata in kamus:
        return kamus[kata]
    baru = _ejaan(kata)
    return kamus.get(baru, baru)


def kemiripan_nama(a: str, b: str) -> float:
    """Similarity 0–1 of two folded names, word order ignored (shown beside the levels)."""
    return round(fuzz.ratio(_nama(a).urut, _nama(b).urut) / 100, 3)


def nama_lipat(nama: str) -> tuple[str, ...]:
    """The folded words of a name: "Moch. Rizky bin Achmad" → ("muhammad", "rizki")."""
    return _nama(nama).lipat


def _fonetik(kata: str) -> str:
    """A sound key for one folded word: y→i, ph/f/v→f, q/k→k, z→j, no h after a vowel or
    consonant, doubled letters once ("Rahmat"/"Ramat", "Yuni"/"Juni" stay apart)."""
    kata = kata.replace("ph", "f").replace("v", "f").replace("q", "k").replace("kh", "k")
    kata = kata.replace("y", "i").replace("z", "j").replace("dh", "d").replace("th", "t")
    kata = kata[0] + kata[1:].replace("h", "") if kata else kata
    return re.sub(r"(.)\1+", r"\1", kata)


@dataclass(frozen=True)
class _Nama:
    baku: str  # normalize_nama
    lipat: tuple[str, ...]
    varian: frozenset[str]  # standard forms reached through the dictionary or old spelling
    ada_dibuang: bool  # a title, bin/binti or "almarhum" was dropped
    fonetik: frozenset[str]
    urut: str  # the folded words sorted, joined


@lru_cache(maxsize=200_000)  # a run compares the same few thousand names again and again
def _nama(nama: str) -> _Nama:
    baku = normalize_nama(nama)
    words: list[str] = []
    varian = set()
    dibuang = False
    for kata in baku.split():
        if kata in KATA_KERABAT and words:
            dibuang = True
            break  # "… bin Ahmad": what follows is the father's name
        lipat = _lipat_kata(kata)
        dibuang = dibuang or not lipat
        if lipat and lipat != kata:
            varian.add(lipat)
        if lipat:
            words.append(lipat)
    return _Nama(
        baku=baku,
        lipat=tuple(words),
        varian=frozenset(varian),
        ada_dibuang=dibuang,
        fonetik=frozenset(_fonetik(k) for k in words),
        urut=" ".join(sorted(words)),
    )


def bandingkan_nama(a: str, b: str) -> tuple[str, list[str]]:
    """The name level of a pair and its explanation codes."""
    na, nb = _nama(a), _nama(b)
    alasan = ["nama:gelar"] if na.ada_dibuang != nb.ada_dibuang else []
    if not na.lipat or not nb.lipat:
        return "kosong", []
    if na.lipat == nb.lipat:
        if na.baku == nb.baku or not (na.varian or nb.varian):
            return "sama", alasan
        return "varian", [*alasan, *(f"nama:varian:{v}" for v in sorted(na.varian | nb.varian))]
    if na.urut == nb.urut:
        return "urutan", [*alasan, "nama:urutan"]
    sa, sb = na.fonetik, nb.fonetik
    if (sa < sb or sb < sa) and max(len(k) for k in sa & sb) >= 3:
        return "sebagian", [*alasan, "nama:sebagian"]
    if sa == sb and len(na.lipat) == len(nb.lipat):
        return "fonetik", [*alasan, "nama:fonetik"]
    ja, jb = na.urut, nb.urut
    if OSA.distance(ja, jb) <= max(1, min(len(ja), len(jb)) // 6):
        return "mirip", [*alasan, "nama:mirip"]
    if fuzz.ratio(ja, jb) >= 70:
        return "agak_mirip", alasan
    return "beda", []


# --- Birth dates and NIKs ------------------------------------------------------------------
def bandingkan_lahir(a: datetime.date | None, b: datetime.date | None) -> str:
    """The birth-date level: sama, tukar (day/month swapped), satu_digit, isian (a
    placeholder date, same year), tahun (only the year), beda, kosong."""
    if a is None or b is None:
        return "kosong"
    if a == b:
        return "sama"
    if (a.day, a.month) == (b.month, b.day):
        return "tukar"
    if Hamming.distance(f"{a:%Y%m%d}", f"{b:%Y%m%d}") == 1:
        return "satu_digit"
    if a.year == b.year:
        isian = (a.day, a.month) in TANGGAL_ISIAN or (b.day, b.month) in TANGGAL_ISIAN
        return "isian" if isian else "tahun"
    return "beda"


def _hari_asli(nik: str) -> str:
    day = int(nik[6:8])
    return f"{day - NIK_TAMBAH_PEREMPUAN:02d}" if day > NIK_TAMBAH_PEREMPUAN else nik[6:8]


def bandingkan_nik(a: str, b: str) -> str:
    """The NIK level: tanpa40 (the women's +40 missing on one side), satu_digit, tukar (two
    neighbouring digits swapped), dua_digit, wilayah_lahir (region and birth segment equal),
    wilayah (only the region), beda; kosong when one is not 16 digits."""
    if len(a) != 16 or len(b) != 16 or not (a.isdigit() and b.isdigit()):
        return "kosong"
    if a == b:
        return "sama"
    hamming = Hamming.distance(a, b)
    if a[:6] == b[:6] and a[8:] == b[8:] and abs(int(a[6:8]) - int(b[6:8])) == 40:
        return "tanpa40"
    if hamming == 1:
        return "satu_digit"
    if OSA.distance(a, b) == 1:
        return "tukar"
    if hamming == 2:
        return "dua_digit"
    if a[:6] == b[:6] and _hari_asli(a) == _hari_asli(b) and a[8:12] == b[8:12]:
        return "wilayah_lahir"
    if a[:6] == b[:6]:
        return "wilayah"
    return "beda"


# --- The score -----------------------------------------------------------------------------
SINYAL = ("nama", "lahir", "nik", "jk", "kelurahan", "kk")

# Points per level (log2 of how much likelier the level is for one person than for two).
# Starting values set by hand on bench/reconcile.py; `refit` re-estimates them.
BOBOT_AWAL: dict[str, dict[str, float]] = {
    "nama": {
        "sama": 7.0,
        "varian": 6.5,
        "urutan": 6.0,
        "fonetik": 5.0,
        "sebagian": 3.0,
        "mirip": 4.0,
        "agak_mirip": -2.0,
        "beda": -8.0,
        "kosong": 0.0,
    },
    "lahir": {
        "sama": 5.0,
        "tukar": 4.5,
        "satu_digit": 3.0,
        "isian": 2.5,
        "tahun": -1.0,
        "beda": -6.0,
        "kosong": 0.0,
    },
    # A NIK one digit away with the same birth date is often a neighbour: serials within one
    # kecamatan and birth date are small sequential numbers. The KK and kelurahan tell them apart.
    "nik": {
        "sama": 8.0,
        "tanpa40": 6.0,
        "tukar": 5.0,
        "satu_digit": 4.0,
        "dua_digit": 1.0,
        "wilayah_lahir": 1.0,
        "wilayah": -2.0,
        "beda": -4.0,
        "kosong": 0.0,
    },
    "jk": {"sama": 0.5, "beda": -4.0, "kosong": 0.0},
    "kelurahan": {"sama": 1.0, "beda": -3.0},
    "kk": {"sama": 4.0, "serumah": 4.0, "beda": -2.0},
}
AMBANG_AWAL = {"sangat_mungkin": 16.0, "mungkin": 12.0, "lemah": 7.0}

_ALASAN_LEVEL = {
    ("lahir", "tukar"): "lahir:tukar",
    ("lahir", "satu_digit"): "lahir:satu_digit",
    ("lahir", "isian"): "lahir:isian",
    ("lahir", "tahun"): "lahir:tahun",
    ("lahir", "beda"): "lahir:beda",
    ("nik", "tanpa40"): "nik:tanpa40",
    ("nik", "satu_digit"): "nik:satu_digit",
    ("nik", "tukar"): "nik:tukar",
    ("nik", "dua_digit"): "nik:dua_digit",
    ("nik", "wilayah_lahir"): "nik:wilayah_lahir",
    ("nik", "beda"): "nik:beda",
    ("jk", "beda"): "jk:beda",
    ("kk", "sama"): "kk:sama",
    ("kk", "serumah"): "kk:serumah",
    ("kelurahan", "beda"): "kelurahan:beda",
    ("nama", "beda"): "nama:beda",
}
TEKS_ALASAN = {
    "nama:gelar": "nama: gelar atau bin/binti diabaikan",
    "nama:urutan": "nama: urutan kata berbeda",
    "nama:sebagian": "nama: satu bagian tidak ada",
    "nama:fonetik": "nama: bunyi sama, ejaan berbeda",
    "nama:mirip": "nama: beda sedikit (salah ketik)",
    "nama:beda": "nama berbeda",
    "lahir:tukar": "tanggal lahir tertukar hari/bulan",
    "lahir:satu_digit": "tanggal lahir beda 1 digit",
    "lahir:isian": "tanggal lahir isian (01-01/31-12/01-07), tahun sama",
    "lahir:tahun": "hanya tahun lahir yang sama",
    "lahir:beda": "tanggal lahir berbeda",
    "nik:tanpa40": "NIK: tambahan 40 pada tanggal (perempuan) tidak ada",
    "nik:satu_digit": "NIK beda 1 digit",
    "nik:tukar": "NIK: dua digit bersebelahan tertukar",
    "nik:dua_digit": "NIK beda 2 digit",
    "nik:wilayah_lahir": "NIK: kode wilayah dan tanggal lahir sama, nomor urut beda",
    "nik:beda": "NIK: kode wilayah berbeda",
    "jk:beda": "jenis kelamin berbeda",
    "kk:sama": "No KK sama",
    "kk:serumah": "anggota lain KK ini cocok dengan NIK-nya",
    "kelurahan:beda": "kelurahan berbeda",
}


def teks_alasan(kode: str) -> str:
    """The Indonesian sentence for one explanation code ("nama:varian:muhammad" → "nama:
    varian Muhammad")."""
    if kode.startswith("nama:varian:"):
        return f"nama: varian {kode.rsplit(':', 1)[1].title()}"
    return TEKS_ALASAN.get(kode, kode)


@dataclass(frozen=True)
class Orang:
    """One person as a source records them (empty values are unknown)."""

    nik: str
    nama: str
    tanggal_lahir: datetime.date | None = None
    jenis_kelamin: str = ""  # L / P
    kelurahan_id: int | None = None
    no_kk: str = ""


@dataclass(frozen=True)
class Aturan:
    """Weights and band thresholds in force (settings `pencocokan_bobot`, `pencocokan_ambang`)."""

    bobot: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: BOBOT_AWAL)
    ambang: Mapping[str, float] = field(default_factory=lambda: AMBANG_AWAL)

    @classmethod
    def dari(cls, bobot: Mapping[str, Any] | None, ambang: Mapping[str, Any] | None) -> Aturan:
        merged = {s: {**BOBOT_AWAL[s], **((bobot or {}).get(s) or {})} for s in SINYAL}
        return cls(bobot=merged, ambang={**AMBANG_AWAL, **(ambang or {})})

    def pita(self, skor: float) -> str:
        """The band of a score; "" below the weak threshold."""
        return next((p for p in PITA if skor >= float(self.ambang[p])), "")


@dataclass(frozen=True)
class Hasil:
    skor: float
    pita: str
    sinyal: dict[str, str]
    alasan: list[str]

    @property
    def teks(self) -> list[str]:
        return [teks_alasan(k) for k in self.alasan]


def sinyal_pasangan(
    a: Orang, b: Orang, *, serumah: bool = False
) -> tuple[dict[str, str], list[str]]:
    """The level of every signal of a pair, and the explanation codes."""
    nama, alasan_nama = bandingkan_nama(a.nama, b.nama)
    if not a.jenis_kelamin or not b.jenis_kelamin:
        jk = "kosong"
    else:
        jk = "sama" if a.jenis_kelamin == b.jenis_kelamin else "beda"
    kk = "sama" if a.no_kk and a.no_kk == b.no_kk else ("serumah" if serumah else "beda")
    sinyal = {
        "nama": nama,
        "lahir": bandingkan_lahir(a.tanggal_lahir, b.tanggal_lahir),
        "nik": bandingkan_nik(a.nik, b.nik),
        "jk": jk,
        "kelurahan": "sama" if a.kelurahan_id == b.kelurahan_id else "beda",
        "kk": kk,
    }
    alasan = [*alasan_nama]
    alasan += [_ALASAN_LEVEL[(s, v)] for s, v in sinyal.items() if (s, v) in _ALASAN_LEVEL]
    return sinyal, alasan


def skor_sinyal(sinyal: Mapping[str, str], aturan: Aturan) -> float:
    return round(sum(float(aturan.bobot[s].get(v, 0.0)) for s, v in sinyal.items()), 2)


def nilai(a: Orang, b: Orang, *, aturan: Aturan, serumah: bool = False) -> Hasil:
    """Score one pair: its points, band, signal levels and explanation codes."""
    sinyal, alasan = sinyal_pasangan(a, b, serumah=serumah)
    skor = skor_sinyal(sinyal, aturan)
    return Hasil(skor=skor, pita=aturan.pita(skor), sinyal=sinyal, alasan=alasan)


# --- Learning from field checks ------------------------------------------------------------
MIN_PASANGAN_REFIT = 200  # labelled pairs needed before the weights may be re-fitted
MIN_PER_LABEL_REFIT = 30  # … of which at least this many of each answer
_PSEUDO = 0.5  # Laplace smoothing: a level never seen for one answer is not ±infinity
BOBOT_MAKS = 20.0


@dataclass(frozen=True)
class Berlabel:
    """A field-checked pair: its signal levels and whether it was the same person."""

    sinyal: Mapping[str, str]
    is_sama: bool


def refit(pasangan: Iterable[Berlabel], *, lama: Aturan) -> Aturan:
    """New weights from labelled pairs. The pairs were proposed by the old weights, so they
    say how much each level still separates the same person from two people *among the
    proposals*: each level's weight moves by log2(m/u), where m and u are its smoothed
    shares among same-person and different-person pairs (Fellegi–Sunter, with the old
    weights as the starting point). A level equally common in both answers keeps its
    weight; a level no pair reached keeps its weight. Thresholds are unchanged."""
    data = list(pasangan)
    sama = [p for p in data if p.is_sama]
    bukan = [p for p in data if not p.is_sama]
    bobot: dict[str, dict[str, float]] = {}
    for s in SINYAL:
        levels = lama.bobot[s]
        seen = {p.sinyal.get(s) for p in data}
        bobot[s] = {}
        for level, old in levels.items():
            if level not in seen:
                bobot[s][level] = float(old)
                continue
            m = (sum(p.sinyal.get(s) == level for p in sama) + _PSEUDO) / (
                len(sama) + _PSEUDO * len(levels)
            )
            u = (sum(p.sinyal.get(s) == level for p in bukan) + _PSEUDO) / (
                len(bukan) + _PSEUDO * len(levels)
            )
            new = float(old) + math.log2(m / u)
            bobot[s][level] = round(max(-BOBOT_MAKS, min(BOBOT_MAKS, new)), 2)
    return Aturan(bobot=bobot, ambang=dict(lama.ambang))


@dataclass(frozen=True)
class Presisi:
    pita: str
    diusulkan: int
    benar: int

    @property
    def persen(self) -> float | None:
        return 100 * self.benar / self.diusulkan if self.diusulkan else None


def presisi_per_pita(pasangan: Iterable[Berlabel], *, aturan: Aturan) -> list[Presisi]:
    """How many labelled pairs each band would hold under `aturan`, and how many were right."""
    counts = {p: [0, 0] for p in PITA}
    for pair in pasangan:
        pita = aturan.pita(skor_sinyal(pair.sinyal, aturan))
        if pita:
            counts[pita][0] += 1
            counts[pita][1] += pair.is_sama
    return [Presisi(p, n, benar) for p, (n, benar) in counts.items()]
