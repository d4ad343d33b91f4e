"""Province-scale data set for benchmarks: 100.000 families on top of the demo data.

    .venv/bin/python bench/skala_provinsi.py --db dinsos_bench_provinsi
    .venv/bin/python bench/skala_provinsi.py --db dinsos_x --keluarga 20000 --kelompok 2400 \
        --dtsen 200000 --temuan 60000            # a smaller copy with the same shape

What it builds (defaults), in the named database (created and migrated when missing; its name
must contain "bench", "skala" or "provinsi", so a working database is never filled):
- the demo data of `manage.py seed_demo` (accounts of every persona, 6.000 families, a year of
  P2K2, komitmen, kunjungan, pengaduan, usulan): every page has realistic objects to show;
- pendamping up to 400 (users, profiles, areas: round-robin over the 22 kelurahan);
- families up to 100.000 (~400.000 members) with demo.keluarga.generate_keluarga (COPY in
  batches, the same generator as seed_demo), each with an open penugasan;
- P2K2 groups up to 12.000: every family without a group joins one of its pendamping's groups,
  each group with 12 monthly meetings over the past year and every member's attendance
  (~1,2 million Kehadiran rows);
- one applied DTSEN snapshot of 1.000.000 rows: every KPM member (with the family's desil)
  plus generated residents, and the snapshot it replaced;
- one finished KPM–DTSEN reconciliation run with 300.000 open findings over every category,
  linked to KPM members where the category is about one, some assigned to pendamping.

Everything past seed_demo and the families is INSERT … SELECT over generate_series (set-based,
no ORM loop). Each stage is skipped when its table already holds the target, so a re-run only
completes what is missing; --fresh drops and recreates the database first. Finally ANALYZE.
Other benches import `build(db=…)` or run this script, then point DATABASE_URL at the database.
Timings of each stage are printed (2-core machine, one run: about 6–8 minutes in all).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.parse
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_DB = "dinsos_bench_provinsi"
ALLOWED_NAME_PARTS = ("bench", "skala", "provinsi")
SEED = 1872
DEFAULTS = {
    "keluarga": 100_000,
    "pendamping": 400,
    "kelompok": 12_000,
    "dtsen": 1_000_000,
    "temuan": 300_000,
}
MEETINGS_PER_GROUP = 12  # one a month over the past year


def database_url(db: str) -> str:
    """DATABASE_URL's server (or the local default) with the database name replaced."""
    base = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/" + db))


def ensure_database(db: str, *, fresh: bool) -> str:
    if not any(part in db for part in ALLOWED_NAME_PARTS):
        sys.exit(f"Menolak {db}: nama basis data harus memuat salah satu {ALLOWED_NAME_PARTS}.")
    url = database_url(db)
    maintenance = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if fresh:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db))
            )
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
            print(f"Basis data {db} dibuat.")
    return url


def configure_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


class _Stage:
    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> _Stage:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        print(f"  {self.name}: {time.monotonic() - self.started:.1f} s", flush=True)


def _one(query: str, params: dict | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params or {})
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def _run(query: str, params: dict | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params or {})
        return cursor.rowcount


def _seed_demo() -> None:
    from django.core.management import call_command

    from dinsos.models import User

    call_command("migrate", verbosity=0)
    if not User.objects.exists():
        with _Stage("seed_demo (6.000 keluarga, data demo setahun)"):
            call_command("seed_demo", verbosity=0)


