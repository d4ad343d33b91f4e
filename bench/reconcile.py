"""Reconciliation at office scale, with known discrepancies: accuracy, run time, peak memory.

    DATABASE_URL=postgres://…/dinsos_bench_rekon python bench/reconcile.py
    python bench/reconcile.py --dtsen 200000 --kpm 20000 --pbijk 60000   # quicker

Generates (bench/gen_dtsen.py families, deterministic for --seed) a DTSEN snapshot of
--dtsen people and the one before it, a KPM registry of about --kpm members taken from DTSEN
families in desil 1–4, and a PBI-JK list of --pbijk people, then injects discrepancies whose
expected findings are known (typos in names, swapped day/month, one-digit NIK errors, moved
families, a NIK put in another KPM family's KK, extra KK members, changed, high and missing
desil, sex flips, families absent from DTSEN; PBI-JK rows with typos, people unknown to DTSEN,
deactivated people). Rows are COPYed straight into the record tables (the import itself is
measured by bench/import_dtsen.py).

For each kind of run it prints:
- precision and recall per category against the injected (or, for the PBI-JK coverage
  categories, constructed) expectations;
- the time of a first run done in a subprocess exactly as `manage.py reconcile` does it,
  and its peak RSS;
- the time of a re-run (carry-over of every finding) through a real Celery worker, in one
  task ("tunggal") and as a chord per kecamatan ("chord").
Target (issue #7): 100.000 KPM members against 1.000.000 DTSEN rows ≤ 30 s; recall and
precision ≥ 99% for the exact-key categories. Uses DATABASE_URL (migrated here; the bench
tables are emptied first) and REDIS_URL for the worker.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql as psycopg_sql  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.gen_dtsen import BELAKANG, PRIA, Generator  # noqa: E402
from dinsos import services as dinsos_services  # noqa: E402
from dinsos.celery import app as celery_app  # noqa: E402
from dinsos.management.commands.load_wilayah import DEFAULT_CSV  # noqa: E402
from dinsos.models import Pengaturan, User, Wilayah  # noqa: E402
from dinsos.names import normalize_nama  # noqa: E402
from dtsen import services  # noqa: E402
from dtsen.models import Jenis, Rekonsiliasi, Snapshot, Temuan  # noqa: E402
from dtsen.services import partisi  # noqa: E402
from dtsen.tasks import rekonsiliasi_run_task  # noqa: E402
from kpm.models import Anggota, Keluarga  # noqa: E402

J = Rekonsiliasi.Jenis
JUNI = datetime.date(2025, 6, 30)
MARET = datetime.date(2025, 3, 31)
PBI_PER = datetime.date(2025, 6, 1)
BENCH_USER = "bench-rekon"
BENCH_DB_SUFFIX = "_bench_rekon"
BATCH = 5000

# Share of KPM families given each discrepancy (disjoint: a family gets at most one).
SUNTIK = {
    "hilang": 0.010,  # family absent from DTSEN
    "cocok": 0.015,  # one member under another NIK in KPM, often with more variants (VARIAN)
    "nama": 0.010,  # one member's name mistyped in DTSEN
    "lahir": 0.005,  # day and month swapped in DTSEN
    "kelamin": 0.005,  # sex flipped in DTSEN
    "pindah": 0.005,  # the family has a new No KK in DTSEN
    "dua_kk": 0.003,  # a member sits in another KPM family's KK in DTSEN
    "tambah": 0.005,  # DTSEN has one more member under the family's KK
    "desil_naik": 0.010,  # desil above the PKH cut-off
    "desil_kosong": 0.005,  # no desil
    "desil_ubah": 0.020,  # desil changed since the previous snapshot (still 1–4)
}
# The probable-match bands proposed for a field check by default (dinsos/pengaturan.py); the
# bench has the weak band written too (setting `pencocokan_pita_usulan`) to measure it.
USUL_DEFAULT = ("sangat_mungkin", "mungkin")
KATEGORI_KK = frozenset(
    {"desil_di_atas_pkh", "kpm_tanpa_desil", "kk_anggota_berbeda", "desil_berubah"}
)
EXACT = (
    "kpm_tidak_di_dtsen",
    "desil_di_atas_pkh",
    "kpm_tanpa_desil",
    "data_berbeda",
    "nik_dua_kk",
    "kk_anggota_berbeda",
    "desil_berubah",
    "pbijk_tidak_di_dtsen",
    "pbijk_desil_tidak_layak",
    "dtsen_belum_pbijk",
    "kpm_tanpa_pbijk",
)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


@dataclass(slots=True)
class Orang:
    nik: str
    nama: str
    no_kk: str
    lahir: datetime.date
    jk: str  # L/P
    kelurahan: int
    desil: int | None


@dataclass
class Data:
    """What was generated, and the findings each kind of run should produce."""

    dtsen: dict[str, int | None] = field(default_factory=dict)  # nik → desil (current)
    kpm_niks: set[str] = field(default_factory=set)
    pbi_aktif: set[str] = field(default_factory=set)
    harapan: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    cocok: dict[str, str] = field(default_factory=dict)  # KPM NIK → true DTSEN NIK
    varian: dict[str, list[str]] = field(default_factory=dict)  # KPM NIK → variant kinds
    anggota_kpm: int = 0
    keluarga_kpm: int = 0


def _typo(rng: random.Random, nama: str) -> str:
    letters = [i for i, c in enumerate(nama) if c.isalpha()]
    i = rng.choice(letters)
    c = nama[i]
    pool = "aiueobdgkmnrst".replace(c.lower(), "")
    new = rng.choice(pool)
    return nama[:i] + (new.upper() if c.isupper() else new) + nama[i + 1 :]


def _nik_typo(rng: random.Random, nik: str, taken: set[str]) -> str:
    while True:
        i = rng.randrange(12, 16)  # the serial: the NIK stays well-formed
        digit = rng.choice([d for d in "0123456789" if d != nik[i]])
        new = nik[:i] + digit + nik[i + 1 :]
        if new not in taken and new[12:] != "0000":
            return new


# How a probable match differs (issue #23), each drawn independently for every injected
# pair: exactly one NIK kind (the KPM NIK is never in DTSEN), then maybe a name, a birth-date
# and a family-card variant. Rates are guesses at what field offices see, not measurements.
VARIAN_NIK = {"nik_ketik": 0.40, "nik_tukar": 0.25, "nik_40": 0.15, "nik_sementara": 0.20}
VARIAN_NAMA = {
    "nama_ejaan": 0.08,  # old spelling (Soeparman) or a dictionary variant (Achmad, St.)
    "nama_urutan": 0.04,
    "nama_sebagian": 0.06,  # one word left out
    "nama_gelar": 0.05,  # Hj., bin/binti …, Almarhum
    "nama_ketik": 0.08,
}
VARIAN_LAHIR = {"lahir_tukar": 0.06, "lahir_isian": 0.05, "lahir_digit": 0.05}
VARIAN_KK = 0.10  # the person sits under a new No KK in DTSEN
_EJAAN_KAMUS = {"ahmad": "Achmad", "siti": "St.", "nur": "Nurul", "rizky": "Rizki"}


def _pilih(rng: random.Random, rates: dict[str, float]) -> str | None:
    roll = rng.random()
    for kind, rate in rates.items():
        if roll < rate:
            return kind
        roll -= rate
    return None


def _nik_varian(rng: random.Random, nik: str, kind: str, taken: set[str]) -> str:
    for _ in range(100):
        if kind == "nik_40" and int(nik[6:8]) > 40:
            new = f"{nik[:6]}{int(nik[6:8]) - 40:02d}{nik[8:]}"
        elif kind == "nik_tukar":
            i = rng.randrange(6, 15)
            if nik[i] == nik[i + 1]:
                continue
            new = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
        elif kind == "nik_sementara":
            new = f"{nik[:12]}{rng.randint(5000, 9999):04d}"
        else:
            return _nik_typo(rng, nik, taken)
        if new not in taken and new[12:] != "0000":
            return new
    return _nik_typo(rng, nik, taken)


def _nama_varian(rng: random.Random, nama: str, kind: str) -> str | None:
    words = nama.split()
    if kind == "nama_ejaan":
        for index, word in enumerate(words):
            if word.lower() in _EJAAN_KAMUS:
                words[index] = _EJAAN_KAMUS[word.lower()]
                return " ".join(words)
            if "u" in word[1:] or word.startswith("U"):
                words[index] = word.replace("u", "oe", 1).replace("U", "Oe", 1)
                return " ".join(words)
        return None
    if kind == "nama_urutan":
        return " ".join(reversed(words)) if len(words) > 1 else None
    if kind == "nama_sebagian":
        return words[rng.randrange(len(words))] if len(words) > 1 else None
    if kind == "nama_gelar":
        return rng.choice(["Hj. {}", "{} bin Ahmad", "{} binti Sarno", "Almarhum {}"]).format(nama)
    return _typo(rng, nama)


def _lahir_varian(rng: random.Random, lahir: datetime.date, kind: str) -> datetime.date | None:
    if kind == "lahir_tukar":
        ok = lahir.day <= 12 and lahir.day != lahir.month
        return lahir.replace(day=lahir.month, month=lahir.day) if ok else None
    if kind == "lahir_isian":
        new = rng.choice([datetime.date(lahir.year, 1, 1), datetime.date(lahir.year, 12, 31)])
        return new if new != lahir else None
    text = f"{lahir:%Y%m%d}"
    for _ in range(20):
        i = rng.choice([3, 5, 6, 7])  # the year's last digit, the month's, the day's
        new_text = text[:i] + rng.choice("0123456789".replace(text[i], "")) + text[i + 1 :]
        try:
            new = datetime.datetime.strptime(new_text, "%Y%m%d").date()  # noqa: DTZ007
        except ValueError:
            continue
        if new < JUNI:
            return new
    return None


def _varian_cocok(rng: random.Random, p: Orang, taken: set[str]) -> list[str]:
    """Turn the KPM record `p` into another record of the same person; the variant kinds."""
    nik_kind = _pilih(rng, VARIAN_NIK) or "nik_ketik"
    if nik_kind == "nik_40" and p.jk != "P":
        nik_kind = "nik_ketik"
    p.nik = _nik_varian(rng, p.nik, nik_kind, taken)
    kinds = [nik_kind]
    if (nama_kind := _pilih(rng, VARIAN_NAMA)) and (nama := _nama_varian(rng, p.nama, nama_kind)):
        p.nama = nama
        kinds.append(nama_kind)
    lahir_kind = _pilih(rng, VARIAN_LAHIR)
    if lahir_kind and (lahir := _lahir_varian(rng, p.lahir, lahir_kind)):
        p.lahir = lahir
        kinds.append(lahir_kind)
    if rng.random() < VARIAN_KK:
        kinds.append("kk_baru")
    return kinds


def _nik_baru(gen: Generator, born: datetime.date, taken: set[str]) -> str:
    """A NIK no one has, not even as a mistyped NIK in KPM."""
    while True:
        nik = gen._nik("18.72.01", born, False)
        if nik not in taken:
            taken.add(nik)
            return nik


def _copy(table: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


DTSEN_COLUMNS = [
    "snapshot_id",
    "baris",
    "nik",
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan",
    "alamat",
    "rt",
    "rw",
    "kelurahan_id",
    "desil_nasional",
    "desil_provinsi",
    "desil_kabupaten_kota",
]


def _snapshot(
    user: User, kota: Wilayah, jenis: str, tanggal: datetime.date, status: str
) -> Snapshot:
    snapshot = Snapshot.objects.create(
        jenis=jenis,
        file=f"bench/{jenis}-{tanggal}.csv",
        nama_file=f"bench-{jenis}-{tanggal}.csv",
        sha256=f"bench-{jenis}-{tanggal}-{time.time_ns()}",
        tanggal_data=tanggal,
        wilayah=kota,
        status=status,
        applied_at=timezone.now(),
        applied_by=user,
        created_by=user,
        baris_valid=0,
    )
    if jenis == Jenis.DTSEN:  # its records are copied in below, past the loader
        partisi.siapkan(snapshot.pk)
    return snapshot


def reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE dtsen_eksporsiksbaris, dtsen_eksporsiks, dtsen_temuanriwayat, dtsen_temuan,"
            " dtsen_temuanhasil, dtsen_rekonsiliasi, dtsen_dtsenrecord, dtsen_pbijkrecord,"
            " dtsen_masalahbaris, dtsen_snapshot, kpm_keluarga, kpm_anggota CASCADE"
        )


def generate(args: argparse.Namespace, user: User, kota: Wilayah) -> Data:
    """Families → DTSEN (current and previous), KPM and PBI-JK, with known discrepancies."""
    rng = random.Random(args.seed)
    gen = Generator(seed=args.seed, dirty=0.0, kode="kemendagri", jenis="dtsen", xlsx=False)
    kelurahan = {w.kode: w.pk for w in Wilayah.objects.filter(tingkat="kelurahan")}
    data = Data()
    families: list[list[Orang]] = []
    kpm_families: list[list[Orang]] = []
    members = 0
    for family in gen.families():
        people = [
            Orang(
                nik=str(p["nik"]),
                nama=str(p["nama"]),
                no_kk=str(p["no_kk"]),
                lahir=p["tanggal_lahir"],  # type: ignore[arg-type]
                jk="P" if p["jenis_kelamin"] == "2" else "L",
                kelurahan=kelurahan[p["kel"]["kode"]],  # type: ignore[index]
                desil=p["desil"] if isinstance(p["desil"], int) else None,
            )
            for p in family
        ]
        families.append(people)
        members += len(people)
        if (
            data.anggota_kpm < args.kpm
            and people[0].desil is not None
            and people[0].desil <= 4
            and rng.random() < 0.6
        ):
            kpm_families.append(people)
            data.anggota_kpm += len(people)
        if members >= args.dtsen:
            break
    data.keluarga_kpm = len(kpm_families)
    all_niks = {p.nik for f in families for p in f}

    # --- Discrepancies, each on its own families -------------------------------------------
    order = list(range(len(kpm_families)))
    rng.shuffle(order)
    kinds: dict[int, str] = {}
    start = 0
    for kind, share in SUNTIK.items():
        n = int(len(order) * share)
        for index in order[start : start + n]:
            kinds[index] = kind
        start += n
    h = data.harapan
    kpm_rows: list[tuple[list[Orang], list[Orang]]] = []  # (KPM view, DTSEN view)
    dtsen_override: dict[str, Orang | None] = {}  # nik → DTSEN row (None: absent)
    extra: list[Orang] = []
    dtsen_beda: set[str] = set()  # NIKs whose DTSEN name, birth date, sex or KK was changed
    lama_desil: dict[str, int | None] = {}  # no_kk → previous desil, when it differs
    dua_kk_targets = [i for i in order[start:] if i not in kinds][: int(len(order) * 0.003)]
    dua_kk_sources = [i for i, k in kinds.items() if k == "dua_kk"]
    for i, family in enumerate(kpm_families):
        kind = kinds.get(i)
        kpm = [replace(p) for p in family]
        kk = family[0].no_kk
        if kind == "hilang":
            for p in family:
                dtsen_override[p.nik] = None
                h["kpm_tidak_di_dtsen"].add(("kpm_tidak_di_dtsen", p.nik))
            h["kpm_tanpa_desil"].add(("kpm_tanpa_desil", kk))
        elif kind == "cocok":
            p = kpm[-1]
            true_nik = p.nik
            kinds_of = _varian_cocok(rng, p, all_niks)
            if "kk_baru" in kinds_of and len(family) > 1:  # the family's KK stays in DTSEN
                dtsen_override[true_nik] = replace(family[-1], no_kk=f"{kk[:6]}8{i:09d}")
                dtsen_beda.add(true_nik)  # PBI-JK still lists the old No KK
            else:
                kinds_of = [k for k in kinds_of if k != "kk_baru"]
            all_niks.add(p.nik)
            data.cocok[p.nik] = true_nik
            data.varian[p.nik] = kinds_of
            h["kpm_tidak_di_dtsen"].add(("kpm_tidak_di_dtsen", p.nik))
            h["kk_anggota_berbeda"].add(("kk_anggota_berbeda", kk))
        elif kind in {"nama", "lahir", "kelamin"}:
            p = family[-1]
            row = replace(p)
            if kind == "nama":
                row.nama = _typo(rng, p.nama)
            elif kind == "lahir" and p.lahir.day <= 12 and p.lahir.day != p.lahir.month:
                row.lahir = p.lahir.replace(day=p.lahir.month, month=p.lahir.day)
            elif kind == "kelamin":
                row.jk = "L" if p.jk == "P" else "P"
            if row != p:  # a birth day above 12 cannot be swapped: the family stays clean
                dtsen_override[p.nik] = row
                dtsen_beda.add(p.nik)
                h["data_berbeda"].add(("data_berbeda", p.nik))
        elif kind == "pindah":
            new_kk = f"{kk[:6]}9{i:09d}"
            for p in family:
                dtsen_override[p.nik] = replace(p, no_kk=new_kk)
                dtsen_beda.add(p.nik)
                h["data_berbeda"].add(("data_berbeda", p.nik))
        elif kind == "tambah":
            born = gen._born(0, 2)
            nik = _nik_baru(gen, born, all_niks)
            extra.append(
                Orang(nik, rng.choice(PRIA), kk, born, "L", family[0].kelurahan, family[0].desil)
            )
            h["kk_anggota_berbeda"].add(("kk_anggota_berbeda", kk))
        elif kind == "desil_naik":
            for p in family:
                dtsen_override[p.nik] = replace(p, desil=rng.randint(5, 10))
            h["desil_di_atas_pkh"].add(("desil_di_atas_pkh", kk))
        elif kind == "desil_kosong":
            for p in family:
                dtsen_override[p.nik] = replace(p, desil=None)
            h["kpm_tanpa_desil"].add(("kpm_tanpa_desil", kk))
        elif kind == "desil_ubah":
            lama_desil[kk] = 1 + (family[0].desil or 1) % 4  # another desil within 1–4
            h["desil_berubah"].add(("desil_berubah", kk))
        kpm_rows.append((kpm, family))
    for source, target in zip(dua_kk_sources, dua_kk_targets, strict=False):
        family, other = kpm_families[source], kpm_families[target]
        if len(family) < 2:
            continue
        p = family[-1]
        dtsen_override[p.nik] = replace(p, no_kk=other[0].no_kk, desil=other[0].desil)
        dtsen_beda.add(p.nik)
        h["nik_dua_kk"].add(("nik_dua_kk", p.nik))
        h["data_berbeda"].add(("data_berbeda", p.nik))
        h["kk_anggota_berbeda"].add(("kk_anggota_berbeda", family[0].no_kk))
        h["kk_anggota_berbeda"].add(("kk_anggota_berbeda", other[0].no_kk))

    # --- DTSEN: current snapshot (COPY) and the previous one (SQL copy, other desil) ----------
    t0 = time.perf_counter()
    baru = _snapshot(user, kota, Jenis.DTSEN, JUNI, Snapshot.Status.DITERAPKAN)
    rows: list[tuple[object, ...]] = []
    baris = 1
    final: list[Orang] = []
    for family in families:
        for p in family:
            row = dtsen_override.get(p.nik, p)
            if row is not None:
                final.append(row)
    final.extend(extra)
    for p in final:
        baris += 1
        data.dtsen[p.nik] = p.desil
        rows.append(
            (baru.pk, baris, p.nik, p.no_kk, p.nama, p.lahir, p.jk, "", "", "", "",
             p.kelurahan, p.desil, p.desil, p.desil)
        )  # fmt: skip
        if len(rows) >= 50_000:
            _copy("dtsen_dtsenrecord", DTSEN_COLUMNS, rows)
            rows.clear()
    _copy("dtsen_dtsenrecord", DTSEN_COLUMNS, rows)
    Snapshot.objects.filter(pk=baru.pk).update(baris_valid=len(final), baris_dibaca=len(final))
    lama = _snapshot(user, kota, Jenis.DTSEN, MARET, Snapshot.Status.RIWAYAT)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO dtsen_dtsenrecord ({", ".join(DTSEN_COLUMNS)})
            SELECT %(lama)s, baris, nik, no_kk, nama, tanggal_lahir, jenis_kelamin, hubungan,
                alamat, rt, rw, kelurahan_id, coalesce(l.desil, desil_nasional),
                desil_provinsi, desil_kabupaten_kota
            FROM dtsen_dtsenrecord r
            LEFT JOIN (SELECT unnest(%(kk)s::text[]) AS kk, unnest(%(desil)s::int[]) AS desil) l
                ON l.kk = r.no_kk
            WHERE snapshot_id = %(baru)s
            """,  # noqa: S608
            {
                "lama": lama.pk,
                "baru": baru.pk,
                "kk": list(lama_desil),
                "desil": list(lama_desil.values()),
            },
        )
        cursor.execute("ANALYZE dtsen_dtsenrecord")
    print(f"  DTSEN: 2 × {len(final):,} baris dimuat dalam {time.perf_counter() - t0:.1f} s")

    # --- KPM registry --------------------------------------------------------------------------
    t0 = time.perf_counter()
    now = timezone.now()
    keluarga = [
        Keluarga(
            no_kk=kpm[0].no_kk,
            kelurahan_id=kpm[0].kelurahan,
            alamat="bench-rekon",
            status=Keluarga.Status.AKTIF,
            tanggal_terdaftar=datetime.date(2021, 1, 4),
            created_at=now,
            updated_at=now,
        )
        for kpm, _ in kpm_rows
    ]
    Keluarga.objects.bulk_create(keluarga, batch_size=BATCH)
    anggota = []
    for k, (kpm, _) in zip(keluarga, kpm_rows, strict=True):
        for index, p in enumerate(kpm):
            data.kpm_niks.add(p.nik)
            anggota.append(
                Anggota(
                    keluarga=k,
                    nik=p.nik,
                    nama=p.nama,
                    nama_cari=normalize_nama(p.nama),
                    jenis_kelamin=p.jk,
                    tanggal_lahir=p.lahir,
                    hubungan=Anggota.Hubungan.KEPALA_KELUARGA if index == 0 else "anak",
                )
            )
    Anggota.objects.bulk_create(anggota, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE kpm_keluarga k SET pengurus_id = a.id FROM (
                   SELECT DISTINCT ON (keluarga_id) keluarga_id, id FROM kpm_anggota
                   ORDER BY keluarga_id, id) a
               WHERE a.keluarga_id = k.id"""
        )
        cursor.execute("ANALYZE kpm_keluarga; ANALYZE kpm_anggota")
    print(
        f"  KPM: {len(keluarga):,} keluarga, {len(anggota):,} anggota dalam "
        f"{time.perf_counter() - t0:.1f} s"
    )

    # --- PBI-JK list -------------------------------------------------------------------------
    t0 = time.perf_counter()
    pbi_rows: list[tuple[object, ...]] = []
    pbi_beda: set[str] = set()
    chosen: set[str] = set()
    kpm_original = {p.nik: p for _, fam in kpm_rows for p in fam}
    people = [p for f in families for p in f]
    pbijk = _snapshot(user, kota, Jenis.PBIJK, PBI_PER, Snapshot.Status.DITERAPKAN)

    def add(p: Orang, status: str) -> None:
        row = replace(p)
        roll = rng.random()
        if roll < 0.01:
            row.nama = _typo(rng, p.nama)
            pbi_beda.add(p.nik)
        elif roll < 0.015 and p.lahir.day <= 12 and p.lahir.day != p.lahir.month:
            row.lahir = p.lahir.replace(day=p.lahir.month, month=p.lahir.day)
            pbi_beda.add(p.nik)
        chosen.add(p.nik)
        if status == "AKTIF":
            data.pbi_aktif.add(p.nik)
        pbi_rows.append(
            (pbijk.pk, len(pbi_rows) + 2, row.nik, row.no_kk, row.nama.upper(),
             f"0001{len(pbi_rows):09d}", row.lahir, row.jk, "", row.kelurahan, "PBI APBN",
             status.lower(), None)
        )  # fmt: skip

    for p in kpm_original.values():
        roll = rng.random()
        if roll < 0.90:
            add(p, "AKTIF")
        elif roll < 0.93:
            add(p, "NONAKTIF")
    others = [p for p in people if p.nik not in chosen]
    rng.shuffle(others)
    for p in others:
        if len(pbi_rows) >= args.pbijk * 0.95:
            break
        desil = data.dtsen.get(p.nik, p.desil)
        if (desil is not None and desil <= 5) or rng.random() < 0.15:
            add(p, "AKTIF" if rng.random() < 0.97 else "NONAKTIF")
    unknown = 0
    while len(pbi_rows) < args.pbijk:  # people DTSEN does not know
        unknown += 1
        born = gen._born(0, 80)
        nik = _nik_baru(gen, born, all_niks)
        add(Orang(nik, f"{rng.choice(PRIA)} {rng.choice(BELAKANG)}", "", born, "L",
                  people[0].kelurahan, None), "AKTIF")  # fmt: skip
    _copy(
        "dtsen_pbijkrecord",
        ["snapshot_id", "baris", "nik", "no_kk", "nama", "noka", "tanggal_lahir",
         "jenis_kelamin", "alamat", "kelurahan_id", "segmen", "status_kepesertaan",
         "desil_nasional"],
        pbi_rows,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dtsen_pbijkrecord")
    print(f"  PBI-JK: {len(pbi_rows):,} baris dalam {time.perf_counter() - t0:.1f} s")

    # --- Expected PBI-JK findings, from the generated sets (independent of the SQL) ---------
    for nik in data.pbi_aktif:
        if nik not in data.dtsen:
            h["pbijk_tidak_di_dtsen"].add(("pbijk_tidak_di_dtsen", nik))
            continue
        desil = data.dtsen[nik]
        if desil is None or desil > 5:
            h["pbijk_desil_tidak_layak"].add(("pbijk_desil_tidak_layak", nik))
        if nik in pbi_beda or nik in dtsen_beda:
            h["pbijk_data_berbeda"].add(("data_berbeda", nik))
    for nik, desil in data.dtsen.items():
        if desil is not None and desil <= 5 and nik not in data.pbi_aktif:
            h["dtsen_belum_pbijk"].add(("dtsen_belum_pbijk", nik))
    for nik in data.kpm_niks:
        if nik not in data.pbi_aktif:
            h["kpm_tanpa_pbijk"].add(("kpm_tanpa_pbijk", nik))
        if nik in pbi_beda:  # nonaktif rows are compared too
            h["kpm_pbijk_data_berbeda"].add(("data_berbeda", nik))
    return data


# Which expectations belong to which kind of run (category name → key in Data.harapan).
HARAPAN = {
    J.KPM_DTSEN: {
        "kpm_tidak_di_dtsen": "kpm_tidak_di_dtsen",
        "kemungkinan_cocok": "",
        "desil_di_atas_pkh": "desil_di_atas_pkh",
        "kpm_tanpa_desil": "kpm_tanpa_desil",
        "data_berbeda": "data_berbeda",
        "nik_dua_kk": "nik_dua_kk",
        "kk_anggota_berbeda": "kk_anggota_berbeda",
        "desil_berubah": "desil_berubah",
    },
    J.PBIJK_DTSEN: {
        "pbijk_tidak_di_dtsen": "pbijk_tidak_di_dtsen",
        "pbijk_desil_tidak_layak": "pbijk_desil_tidak_layak",
        "dtsen_belum_pbijk": "dtsen_belum_pbijk",
        "data_berbeda": "pbijk_data_berbeda",
    },
    J.KPM_PBIJK: {
        "kpm_tanpa_pbijk": "kpm_tanpa_pbijk",
        "data_berbeda": "kpm_pbijk_data_berbeda",
    },
}


def akurasi(jenis: str, data: Data) -> list[tuple[str, int, int, int]]:
    """(category, expected, found, correct) for the open findings of one kind; probable
    matches count those proposed for a field check (the bands proposed by default)."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    cocok_benar = 0
    cocok_ada = 0
    for kategori, nik, no_kk, rincian in (
        Temuan.objects.filter(jenis=jenis, closed_at__isnull=True)
        .values_list("kategori", "nik", "no_kk", "rincian")
        .iterator(chunk_size=20_000)
    ):
        if kategori == "kemungkinan_cocok":
            if rincian["pita"] in USUL_DEFAULT:
                cocok_ada += 1
                cocok_benar += data.cocok.get(nik) == rincian["nik_lain"]
            continue
        subject = no_kk if kategori in KATEGORI_KK else nik
        found[kategori].add((kategori, subject))
    result = []
    for kategori, key in HARAPAN[jenis].items():
        if kategori == "kemungkinan_cocok":
            result.append((kategori, len(data.cocok), cocok_ada, cocok_benar))
            continue
        expected = data.harapan[key]
        result.append(
            (kategori, len(expected), len(found[kategori]), len(expected & found[kategori]))
        )
    return result


def akurasi_cocok(data: Data) -> None:
    """Print precision and recall of the probable matches per band and per variant kind."""
    per_pita: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    benar_pita: dict[str, str] = {}  # KPM NIK → band of its correct finding
    for nik, rincian in Temuan.objects.filter(
        kategori="kemungkinan_cocok", closed_at__isnull=True
    ).values_list("nik", "rincian"):
        per_pita[rincian["pita"]][0] += 1
        if data.cocok.get(nik) == rincian["nik_lain"]:
            per_pita[rincian["pita"]][1] += 1
            benar_pita[nik] = rincian["pita"]
    total = len(data.cocok)
    print(f"\n  kemungkinan cocok per pita ({total:,} pasangan disuntikkan; recall kumulatif)")
    print("  {:<26} {:>9} {:>9} {:>8} {:>8}".format("pita", "temuan", "benar", "presisi", "recall"))
    cumulative = 0
    for pita in ("sangat_mungkin", "mungkin", "lemah"):
        found, correct = per_pita[pita]
        cumulative += correct
        print(f"  {pita:<26} {found:>9,} {correct:>9,} {_persen(correct, found)} "
              f"{_persen(cumulative, total)}")  # fmt: skip
    usul = [per_pita[p] for p in USUL_DEFAULT]
    found, correct = sum(u[0] for u in usul), sum(u[1] for u in usul)
    print(f"  {'diusulkan (2 pita pertama)':<26} {found:>9,} {correct:>9,} "
          f"{_persen(correct, found)} {_persen(correct, total)}")  # fmt: skip
    per_jenis: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for nik, kinds in data.varian.items():
        pita = benar_pita.get(nik, "")
        for kind in kinds:
            per_jenis[kind][0] += 1
            per_jenis[kind][1] += pita in USUL_DEFAULT
            per_jenis[kind][2] += pita == "lemah"
    print("  {:<26} {:>9} {:>9} {:>8} {:>8}".format("jenis varian", "disuntik", "diusul", "lemah",
                                                    "recall"))  # fmt: skip
    for kind in sorted(per_jenis):
        n, usul_n, lemah = per_jenis[kind]
        print(f"  {kind:<26} {n:>9,} {usul_n:>9,} {lemah:>8,} {_persen(usul_n, n)}")


def _persen(a: int, b: int) -> str:
    return f"{100 * a / b:6.2f}%" if b else "     —"


# The command in a fresh interpreter that reports its own peak RSS (VmHWM: ru_maxrss would
# include the memory of the forking parent).
_PERINTAH = """
import io, json, os, sys
import django
django.setup()
from django.core.management import call_command
out = io.StringIO()
call_command("reconcile", "--jenis", sys.argv[1], "--json", stdout=out)
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(json.dumps({"summary": json.loads(out.getvalue()), "vmhwm_kb": int(status)}))
"""


def run_command(jenis: str) -> tuple[float, float, dict[str, object]]:
    """`manage.py reconcile` in a subprocess: wall time, its peak RSS (MB) and summary."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PERINTAH, jenis],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, result["vmhwm_kb"] / 1024, result["summary"]


def start_worker() -> subprocess.Popen[bytes]:
    log = (ROOT / "var" / "bench" / "rekon-worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dinsos", "worker", "-l", "warning",
         "-Q", "default,berat", "--concurrency", "2", "--without-gossip", "--without-mingle",
         "-n", f"bench-rekon-{os.getpid()}@%h"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if celery_app.control.ping(timeout=0.5):
            return process
    raise RuntimeError("worker tidak menjawab")


def run_worker(jenis: str, mode: str, user: User, kota: Wilayah) -> float:
    run = services.rekonsiliasi_create(
        jenis=Rekonsiliasi.Jenis(jenis), wilayah=kota, started_by=user, mode=mode
    )
    started = time.perf_counter()
    rekonsiliasi_run_task.delay(run.pk)
    while True:
        time.sleep(0.1)
        run.refresh_from_db()
        if not run.is_berjalan:
            break
    if run.status != Rekonsiliasi.Status.SELESAI:
        raise RuntimeError(f"{jenis}/{mode}: {run.status} {run.pesan_gagal}")
    return time.perf_counter() - started


def _bench_database() -> None:
    """Work in a database of our own: the bench empties the KPM and DTSEN tables. Under
    DATABASE_URL=…/x it uses (and creates) x_bench_rekon, unless x already is one."""
    db = connection.settings_dict
    if str(db["NAME"]).endswith(BENCH_DB_SUFFIX):
        return
    name = f"{db['NAME']}{BENCH_DB_SUFFIX}"
    server = {
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            admin.execute(
                psycopg_sql.SQL("CREATE DATABASE {}").format(psycopg_sql.Identifier(name))
            )
    connection.close()
    db["NAME"] = name
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = urllib.parse.quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    # The subprocesses (the command, the worker) read it.
    os.environ["DATABASE_URL"] = f"postgres://{db['USER']}{password}@{host}{port}/{name}"
    print(f"basis data bench: {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtsen", type=int, default=1_000_000)
    parser.add_argument("--kpm", type=int, default=100_000)
    parser.add_argument("--pbijk", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1872)
    parser.add_argument("--tanpa-worker", action="store_true", help="skip the worker timings")
    parser.add_argument(
        "--kebenaran", type=Path, help="write the injected probable-match truth (JSON) here"
    )
    args = parser.parse_args(argv)

    _bench_database()
    call_command("migrate", verbosity=0)
    if not Wilayah.objects.filter(kode="18.72").exists():
        dinsos_services.wilayah_load_csv(path=DEFAULT_CSV)
    user = User.objects.filter(username=BENCH_USER).first() or dinsos_services.user_create(
        username=BENCH_USER,
        password="bench-only-sandi",  # noqa: S106
        role=User.Role.ADMIN,
        nama="Bench",
    )
    kota = Wilayah.objects.get(kode="18.72", berlaku_sampai__isnull=True)
    reset()
    Pengaturan.objects.update_or_create(
        kunci="pencocokan_pita_usulan",
        berlaku_mulai=datetime.date(2000, 1, 1),
        defaults={"nilai": ["sangat_mungkin", "mungkin", "lemah"], "catatan": "bench"},
    )
    print(
        f"== data uji: DTSEN {args.dtsen:,} orang, KPM ±{args.kpm:,} anggota, PBI-JK {args.pbijk:,}"
    )
    t0 = time.perf_counter()
    data = generate(args, user, kota)
    print(f"  dibuat dalam {time.perf_counter() - t0:.1f} s; RSS puncak proses bench "
          f"{peak_rss_mb():.0f} MB")  # fmt: skip

    if args.kebenaran:  # for studying the weights; the matcher never reads it
        args.kebenaran.write_text(
            json.dumps({nik: [data.cocok[nik], data.varian[nik]] for nik in data.cocok})
        )
    timings: dict[str, dict[str, float]] = {}
    for jenis in (J.KPM_DTSEN, J.PBIJK_DTSEN, J.KPM_PBIJK):
        seconds, rss, summary = run_command(jenis)
        timings[jenis] = {"perintah": seconds}
        print(f"\n== {Rekonsiliasi.Jenis(jenis).label} ({jenis})")
        print(f"  run pertama (manage.py reconcile, proses sendiri): {seconds:6.1f} s, "
              f"RSS puncak {rss:.0f} MB, {summary['total']:,} temuan")  # fmt: skip
        header = ("kategori", "harapan", "temuan", "benar", "presisi", "recall")
        print("  {:<26} {:>9} {:>9} {:>9} {:>8} {:>8}".format(*header))
        for kategori, expected, found, correct in akurasi(jenis, data):
            print(f"  {kategori:<26} {expected:>9,} {found:>9,} {correct:>9,} "
                  f"{_persen(correct, found)} {_persen(correct, expected)}"
                  f"{'' if kategori in EXACT else '  (fuzzy)'}")  # fmt: skip
        if jenis == J.KPM_DTSEN:
            akurasi_cocok(data)
    if not args.tanpa_worker:
        worker = start_worker()
        try:
            print("\n== run ulang lewat worker Celery (2 proses), semua temuan terbawa")
            for jenis in (J.KPM_DTSEN, J.PBIJK_DTSEN, J.KPM_PBIJK):
                for mode in ("tunggal", "chord"):
                    timings[jenis][mode] = run_worker(jenis, mode, user, kota)
                print(f"  {jenis:<12} tunggal {timings[jenis]['tunggal']:6.1f} s   "
                      f"chord per kecamatan {timings[jenis]['chord']:6.1f} s")  # fmt: skip
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    durasi = {r.jenis: r.durasi for r in Rekonsiliasi.objects.filter(mode="tunggal").order_by("id")}
    print("\n== detik per langkah (run terakhir mode tunggal; gabung = menggabungkan temuan)")
    for jenis, steps in durasi.items():
        order = sorted(steps, key=lambda k: (k.startswith("gabung"), k))
        print(f"  {jenis}: " + ", ".join(f"{k} {steps[k]:.1f}" for k in order))
    return 0


if __name__ == "__main__":
    sys.exit(main())
