"""The monthly SIKS-NG batch: check, freeze and export one kind's approved proposals.

A batch is written once (its file is kept) and never changes: a second export of the same
month and kind serves the same file, and a proposal approved after its month's batch left
joins the next one (services/usulan.py). Rows failing a rule are held back with their
reasons and carried to next month, when they are checked again.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dinsos import services as dinsos_services
from dinsos.bulan import awal_bulan
from dinsos.errors import DomainError
from dinsos.formatting import bulan_tahun
from dinsos.models import AuditEvent, User
from dinsos.raw_sql import db_table
from dtsen.models import DtsenRecord
from dtsen.models import Jenis as JenisSnapshot
from dtsen.selectors.snapshot import snapshot_aktif_ids
from pemutakhiran.exporters import batch_workbook
from pemutakhiran.models import BatchSiks, Jenis, Riwayat, Status, Usulan
from pemutakhiran.selectors.batch import CalonKiriman, batch_periksa

# The desil each sent proposal starts from: its person's in the active DTSEN snapshot (a
# re-survey or an objection is answered when the next snapshot shows another one). The
# active snapshots' ids are values, so only their partitions are read (snapshot_aktif_ids).
_DESIL_AWAL = f"""
    UPDATE {db_table(Usulan)} u SET desil_awal = r.desil
    FROM (
        SELECT DISTINCT ON (x.nik) x.nik, x.desil_nasional AS desil
        FROM {db_table(DtsenRecord)} x
        WHERE x.snapshot_id = ANY(%(aktif)s) AND x.nik = ANY(%(nik)s)
        ORDER BY x.nik, x.baris
    ) r
    WHERE u.batch_id = %(batch)s AND u.nik = r.nik
"""  # noqa: S608 (table names from model metadata only)


def _record_download(batch: BatchSiks, oleh: User, alasan: str) -> None:
    dinsos_services.audit_record(
        user=oleh,
        action=AuditEvent.Action.EXPORT,
        obj=batch,
        reason=alasan,
        jumlah=batch.jumlah_baris,
    )


@transaction.atomic
def batch_ekspor(*, bulan: datetime.date, jenis: str, oleh: User) -> BatchSiks:
    """Freeze and export the batch of `bulan` and `jenis`: the approved proposals that pass
    the checks become `dikirim`; the others stay approved for next month with the reasons in
    their history. An existing batch is returned as it is (same file). Raises DomainError
    when no proposal passes, or when another user froze the batch a moment ago."""
    bulan = awal_bulan(bulan)
    if existing := BatchSiks.objects.filter(bulan=bulan, jenis=jenis).first():
        _record_download(existing, oleh, f"Unduh ulang kiriman SIKS-NG: {existing}")
        return existing
    periksa = batch_periksa(user=oleh, bulan=bulan, jenis=jenis)
    locked = set(
        Usulan.objects.select_for_update()
        .filter(
            pk__in=[c.usulan.pk for c in periksa.lolos],
            status=Status.DISETUJUI,
            batch__isnull=True,
        )
        .values_list("pk", flat=True)
    )
    rows = [c.usulan for c in periksa.lolos if c.usulan.pk in locked]
    if not rows:
        raise DomainError(
            f"Tidak ada usulan {Jenis(jenis).label.lower()} yang lolos pemeriksaan untuk "
            f"kiriman {bulan_tahun(bulan)}."
        )
    content = batch_workbook(jenis, rows)
    batch = BatchSiks(
        bulan=bulan,
        jenis=jenis,
        sha256=hashlib.sha256(content).hexdigest(),
        jumlah_baris=len(rows),
        jumlah_ditahan=len(periksa.ditahan),
        dibuat_oleh=oleh,
    )
    batch.file.save(f"siks-ng-{jenis}-{bulan:%Y-%m}.xlsx", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError as exc:
        batch.file.delete(save=False)
        raise DomainError(
            "Kiriman ini baru saja dibuat pengguna lain; muat ulang halaman."
        ) from exc
    now = timezone.now()
    ids = [u.pk for u in rows]
    Usulan.objects.filter(pk__in=ids).update(status=Status.DIKIRIM, batch=batch, updated_at=now)
    with connection.cursor() as cursor:
        cursor.execute(
            _DESIL_AWAL,
            {
                "aktif": snapshot_aktif_ids(jenis=JenisSnapshot.DTSEN),
                "nik": [u.nik for u in rows],
                "batch": batch.pk,
            },
        )
    catatan = f"Dikirim dalam kiriman SIKS-NG {bulan_tahun(bulan)} (#{batch.pk})."
    Riwayat.objects.bulk_create(
        Riwayat(usulan_id=pk, dari=Status.DISETUJUI, ke=Status.DIKIRIM, catatan=catatan, oleh=oleh)
        for pk in ids
    )
    _tahan(periksa.ditahan, bulan=bulan, oleh=oleh)
    _record_download(batch, oleh, f"Kiriman SIKS-NG: {batch}")
    return batch


def _tahan(ditahan: list[CalonKiriman], *, bulan: datetime.date, oleh: User) -> None:
    """Carry the rows that failed a rule to next month's batch, reasons in their history."""
    if not ditahan:
        return
    berikut = awal_bulan(bulan, geser=1)
    Usulan.objects.filter(pk__in=[c.usulan.pk for c in ditahan]).update(
        bulan=berikut, updated_at=timezone.now()
    )
    Riwayat.objects.bulk_create(
        Riwayat(
            usulan_id=c.usulan.pk,
            dari=Status.DISETUJUI,
            ke=Status.DISETUJUI,
            catatan=(
                f"Ditahan dari kiriman {bulan_tahun(bulan)}: {' '.join(c.alasan)} "
                f"Diperiksa lagi untuk kiriman {bulan_tahun(berikut)}."
            ),
            oleh=oleh,
        )
        for c in ditahan
    )


def batch_unduh_catat(*, batch: BatchSiks, oleh: User) -> None:
    """Record a download of a frozen batch in the audit log."""
    _record_download(batch, oleh, f"Unduh ulang kiriman SIKS-NG: {batch}")
