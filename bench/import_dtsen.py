"""Time a DTSEN import end to end and print each stage, rows/s and peak RSS.

    python bench/import_dtsen.py --rows 1000000 --format xlsx
    python bench/import_dtsen.py --rows 1000000 --format csv
    python bench/import_dtsen.py --rows 1000000 --ganda 0.3        # 30% rows reuse a NIK
    python bench/import_dtsen.py --rows 1000000 --nik-sama 100000  # one NIK on 100.000 rows

Generates the file once with bench/gen_dtsen.py (2% problem rows) into var/bench/ and reuses
it. Runs the same services the Celery task and `import_dtsen` run, in this process, so the
peak RSS printed is that of the process doing the work: upload (store + SHA-256), read,
validate, load (COPY), duplicate check, error report, the impact shown before "Terapkan"
(dtsen.dampak), apply (with 10,000 KPM families whose desil it updates) and its undo
("Kembalikan ke snapshot sebelumnya"). Uses DATABASE_URL (migrated here) and cleans up after
itself.
Targets (2-core machine, issue 21): 1,000,000-row CSV ≤ 20 s and XLSX ≤ 45 s upload →
applied, peak RSS ≤ 300 MB; impact preview ≤ 5 s and undo ≤ 10 s at 1,000,000 rows (issue 15).
Prints the process's CPU time too (its own; PostgreSQL's is apart).
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.gen_dtsen import generate  # noqa: E402
from dinsos import services as dinsos_services  # noqa: E402
from dinsos.management.commands.load_wilayah import DEFAULT_CSV  # noqa: E402
from dinsos.models import User, Wilayah  # noqa: E402
from dtsen import services  # noqa: E402
from dtsen.models import Jenis, MasalahBaris, Penerapan, Snapshot  # noqa: E402
from dtsen.selectors.dampak import snapshot_dampak  # noqa: E402
from dtsen.services import partisi  # noqa: E402
from kpm.models import PerubahanDesil  # noqa: E402

BENCH_USER = "bench-dtsen"
KELUARGA = 10_000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cleanup(user: User) -> None:
    ids = list(Snapshot.objects.filter(created_by=user).values_list("pk", flat=True))
    penerapan = Penerapan.objects.filter(snapshot_id__in=ids)
    sumber = [s for p in penerapan for s in (p.sumber, p.sumber_pengembalian)]
    PerubahanDesil.objects.filter(sumber__in=sumber).delete()
    penerapan.delete()
    with connection.cursor() as cursor:
        for table in ("dtsen_pbijkrecord", "dtsen_masalahbaris"):
            cursor.execute(f"DELETE FROM {table} WHERE snapshot_id = ANY(%s)", [ids])  # noqa: S608
    for snapshot_id in ids:  # a DTSEN snapshot's records are its partition
        partisi.hapus(snapshot_id)
    for snapshot in Snapshot.objects.filter(pk__in=ids):
        snapshot.file.delete(save=False)
        if snapshot.laporan:
            snapshot.laporan.delete(save=False)
    Snapshot.objects.filter(pk__in=ids).delete()
    with connection.cursor() as cursor:  # rows this script inserted, with no dependents
        cursor.execute("DELETE FROM kpm_keluarga WHERE alamat = 'bench-dtsen'")


def seed_keluarga(snapshot: Snapshot) -> None:
    """KPM families whose No KK are in the file, so apply has real work to do."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO kpm_keluarga (no_kk, kelurahan_id, alamat, rt, rw, status,
                tanggal_terdaftar, komponen, created_at, updated_at)
            SELECT DISTINCT ON (no_kk) no_kk, kelurahan_id, 'bench-dtsen', '', '', 'aktif',
                '2020-01-01', '{}', now(), now()
            FROM dtsen_dtsenrecord WHERE snapshot_id = %s
            ORDER BY no_kk LIMIT %s
            ON CONFLICT (no_kk) DO NOTHING
            """,
            [snapshot.pk, KELUARGA],
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--dirty", type=float, default=0.02)
    parser.add_argument("--file", type=Path, help="an existing file instead of a generated one")
    parser.add_argument(
        "--ganda", type=float, default=0.0, help="share of rows reusing an earlier row's NIK"
    )
    parser.add_argument("--nik-sama", type=int, default=0, help="rows carrying one NIK")
    args = parser.parse_args(argv)

    varian = f"-g{args.ganda}" if args.ganda else ""
    varian += f"-s{args.nik_sama}" if args.nik_sama else ""
    nama = f"dtsen-{args.rows}-{args.dirty}{varian}.{args.format}"
    path = args.file or ROOT / "var" / "bench" / nama
    if not path.exists():
        started = time.perf_counter()
        generate(
            rows=args.rows,
            out=path,
            fmt=args.format,
            dirty=args.dirty,
            ganda=args.ganda,
            nik_sama=args.nik_sama,
        )
        print(f"file dibuat: {path} dalam {time.perf_counter() - started:.1f} s")
    size_mb = path.stat().st_size / 1e6
    baseline_rss = peak_rss_mb()

    call_command("migrate", verbosity=0)
    if not Wilayah.objects.filter(kode="18.72").exists():
        dinsos_services.wilayah_load_csv(path=DEFAULT_CSV)
    user = User.objects.filter(username=BENCH_USER).first() or dinsos_services.user_create(
        username=BENCH_USER,
        password="bench-only-sandi",  # noqa: S106
        role=User.Role.ADMIN,
        nama="Bench",
    )
    cleanup(user)
    kota = Wilayah.objects.get(kode="18.72", berlaku_sampai__isnull=True)

    timings: dict[str, float] = {}
    load_before = os.getloadavg()[0]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    with path.open("rb") as handle:
        snapshot = services.snapshot_create(
            jenis=Jenis.DTSEN,
            tanggal_data=datetime.date(2025, 6, 30),
            wilayah=kota,
            file=File(handle, name=path.name),
            nama_file=path.name,
            created_by=user,
        )
    timings["unggah (simpan + sha256)"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    services.snapshot_load_rows(snapshot_id=snapshot.pk)
    load_total = time.perf_counter() - t1
    snapshot.refresh_from_db()
    if snapshot.status != Snapshot.Status.SIAP_DITINJAU:
        print(f"GAGAL: {snapshot.status} {snapshot.pesan_gagal}")
        return 1
    durasi = snapshot.durasi
    timings["baca"] = durasi["baca"]
    timings["validasi"] = durasi["validasi"]
    timings["muat (COPY)"] = durasi["muat"]
    timings["NIK ganda"] = durasi["ganda"]
    timings["indeks (sisa setelah laporan)"] = durasi.get("indeks", 0.0)
    timings["laporan masalah"] = durasi["laporan"]
    timings["lain-lain muat"] = load_total - sum(
        durasi.get(k, 0.0) for k in ("baca", "validasi", "muat", "ganda", "indeks", "laporan")
    )
    seed_keluarga(snapshot)
    t_dampak = time.perf_counter()
    dampak = snapshot_dampak(snapshot=snapshot)
    timings["dampak (pratinjau)"] = time.perf_counter() - t_dampak
    t2 = time.perf_counter()
    changed = services.snapshot_apply(snapshot=snapshot, applied_by=user)
    timings["terapkan"] = time.perf_counter() - t2
    total = time.perf_counter() - t0
    t_undo = time.perf_counter()
    undone = services.snapshot_undo(snapshot=snapshot, user=user)
    timings["kembalikan (undo)"] = time.perf_counter() - t_undo

    rows = snapshot.baris_dibaca
    print(f"== impor DTSEN {args.format.upper()} {rows:,} baris ({size_mb:.0f} MB): {path.name}")
    for stage, seconds in timings.items():
        rate = f"{rows / seconds:>12,.0f} baris/s" if seconds > 0.001 else ""
        print(f"  {stage:<30} {seconds:7.2f} s {rate}")
    print(f"  {'TOTAL unggah → diterapkan':<30} {total:7.2f} s {rows / total:>12,.0f} baris/s")
    print(
        f"  baris: {snapshot.baris_valid:,} valid, {snapshot.baris_ditolak:,} ditolak, "
        f"{snapshot.baris_peringatan:,} dengan peringatan; "
        f"{MasalahBaris.objects.filter(snapshot=snapshot).count():,} masalah; "
        f"desil {changed:,} keluarga diperbarui"
    )
    print(
        f"  dampak: {dampak.total.muncul:,} desil muncul, {dampak.total.hilang:,} hilang, "
        f"{dampak.total.kelurahan_tercakup}/{dampak.total.kelurahan} kelurahan; "
        f"undo memulihkan {undone.jumlah_dikembalikan:,} keluarga"
    )
    print(f"  RSS puncak proses: {peak_rss_mb():.0f} MB (sebelum impor: {baseline_rss:.0f} MB)")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"  CPU proses: {usage.ru_utime + usage.ru_stime - cpu_before:.1f} s "
        f"(unggah → kembalikan); beban mesin (1 menit): {load_before:.2f} → "
        f"{os.getloadavg()[0]:.2f}"
    )
    cleanup(user)
    return 0


if __name__ == "__main__":
    sys.exit(main())