def _pendamping(target: int) -> None:
    existing = _one("SELECT count(*) FROM pendamping_pendamping")
    missing = target - existing
    if missing <= 0:
        return
    with _Stage(f"{missing} pendamping"):
        params = {"n": missing}
        _run(
            """
            INSERT INTO dinsos_user (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined, role, updated_at)
            SELECT '!', false, 'prov-pkh-' || lpad(g::text, 4, '0'),
                   (ARRAY['Siti','Ahmad','Dewi','Budi','Rina','Agus','Sri','Eko','Wati','Joko',
                          'Nur','Hendra'])[1 + g %% 12] || ' ' ||
                   (ARRAY['Lestari','Saputra','Wulandari','Nugroho','Rahayu','Kurniawan',
                          'Maharani','Setiawan','Handayani','Pratama','Susanti'])[1 + g %% 11],
                   '', '', false, true, now(), 'pendamping', now()
            FROM generate_series(1, %(n)s) AS g
            ON CONFLICT (username) DO NOTHING
            """,
            params,
        )
        _run(
            """
            WITH kel AS (
                SELECT id, row_number() OVER (ORDER BY kode) - 1 AS i, count(*) OVER () AS n
                FROM dinsos_wilayah
                WHERE tingkat = 'kelurahan' AND berlaku_sampai IS NULL
            ), baru AS (
                SELECT u.id, substring(u.username FROM 10)::int AS g
                FROM dinsos_user u
                WHERE u.username LIKE 'prov-pkh-%%'
                  AND NOT EXISTS (SELECT 1 FROM dinsos_user_wilayah uw WHERE uw.user_id = u.id)
            )
            INSERT INTO dinsos_user_wilayah (user_id, wilayah_id)
            SELECT baru.id, kel.id FROM baru JOIN kel ON kel.i = baru.g %% kel.n
            """
        )
        _run(
            """
            INSERT INTO pendamping_pendamping (nama, jenis, nik, telepon, mulai, selesai,
                is_wilayah_sulit, created_at, updated_at, user_id)
            SELECT u.first_name, 'pkh',
                   '187205' || to_char(date '1980-01-01' + (g %% 3650), 'DDMMYY')
                       || lpad((5000 + g)::text, 4, '0'),
                   '0812' || lpad((g * 7919 %% 100000000)::text, 8, '0'),
                   date '2019-01-02' + (g %% 900), NULL, g %% 17 = 0, now(), now(), u.id
            FROM dinsos_user u, LATERAL (SELECT substring(u.username FROM 10)::int AS g) s
            WHERE u.username LIKE 'prov-pkh-%%'
              AND NOT EXISTS (SELECT 1 FROM pendamping_pendamping p WHERE p.user_id = u.id)
            """
        )
        _run(
            """
            INSERT INTO pendamping_pendamping_wilayah (pendamping_id, wilayah_id)
            SELECT p.id, uw.wilayah_id
            FROM pendamping_pendamping p JOIN dinsos_user u ON u.id = p.user_id
            JOIN dinsos_user_wilayah uw ON uw.user_id = u.id
            WHERE u.username LIKE 'prov-pkh-%%'
            ON CONFLICT DO NOTHING
            """
        )


def _keluarga(target: int) -> None:
    from demo.keluarga import generate_keluarga
    from dinsos.models import User, Wilayah
    from dinsos.pengaturan import today

    existing = _one("SELECT count(*) FROM kpm_keluarga")
    missing = target - existing
    if missing > 0:
        kelurahan = list(
            Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN, berlaku_sampai__isnull=True)
        )
        pendamping = list(User.objects.filter(username__startswith="prov-pkh-").order_by("pk"))
        with _Stage(f"{missing:,} keluarga (COPY: demo.keluarga)".replace(",", ".")):
            generate_keluarga(
                n=missing, seed=SEED + existing, kelurahan=kelurahan, pendamping=pendamping,
                today=today(),
            )  # fmt: skip
    with _Stage("penugasan keluarga tanpa penugasan terbuka"):
        _run(
            """
            INSERT INTO pendamping_penugasan (mulai, selesai, created_at, updated_at,
                keluarga_id, oleh_id, pendamping_id)
            SELECT k.tanggal_terdaftar, NULL, now(), now(), k.id,
                   (SELECT min(id) FROM dinsos_user WHERE role = 'admin'), k.pendamping_id
            FROM kpm_keluarga k
            WHERE k.pendamping_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM pendamping_penugasan p
                              WHERE p.keluarga_id = k.id AND p.selesai IS NULL)
            """
        )


def _p2k2(target: int) -> None:
    existing = _one("SELECT count(*) FROM p2k2_kelompok")
    tanpa = _one(
        """
        SELECT count(*) FROM kpm_keluarga k
        WHERE k.status = 'aktif' AND k.pendamping_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM p2k2_keanggotaan a WHERE a.keluarga_id = k.id AND a.selesai IS NULL)
        """
    )
    if existing < target and tanpa:
        _kelompok(tanpa, target - existing)
    _pertemuan()
    _ringkasan_p2k2()


