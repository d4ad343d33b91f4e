"""Running a reconciliation: plan its chunks, compare each in SQL, merge into findings.

The matching rules themselves are written in dtsen/services/rekonsiliasi.py's docstring;
the worker orchestrates these steps (dtsen.tasks), the `reconcile` command runs them here.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from dinsos.models import Wilayah
from dinsos.raw_sql import db_table
from dtsen.models import Rekonsiliasi, TemuanHasil
from dtsen.services import pencocokan
from dtsen.services.gabung import mark_cancelled, rekonsiliasi_merge
from dtsen.services.rekonsiliasi import (
    STATUS_KPM_DIBANDINGKAN,
    WORK_MEM,
    Potongan,
    S,
    _Dibatalkan,
)

logger = logging.getLogger(__name__)


def _kelurahan(kode_prefix: str) -> list[int]:
    # Every version of each kelurahan: an older snapshot row may point at a retired one.
    return list(
        Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KELURAHAN, kode__startswith=f"{kode_prefix}."
        ).values_list("pk", flat=True)
    )


def _potongan(run: Rekonsiliasi) -> list[Potongan]:
    wilayah = run.wilayah
    if run.mode == Rekonsiliasi.Mode.TUNGGAL:
        return [Potongan("", _kelurahan(wilayah.kode))]
    kecamatan = Wilayah.objects.filter(
        tingkat=Wilayah.Tingkat.KECAMATAN,
        kode__startswith=f"{wilayah.kode}.",
        berlaku_sampai__isnull=True,
    ).order_by("kode")
    return [Potongan(f"{k.nama}: ", _kelurahan(k.kode)) for k in kecamatan]


def _langkah(run: Rekonsiliasi) -> list[pencocokan.Langkah]:
    return pencocokan.langkah_list(run.jenis, has_dtsen_lama=run.snapshot_dtsen_lama_id is not None)


def _params(run: Rekonsiliasi, kelurahan: list[int]) -> dict[str, Any]:
    aturan = run.aturan
    pbijk = run.snapshot_pbijk
    return {
        "run": run.pk,
        "jenis": run.jenis,
        "wilayah": run.wilayah_id,
        "dtsen": run.snapshot_dtsen_id,
        "dtsen_lama": run.snapshot_dtsen_lama_id,
        "pbijk": run.snapshot_pbijk_id,
        "tanggal_pbijk": pbijk.tanggal_data if pbijk else None,
        "kelurahan": kelurahan,
        "status_kpm": [str(s) for s in STATUS_KPM_DIBANDINGKAN],
        "pkh": aturan["desil_maks_pkh"],
        "pbijk_maks": aturan["desil_maks_pbijk"],
        "bobot": aturan.get("bobot"),
        "ambang": aturan.get("ambang"),
        "pita_usulan": aturan.get("pita_usulan", ["sangat_mungkin", "mungkin"]),
        "nonaktif": pencocokan.NONAKTIF_REGEX,
    }


def _check_cancel(run_id: int) -> None:
    if Rekonsiliasi.objects.filter(pk=run_id, is_batal_diminta=True).exists():
        raise _Dibatalkan


def _advance(run_id: int, label: str) -> None:
    now = timezone.now()
    Rekonsiliasi.objects.filter(pk=run_id).update(
        langkah_selesai=Least(F("langkah_selesai") + 1, F("langkah_total")),
        tahap=label[:80],
        progres_pada=now,
        updated_at=now,
    )


def _add_durasi(run_id: int, durasi: dict[str, float]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {db_table(Rekonsiliasi)} SET durasi = durasi || %(durasi)s::jsonb"  # noqa: S608
            " WHERE id = %(id)s",
            {"durasi": json.dumps({k: round(v, 3) for k, v in durasi.items()}), "id": run_id},
        )


@contextmanager
def _session_for_compare() -> Iterator[None]:
    pencocokan.drop_temp_tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %(work_mem)s, false)", {"work_mem": WORK_MEM})
    try:
        yield
    finally:
        pencocokan.drop_temp_tables()
        with connection.cursor() as cursor:
            cursor.execute("RESET work_mem")


def _compare(run: Rekonsiliasi, potongan: Potongan) -> dict[str, float]:
    """Run every step of one chunk into the staging table; returns seconds per step."""
    params = _params(run, potongan.kelurahan)
    durasi: dict[str, float] = {}
    TemuanHasil.objects.filter(rekonsiliasi=run, kelurahan_id__in=potongan.kelurahan).delete()
    with _session_for_compare():
        for langkah in _langkah(run):
            _check_cancel(run.pk)
            started = time.perf_counter()
            langkah.run(params)
            durasi[f"{potongan.label}{langkah.label}"] = time.perf_counter() - started
            _advance(run.pk, f"{potongan.label}{langkah.label}")
    return durasi


@dataclass(frozen=True)
class RekonsiliasiMulai:
    """A run marked as running, with the chunks it compares."""

    run: Rekonsiliasi
    potongan: list[Potongan]


def _begin(rekonsiliasi_id: int) -> tuple[Rekonsiliasi, list[Potongan]] | None:
    with transaction.atomic():
        run = (
            Rekonsiliasi.objects.select_for_update()
            .select_related("wilayah")
            .get(pk=rekonsiliasi_id)
        )
        if not run.is_berjalan:
            return None  # finished, failed or cancelled: a duplicate delivery does nothing
        if run.is_batal_diminta:
            mark_cancelled(run.pk)
            return None
        potongan = _potongan(run)
        run.status = S.BERJALAN
        run.started_at = run.started_at or timezone.now()
        run.langkah_total = len(potongan) * len(_langkah(run)) + 1
        run.langkah_selesai = 0
        run.tahap = "Memulai"
        run.progres_pada = timezone.now()
        run.save(
            update_fields=[
                "status",
                "started_at",
                "langkah_total",
                "langkah_selesai",
                "tahap",
                "progres_pada",
                "updated_at",
            ]
        )
    # A redelivered run (worker lost) starts over.
    TemuanHasil.objects.filter(rekonsiliasi_id=run.pk).delete()
    return run, potongan


def rekonsiliasi_begin(*, rekonsiliasi_id: int) -> RekonsiliasiMulai | None:
    """Start a waiting run: mark it running and plan its chunks (one for mode "tunggal", one
    per kecamatan for mode "chord"). Returns None when there is nothing to run (finished,
    failed or cancelled: a duplicate delivery does nothing). A redelivered run starts over."""
    begun = _begin(rekonsiliasi_id)
    return RekonsiliasiMulai(*begun) if begun else None


def rekonsiliasi_compare_all(*, mulai: RekonsiliasiMulai) -> Rekonsiliasi | None:
    """Compare every chunk of a begun run in this process, one after another, then merge.
    None when the run was finished elsewhere meanwhile (a duplicate delivery merged it)."""
    run = mulai.run
    durasi: dict[str, float] = {}
    try:
        for potongan in mulai.potongan:
            durasi.update(_compare(run, potongan))
    except _Dibatalkan:
        mark_cancelled(run.pk)
        return Rekonsiliasi.objects.get(pk=run.pk)
    _add_durasi(run.pk, durasi)
    return rekonsiliasi_merge(rekonsiliasi_id=run.pk)


def rekonsiliasi_run(*, rekonsiliasi_id: int) -> Rekonsiliasi | None:
    """Run a waiting reconciliation wholly in this process (the `reconcile` command, tests);
    the worker fans a "chord" run out per kecamatan instead (dtsen.tasks). Safe to re-run: a
    finished run is left alone, an interrupted one starts over. Returns None if nothing ran."""
    mulai = rekonsiliasi_begin(rekonsiliasi_id=rekonsiliasi_id)
    return rekonsiliasi_compare_all(mulai=mulai) if mulai else None


def rekonsiliasi_chunk(*, rekonsiliasi_id: int, kelurahan: list[int], label: str) -> None:
    """Compare one kecamatan of a chord run into the staging table; stops quietly when the
    run was cancelled (the merge step then discards the run). Safe to re-run."""
    run = Rekonsiliasi.objects.select_related("wilayah").get(pk=rekonsiliasi_id)
    if run.status != S.BERJALAN:
        return
    started = time.perf_counter()
    try:
        _compare(run, Potongan(label, kelurahan))
    except _Dibatalkan:
        return
    _add_durasi(run.pk, {f"{label}total": time.perf_counter() - started})


def rekonsiliasi_fail(*, rekonsiliasi_id: int, pesan: str) -> None:
    """Mark a running reconciliation failed and drop its staging rows (findings untouched)."""
    now = timezone.now()
    Rekonsiliasi.objects.filter(pk=rekonsiliasi_id, status__in=Rekonsiliasi.SEDANG_BERJALAN).update(
        status=S.GAGAL, pesan_gagal=pesan, tahap="", finished_at=now, updated_at=now
    )
    TemuanHasil.objects.filter(rekonsiliasi_id=rekonsiliasi_id).delete()
