"""Realistic demo families for Kota Metro (DOMAIN.md §12), for `seed_demo` and the benchmark.

Demo data only: never run it on a production database. Families are drawn from one seeded
random generator (the same seed on the same registry gives the same families, names and
NIKs) and written with PostgreSQL COPY in batches, inside one transaction, so memory stays
flat: 6.000 families take under 2 seconds, 100.000 about 30. The PKH components are derived
while generating, with the rules `keluarga_komponen_refresh` applies (which then confirms them
without writing: deriving 400.000 members through its bulk_update would take minutes).
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model

from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError
from dinsos.formatting import JAKARTA
from dinsos.identity import DAY_OFFSET_PEREMPUAN
from dinsos.models import User, Wilayah
from dinsos.names import normalize_nama
from kpm.komponen import Aturan, DataAnggota, komponen_anggota, umur
from kpm.models import Anggota, Keluarga, RiwayatStatus
from kpm.services import keluarga_komponen_refresh

BATCH_KELUARGA = 5000  # families per COPY batch: bounds memory at any size
NOMOR_URUT_MAKS = 9999  # DOMAIN.md §8: a 4-digit serial, from 0001
# No KK serials run from here up, NIK serials below it: a No KK never equals a man's NIK born
# on the day the card was issued, so a 16-digit search finds one family, as with real data.
NOMOR_KK_AWAL = 5001
# Real serials are not all 0001: Dukcapil numbers everyone born (or every card issued) in a
# kecamatan on a day in turn, so the last two digits, which a masked NIK shows, vary between
# people. Each serial skips up to this many numbers past the previous one of its prefix.
LOMPATAN_NOMOR_MAKS = 97
TERDAFTAR_AWAL = datetime.date(2015, 1, 1)
TERDAFTAR_AKHIR = datetime.date(2025, 12, 31)
TAHUN_LAHIR_ANAK = 1998  # born from this year on: names of the younger generation

# Family structure (shares of families).
P_KEPALA_PEREMPUAN = 0.12  # widowed or divorced mother heads the family
P_DUDA = 0.03  # father without a wife
P_ORANG_TUA = 0.15  # a grandparent lives with the family
P_ORANG_TUA_LANSIA = 0.8  # of those, aged 70 or more (DOMAIN.md §2: lansia default 70)
P_HAMIL = 0.055  # the mother, if 44 or younger, is pregnant: ~3% of families
USIA_HAMIL_MAKS = 44
P_DISABILITAS_BERAT = 0.02  # one member with a severe disability
JUMLAH_ANAK = (1, 2, 3, 4)
BOBOT_JUMLAH_ANAK = (35, 35, 20, 10)  # ~4 members per family on average
P_PINDAH_KECAMATAN = 0.1  # NIK registered in another kecamatan of the city (prefix ≠ domicile)

# School level by age (DOMAIN.md §9 windows: SD 7–12, SMP 13–15, SMA 16–18) and the share of
# children of that age actually enrolled.
JENJANG_USIA = (
    (7, 12, Anggota.Jenjang.SD, 0.93),
    (13, 15, Anggota.Jenjang.SMP, 0.88),
    (16, 18, Anggota.Jenjang.SMA, 0.78),
)
P_TAMAT_12_TAHUN = 0.5  # of the 19+ year-old children

P_DESIL = 0.6  # the rest wait for the dtsen app to set a desil
DESIL = (1, 2, 3, 4, 5, 6)
BOBOT_DESIL = (22, 24, 20, 16, 11, 7)

S = Keluarga.Status
STATUS = (S.AKTIF, S.DITANGGUHKAN, S.GRADUASI, S.DIBATALKAN)
BOBOT_STATUS = (86, 5, 6, 3)
ALASAN_DAFTAR = "Keluarga didaftarkan."
ALASAN_STATUS: dict[str, tuple[str, ...]] = {
    S.DITANGGUHKAN: (
        "Tidak hadir P2K2 tiga kali berturut-turut tanpa keterangan.",
        "Kehadiran sekolah anak di bawah 85% tiga bulan berturut-turut.",
    ),
    S.GRADUASI: (
        "Graduasi mandiri: keluarga menyatakan sudah mampu (surat pernyataan).",
        "Graduasi alamiah: tidak ada lagi komponen PKH.",
    ),
    S.DIBATALKAN: (
        "Pindah domisili ke luar Kota Metro.",
        "Data ganda dengan keluarga lain.",
        "Pengurus meninggal dunia dan tidak ada pengganti.",
    ),
}

# Common given names in Kota Metro: Javanese transmigrant, Lampung and Muslim names.
PEREMPUAN_DEPAN = (
    "Siti", "Sri", "Nur", "Dwi", "Tri", "Eka", "Endang", "Yuni", "Ani", "Rina", "Tuti",
    "Umi", "Ika", "Dewi", "Ratna", "Lina", "Evi", "Nurul", "Rini", "Yanti", "Suci", "Lilis",
    "Ida", "Erna", "Fitri", "Heni", "Mega", "Novi", "Rita", "Wahyu",
)  # fmt: skip
PEREMPUAN_BELAKANG = (
    "Aminah", "Wahyuni", "Rahayu", "Lestari", "Handayani", "Suryani", "Fatimah", "Khasanah",
    "Maesaroh", "Muawanah", "Nurjanah", "Romlah", "Sulastri", "Susanti", "Mulyani", "Hidayah",
    "Rohmawati", "Purwanti", "Setyowati", "Kurniasih", "Yulianti", "Wulandari", "Sundari",
    "Marlina", "Fauziah", "Aisyah", "Zubaidah", "Komariah", "Hartati", "Astuti",
)  # fmt: skip
PEREMPUAN_TUNGGAL = (
    "Suparmi", "Sumarni", "Painem", "Tumini", "Sarinah", "Sukinah", "Wartini", "Paijem",
    "Sumiati", "Ngatinah", "Tukiyem", "Sutinah", "Juminten", "Rukiyah", "Mursidah", "Jariyah",
)  # fmt: skip
LAKI_DEPAN = (
    "Ahmad", "Muhammad", "Budi", "Agus", "Joko", "Slamet", "Bambang", "Heru", "Eko", "Dwi",
    "Rudi", "Hendra", "Wahyu", "Imam", "Abdul", "Yusuf", "Rahmat", "Arif", "Dedi", "Iwan",
    "Sigit", "Teguh", "Edi", "Hadi", "Andi", "Nur", "Tri", "Dodi", "Hasan", "Zainal",
)  # fmt: skip
LAKI_BELAKANG = (
    "Santoso", "Fauzi", "Setiawan", "Susanto", "Prasetyo", "Hidayat", "Saputra", "Wibowo",
    "Gunawan", "Kurniawan", "Riyadi", "Hartono", "Purnomo", "Nugroho", "Sulistyo",
    "Firmansyah", "Hermawan", "Sutrisno", "Suparman", "Sugiyanto", "Mulyono", "Ma'ruf",
    "Abidin", "Basri", "Effendi", "Syamsudin", "Ansori", "Junaidi", "Marzuki", "Rosyid",
)  # fmt: skip
LAKI_TUNGGAL = (
    "Sutrisno", "Suparno", "Sukirman", "Paiman", "Tukimin", "Sarno", "Wagiman", "Ngadimin",
    "Suyatno", "Kasiman", "Rusli", "Thamrin", "Sukardi", "Parjo", "Mulyadi", "Warsito",
)  # fmt: skip
ANAK_LAKI_DEPAN = (
    "Muhammad", "Dimas", "Rafi", "Fajar", "Bayu", "Aditya", "Farhan", "Rizki", "Galih",
    "Ilham", "Arya", "Alif", "Daffa", "Raka", "Zidan", "Bagas", "Reza", "Akbar", "Fikri",
    "Naufal",
)  # fmt: skip
ANAK_LAKI_BELAKANG = (
    "Pratama", "Saputra", "Ramadhan", "Maulana", "Firmansyah", "Hidayat", "Nugraha",
    "Setiawan", "Al Fatih", "Akbar", "Rizky", "Alfarizi", "Prasetya", "Wijaya", "Kurniawan",
)  # fmt: skip
ANAK_PEREMPUAN_DEPAN = (
    "Aulia", "Nabila", "Putri", "Salsabila", "Zahra", "Aisyah", "Nayla", "Keisya", "Alya",
    "Dinda", "Anisa", "Intan", "Citra", "Rahma", "Fitri", "Syifa", "Nur", "Siti", "Della",
    "Zaskia",
)  # fmt: skip
ANAK_PEREMPUAN_BELAKANG = (
    "Putri", "Ramadhani", "Azzahra", "Lestari", "Maharani", "Safitri", "Amelia", "Rahmawati",
    "Khairunnisa", "Wulandari", "Anggraini", "Nurhaliza", "Aprilia", "Febriani", "Cahyani",
)  # fmt: skip
P_NAMA_TUNGGAL = 0.3  # of people born before 1970: one-word Javanese names
P_HAJI = 0.06  # of people born before 1975: "H." / "Hj."
P_GELAR = 0.01  # of adults: an academic degree after the name
GELAR = (", S.Pd.", ", S.E.", ", A.Md.")
P_HURUF_BESAR = 0.15  # names typed in capitals, as SIKS-NG exports them
JALAN = (
    "Jl. Jend. Sudirman", "Jl. Ahmad Yani", "Jl. Imam Bonjol", "Jl. Hasanudin",
    "Jl. Ki Hajar Dewantara", "Jl. Brigjen Sutiyoso", "Jl. AH Nasution", "Jl. Budi Utomo",
    "Jl. Pattimura", "Jl. Diponegoro", "Jl. Soekarno-Hatta", "Jl. Stadion", "Jl. Kenanga",
    "Jl. Mawar", "Jl. Melati", "Jl. Merpati", "Jl. Cendrawasih", "Jl. Kemiri", "Jl. Pala",
    "Jl. Kartini", "Jl. Veteran", "Jl. Wolter Monginsidi", "Jl. Sumbawa", "Jl. Pisang",
)  # fmt: skip
RT_RW_MAKS = 15  # RT/RW "001"–"015", leading zeros kept (DOMAIN.md §8)


@dataclass(frozen=True)
class StatistikDemo:
    """What `generate_keluarga` wrote, and how long it took."""

    keluarga: int
    anggota: int
    riwayat_status: int
    detik: float


@dataclass
class _Orang:
    nama: str
    jenis_kelamin: str
    tanggal_lahir: datetime.date
    hubungan: str
    kode_kecamatan: str  # 6-digit region of NIK registration
    jenjang: str = ""
    is_hamil: bool = False
    is_disabilitas_berat: bool = False
    nik: str = ""
    komponen: list[str] = field(default_factory=list)


@dataclass
class _Keluarga:
    kelurahan: Wilayah
    no_kk: str
    alamat: str
    rt: str
    rw: str
    status: str
    tanggal_status: datetime.date
    tanggal_terdaftar: datetime.date
    pendamping_id: int | None
    desil: int | None
    anggota: list[_Orang]
    pengurus: int  # index into anggota


class _Generator:
    """Draws families from one random generator; keeps NIK and No KK serials unique."""

    def __init__(
        self,
        *,
        rng: random.Random,
        today: datetime.date,
        kelurahan: Sequence[Wilayah],
        pendamping: dict[int, list[int]],
        nomor_nik: dict[str, int],
        nomor_kk: dict[str, int],
    ) -> None:
        self.rng = rng
        self.today = today
        self.aturan = Aturan.dari_pengaturan(dinsos_selectors.pengaturan_semua(on=today))
        self.kelurahan = list(kelurahan)
        self.bobot_kelurahan = [rng.uniform(0.6, 1.4) for _ in self.kelurahan]
        self.kode_kecamatan = sorted({k.kode_angka[:6] for k in self.kelurahan})
        self.pendamping = pendamping
        self.giliran: dict[int, int] = {}
        self.nomor_nik = nomor_nik
        self.nomor_kk = nomor_kk
        self.terdaftar_akhir = min(TERDAFTAR_AKHIR, today)

    def _tanggal_antara(self, awal: datetime.date, akhir: datetime.date) -> datetime.date:
        return awal + datetime.timedelta(days=self.rng.randint(0, max(0, (akhir - awal).days)))

    def _lahir(self, usia_min: int, usia_maks: int) -> datetime.date:
        """A birth date giving an age in [usia_min, usia_maks] today."""
        paling_tua = _tahun_sebelum(self.today, usia_maks + 1) + datetime.timedelta(days=1)
        return self._tanggal_antara(paling_tua, _tahun_sebelum(self.today, usia_min))

    def _nama(self, jenis_kelamin: str, lahir: datetime.date) -> str:
        rng = self.rng
        perempuan = jenis_kelamin == "P"
        depan: tuple[str, ...]
        belakang: tuple[str, ...]
        if lahir.year >= TAHUN_LAHIR_ANAK:
            depan = ANAK_PEREMPUAN_DEPAN if perempuan else ANAK_LAKI_DEPAN
            belakang = ANAK_PEREMPUAN_BELAKANG if perempuan else ANAK_LAKI_BELAKANG
            nama = f"{rng.choice(depan)} {rng.choice(belakang)}"
        elif lahir.year < 1970 and rng.random() < P_NAMA_TUNGGAL:
            nama = rng.choice(PEREMPUAN_TUNGGAL if perempuan else LAKI_TUNGGAL)
        else:
            depan = PEREMPUAN_DEPAN if perempuan else LAKI_DEPAN
            belakang = PEREMPUAN_BELAKANG if perempuan else LAKI_BELAKANG
            nama = f"{rng.choice(depan)} {rng.choice(belakang)}"
        if lahir.year < 1975 and rng.random() < P_HAJI:
            nama = f"{'Hj.' if perempuan else 'H.'} {nama}"
        elif lahir.year < TAHUN_LAHIR_ANAK and rng.random() < P_GELAR:
            nama += rng.choice(GELAR)
        if rng.random() < P_HURUF_BESAR:
            nama = nama.upper()
        return nama

    def _orang(
        self, jenis_kelamin: str, lahir: datetime.date, hubungan: str, kecamatan: str
    ) -> _Orang:
        if self.rng.random() < P_PINDAH_KECAMATAN:
            kecamatan = self.rng.choice(self.kode_kecamatan)
        return _Orang(
            nama=self._nama(jenis_kelamin, lahir),
            jenis_kelamin=jenis_kelamin,
            tanggal_lahir=lahir,
            hubungan=hubungan,
            kode_kecamatan=kecamatan,
        )

    def _jenjang(self, lahir: datetime.date) -> str:
        usia = umur(lahir, self.today)
        for usia_min, usia_maks, jenjang, p_sekolah in JENJANG_USIA:
            if usia_min <= usia <= usia_maks:
                return jenjang if self.rng.random() < p_sekolah else ""
        if usia > JENJANG_USIA[-1][1] and self.rng.random() < P_TAMAT_12_TAHUN:
            return Anggota.Jenjang.TAMAT_12_TAHUN
        return ""

    def _anggota(self, kecamatan: str) -> tuple[list[_Orang], int]:
        """Members, eldest generation first, and the index of the pengurus."""
        rng = self.rng
        H = Anggota.Hubungan
        anggota: list[_Orang] = []
        bentuk = rng.random()
        if bentuk < P_KEPALA_PEREMPUAN:
            ibu = self._orang("P", self._lahir(25, 62), H.KEPALA_KELUARGA, kecamatan)
            anggota.append(ibu)
            pengurus = 0
        else:
            lahir_ayah = self._lahir(24, 60)
            ayah = self._orang("L", lahir_ayah, H.KEPALA_KELUARGA, kecamatan)
            anggota.append(ayah)
            pengurus = 0
            ibu = ayah
            if bentuk >= P_KEPALA_PEREMPUAN + P_DUDA:
                usia_ayah = umur(lahir_ayah, self.today)
                usia_ibu = max(20, usia_ayah - rng.randint(0, 7))
                ibu = self._orang("P", self._lahir(usia_ibu, usia_ibu), H.ISTRI_SUAMI, kecamatan)
                anggota.append(ibu)
                pengurus = 1
        orang_tua = umur(ibu.tanggal_lahir, self.today)
        anak_tertua = min(24, orang_tua - 18)
        jumlah = min(rng.choices(JUMLAH_ANAK, BOBOT_JUMLAH_ANAK)[0], anak_tertua + 1)
        for usia in sorted(rng.sample(range(anak_tertua + 1), jumlah), reverse=True):
            lahir = self._lahir(usia, usia)
            anak = self._orang(rng.choice("LP"), lahir, H.ANAK, kecamatan)
            anak.jenjang = self._jenjang(lahir)
            anggota.append(anak)
        if rng.random() < P_HAMIL and ibu.jenis_kelamin == "P" and orang_tua <= USIA_HAMIL_MAKS:
            ibu.is_hamil = True
        if rng.random() < P_DISABILITAS_BERAT:
            rng.choice(anggota).is_disabilitas_berat = True
        if rng.random() < P_ORANG_TUA:
            lansia = rng.random() < P_ORANG_TUA_LANSIA
            lahir = self._lahir(70, 88) if lansia else self._lahir(60, 69)
            kelamin = "P" if rng.random() < 0.7 else "L"
            anggota.insert(0, self._orang(kelamin, lahir, H.ORANG_TUA, kecamatan))
            pengurus += 1
        return anggota, pengurus

    def _nomor(self, counters: dict[str, int], prefix: str, *, awal: int, maks: int) -> str:
        nomor = max(counters.get(prefix, 0) + 1, awal)
        if nomor > maks:
            raise DomainError(f"Nomor urut habis untuk awalan {prefix[:6]}.")
        # Increasing per prefix, so serials stay unique and continue after an earlier run's.
        nomor += self.rng.randint(0, min(LOMPATAN_NOMOR_MAKS, maks - nomor))
        counters[prefix] = nomor
        return f"{prefix}{nomor:04d}"

    def _nik(self, orang: _Orang) -> str:
        # DOMAIN.md §8: region (6) + DDMMYY, day +40 for women + serial (4).
        lahir = orang.tanggal_lahir
        hari = lahir.day + (DAY_OFFSET_PEREMPUAN if orang.jenis_kelamin == "P" else 0)
        prefix = f"{orang.kode_kecamatan}{hari:02d}{lahir.month:02d}{lahir.year % 100:02d}"
        return self._nomor(self.nomor_nik, prefix, awal=1, maks=NOMOR_KK_AWAL - 1)

    def _no_kk(self, kecamatan: str, terbit: datetime.date) -> str:
        # DOMAIN.md §8: the region code of issue, then (as Dukcapil does) DDMMYY of issue.
        prefix = f"{kecamatan}{terbit:%d%m%y}"
        return self._nomor(self.nomor_kk, prefix, awal=NOMOR_KK_AWAL, maks=NOMOR_URUT_MAKS)

    def _komponen(self, orang: _Orang) -> list[str]:
        data = DataAnggota(
            tanggal_lahir=orang.tanggal_lahir,
            jenjang_sekolah=orang.jenjang,
            is_hamil=orang.is_hamil,
            is_disabilitas_berat=orang.is_disabilitas_berat,
        )
        return komponen_anggota(data, on=self.today, aturan=self.aturan)

    def _pendamping(self, kelurahan: Wilayah) -> int | None:
        pilihan = self.pendamping.get(kelurahan.pk)
        if not pilihan:
            return None
        giliran = self.giliran.get(kelurahan.pk, 0)
        self.giliran[kelurahan.pk] = giliran + 1
        return pilihan[giliran % len(pilihan)]

    def keluarga(self) -> _Keluarga:
        rng = self.rng
        kelurahan = rng.choices(self.kelurahan, self.bobot_kelurahan)[0]
        kecamatan = kelurahan.kode_angka[:6]
        terdaftar = self._tanggal_antara(TERDAFTAR_AWAL, self.terdaftar_akhir)
        status = rng.choices(STATUS, BOBOT_STATUS)[0]
        tanggal_status = terdaftar
        if status != S.AKTIF:
            tanggal_status = self._tanggal_antara(
                min(terdaftar + datetime.timedelta(days=180), self.today), self.today
            )
        anggota, pengurus = self._anggota(kecamatan)
        for orang in anggota:
            orang.nik = self._nik(orang)
            orang.komponen = self._komponen(orang)
        terbit = self._tanggal_antara(terdaftar - datetime.timedelta(days=3650), terdaftar)
        return _Keluarga(
            kelurahan=kelurahan,
            no_kk=self._no_kk(kecamatan, terbit),
            alamat=f"{rng.choice(JALAN)} No. {rng.randint(1, 150)}",
            rt=f"{rng.randint(1, RT_RW_MAKS):03d}",
            rw=f"{rng.randint(1, RT_RW_MAKS):03d}",
            status=status,
            tanggal_status=tanggal_status,
            tanggal_terdaftar=terdaftar,
            pendamping_id=self._pendamping(kelurahan),
            desil=rng.choices(DESIL, BOBOT_DESIL)[0] if rng.random() < P_DESIL else None,
            anggota=anggota,
            pengurus=pengurus,
        )


def _tahun_sebelum(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _pendamping_per_kelurahan(
    pendamping: Sequence[User], kelurahan: Sequence[Wilayah]
) -> dict[int, list[int]]:
    """Kelurahan id → ids of the pendamping whose areas contain it, in the given order."""
    result: dict[int, list[int]] = {}
    for user in pendamping:
        codes = list(user.wilayah.values_list("kode", flat=True))
        for kel in kelurahan:
            if any(kel.kode == c or kel.kode.startswith(f"{c}.") for c in codes):
                result.setdefault(kel.pk, []).append(user.pk)
    return result


def _last_serials(model: type[Model], column: str, prefixes: Iterable[str]) -> dict[str, int]:
    """Highest serial already used per 12-digit prefix, so new identifiers never collide."""
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(column)
    sql = (
        f"SELECT left({col}, 12), max(right({col}, 4))::int FROM {table} "  # noqa: S608 (model metadata)
        f"WHERE left({col}, 4) = ANY(%(prefixes)s) GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"prefixes": sorted(set(prefixes))})
        return dict(cursor.fetchall())


def _next_ids(model: type[Model], count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%(table)s, 'id'))"
            " FROM generate_series(1, %(count)s)",
            {"table": model._meta.db_table, "count": count},
        )
        return [row[0] for row in cursor.fetchall()]


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    assert field.column
    return field.column


def _copy(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows into the model's table; `fields` are model field names."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, f)) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _saat(hari: datetime.date, rng: random.Random) -> datetime.datetime:
    """A time in office hours on `hari` (Jakarta)."""
    jam = datetime.time(rng.randint(8, 15), rng.randint(0, 59))
    return datetime.datetime.combine(hari, jam, tzinfo=JAKARTA)


KELUARGA_FIELDS = (
    "id", "no_kk", "kelurahan", "alamat", "rt", "rw", "status", "pendamping", "pengurus",
    "tanggal_terdaftar", "desil", "desil_per", "komponen", "created_at", "updated_at",
)  # fmt: skip
ANGGOTA_FIELDS = (
    "id", "keluarga", "nik", "nama", "nama_cari", "jenis_kelamin", "tanggal_lahir", "hubungan",
    "jenjang_sekolah", "is_hamil", "is_disabilitas_berat", "is_korban_ham", "komponen",
    "created_at", "updated_at",
)  # fmt: skip
RIWAYAT_FIELDS = ("keluarga", "dari", "ke", "alasan", "oleh", "created_at")


def _write_batch(
    families: list[_Keluarga], *, oleh: User, desil_per: datetime.date, rng: random.Random
) -> tuple[int, int]:
    """COPY one batch of families, members and status history; returns (members, history)."""
    now = datetime.datetime.now(tz=JAKARTA)
    keluarga_ids = _next_ids(Keluarga, len(families))
    anggota_ids = iter(_next_ids(Anggota, sum(len(f.anggota) for f in families)))
    keluarga_rows: list[tuple[Any, ...]] = []
    anggota_rows: list[tuple[Any, ...]] = []
    riwayat_rows: list[tuple[Any, ...]] = []
    for keluarga_id, fam in zip(keluarga_ids, families, strict=True):
        ids = [next(anggota_ids) for _ in fam.anggota]
        for anggota_id, o in zip(ids, fam.anggota, strict=True):
            anggota_rows.append(
                (anggota_id, keluarga_id, o.nik, o.nama, normalize_nama(o.nama), o.jenis_kelamin,
                 o.tanggal_lahir, o.hubungan, o.jenjang, o.is_hamil, o.is_disabilitas_berat,
                 False, o.komponen, now, now)
            )  # fmt: skip
        keluarga_rows.append(
            (keluarga_id, fam.no_kk, fam.kelurahan.pk, fam.alamat, fam.rt, fam.rw, fam.status,
             fam.pendamping_id, ids[fam.pengurus], fam.tanggal_terdaftar, fam.desil,
             desil_per if fam.desil else None, sorted({k for o in fam.anggota for k in o.komponen}),
             now, now)
        )  # fmt: skip
        daftar = _saat(fam.tanggal_terdaftar, rng)
        riwayat_rows.append((keluarga_id, "", S.AKTIF, ALASAN_DAFTAR, oleh.pk, daftar))
        if fam.status != S.AKTIF:
            alasan = rng.choice(ALASAN_STATUS[fam.status])
            berubah = max(_saat(fam.tanggal_status, rng), daftar + datetime.timedelta(hours=1))
            riwayat_rows.append((keluarga_id, S.AKTIF, fam.status, alasan, oleh.pk, berubah))
    # Keluarga.pengurus and Anggota.keluarga point at each other: Django's foreign keys are
    # DEFERRABLE INITIALLY DEFERRED, so both are checked at commit.
    _copy(Keluarga, KELUARGA_FIELDS, keluarga_rows)
    _copy(Anggota, ANGGOTA_FIELDS, anggota_rows)
    _copy(RiwayatStatus, RIWAYAT_FIELDS, riwayat_rows)
    return len(anggota_rows), len(riwayat_rows)


def _desil_per(today: datetime.date) -> datetime.date:
    """DOMAIN.md §3: DTSEN re-ranks quarterly; the latest quarter start is the snapshot date."""
    return datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)


@transaction.atomic
def generate_keluarga(
    *,
    n: int,
    seed: int,
    kelurahan: list[Wilayah],
    pendamping: list[User],
    today: datetime.date,
    oleh: User | None = None,
) -> StatistikDemo:
    """Insert `n` realistic demo families spread over `kelurahan`, then derive components.

    Deterministic for a seed on a given registry: NIK and No KK serials continue after those
    already stored, so a second run never collides. Pendamping are assigned round-robin among
    those whose areas contain the family's kelurahan. Status history is recorded as `oleh`
    (default: the first admin). Raises DomainError when there is no kelurahan or no admin.
    """
    started = time.monotonic()
    if not kelurahan:
        raise DomainError("Tidak ada kelurahan untuk data demo.")
    if oleh is None:
        oleh = User.objects.filter(role=User.Role.ADMIN).order_by("pk").first()
    if oleh is None:
        raise DomainError("Data demo butuh satu akun admin untuk riwayat status.")
    ordered = sorted(kelurahan, key=lambda k: k.kode)
    kota = {k.kode_angka[:4] for k in ordered}
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    generator = _Generator(
        rng=rng,
        today=today,
        kelurahan=ordered,
        pendamping=_pendamping_per_kelurahan(pendamping, ordered),
        nomor_nik=_last_serials(Anggota, "nik", kota),
        nomor_kk=_last_serials(Keluarga, "no_kk", kota),
    )
    desil_per = _desil_per(today)
    anggota = riwayat = 0
    for start in range(0, n, BATCH_KELUARGA):
        batch = [generator.keluarga() for _ in range(min(BATCH_KELUARGA, n - start))]
        written = _write_batch(batch, oleh=oleh, desil_per=desil_per, rng=rng)
        anggota += written[0]
        riwayat += written[1]
    # The components were derived above with the same rules: the refresh confirms them (and
    # would correct any drift) without writing, so it stays fast at 400.000 members.
    keluarga_komponen_refresh(on=today)
    with connection.cursor() as cursor:
        # Fresh planner statistics, so the list pages are planned on the new row counts at
        # once. The small area and user tables too: autovacuum analyzes a table only after 50
        # changed rows, so Kota Metro's 28 areas never get statistics, and without them the
        # planner joined every family before taking the first page (100.000 families: 410 ms
        # instead of 3 ms for the default list).
        for model in (Keluarga, Anggota, RiwayatStatus, Wilayah, User, User.wilayah.through):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return StatistikDemo(
        keluarga=n, anggota=anggota, riwayat_status=riwayat, detik=time.monotonic() - started
    )