def _ringkasan_p2k2() -> None:
    """The recaps read summaries kept by the services; these rows came by SQL (issue 21)."""
    from p2k2.services.ringkasan import ringkasan_bangun_ulang

    with _Stage("ringkasan P2K2"):
        ringkasan_bangun_ulang()


def _kelompok(tanpa: int, baru: int) -> None:
    size = max(1, -(-tanpa // baru))  # ceil: families per new group
    params = {"size": size}
    with _Stage(f"kelompok P2K2 (±{size} keluarga per kelompok)"):
        _run("DROP TABLE IF EXISTS skala_anggota_kelompok")
        _run(
            """
            CREATE UNLOGGED TABLE skala_anggota_kelompok AS
            SELECT k.id AS keluarga_id, k.pendamping_id, k.kelurahan_id,
                   (row_number() OVER (PARTITION BY k.pendamping_id ORDER BY k.kelurahan_id, k.id)
                    - 1) / %(size)s AS nomor
            FROM kpm_keluarga k
            WHERE k.status = 'aktif' AND k.pendamping_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM p2k2_keanggotaan a WHERE a.keluarga_id = k.id AND a.selesai IS NULL)
            """,
            params,
        )
        _run("DROP TABLE IF EXISTS skala_kelompok")
        _run(
            """
            CREATE UNLOGGED TABLE skala_kelompok AS
            SELECT s.pendamping_id, s.nomor, s.kelurahan_id, s.ketua,
                   w.nama || ' P' || s.pendamping_id || '-' || (s.nomor + 1) AS nama
            FROM (SELECT pendamping_id, nomor, min(kelurahan_id) AS kelurahan_id,
                         min(keluarga_id) AS ketua
                  FROM skala_anggota_kelompok GROUP BY pendamping_id, nomor) s
            JOIN dinsos_wilayah w ON w.id = s.kelurahan_id
            """
        )
        _run(
            """
            INSERT INTO p2k2_kelompok (nama, tempat, created_at, updated_at, kelurahan_id,
                ketua_id, pendamping_id)
            SELECT nama, 'Rumah ketua kelompok', now(), now(), kelurahan_id, ketua, pendamping_id
            FROM skala_kelompok
            ON CONFLICT DO NOTHING
            """
        )
        _run(
            """
            INSERT INTO p2k2_keanggotaan (mulai, selesai, created_at, updated_at, keluarga_id,
                oleh_id, kelompok_id)
            SELECT current_date - 400, NULL, now(), now(), s.keluarga_id, s.pendamping_id, g.id
            FROM skala_anggota_kelompok s
            JOIN skala_kelompok sk ON sk.pendamping_id = s.pendamping_id AND sk.nomor = s.nomor
            JOIN p2k2_kelompok g ON g.pendamping_id = sk.pendamping_id AND g.nama = sk.nama
            """
        )
        _run("DROP TABLE skala_kelompok")
        _run("DROP TABLE skala_anggota_kelompok")


def _pertemuan() -> None:
    with _Stage(f"pertemuan ({MEETINGS_PER_GROUP} per kelompok baru)"):
        _run(
            """
            INSERT INTO p2k2_pertemuan (client_id, topik, nama_kegiatan, tanggal, jam_mulai,
                jam_selesai, tempat, narasumber_1, narasumber_2, narasumber_3, deskripsi, foto,
                foto_lat, foto_lng, status, created_at, updated_at, dibuat_oleh_id, kelompok_id,
                sesi_id, is_terpisah)
            SELECT gen_random_uuid(), '', '',
                   current_date - (m * 30 + g.id %% 28 + 1)::int,
                   CASE WHEN g.id %% 2 = 0 THEN time '09:00' ELSE time '13:30' END,
                   CASE WHEN g.id %% 2 = 0 THEN time '10:30' ELSE time '15:00' END,
                   'Rumah ketua kelompok', u.first_name || ' (Pendamping PKH)', '', '',
                   'Pertemuan dilaksanakan di rumah ketua kelompok.', '', NULL, NULL,
                   'terlaksana', now(), now(), g.pendamping_id, g.id,
                   sesi.ids[1 + (g.id + %(m_total)s - m) %% array_length(sesi.ids, 1)],
                   false
            FROM p2k2_kelompok g JOIN dinsos_user u ON u.id = g.pendamping_id
            CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM p2k2_sesi) sesi
            CROSS JOIN generate_series(0, %(m_total)s - 1) AS m
            WHERE NOT EXISTS (SELECT 1 FROM p2k2_pertemuan p WHERE p.kelompok_id = g.id)
            """,
            {"m_total": MEETINGS_PER_GROUP},
        )
    with _Stage("kehadiran setiap anggota kelompok"):
        _run(
            """
            INSERT INTO p2k2_kehadiran (status, pemahaman, versi, perangkat, created_at,
                updated_at, keluarga_id, recorded_by_id, pertemuan_id)
            SELECT CASE WHEN h < 80 THEN 'hadir' WHEN h < 87 THEN 'izin'
                        WHEN h < 93 THEN 'sakit' ELSE 'alfa' END,
                   CASE WHEN h >= 80 THEN '' WHEN h < 35 THEN 'baik' WHEN h < 50 THEN 'sangat_baik'
                        WHEN h < 57 THEN 'kurang' ELSE '' END,
                   1, NULL, p.tanggal + time '12:00', p.tanggal + time '12:00',
                   a.keluarga_id, p.dibuat_oleh_id, p.id
            FROM p2k2_pertemuan p
            JOIN p2k2_keanggotaan a ON a.kelompok_id = p.kelompok_id AND a.selesai IS NULL,
            LATERAL (SELECT (hashint8(p.id * 100003 + a.keluarga_id) & 2147483647) %% 100 AS h) x
            WHERE NOT EXISTS (SELECT 1 FROM p2k2_kehadiran k WHERE k.pertemuan_id = p.id)
            ON CONFLICT DO NOTHING
            """
        )


_NAMA_DEPAN = ["siti", "ahmad", "dewi", "budi", "rina", "agus", "sri", "eko", "wati", "joko"]
_NAMA_DEPAN += ["nur", "hendra", "putri", "made", "tri", "kartini", "slamet", "yuli", "bambang"]
_NAMA_DEPAN += ["ani", "rudi", "lina", "dedi", "maya"]
_NAMA_BELAKANG = ["lestari", "saputra", "wulandari", "nugroho", "rahayu", "kurniawan"]
_NAMA_BELAKANG += ["maharani", "setiawan", "handayani", "pratama", "susanti", "hidayat"]
_NAMA_BELAKANG += ["permata", "santoso", "utami", "wibowo", "aminah", "purnomo", "safitri"]
_NAMA_BELAKANG += ["gunawan"]


def _dtsen(target: int) -> None:
    if _one("SELECT count(*) FROM dtsen_snapshot WHERE jenis = 'dtsen'"):
        return
    with _Stage(f"snapshot DTSEN {target:,} baris".replace(",", ".")):
        kota = _one("SELECT id FROM dinsos_wilayah WHERE tingkat = 'kabkota' ORDER BY id LIMIT 1")
        admin = _one("SELECT min(id) FROM dinsos_user WHERE role = 'admin'")
        operator = _one("SELECT min(id) FROM dinsos_user WHERE role = 'operator'")
        params = {"kota": kota, "admin": admin, "operator": operator, "n": target}
        _run(
            """
            INSERT INTO dtsen_snapshot (jenis, file, nama_file, ukuran_file, sha256,
                tanggal_data, status, tahap, pesan_gagal, progres, progres_pada, baris_dibaca,
                baris_valid, baris_ditolak, baris_peringatan, pemetaan_kolom, kolom_tak_dikenal,
                laporan, durasi, applied_at, created_at, updated_at, applied_by_id,
                created_by_id, wilayah_id, pembacaan)
            SELECT 'dtsen', '', nama, 0, md5(nama) || md5(nama || 'x'), tanggal, status, '', '',
                   100, now(), %(n)s, %(n)s, 0, 0, '{}', '[]', '', '{}',
                   now() - make_interval(days => umur), now() - make_interval(days => umur),
                   now(), %(admin)s, %(operator)s, %(kota)s, '{}'
            FROM (VALUES ('dtsen-maret.csv', date_trunc('quarter', current_date)::date - 92,
                          'riwayat', 95),
                         ('dtsen-terbaru.csv', date_trunc('quarter', current_date)::date,
                          'diterapkan', 3)) AS v(nama, tanggal, status, umur)
            ORDER BY umur DESC
            """,
            params,
        )
        _run(
            """
            INSERT INTO dtsen_penerapan (status, cakupan, kelurahan_ids, dampak, jumlah_hilang,
                jumlah_berubah, jumlah_dikembalikan, berubah_sejak, diterapkan_at, created_at,
                updated_at, diusulkan_oleh_id, snapshot_id)
            SELECT 'diterapkan', 'seluruh', '{}', '{}', 0, 0, 0, '{}', s.applied_at, s.applied_at,
                   s.applied_at, %(operator)s, s.id
            FROM dtsen_snapshot s WHERE s.jenis = 'dtsen' AND s.status = 'diterapkan'
            """,
            params,
        )
        # The snapshots' partitions of the record table (the loader would attach them).
        from dtsen.services import partisi

        partisi.siapkan_semua()
        # Every KPM member, with the family's desil (a few moved up or missing) ...
        anggota = _run(
            """
            INSERT INTO dtsen_dtsenrecord (baris, nik, no_kk, nama, tanggal_lahir, jenis_kelamin,
                hubungan, alamat, rt, rw, desil_nasional, desil_provinsi, desil_kabupaten_kota,
                kelurahan_id, snapshot_id)
            SELECT row_number() OVER (ORDER BY a.id) + 1, a.nik, k.no_kk, upper(a.nama),
                   a.tanggal_lahir, a.jenis_kelamin, '', k.alamat, k.rt, k.rw,
                   CASE WHEN a.id %% 50 = 0 THEN 6 ELSE coalesce(k.desil, 1 + a.id %% 4) END,
                   coalesce(k.desil, 1 + a.id %% 4), coalesce(k.desil, 1 + a.id %% 4),
                   k.kelurahan_id, s.id
            FROM kpm_anggota a JOIN kpm_keluarga k ON k.id = a.keluarga_id
            JOIN dtsen_snapshot s ON s.jenis = 'dtsen' AND s.status = 'diterapkan'
            WHERE a.id %% 97 <> 0
            """
        )
        # ... and residents outside the registry, four to a KK, up to the target.
        _run(
            """
            WITH kel AS (
                SELECT id, row_number() OVER (ORDER BY kode) - 1 AS i, count(*) OVER () AS n
                FROM dinsos_wilayah WHERE tingkat = 'kelurahan' AND berlaku_sampai IS NULL
            )
            INSERT INTO dtsen_dtsenrecord (baris, nik, no_kk, nama, tanggal_lahir, jenis_kelamin,
                hubungan, alamat, rt, rw, desil_nasional, desil_provinsi, desil_kabupaten_kota,
                kelurahan_id, snapshot_id)
            SELECT %(awal)s + g, '18720' || (1 + g %% 5)
                       || lpad((extract(day FROM lahir)::int
                                + CASE WHEN g %% 2 = 0 THEN 40 ELSE 0 END)::text, 2, '0')
                       || to_char(lahir, 'MMYY') || lpad((g %% 9000 + 1)::text, 4, '0'),
                   '18720' || (1 + g / 4 %% 5) || '9' || lpad((g / 4)::text, 9, '0'),
                   upper((%(depan)s::text[])[1 + g %% 24] || ' '
                         || (%(belakang)s::text[])[1 + g / 24 %% 20]),
                   lahir, CASE WHEN g %% 2 = 0 THEN 'P' ELSE 'L' END,
                   CASE WHEN g %% 4 = 0 THEN 'Kepala Keluarga' ELSE 'Anggota' END,
                   'Jl. Warga ' || (g / 4 %% 200 + 1), lpad((g %% 30 + 1)::text, 3, '0'),
                   lpad((g %% 9 + 1)::text, 3, '0'), 1 + g / 4 %% 10, 1 + g / 4 %% 10,
                   1 + g / 4 %% 10, kel.id, s.id
            FROM generate_series(1, greatest(%(n)s - %(awal)s, 0)) AS g
            CROSS JOIN LATERAL (SELECT date '1940-01-01' + (g * 37 %% 29000) AS lahir) l
            JOIN kel ON kel.i = (g / 4) %% kel.n
            JOIN dtsen_snapshot s ON s.jenis = 'dtsen' AND s.status = 'diterapkan'
            """,
            {"n": target, "awal": anggota, "depan": _NAMA_DEPAN, "belakang": _NAMA_BELAKANG},
        )


_KATEGORI_KPM = (
    "kpm_tidak_di_dtsen",
    "kemungkinan_cocok",
    "desil_di_atas_pkh",
    "kpm_tanpa_desil",
    "data_berbeda",
    "nik_dua_kk",
    "kk_anggota_berbeda",
    "desil_berubah",
)


def _temuan(target: int) -> None:
    if _one("SELECT count(*) FROM dtsen_temuan") >= target:
        return
    with _Stage(f"{target:,} temuan rekonsiliasi".replace(",", ".")):
        kota = _one("SELECT id FROM dinsos_wilayah WHERE tingkat = 'kabkota' ORDER BY id LIMIT 1")
        operator = _one("SELECT min(id) FROM dinsos_user WHERE role = 'operator'")
        params = {
            "kota": kota,
            "operator": operator,
            "n": target,
            "kategori": list(_KATEGORI_KPM),
        }
        run = _one(
            """
            INSERT INTO dtsen_rekonsiliasi (jenis, mode, status, tahap, langkah_total,
                langkah_selesai, progres_pada, aturan, is_batal_diminta, jumlah,
                jumlah_kecamatan, jumlah_baru, jumlah_tetap, jumlah_dibuka_lagi, jumlah_ditutup,
                durasi, pesan_gagal, started_at, finished_at, created_at, updated_at,
                snapshot_dtsen_id, snapshot_dtsen_lama_id, snapshot_pbijk_id, started_by_id,
                wilayah_id)
            SELECT 'kpm-dtsen', 'tunggal', 'selesai', '', 1, 1, now(), '{}', false, '{}', '{}',
                   %(n)s, 0, 0, 0, '{}', '', now() - interval '2 days',
                   now() - interval '2 days' + interval '30 seconds', now() - interval '2 days',
                   now(), baru.id, lama.id, NULL, %(operator)s, %(kota)s
            FROM dtsen_snapshot baru, dtsen_snapshot lama
            WHERE baru.jenis = 'dtsen' AND baru.status = 'diterapkan'
              AND lama.jenis = 'dtsen' AND lama.status = 'riwayat'
            RETURNING id
            """,
            params,
        )
        params["run"] = run
        _run(
            """
            CREATE TEMP TABLE skala_anggota AS
            SELECT a.id, a.nik, a.nama, k.id AS keluarga_id, k.no_kk, k.kelurahan_id,
                   w.parent_id AS kecamatan_id, k.pendamping_id,
                   row_number() OVER (ORDER BY a.id) - 1 AS i
            FROM kpm_anggota a JOIN kpm_keluarga k ON k.id = a.keluarga_id
            JOIN dinsos_wilayah w ON w.id = k.kelurahan_id
            """
        )
        _run("CREATE UNIQUE INDEX ON skala_anggota (i)")
        _run("ANALYZE skala_anggota")
        params["jumlah_anggota"] = _one("SELECT count(*) FROM skala_anggota")
        _run(
            """
            INSERT INTO dtsen_temuan (jenis, kategori, kunci, sidik, nik, no_kk, nama, skor,
                rincian, tahap, keputusan, ditugaskan_at, closed_at, alasan_tutup, diekspor_at,
                created_at, updated_at, anggota_id, closed_run_id, first_seen_run_id,
                kecamatan_id, keluarga_id, kelurahan_id, last_seen_run_id, pendamping_id,
                sebelumnya_id, wilayah_id)
            SELECT 'kpm-dtsen', kat, 'kpm-dtsen|' || kat || '|' || a.nik,
                   md5(%(kota)s || '|kpm-dtsen|' || kat || '|' || a.nik || '|' || g), a.nik,
                   a.no_kk, a.nama, CASE WHEN kat = 'kemungkinan_cocok' THEN 70 + g %% 30 END,
                   '{}', CASE WHEN g %% 10 = 0 THEN 'diverifikasi' ELSE 'belum_diperiksa' END,
                   '', CASE WHEN g %% 5 = 0 THEN now() - interval '1 day' END, NULL, '', NULL,
                   now() - interval '2 days', now() - interval '2 days', a.id, NULL, %(run)s,
                   a.kecamatan_id, a.keluarga_id, a.kelurahan_id, %(run)s,
                   CASE WHEN g %% 5 = 0 THEN a.pendamping_id END, NULL, %(kota)s
            FROM generate_series(0, %(n)s - 1) AS g
            CROSS JOIN LATERAL (SELECT (%(kategori)s::text[])[1 + g %% 8] AS kat) c
            JOIN skala_anggota a ON a.i = (g * 7) %% %(jumlah_anggota)s
            """,
            params,
        )
        _run("DROP TABLE skala_anggota")
        _run(
            """
            UPDATE dtsen_rekonsiliasi r SET jumlah = j.jumlah, jumlah_kecamatan = jk.jumlah
            FROM (SELECT jsonb_object_agg(kategori, n) AS jumlah FROM (
                    SELECT kategori, count(*) AS n FROM dtsen_temuan
                    WHERE first_seen_run_id = %(run)s GROUP BY kategori) x) j,
                 (SELECT jsonb_object_agg(kecamatan_id::text, per) AS jumlah FROM (
                    SELECT kecamatan_id, jsonb_object_agg(kategori, n) AS per FROM (
                        SELECT kecamatan_id, kategori, count(*) AS n FROM dtsen_temuan
                        WHERE first_seen_run_id = %(run)s GROUP BY kecamatan_id, kategori) z
                    GROUP BY kecamatan_id) y) jk
            WHERE r.id = %(run)s
            """,
            params,
        )


def _analyze() -> None:
    from django.db import connection

    with _Stage("VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def build(
    *,
    db: str = DEFAULT_DB,
    fresh: bool = False,
    keluarga: int = DEFAULTS["keluarga"],
    pendamping: int = DEFAULTS["pendamping"],
    kelompok: int = DEFAULTS["kelompok"],
    dtsen: int = DEFAULTS["dtsen"],
    temuan: int = DEFAULTS["temuan"],
) -> str:
    """Fill `db` to the given sizes (idempotent); return its DATABASE_URL."""
    url = ensure_database(db, fresh=fresh)
    configure_django(url)
    from django.db import connection

    started = time.monotonic()
    print(f"Skala provinsi di {db}:", flush=True)
    _seed_demo()
    _pendamping(pendamping)
    _keluarga(keluarga)
    _p2k2(kelompok)
    _dtsen(dtsen)
    _temuan(temuan)
    _analyze()
    counts = {
        "keluarga": "kpm_keluarga",
        "anggota": "kpm_anggota",
        "pendamping": "pendamping_pendamping",
        "kelompok P2K2": "p2k2_kelompok",
        "pertemuan": "p2k2_pertemuan",
        "kehadiran": "p2k2_kehadiran",
        "baris DTSEN": "dtsen_dtsenrecord",
        "temuan": "dtsen_temuan",
    }
    with connection.cursor() as cursor:
        for label, table in counts.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            print(f"  {label}: {cursor.fetchone()[0]:,}".replace(",", "."))
    print(f"Selesai dalam {time.monotonic() - started:.0f} s. DATABASE_URL={url}")
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default=DEFAULT_DB, help=f"nama basis data (bawaan {DEFAULT_DB})")
    parser.add_argument("--fresh", action="store_true", help="hapus dan buat ulang basis data")
    for name, value in DEFAULTS.items():
        parser.add_argument(f"--{name}", type=int, default=value, help=f"bawaan {value}")
    args = parser.parse_args()
    build(
        db=args.db,
        fresh=args.fresh,
        **{name: getattr(args, name) for name in DEFAULTS},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
