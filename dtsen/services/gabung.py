"""The end of a reconciliation run: its staging rows folded into Temuan in one transaction.

Carry-over rules (fingerprints, reopen, auto-close) are written down in the docstring of
dtsen/services/rekonsiliasi.py.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dinsos.raw_sql import db_table
from dtsen.models import Rekonsiliasi, Temuan, TemuanHasil, TemuanRiwayat

logger = logging.getLogger(__name__)
S = Rekonsiliasi.Status


def mark_cancelled(run_id: int) -> None:
    """End a run as cancelled and drop its staging rows; no finding changes."""
    now = timezone.now()
    Rekonsiliasi.objects.filter(pk=run_id, status__in=Rekonsiliasi.SEDANG_BERJALAN).update(
        status=S.DIBATALKAN, tahap="", finished_at=now, updated_at=now
    )
    TemuanHasil.objects.filter(rekonsiliasi_id=run_id).delete()
    logger.info("rekonsiliasi %s berhenti: dibatalkan", run_id)


# --- Merging the staging rows into findings -------------------------------------------------
# Findings computed again (same fingerprint): a closed one (the anomaly came back) reopens from
# "belum diperiksa"; an open one keeps its follow-up and is written only when a shown value
# changed (issue 21: a re-run of unchanged data writes no finding). An open finding is seen by
# the latest finished run of its kind and area (every run closes the open findings it did not
# compute), so `last_seen_run` is not rewritten on each run: `temuan_terlihat_terakhir` reads
# it for open findings; closing sets it to the last run that saw the finding.
# clock_timestamp(): the trail keeps the real order even inside one long transaction.
_TERLIHAT = f"""
    WITH cocok AS MATERIALIZED (
        SELECT t.id, t.closed_at IS NOT NULL AS was_closed, h.rincian, h.skor, h.nama,
            h.no_kk, h.keluarga_id, h.anggota_id, h.kelurahan_id, h.kecamatan_id
        FROM {db_table(TemuanHasil)} h JOIN {db_table(Temuan)} t ON t.sidik = h.sidik
        WHERE h.rekonsiliasi_id = %(run)s
    ),
    diperbarui AS (
        UPDATE {db_table(Temuan)} t SET last_seen_run_id = %(run)s, rincian = c.rincian,
            skor = c.skor, nama = c.nama, no_kk = c.no_kk, keluarga_id = c.keluarga_id,
            anggota_id = c.anggota_id, kelurahan_id = c.kelurahan_id,
            kecamatan_id = c.kecamatan_id, closed_at = NULL, closed_run_id = NULL,
            alasan_tutup = '',
            tahap = CASE WHEN c.was_closed THEN 'belum_diperiksa' ELSE t.tahap END,
            keputusan = CASE WHEN c.was_closed THEN '' ELSE t.keputusan END,
            updated_at = now()
        FROM cocok c WHERE t.id = c.id AND (c.was_closed OR (t.rincian, t.skor, t.nama,
            t.no_kk, t.keluarga_id, t.anggota_id, t.kelurahan_id, t.kecamatan_id)
            IS DISTINCT FROM (c.rincian, c.skor, c.nama, c.no_kk, c.keluarga_id, c.anggota_id,
            c.kelurahan_id, c.kecamatan_id))
        RETURNING 1
    ),
    riwayat AS (
        INSERT INTO {db_table(TemuanRiwayat)} (temuan_id, aksi, tahap, keputusan, catatan, bukti,
            jenis_bukti, tipe_bukti, rekonsiliasi_id, created_at)
        SELECT id, 'dibuka_lagi', '', '', %(catatan_muncul)s, '', '', '', %(run)s,
            clock_timestamp()
        FROM cocok WHERE was_closed
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE NOT was_closed), count(*) FILTER (WHERE was_closed)
    FROM cocok
