"""DTSEN children who are not KPM members: Sekolah Rakyat candidates (DOMAIN.md §9, issue 20).

Provided to verifikasi through `dinsos.hooks.ANAK_DTSEN` (registered in DtsenConfig.ready()):
verifikasi is below dtsen in the layers and must not import it.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, OuterRef, QuerySet

from dinsos.access import scope_kelurahan_ids
from dinsos.models import User
from dtsen.models import DtsenRecord, Jenis
from dtsen.selectors.snapshot import snapshot_aktif_ids
from kpm.access import exclude_dibatasi
from kpm.models import Anggota


def anak_dtsen_bukan_kpm(
    *,
    user: User | None,
    lahir_setelah: datetime.date,
    lahir_sampai: datetime.date,
    desil_maks: int,
) -> QuerySet[DtsenRecord]:
    """People of the applied DTSEN snapshots born in (lahir_setelah, lahir_sampai] whose
    household desil (the row's desil nasional, as an apply reads it) is ≤ desil_maks and whose
    NIK is no KPM member's. Scoped to the kelurahan of `user`'s areas; a pendamping sees none
    (they serve only the KPM families assigned to them); `user=None` is the whole office, for
    the Sekolah Rakyat summary (verifikasi scopes its rows when reading them). Restricted
    people are left out (UU 27/2022).

    "No KPM member" is NOT EXISTS, an anti-join on the unique NIK index: as `NOT IN
    (SELECT nik …)` PostgreSQL could not hash 404.000 NIKs in work_mem and scanned the
    member list once per DTSEN row (issue 21: > 5 minutes at province scale, now 0,27 s)."""
    # The active snapshots' ids as values: only their partitions are read. No snapshot has
    # id 0: with none active the statement still compiles (callers embed it in their SQL).
    aktif = snapshot_aktif_ids(jenis=Jenis.DTSEN) or [0]
    rows = DtsenRecord.objects.filter(
        snapshot_id__in=aktif,
        tanggal_lahir__gt=lahir_setelah,
        tanggal_lahir__lte=lahir_sampai,
        desil_nasional__isnull=False,
        desil_nasional__lte=desil_maks,
    ).exclude(Exists(Anggota.objects.filter(nik=OuterRef("nik"))))
    rows = exclude_dibatasi(rows, keluarga=None).annotate(desil=F("desil_nasional"))
    if user is not None:
        if user.role == User.Role.PENDAMPING:
            return rows.none()
        if user.role != User.Role.ADMIN:
            rows = rows.filter(kelurahan_id__in=scope_kelurahan_ids(user))
    return rows
