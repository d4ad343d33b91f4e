"""The daily summary of who opened which records (the audit log's access recap)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from dinsos.formatting import JAKARTA
from dinsos.models import AuditEvent
from dinsos.pengaturan import today
from pendamping.models import RekapAkses

REKAP_BATCH_HARI = 31  # days summarised per pass: bounds memory on a first, long backfill


def rekap_akses_harian(*, sampai: datetime.date | None = None) -> int:
    """Summarise the audit log per account and day (WIB) up to `sampai` (default yesterday):
    the most distinct families viewed within one clock hour
    (DOMAIN.md §10: know who accessed what; the threshold is an office setting).

    Continues after the last summarised day (the first run covers the whole log), in passes of
    a month, each one transaction. Idempotent: rows are upserted. Returns rows written.
    """
    akhir = sampai or today() - datetime.timedelta(days=1)
    terakhir = RekapAkses.objects.order_by("-tanggal").values_list("tanggal", flat=True).first()
    if terakhir is None:
        pertama = AuditEvent.objects.order_by("created_at").values_list("created_at", flat=True)
        mulai_waktu = pertama.first()
        if mulai_waktu is None:
            return 0
        mulai = timezone.localtime(mulai_waktu, JAKARTA).date()
    else:
        mulai = terakhir + datetime.timedelta(days=1)
    written = 0
    while mulai <= akhir:
        batas = min(akhir, mulai + datetime.timedelta(days=REKAP_BATCH_HARI - 1))
        written += _rekap_akses(mulai=mulai, sampai=batas)
        mulai = batas + datetime.timedelta(days=1)
    return written


@transaction.atomic
def _rekap_akses(*, mulai: datetime.date, sampai: datetime.date) -> int:
    awal = datetime.datetime.combine(mulai, datetime.time(), tzinfo=JAKARTA)
    akhir = datetime.datetime.combine(
        sampai + datetime.timedelta(days=1), datetime.time(), tzinfo=JAKARTA
    )
    per_jam = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW,
            object_type="kpm.keluarga",
            user__isnull=False,
            created_at__gte=awal,
            created_at__lt=akhir,
        )
        .annotate(jam=TruncHour("created_at", tzinfo=JAKARTA))
        .order_by()
        .values_list("user_id", "jam")
        .annotate(n=Count("object_id", distinct=True))
    )
    maks: dict[tuple[int, datetime.date], int] = {}
    for user_id, jam, n in per_jam.iterator(chunk_size=5000):
        key = (user_id, timezone.localtime(jam, JAKARTA).date())
        maks[key] = max(maks.get(key, 0), n)
    RekapAkses.objects.bulk_create(
        [RekapAkses(user_id=u, tanggal=d, lihat_per_jam_maks=n) for (u, d), n in maks.items()],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["user", "tanggal"],
        update_fields=["lihat_per_jam_maks", "updated_at"],
    )
    return len(maks)
