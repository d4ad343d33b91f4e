"""Benchmark: matching 20.000 sent proposals against a 1.000.000-row DTSEN snapshot.

    .venv/bin/python -m dinsos.devstack exec -- .venv/bin/python bench/usulan.py [--reuse]

It uses its own database: a DATABASE_URL ending in /dinsos becomes /dinsos_bench_usulan
(created and migrated when missing); only a database whose name contains "bench" is ever
emptied. The snapshot's rows and the proposals are written set-based (INSERT … SELECT over
generate_series): one million people over Kota Metro's 22 kelurahan, and 20.000 proposals
sent in December's batches, a fifth of each kind the DTSEN matching decides (usulan baru,
perbaikan data, pemutakhiran kondisi, penonaktifan, sanggahan), about half of them reflected
in the file. Then the hook provider that runs inside a snapshot apply
(`pemutakhiran.services.usulan_cocokkan`) is timed, in a transaction rolled back afterwards
so a rerun measures the same work. Target: ≤ 10 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.kpm_list import (  # noqa: E402  (after the path is set)
    DEFAULT_DATABASE_URL,
    configure_django,
    ensure_database,
)

TARGET_S = 10.0
BULAN = datetime.date(2025, 12, 1)
TANGGAL_DATA = datetime.date(2026, 1, 31)
JENIS = ["usulan_baru", "perbaikan_data", "kondisi", "penonaktifan", "sanggahan"]


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urllib.parse.urlsplit(url)
    if parts.path == "/dinsos":
        parts = parts._replace(path="/dinsos_bench_usulan")
    return urllib.parse.urlunsplit(parts)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--baris", type=int, default=1_000_000, help="baris snapshot DTSEN")
    parser.add_argument("--usulan", type=int, default=20_000, help="usulan terkirim")
    parser.add_argument("--reuse", action="store_true", help="pakai data yang ada bila sama")
    return parser.parse_args()


# Person g of the snapshot has NIK 1872 + g (12 digits), KK 1872 + g/4, desil 1 + g mod 10.
_RECORDS = """
INSERT INTO {record} (snapshot_id, baris, nik, no_kk, nama, tanggal_lahir, jenis_kelamin,
    hubungan, alamat, rt, rw, kelurahan_id, desil_nasional, desil_provinsi,
    desil_kabupaten_kota)
SELECT %(snapshot)s, g, '1872' || lpad(g::text, 12, '0'), '1872' || lpad((g / 4)::text, 12, '0'),
    'WARGA ' || g, DATE '1970-01-01' + (g %% 15000), CASE WHEN g %% 2 = 0 THEN '1' ELSE '2' END,
    '1', 'JL. CONTOH ' || g, '001', '002',
    (%(kelurahan)s::bigint[])[1 + g %% %(jumlah_kelurahan)s], 1 + g %% 10, 1 + g %% 10,
    1 + g %% 10
FROM generate_series(1, %(n)s) AS g
"""

# Proposal g is about person p = g * 37 (inside the snapshot) when g is even, and about a
# NIK beyond it when odd: so about half are reflected for every kind.
_USULAN = """
INSERT INTO {usulan} (jenis, status, sumber, bulan, nik, no_kk, nama, jenis_kelamin, alamat,
    kelurahan_id, kecamatan_id, tiket_pengaduan, alasan_nonaktif, nomor_akta_kematian,
    no_kk_baru, nik_ganda, data_diperbaiki, nilai_lama, nilai_baru, nomor_surat_faskes,
    keterangan, nomor_berita_acara, dibuat_oleh_id, hasil_lapangan, catatan_lapangan,
    alasan_tolak, batch_id, desil_awal, bulan_tunggu, created_at, updated_at)
