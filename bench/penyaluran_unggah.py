"""Benchmark: a bank/Pos payout list of every family checked and applied (issue 20, RHK 1).

    .venv/bin/python bench/penyaluran_unggah.py [--tahun 2030]

Runs on the database of bench/pendamping_indicators.py (`dinsos_bench_pdp`, 30.000 families;
built by that script when missing). Writes one CSV with a row per family for tahap 1 of
`--tahun` (one row in 25 gagal), then times, as the upload page's services run them: storing
the file, checking it whole into staging rows, and applying it (one upsert); then the same file
again (everything "tetap": nothing rewritten). Everything is rolled back at the end, so the
data set stays as it was. Prints rows per second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

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


def _sekali(path: Path, label: str) -> None:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tahun", type=int, default=2030, help="Tahun daftar (belum tercatat).")
    args = parser.parse_args()
    url = basis.bench_database_url()
    created = basis.ensure_database(url)
    basis.configure_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

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
            _sekali(path, "Pertama")
            _sekali(path, "File yang sama lagi")
            transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