"""  # noqa: S608 (table names from model metadata only)
# New fingerprints. One that replaces a finding of the same subject (the compared values
# changed) links to it and keeps its pendamping.
_BARU = f"""
    WITH baru AS MATERIALIZED (
        SELECT h.* FROM {db_table(TemuanHasil)} h
        WHERE h.rekonsiliasi_id = %(run)s
          AND NOT EXISTS (SELECT 1 FROM {db_table(Temuan)} t WHERE t.sidik = h.sidik)
    ),
    hasil AS (
        INSERT INTO {db_table(Temuan)} (jenis, wilayah_id, kategori, kunci, sidik, nik, no_kk, nama,
            keluarga_id, anggota_id, kelurahan_id, kecamatan_id, skor, rincian, tahap,
            keputusan, pendamping_id, ditugaskan_at, first_seen_run_id, last_seen_run_id,
            alasan_tutup, sebelumnya_id, created_at, updated_at)
        SELECT %(jenis)s, %(wilayah)s, h.kategori, h.kunci, h.sidik, h.nik, h.no_kk, h.nama,
            h.keluarga_id, h.anggota_id, h.kelurahan_id, h.kecamatan_id, h.skor, h.rincian,
            'belum_diperiksa', '', lama.pendamping_id, lama.ditugaskan_at, %(run)s, %(run)s, '',
            lama.id, now(), now()
        FROM baru h
        LEFT JOIN LATERAL (
            SELECT p.id, p.pendamping_id, p.ditugaskan_at FROM {db_table(Temuan)} p
            WHERE p.kunci = h.kunci AND p.wilayah_id = %(wilayah)s ORDER BY p.id DESC LIMIT 1
        ) lama ON true
        ON CONFLICT (sidik) DO NOTHING
        RETURNING id, sebelumnya_id
    ),
    riwayat AS (
        INSERT INTO {db_table(TemuanRiwayat)} (temuan_id, aksi, tahap, keputusan, catatan, bukti,
            jenis_bukti, tipe_bukti, rekonsiliasi_id, created_at)
        SELECT id, 'dibuka_lagi', '', '',
            'Data berubah sejak temuan #' || sebelumnya_id || '; diperiksa ulang.', '', '', '',
            %(run)s, clock_timestamp()
        FROM hasil WHERE sebelumnya_id IS NOT NULL
        RETURNING 1
    )
    SELECT count(*), count(sebelumnya_id) FROM hasil
"""  # noqa: S608 (table names from model metadata only)
_RIWAYAT_SISTEM = """
    INSERT INTO {riwayat} (temuan_id, aksi, tahap, keputusan, catatan, bukti,
        jenis_bukti, tipe_bukti, rekonsiliasi_id, created_at)
    SELECT id, %(aksi)s, '', '', {catatan}, '', '', '', %(run)s, clock_timestamp() FROM hasil
"""
_CATATAN_TUTUP = (
    "CASE alasan_tutup WHEN 'data_berubah' THEN %(catatan_berubah)s ELSE %(catatan_hilang)s END"
)
# Open findings of this kind and area that the run did not compute: the anomaly is gone (or
# a finding with new values, the same subject, replaced it). They stay, closed, in history,
# last seen by the previous finished run of their kind and area.
_TUTUP = f"""
    WITH dihitung AS MATERIALIZED (
        SELECT sidik, kunci FROM {db_table(TemuanHasil)} WHERE rekonsiliasi_id = %(run)s
    ),
    hasil AS (
        UPDATE {db_table(Temuan)} t SET closed_at = now(), closed_run_id = %(run)s,
            last_seen_run_id = COALESCE(%(sebelumnya)s, t.last_seen_run_id),
            alasan_tutup = CASE WHEN x.berubah THEN 'data_berubah' ELSE 'anomali_hilang' END,
            updated_at = now()
        FROM (
            SELECT o.id, k.kunci IS NOT NULL AS berubah
            FROM {db_table(Temuan)} o
            LEFT JOIN (SELECT DISTINCT kunci FROM dihitung) k ON k.kunci = o.kunci
            WHERE o.jenis = %(jenis)s AND o.wilayah_id = %(wilayah)s AND o.closed_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM dihitung h WHERE h.sidik = o.sidik)
        ) x
        WHERE t.id = x.id
        RETURNING t.id, t.alasan_tutup
    )
""" + _RIWAYAT_SISTEM.format(  # noqa: S608 (table names from model metadata only)
    catatan=_CATATAN_TUTUP, riwayat=db_table(TemuanRiwayat)
)
_HITUNG = f"""
    SELECT kecamatan_id, kategori, count(*) FROM {db_table(TemuanHasil)}
    WHERE rekonsiliasi_id = %(run)s GROUP BY kecamatan_id, kategori
