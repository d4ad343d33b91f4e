"""Make a realistic synthetic DTSEN (or PBI-JK) file of any size for tests and benchmarks.

    python bench/gen_dtsen.py --rows 1000000 --format xlsx --out var/bench/dtsen-1m.xlsx
    python bench/gen_dtsen.py --rows 50000 --format csv --dirty 0.02 --out dtsen.csv

Families of 1-6 members in the 22 kelurahan of Kota Metro; NIKs encode the member's birth
date and sex (DOMAIN.md §8) and are unique; No KK start with the kecamatan code of issue;
region codes in the BPS system (DTSEN's own, default) or Kemendagri; one desil per family.
`--dirty` is the share of rows that carry one of the data-quality problems the importer
reports (bad or numeric NIK, short No KK, impossible date, sex against NIK, desil 11,
unknown wilayah code, duplicate NIK). `--ganda 0.3` makes 30% of the rows reuse an earlier
row's NIK and `--nik-sama 100000` puts one NIK on 100.000 rows (the duplicate check's worst
cases). The output is the same for the same `--seed`.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WILAYAH_CSV = ROOT / "dinsos" / "data" / "wilayah_1872_kota_metro.csv"

DTSEN_HEADERS = [
    "nomor_induk_kependudukan",
    "nama",
    "nomor_kartu_keluarga",
    "tanggal_lahir",
    "jenis_kelamin",
    "status_hubungan_keluarga",
    "alamat",
    "rt",
    "rw",
    "kode_provinsi",
    "nama_provinsi",
    "kode_kabupaten_kota",
    "nama_kabupaten_kota",
    "kode_kecamatan",
    "nama_kecamatan",
    "kode_desa_kelurahan",
    "nama_desa_kelurahan",
    "desil_nasional",
    "desil_provinsi",
    "desil_kabupaten_kota",
]
PBIJK_HEADERS = [
    "NIK",
    "NAMA",
    "NO KK",
    "NOKA",
    "TGL LAHIR",
    "JK",
    "ALAMAT",
    "KODE DESA",
    "NAMA DESA",
    "SEGMEN",
    "STATUS",
    "DESIL",
]

PRIA = [
    "Ahmad",
    "Budi",
    "Agus",
    "Joko",
    "Slamet",
    "Sugeng",
    "Wahyu",
    "Eko",
    "Dwi",
    "Hendra",
    "Rudi",
    "Bambang",
    "Suparman",
    "Sutrisno",
    "Hadi",
    "Rahmat",
    "Yusuf",
    "Irfan",
    "Fajar",
    "Arif",
    "Dedi",
    "Heri",
    "Teguh",
    "Anton",
    "Andi",
    "Rizky",
    "Fikri",
    "Bayu",
    "Gilang",
    "Imam",
    "Mulyono",
    "Sukirman",
    "Paijo",
    "Tukiran",
    "Ngadiman",
    "Sarno",
    "Marjuki",
    "Nur",
    "Ilham",
    "Taufik",
]
WANITA = [
    "Siti",
    "Sri",
    "Nur",
    "Dewi",
    "Rina",
    "Wati",
    "Sumiati",
    "Suparni",
    "Tuminah",
    "Sulastri",
    "Kartini",
    "Lestari",
    "Yuni",
    "Ani",
    "Endang",
    "Rahayu",
    "Ratna",
    "Aminah",
    "Fatimah",
    "Aisyah",
    "Nurul",
    "Puji",
    "Sari",
    "Indah",
    "Fitri",
    "Wulan",
    "Ayu",
    "Dian",
    "Eka",
    "Tri",
    "Murni",
    "Sukarsih",
    "Painem",
    "Juminten",
    "Yati",
    "Yanti",
    "Ningsih",
    "Marni",
]
BELAKANG = [
    "Santoso",
    "Wibowo",
    "Saputra",
    "Susanto",
    "Hidayat",
    "Setiawan",
    "Kurniawan",
    "Purnomo",
    "Pratama",
    "Nugroho",
    "Lestari",
    "Wahyuni",
    "Rahmawati",
    "Handayani",
    "Suryani",
    "Maryati",
    "Sulistyo",
    "Prasetyo",
    "Firmansyah",
    "Ramadhan",
    "Hasanah",
    "Kusuma",
    "Utomo",
    "Wijaya",
    "Effendi",
    "Siregar",
    "Lubis",
    "Harahap",
    "Nasution",
]
JALAN = [
    "Jl. Jend. Sudirman",
    "Jl. Ahmad Yani",
    "Jl. Imam Bonjol",
    "Jl. Hasanudin",
    "Jl. Khairbras",
    "Jl. Diponegoro",
    "Jl. Kartini",
    "Jl. Pattimura",
    "Jl. Soekarno-Hatta",
    "Jl. Ki Hajar Dewantara",
    "Jl. Cendrawasih",
    "Jl. Merpati",
    "Jl. Tawes",
    "Jl. Mujair",
    "Jl. Nuri",
    "Jl. Jeruk",
    "Jl. Mangga",
]
DIRTY_KINDS = (
    "nik_pendek",
    "nik_ilmiah",
    "no_kk_pendek",
    "tanggal_mustahil",
    "kelamin_beda",
    "desil_salah",
    "wilayah_asing",
    "nik_ganda",
)


def load_kelurahan() -> list[dict[str, str]]:
    """The kelurahan of Kota Metro with both codes and their kecamatan."""
    rows = [
        line for line in WILAYAH_CSV.read_text(encoding="utf-8").splitlines() if line[:1] != "#"
    ]
    wilayah = list(csv.DictReader(rows))
    by_kode = {w["kode_kemendagri"]: w for w in wilayah}
    result = []
    for w in wilayah:
        if w["tingkat"] != "kelurahan":
            continue
        kec = by_kode[w["kode_induk"]]
        result.append(
            {
                "kode": w["kode_kemendagri"],
                "kode_bps": w["kode_bps"],
                "nama": w["nama"],
                "kec_kode": kec["kode_kemendagri"],
                "kec_bps": kec["kode_bps"],
                "kec_nama": kec["nama"],
            }
        )
    return result


class Generator:
    """Yield person rows family by family; deterministic for a seed."""

    def __init__(self, *, seed: int, dirty: float, kode: str, jenis: str, xlsx: bool) -> None:
        self.rng = random.Random(seed)
        self.dirty = dirty
        self.kode = kode
        self.jenis = jenis
        self.xlsx = xlsx
        self.kelurahan = load_kelurahan()
        self.nik_serial: dict[str, int] = {}
        self.kk_serial = 0
        self.noka = 10_000_000_000
        self.recent_niks: list[str] = []
        self.today = datetime.date(2025, 6, 30)

    def _nik(self, kec_kode: str, born: datetime.date, perempuan: bool) -> str:
        day = born.day + (40 if perempuan else 0)
        prefix = f"{kec_kode.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
        serial = self.nik_serial.get(prefix, 0) + 1
        self.nik_serial[prefix] = serial
        return f"{prefix}{serial:04d}"

    def _born(self, min_age: int, max_age: int) -> datetime.date:
        days = self.rng.randint(min_age * 365, max_age * 365 + 364)
        return self.today - datetime.timedelta(days=days)

    def _nama(self, perempuan: bool) -> str:
        depan = self.rng.choice(WANITA if perempuan else PRIA)
        if self.rng.random() < 0.3:
            return depan
        return f"{depan} {self.rng.choice(BELAKANG)}"

    def families(self) -> Iterator[list[dict[str, object]]]:
        rng = self.rng
        while True:
            kel = rng.choice(self.kelurahan)
            kec_reg = rng.choice(self.kelurahan)["kec_kode"]  # registered elsewhere sometimes
            self.kk_serial += 1
            issued = self.today - datetime.timedelta(days=rng.randint(30, 7000))
            no_kk = f"{kel['kec_kode'].replace('.', '')}{issued:%d%m%y}{self.kk_serial % 10000:04d}"
            if self.kk_serial >= 10000:  # keep No KK unique past 10,000 families
                no_kk = f"{no_kk[:6]}{self.kk_serial:010d}"
            desil: int | str = rng.randint(1, 10) if rng.random() > 0.05 else ""
            alamat = f"{rng.choice(JALAN)} No. {rng.randint(1, 200)}"
            rt, rw = f"{rng.randint(1, 40):03d}", f"{rng.randint(1, 12):03d}"
            members: list[tuple[str, datetime.date, bool]] = []
            head_f = rng.random() < 0.15
            members.append(("1", self._born(25, 75), head_f))
            if not head_f and rng.random() < 0.85:
                members.append(("2", self._born(22, 70), True))
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
                members.append(("3", self._born(0, 24), rng.random() < 0.5))
            family = []
            for hubungan, born, perempuan in members:
                nik = self._nik(kec_reg, born, perempuan)
                row: dict[str, object] = {
                    "nik": nik,
                    "nama": self._nama(perempuan),
                    "no_kk": no_kk,
                    "tanggal_lahir": born,
                    "jenis_kelamin": "2" if perempuan else "1",
                    "hubungan": hubungan,
                    "alamat": alamat,
                    "rt": rt,
                    "rw": rw,
                    "kel": kel,
                    "desil": desil,
                }
                family.append(row)
            yield family

    def _dirty(self, row: dict[str, object]) -> None:
        kind = self.rng.choice(DIRTY_KINDS)
        if kind == "nik_pendek":
            row["nik"] = str(row["nik"])[:15]
        elif kind == "nik_ilmiah":
            nik = str(row["nik"])
            row["nik"] = int(nik[:15] + "0") if self.xlsx else f"{nik[0]}.{nik[1:6]}E+15"
        elif kind == "no_kk_pendek":
            row["no_kk"] = str(row["no_kk"])[:14]
        elif kind == "tanggal_mustahil":
            row["tanggal_lahir"] = "1990-02-31"
        elif kind == "kelamin_beda":
            row["jenis_kelamin"] = "1" if row["jenis_kelamin"] == "2" else "2"
        elif kind == "desil_salah":
            row["desil"] = 11
        elif kind == "wilayah_asing":
            row["kel"] = {**row["kel"], "kode": "18.72.09.1001", "kode_bps": "1872099001"}  # type: ignore[dict-item]
        elif kind == "nik_ganda" and self.recent_niks:
            row["nik"] = self.rng.choice(self.recent_niks)

    def rows(self, count: int) -> Iterator[list[object]]:
        written = 0
        for family in self.families():
            for row in family:
                if written == count:
                    return
                if self.rng.random() < self.dirty:
                    self._dirty(row)
                elif len(self.recent_niks) < 1000:
                    self.recent_niks.append(str(row["nik"]))
                elif self.rng.random() < 0.01:
                    self.recent_niks[self.rng.randrange(1000)] = str(row["nik"])
                yield self._format(row)
                written += 1

    def _format(self, row: dict[str, object]) -> list[object]:
        kel = row["kel"]
        assert isinstance(kel, dict)
        born = row["tanggal_lahir"]
        if isinstance(born, datetime.date) and not self.xlsx:
            born = born.isoformat()
        bps = self.kode == "bps"
        kode_kel = kel["kode_bps"] if bps else kel["kode"]
        if self.jenis == "pbijk":
            self.noka += 1
            return [
                row["nik"],
                str(row["nama"]).upper(),
                row["no_kk"],
                f"000{self.noka}",
                born,
                "L" if row["jenis_kelamin"] == "1" else "P",
                row["alamat"],
                kode_kel,
                kel["nama"],
                "PBI APBN" if self.rng.random() < 0.8 else "PBI APBD",
                "AKTIF" if self.rng.random() < 0.95 else "NONAKTIF",
                row["desil"],
            ]
        desil = row["desil"]

        def near():
            return (
                max(1, min(10, desil + self.rng.choice((-1, 0, 0, 1))))
                if isinstance(desil, int) and desil <= 10
                else desil
            )

        return [
            row["nik"],
            row["nama"],
            row["no_kk"],
            born,
            row["jenis_kelamin"],
            row["hubungan"],
            row["alamat"],
            row["rt"],
            row["rw"],
            "18",
            "LAMPUNG",
            "1872" if bps else "18.72",
            "KOTA METRO",
            kel["kec_bps"] if bps else kel["kec_kode"],
            kel["kec_nama"].upper(),
            kode_kel,
            kel["nama"].upper(),
            desil,
            near(),
            near(),
        ]


def write_csv(path: Path, headers: list[str], rows: Iterator[list[object]], delimiter: str) -> None:
    excel_id = delimiter != "|"  # Excel in an Indonesian locale: `;`, BOM, dd/mm/yyyy
    encoding = "utf-8-sig" if excel_id else "utf-8"
    quoting = csv.QUOTE_MINIMAL if excel_id else csv.QUOTE_ALL
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
        writer.writerow(headers)
        if not excel_id:
            writer.writerows(rows)
            return
        for row in rows:
            born = row[3] if headers is DTSEN_HEADERS else row[4]
            if isinstance(born, str) and len(born) == 10 and born[4] == "-":
                y, m, d = born.split("-")
                born = f"{d}/{m}/{y}"
            if headers is DTSEN_HEADERS:
                row[3] = born
            else:
                row[4] = born
            writer.writerow(row)


def write_xlsx(path: Path, headers: list[str], rows: Iterator[list[object]]) -> None:
    import xlsxwriter  # dev dependency: much faster than openpyxl for writing big files

    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet("DTSEN")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, headers)
    date_column = headers.index("tanggal_lahir" if "tanggal_lahir" in headers else "TGL LAHIR")
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if c == date_column and isinstance(value, datetime.date):
                sheet.write_datetime(
                    r, c, datetime.datetime.combine(value, datetime.time()), date_format
                )
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value == "":
                continue
            else:
                sheet.write_number(r, c, value)  # type: ignore[arg-type]
    workbook.close()


def gandakan(
    rows: Iterator[list[object]], *, count: int, ganda: float, nik_sama: int, seed: int
) -> Iterator[list[object]]:
    """The in-file duplicate worst cases (issue 21): with `ganda`, that share of rows takes
    the NIK of an earlier row (a pool of 10.000 recent NIKs: mostly pairs and triples); with
    `nik_sama`, that many rows spread evenly over the file carry one NIK."""
    rng = random.Random(seed + 21)
    pool: list[object] = []
    langkah = max(1, count // nik_sama) if nik_sama else 0
    sama: object = None
    for i, row in enumerate(rows):
        if langkah and i % langkah == 0 and i // langkah < nik_sama:
            if sama is None:
                sama = row[0]
            row[0] = sama
        elif pool and rng.random() < ganda:
            row[0] = pool[rng.randrange(len(pool))]
        elif len(pool) < 10_000:
            pool.append(row[0])
        else:
            pool[rng.randrange(10_000)] = row[0]
        yield row


def generate(
    *,
    rows: int,
    out: Path,
    fmt: str = "csv",
    dirty: float = 0.0,
    seed: int = 1872,
    kode: str = "bps",
    jenis: str = "dtsen",
    delimiter: str = "|",
    ganda: float = 0.0,
    nik_sama: int = 0,
) -> Path:
    """Write `rows` person rows to `out` and return the path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed=seed, dirty=dirty, kode=kode, jenis=jenis, xlsx=fmt == "xlsx")
    headers = DTSEN_HEADERS if jenis == "dtsen" else PBIJK_HEADERS
    stream = gen.rows(rows)
    if ganda or nik_sama:
        stream = gandakan(stream, count=rows, ganda=ganda, nik_sama=nik_sama, seed=seed)
    if fmt == "xlsx":
        write_xlsx(out, headers, stream)
    else:
        write_csv(out, headers, stream, delimiter)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "dtsen.csv")
    parser.add_argument("--dirty", type=float, default=0.0, help="share of problem rows, 0-1")
    parser.add_argument("--seed", type=int, default=1872)
    parser.add_argument("--kode", choices=("bps", "kemendagri"), default="bps")
    parser.add_argument("--jenis", choices=("dtsen", "pbijk"), default="dtsen")
    parser.add_argument("--delimiter", default="|", help="CSV only: | (DTSEN v3), ; or ,")
    parser.add_argument("--ganda", type=float, default=0.0, help="share of rows reusing a NIK")
    parser.add_argument("--nik-sama", type=int, default=0, help="rows carrying one NIK")
    args = parser.parse_args(argv)
    path = generate(
        rows=args.rows,
        out=args.out,
        fmt=args.format,
        dirty=args.dirty,
        seed=args.seed,
        kode=args.kode,
        jenis=args.jenis,
        delimiter=args.delimiter,
        ganda=args.ganda,
        nik_sama=args.nik_sama,
    )
    print(f"{args.rows} baris ditulis ke {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
