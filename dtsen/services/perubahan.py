"""Issue 21: count the desil changes between two DTSEN snapshots once per pair.

A loaded snapshot's rows never change, so the counts per kelurahan of a pair (under the
cut-offs in force) stay true; the summary and kecamatan pages read them. Counted when a
page first asks for a pair (one statement over both snapshots, as every view did before),
or ahead of time by the Celery task queued after an apply.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.utils import timezone

from dtsen.models import (
    PerbandinganDesil,
    PerubahanDesilKelurahan,
    PerubahanDesilOrang,
    Snapshot,
)
from dtsen.selectors import perubahan as selectors
from dtsen.selectors.perubahan import Potongan

logger = logging.getLogger(__name__)


def perbandingan_desil_pastikan(*, lama: Snapshot, baru: Snapshot) -> PerbandinganDesil:
    """The pair's counts under today's cut-offs, counting them first if no one has. Two
    requests for a new pair at once: the second waits for the first one's counts."""
    if ada := selectors.perbandingan_ada(lama=lama, baru=baru):
        return ada
    cut = selectors.batas()
    with transaction.atomic():
        perbandingan, created = PerbandinganDesil.objects.get_or_create(
            lama=lama,
            baru=baru,
            batas_pkh=cut["pkh"],
            batas_pbijk=cut["pbijk"],
            defaults={"dihitung_pada": timezone.now()},
        )
        if not created:
            return perbandingan
        sql, params = selectors.hitung_sql(lama, baru, cut)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        PerubahanDesilKelurahan.objects.bulk_create(
            PerubahanDesilKelurahan(
                perbandingan=perbandingan,
                kelurahan_id=kelurahan_id,
                kecamatan_id=kecamatan_id,
                **dict(zip((*selectors.KOLOM, "berubah"), counts, strict=True)),
            )
            for kelurahan_id, kecamatan_id, *counts in rows
        )
        perbandingan.dihitung_pada = timezone.now()
        perbandingan.save(update_fields=["dihitung_pada"])
    logger.info(
        "perubahan desil snapshot %s → %s dihitung: %s kelurahan", lama.pk, baru.pk, len(rows)
    )
    return perbandingan


def perubahan_desil_simpan_orang(
    *, perbandingan: PerbandinganDesil, lama: Snapshot, baru: Snapshot, potongan: list[Potongan]
) -> int:
    """Store the people of the kelurahan a page shows that are not stored yet (one
    statement over those kelurahan only); later pages of them are read by place. Namesake
    kelurahan are left to the joined read. Returns the people stored."""
    ids = [p.kelurahan[0] for p in potongan if not p.disimpan and len(p.kelurahan) == 1]
    if not ids:
        return 0
    with transaction.atomic():
        # Two first views at once: the second waits here, then finds them stored.
        perlu = list(
            PerubahanDesilKelurahan.objects.select_for_update()
            .filter(perbandingan=perbandingan, kelurahan_id__in=ids, orang_disimpan=False)
            .values_list("kelurahan_id", flat=True)
        )
        if not perlu:
            return 0
        sql, params = selectors.simpan_orang_sql(perbandingan, lama, baru, perlu)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        PerubahanDesilOrang.objects.bulk_create(
            PerubahanDesilOrang(
                perbandingan=perbandingan,
                kelurahan_id=kelurahan_id,
                urutan=urutan,
                lama_record_id=lama_id,
                baru_record_id=baru_id,
            )
            for kelurahan_id, urutan, lama_id, baru_id in rows
        )
        PerubahanDesilKelurahan.objects.filter(
            perbandingan=perbandingan, kelurahan_id__in=perlu
        ).update(orang_disimpan=True)
    return len(rows)


def perbandingan_desil_siapkan(*, snapshot_id: int) -> PerbandinganDesil | None:
    """After an apply: count the pair the summary page opens with for the snapshot's area
    (its two newest applied or history snapshots, as `pasangan_default`), so the first view
    does not wait."""
    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return None
    pair = list(
        Snapshot.objects.filter(
            jenis=snapshot.jenis,
            wilayah_id=snapshot.wilayah_id,
            status__in=[Snapshot.Status.DITERAPKAN, Snapshot.Status.RIWAYAT],
        ).order_by("-tanggal_data", "-id")[:2]
    )
    if len(pair) < 2:
        return None
    return perbandingan_desil_pastikan(lama=pair[1], baru=pair[0])
