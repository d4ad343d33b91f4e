"""Benchmark: a bank/Pos payout list of every family checked and applied (issue 20, RHK 1).

    .venv/bin/python bench/penyaluran_unggah.py [--tahun 2030]

Runs on the database of bench/pendamping_indicators.py (`dinsos_bench_pdp`, 30.000 families;
built by that script when missing). Writes one CSV with a row per family for tahap 1 of
`--tahun` (one row in 25 gagal), then times, as the upload page's services run them: storing
the file, checking it whole into staging rows, and applying it (one upsert); then the same file
again (everything "tetap": nothing rewritten). Everything is rolled back at the end, so the
data set stays as it was. Prints rows per second.

With `--ringkasan` (issue 21) the pendamping performance summary of `--tahun` is computed for
every pendamping first, and the apply's statements that mark it out of date are timed
(`kpm.services.ringkasan_basi`: two, whatever the number of rows); use a year with rows, e.g.
`--tahun` of the data set's current year, whose tahap 1 payouts the list then changes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pendamping_indicators as basis  # noqa: E402


def _daftar(path: Path, tahun: int) -> int:
    from kpm.models import Keluarga

    rows = ["NO KK;TAHAP;TAHUN;NOMINAL;STATUS;ALASAN;PENYALUR"]
    for i, no_kk in enumerate(Keluarga.objects.order_by("pk").values_list("no_kk", flat=True)):
        gagal = i % 25 == 0
        status = "GAGAL;Rekening pasif" if gagal else "TERSALUR;"
        rows.append(f"'{no_kk};1;{tahun};750000;{status};Bank Himbara")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def _detik(awal: float, akhir: float) -> str:
    return f"{akhir - awal:.2f}".replace(".", ",")


class _Penanda:
    """Times the statements that mark the performance summary out of date (issue 21)."""

    def __init__(self) -> None:
        self.n = 0
        self.detik = 0.0
        self.baris = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "pendamping_ringkasankinerja" not in sql or not sql.lstrip().startswith("UPDATE"):
            return execute(sql, params, many, context)
        awal = time.perf_counter()
        hasil = execute(sql, params, many, context)
        self.detik += time.perf_counter() - awal
        self.n += 1
        self.baris += max(context["cursor"].rowcount, 0)
        return hasil


def _sekali(path: Path, label: str, penanda: _Penanda | None = None) -> None:
    from django.core.files import File

    from dinsos.formatting import angka
    from dinsos.models import User
    from kpm import services

    admin = User.objects.get(username="admin")
    started = time.perf_counter()
    with path.open("rb") as handle:
        unggahan = services.penyaluran_unggah(
            berkas=File(handle, name=path.name), nama_file=path.name, oleh=admin
        )
    disimpan = time.perf_counter()
    hasil = services.penyaluran_periksa(unggahan_id=unggahan.pk)
    diperiksa = time.perf_counter()
    assert hasil is not None
    assert hasil.status == "siap", hasil.kesalahan[:3]
    services.penyaluran_terapkan_mulai(unggahan=hasil, oleh=admin)
    diterapkan_hasil = services.penyaluran_terapkan(unggahan_id=hasil.pk)
    selesai = time.perf_counter()
    assert diterapkan_hasil is not None
    n = hasil.baris_dibaca
    print(
        f"{label}: {angka(n)} baris — simpan {_detik(started, disimpan)} s, periksa "
        f"{_detik(disimpan, diperiksa)} s ({angka(round(n / (diperiksa - disimpan)))} baris/s), "
        f"terapkan {_detik(diperiksa, selesai)} s; {angka(diterapkan_hasil.baru)} baru, "
        f"{angka(diterapkan_hasil.diubah)} diubah, {angka(diterapkan_hasil.tetap)} tetap"
    )
    if penanda is not None:
        print(
            f"  menandai ringkasan kinerja: {penanda.n} statement, "
            f"{penanda.detik * 1000:.0f} ms, {angka(penanda.baris)} baris ringkasan ditandai"
        )
        penanda.n, penanda.detik, penanda.baris = 0, 0.0, 0


def _lewat(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    return execute(sql, params, many, context)


def _ringkasan(tahun: int) -> str:
    """Compute every pendamping's summary rows of the year and its months (as the pages and
    the beat task do), marked fresh, so the apply has rows to mark."""
    from dinsos.formatting import angka
    from pendamping import services as pendamping_services
    from pendamping.models import Pendamping
    from pendamping.periode import Periode

    awal = time.perf_counter()
    n = pendamping_services.ringkasan_kinerja_segarkan(
        pendamping_ids=list(Pendamping.objects.values_list("pk", flat=True)),
        periodes=[Periode(tahun), *(Periode(tahun, b) for b in range(1, 13))],
        semua=True,
    )
    return f"{angka(n)} baris dihitung dalam {_detik(awal, time.perf_counter())} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tahun", type=int, default=2030, help="Tahun daftar (belum tercatat).")
    parser.add_argument(
        "--ringkasan",
        action="store_true",
        help="Hitung ringkasan kinerja tahun itu dulu, lalu ukur penandaannya (isu 21).",
    )
    args = parser.parse_args()
    url = basis.bench_database_url()
    created = basis.ensure_database(url)
    basis.configure_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from dinsos.pengaturan import today

    call_command("migrate", verbosity=0)
    if created or not basis.is_seeded():
        basis.seed(today())
    with tempfile.TemporaryDirectory(prefix="dinsos-bench-salur-") as folder:
        settings.MEDIA_ROOT = folder
        path = Path(folder) / "daftar-penyaluran.csv"
        with transaction.atomic():
            n = _daftar(path, args.tahun)
            ukuran = path.stat().st_size / 1024 / 1024
            print(f"Daftar {n} keluarga, tahap 1 {args.tahun}, {ukuran:.1f} MB".replace(".", ","))
            penanda = None
            if args.ringkasan:
                penanda = _Penanda()
                print(f"Ringkasan kinerja {args.tahun}: {_ringkasan(args.tahun)}")
            with connection.execute_wrapper(penanda or _lewat):
                _sekali(path, "Pertama", penanda)
                _sekali(path, "File yang sama lagi", penanda)
            transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