SELECT j.jenis, 'dikirim', 'kantor', %(bulan)s, p.nik, '', 'Warga ' || g, '', '',
    kel.id, kel.parent_id, '',
    CASE WHEN j.jenis = 'penonaktifan' THEN 'meninggal' ELSE '' END, '', '', '',
    CASE WHEN j.jenis = 'perbaikan_data' THEN 'nama' ELSE '' END, '',
    CASE WHEN j.jenis = 'perbaikan_data' THEN 'Warga ' || (g * 37) ELSE '' END, '', '', '',
    %(oleh)s, 'sesuai', '', '', (%(batch)s::bigint[])[j.i], 1 + (g * 37 + g %% 3) %% 10, 0,
    now(), now()
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (SELECT 1 + g %% 5 AS i) AS k
CROSS JOIN LATERAL (SELECT k.i, (%(jenis)s::text[])[k.i] AS jenis) AS j
CROSS JOIN LATERAL (
    SELECT CASE WHEN g %% 2 = 0 THEN '1872' || lpad((g * 37)::text, 12, '0')
                ELSE '1873' || lpad(g::text, 12, '0') END AS nik
) AS p
JOIN LATERAL (
    SELECT id, parent_id FROM {wilayah}
    WHERE id = (%(kelurahan)s::bigint[])[1 + g %% %(jumlah_kelurahan)s]
) AS kel ON true
"""


def seed(baris: int, usulan: int, *, reuse: bool, database: str) -> int:
    """Create (or reuse) the snapshot and the sent proposals; return the snapshot's id."""
    from django.core.management import call_command
    from django.db import connection

    from dinsos import services
    from dinsos.models import User, Wilayah
    from dinsos.raw_sql import db_table
    from dtsen.models import DtsenRecord, Snapshot
    from dtsen.services import partisi
    from pemutakhiran.models import BatchSiks, Riwayat, Usulan

    call_command("migrate", verbosity=0)
    if not Wilayah.objects.exists():
        call_command("load_wilayah", verbosity=0)
    kota = Wilayah.objects.get(kode="18.72", berlaku_sampai__isnull=True)
    kelurahan = list(
        Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KELURAHAN,
            berlaku_sampai__isnull=True,
            kode__startswith="18.72.",
        )
        .order_by("kode")
        .values_list("pk", flat=True)
    )
    operator = User.objects.filter(username="bench-operator").first() or services.user_create(
        username="bench-operator",
        password="Bench-Sandi-2025!",  # noqa: S106 (local benchmark account)
        role=User.Role.OPERATOR,
        nama="bench-operator",
        wilayah=[kota],
    )
    snapshot = Snapshot.objects.filter(nama_file="bench-usulan.csv").first()
    if reuse and snapshot and snapshot.baris_valid == baris and Usulan.objects.count() == usulan:
        print(f"Memakai {baris:,} baris dan {usulan:,} usulan yang ada di {database}.")
        return snapshot.pk
    if "bench" not in database:
        sys.exit(f"Menolak mengosongkan {database}: hanya basis data *bench* yang boleh.")
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {db_table(Riwayat)}, {db_table(Usulan)}, {db_table(BatchSiks)}, "
            f"{db_table(DtsenRecord)} CASCADE"
        )
    Snapshot.objects.filter(nama_file="bench-usulan.csv").delete()
    snapshot = Snapshot.objects.create(
        jenis="dtsen",
        file="bench/usulan.csv",
        nama_file="bench-usulan.csv",
        sha256="b" * 64,
        tanggal_data=TANGGAL_DATA,
        wilayah=kota,
        status=Snapshot.Status.SIAP_DITINJAU,
        baris_valid=baris,
        created_by=operator,
    )
    partisi.siapkan(snapshot.pk)  # its records are written below, past the loader
    batch = [
        BatchSiks.objects.create(
            bulan=BULAN,
            jenis=jenis,
            file=f"bench/{jenis}.xlsx",
            sha256="0" * 64,
            jumlah_baris=0,
            dibuat_oleh=operator,
        ).pk
        for jenis in JENIS
    ]
    common = {"kelurahan": kelurahan, "jumlah_kelurahan": len(kelurahan)}
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORDS.format(record=db_table(DtsenRecord)),
            {**common, "snapshot": snapshot.pk, "n": baris},
        )
        cursor.execute(
            _USULAN.format(usulan=db_table(Usulan), wilayah=db_table(Wilayah)),
            {
                **common,
                "n": usulan,
                "bulan": BULAN,
                "oleh": operator.pk,
                "batch": batch,
                "jenis": JENIS,
            },
        )
        cursor.execute(f"VACUUM (ANALYZE) {db_table(DtsenRecord)}")
        cursor.execute(f"VACUUM (ANALYZE) {db_table(Usulan)}")
    seconds = time.monotonic() - started
    print(f"Seeding: {baris:,} baris snapshot, {usulan:,} usulan in {seconds:.1f} s")
    return snapshot.pk


def run(snapshot_id: int) -> float:
    """Time the matching inside a transaction that is rolled back; print the outcomes."""
    from django.db import transaction
    from django.db.models import Count

    from dtsen.models import Snapshot
    from pemutakhiran.models import Usulan
    from pemutakhiran.services import usulan_cocokkan

    snapshot = Snapshot.objects.get(pk=snapshot_id)
    with transaction.atomic():
        started = time.perf_counter()
        jumlah = usulan_cocokkan(
            snapshot_id=snapshot.pk,
            jenis=snapshot.jenis,
            wilayah_id=snapshot.wilayah_id,
            tanggal_data=snapshot.tanggal_data,
        )
        seconds = time.perf_counter() - started
        hasil = dict(Usulan.objects.values_list("status").annotate(n=Count("pk")).order_by())
        transaction.set_rollback(True)
    print(f"Dicocokkan: {jumlah:,} usulan; hasil {hasil}")
    return seconds


def main() -> int:
    args = parse_args()
    url = bench_database_url()
    database = ensure_database(url)
    configure_django(url)
    snapshot_id = seed(args.baris, args.usulan, reuse=args.reuse, database=database)
    seconds = run(snapshot_id)
    status = "OK" if seconds <= TARGET_S else "LEWAT TARGET"
    print(
        f"Pencocokan {args.usulan:,} usulan terhadap {args.baris:,} baris: {seconds:.2f} s "
        f"(target ≤ {TARGET_S:.0f} s) {status}"
    )
    return 0 if seconds <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