"""  # noqa: S608 (table names from model metadata only)


def rekonsiliasi_merge(*, rekonsiliasi_id: int) -> Rekonsiliasi | None:
    """Fold a run's staging rows into Temuan in one transaction (carry-over, reopen, close),
    count them and finish the run. Idempotent: a finished run is left alone."""
    with transaction.atomic():
        run = Rekonsiliasi.objects.select_for_update().get(pk=rekonsiliasi_id)
        if run.status != S.BERJALAN:
            return None
        if run.is_batal_diminta:
            mark_cancelled(run.pk)
            return Rekonsiliasi.objects.get(pk=run.pk)
        started = time.perf_counter()
        sebelumnya = (
            Rekonsiliasi.objects.filter(
                jenis=run.jenis, wilayah_id=run.wilayah_id, status=S.SELESAI
            )
            .exclude(pk=run.pk)
            .order_by("-finished_at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        params: dict[str, Any] = {
            "run": run.pk,
            "sebelumnya": sebelumnya,
            "jenis": run.jenis,
            "wilayah": run.wilayah_id,
            "aksi": "",
            "catatan_muncul": f"Anomali muncul lagi pada rekonsiliasi #{run.pk}.",
            "catatan_berubah": "Data berubah; diganti temuan baru.",
            "catatan_hilang": f"Anomali tidak ditemukan lagi pada rekonsiliasi #{run.pk}.",
        }
        waktu: dict[str, float] = {}

        def execute(label: str, sql: str, extra: dict[str, Any] | None = None) -> None:
            t0 = time.perf_counter()
            cursor.execute(sql, {**params, **(extra or {})})
            waktu[f"gabung: {label}"] = round(time.perf_counter() - t0, 3)

        with connection.cursor() as cursor:
            # The run's staging rows are new to the planner: sampled, they plan as what
            # they are (a few hundred thousand rows, not a few hundred).
            execute("statistik", f"ANALYZE {db_table(TemuanHasil)}")
            execute("terlihat lagi", _TERLIHAT)
            tetap, muncul_lagi = cursor.fetchone()
            execute("baru", _BARU)
            baru, berubah = cursor.fetchone()
            # The open findings were just inserted or reopened in this transaction, so the
            # planner takes them for one row and anti-joins them to the staged rows in a
            # nested loop: 5.100 findings × 285.000 staged rows ran for minutes (bench/
            # reconcile.py, PBI-JK vs DTSEN). Hash joins only, for this statement.
            cursor.execute("SET LOCAL enable_nestloop = off")
            execute("tutup", _TUTUP, {"aksi": "ditutup"})
            ditutup = cursor.rowcount
            cursor.execute("SET LOCAL enable_nestloop = on")
            execute("hitung", _HITUNG)
            counts = cursor.fetchall()
        jumlah: dict[str, int] = {}
        per_kecamatan: dict[str, dict[str, int]] = {}
        for kecamatan_id, kategori, n in counts:
            jumlah[kategori] = jumlah.get(kategori, 0) + n
            per_kecamatan.setdefault(str(kecamatan_id), {})[kategori] = n
        TemuanHasil.objects.filter(rekonsiliasi_id=run.pk).delete()
        now = timezone.now()
        run.status = S.SELESAI
        run.tahap = ""
        run.langkah_selesai = run.langkah_total
        run.jumlah = jumlah
        run.jumlah_kecamatan = per_kecamatan
        run.jumlah_tetap = tetap
        run.jumlah_baru = baru - berubah
        run.jumlah_dibuka_lagi = berubah + muncul_lagi
        run.jumlah_ditutup = ditutup
        waktu["gabung"] = round(time.perf_counter() - started, 3)
        run.durasi = {**run.durasi, **waktu}
        run.finished_at = now
        run.progres_pada = now
        run.save(
            update_fields=[
                "status",
                "tahap",
                "langkah_selesai",
                "jumlah",
                "jumlah_kecamatan",
                "jumlah_tetap",
                "jumlah_baru",
                "jumlah_dibuka_lagi",
                "jumlah_ditutup",
                "durasi",
                "finished_at",
                "progres_pada",
                "updated_at",
            ]
        )
    with connection.cursor() as cursor:
        # A run rewrites many findings: fresh statistics keep the list pages on their indexes.
        cursor.execute(f"ANALYZE {db_table(Temuan)}")
    logger.info(
        "rekonsiliasi %s selesai: %s temuan (%s baru, %s ditutup)",
        run.pk,
        sum(jumlah.values()),
        run.jumlah_baru,
        ditutup,
    )
    return run
