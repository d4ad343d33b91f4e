"""Benchmark: the monthly rakor report on 100.000 families with a year of records (issue 19).

    make bench
    .venv/bin/python bench/laporan.py [--db dinsos_bench_laporan] [--fresh]

Builds its own database with bench/skala_provinsi.py (seed_demo, 100.000 families, a year of
P2K2 meetings and attendance, a DTSEN snapshot and reconciliation findings, all INSERT …
SELECT over generate_series), then adds a year of komitmen for every school-age and health
component member, graduations and status changes, set-based too. It then times, for last
month's city report: building the figures (laporan.selectors.laporan_susun), the PDF and the
XLSX (laporan.exporters), each the median of --repeat runs, and prints the process's peak
RSS. Targets: build ≤ 5 s, PDF ≤ 10 s, peak RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import skala_provinsi  # noqa: E402

TARGET_S = {"susun": 5.0, "pdf": 10.0}
TARGET_RSS_MB = 300.0
DB = "dinsos_bench_laporan"


def _tambah_setahun() -> None:
    """A year of komitmen (every component member, every month), graduations and status
    changes for the families that have none yet (idempotent: skipped when present)."""
    from django.db import connection

    from dinsos.bulan import awal_bulan
    from dinsos.pengaturan import today

    akhir = awal_bulan(today())
    awal = awal_bulan(akhir, geser=-12)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kpm_komitmen WHERE bulan >= %(awal)s", {"awal": awal})
        if cursor.fetchone()[0] > 500_000:
            return
        started = time.monotonic()
        cursor.execute(
            """
            INSERT INTO kpm_komitmen (anggota_id, keluarga_id, komponen, bulan, status, npsn,
                catatan, sumber, recorded_by_id, created_at, updated_at)
            SELECT a.id, a.keluarga_id, c.komponen, b.bulan::date,
                CASE WHEN (a.id + extract(month FROM b.bulan)::int) %% 11 = 0 THEN 'tidak_patuh'
                     WHEN (a.id + extract(month FROM b.bulan)::int) %% 17 = 0
                        THEN 'tidak_diverifikasi'
                     ELSE 'patuh' END,
                '', '', 'manual', (SELECT min(id) FROM dinsos_user), now(), now()
            FROM kpm_anggota a
            CROSS JOIN LATERAL unnest(a.komponen) AS c(komponen)
            CROSS JOIN generate_series(%(awal)s::date, %(akhir)s::date - 1, interval '1 month')
                AS b(bulan)
            WHERE c.komponen <> 'korban_ham'
            ON CONFLICT DO NOTHING
            """,
            {"awal": awal, "akhir": akhir},
        )
        komitmen = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO kpm_graduasi (keluarga_id, pendamping_id, jenis, status, alasan, bukti,
                bukti_tipe, tanggal_usulan, tanggal_graduasi, nomor_surat, diusulkan_oleh_id,
                catatan_keputusan, created_at, updated_at)
            SELECT k.id, k.pendamping_id,
                (ARRAY['mandiri', 'alamiah', 'paksa'])[1 + k.id %% 3], 'diterima', 'bench', '',
                '', d.hari, d.hari, '', (SELECT min(id) FROM dinsos_user), '', now(), now()
            FROM kpm_keluarga k
            CROSS JOIN LATERAL (
                SELECT (%(awal)s::date + (k.id %% 365) * interval '1 day')::date AS hari
            ) d
            WHERE k.id %% 50 = 0
                AND NOT EXISTS (SELECT 1 FROM kpm_graduasi g WHERE g.keluarga_id = k.id)
            """,
            {"awal": awal},
        )
        graduasi = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO kpm_riwayatstatus (keluarga_id, dari, ke, alasan, oleh_id, created_at)
            SELECT k.id, 'aktif',
                (ARRAY['ditangguhkan', 'dibatalkan', 'graduasi'])[1 + k.id %% 3], 'bench',
                (SELECT min(id) FROM dinsos_user),
                %(awal)s::timestamptz + (k.id %% 360) * interval '1 day'
            FROM kpm_keluarga k WHERE k.id %% 40 = 0
            """,
            {"awal": awal},
        )
        riwayat = cursor.rowcount
        cursor.execute("ANALYZE kpm_komitmen, kpm_graduasi, kpm_riwayatstatus")
    print(
        f"  setahun: {komitmen:,} komitmen, {graduasi:,} graduasi, {riwayat:,} riwayat status "
        f"in {time.monotonic() - started:.1f} s",
        flush=True,
    )


def _ukur(label: str, fungsi, repeat: int) -> tuple[float, object]:
    waktu = []
    hasil = None
    for _ in range(repeat):
        mulai = time.perf_counter()
        hasil = fungsi()
        waktu.append(time.perf_counter() - mulai)
    median = statistics.median(waktu)
    print(f"{label:<28} median {median:6.2f} s  (runs: {', '.join(f'{w:.2f}' for w in waktu)})")
    return median, hasil


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default=DB)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--keluarga", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    skala_provinsi.build(
        db=args.db, fresh=args.fresh, keluarga=args.keluarga, dtsen=200_000, temuan=60_000
    )
    _tambah_setahun()

    from django.utils import timezone

    from dinsos.bulan import awal_bulan
    from dinsos.models import Wilayah
    from dinsos.pengaturan import today
    from kpm.models import Keluarga
    from laporan import exporters, selectors

    bulan = awal_bulan(today(), geser=-1)
    kota = Wilayah.objects.get(kode="18.72", berlaku_sampai__isnull=True)
    print(f"Laporan {bulan:%Y-%m} Kota Metro, {Keluarga.objects.count():,} keluarga")
    os.sched_yield()
    load = os.getloadavg()
    t_susun, data = _ukur(
        "menyusun angka", lambda: selectors.laporan_susun(wilayah=kota, bulan=bulan), args.repeat
    )
    kop = {"instansi": "Dinas Sosial Kota Metro", "alamat": "Metro", "logo": "dinsos/favicon.svg"}
    sekarang = timezone.now()
    t_pdf, pdf = _ukur(
        "PDF",
        lambda: exporters.laporan_pdf(
            data=data, kop=kop, judul="Laporan", dibuat_at=sekarang, versi=1, with_sdm=True
        ),
        args.repeat,
    )
    t_xlsx, _ = _ukur(
        "XLSX",
        lambda: exporters.laporan_xlsx(
            data=data, judul="Laporan", dibuat_at=sekarang, versi=1, with_sdm=True
        ),
        args.repeat,
    )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PDF {len(pdf) / 1024:.0f} KB; XLSX {t_xlsx:.2f} s")
    print(f"peak RSS {rss_mb:.0f} MB; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    ok = t_susun <= TARGET_S["susun"] and t_pdf <= TARGET_S["pdf"] and rss_mb <= TARGET_RSS_MB
    print(
        f"target: susun ≤ {TARGET_S['susun']:.0f} s, PDF ≤ {TARGET_S['pdf']:.0f} s, "
        f"RSS ≤ {TARGET_RSS_MB:.0f} MB: {'OK' if ok else 'GAGAL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
