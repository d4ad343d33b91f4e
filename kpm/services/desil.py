"""Set-based writes of the desil a DTSEN/PBI-JK snapshot gives families, and their undo.

kpm offers these so that no other app writes kpm tables (issue 13): dtsen passes the source
rows as a queryset and kpm applies them in one statement, logging each family's change.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from dinsos.errors import DomainError
from dinsos.raw_sql import db_table, queryset_sql
from kpm.models import Keluarga, PerubahanDesil

logger = logging.getLogger(__name__)


# One statement: read the families the apply touches (locked), log their old and new desil,
# change them. A family counts when its No KK is in the source or it lies in the area the
# source covers (then it has no desil in the source: DOMAIN.md §3, a desil belongs to a
# snapshot date).
_DESIL_APPLY = """
    WITH sumber AS ({sumber_sql}),
    berubah AS (
        SELECT k.id, k.desil AS desil_lama, k.desil_per AS per_lama, s.desil AS desil_baru
        FROM {keluarga} k
        LEFT JOIN sumber s ON s.no_kk = k.no_kk
        WHERE (s.no_kk IS NOT NULL OR k.kelurahan_id = ANY(%(kelurahan)s))
          AND (k.desil IS DISTINCT FROM s.desil OR k.desil_per IS DISTINCT FROM %(per)s)
        FOR UPDATE OF k
    ),
    log AS (
        INSERT INTO {perubahan}
            (keluarga_id, sumber, desil_lama, desil_per_lama, desil_baru, desil_per_baru,
             created_at)
        SELECT id, %(sumber)s, desil_lama, per_lama, desil_baru, %(per)s, now() FROM berubah
    )
    UPDATE {keluarga} k
    SET desil = b.desil_baru, desil_per = %(per)s, updated_at = now()
    FROM berubah b
    WHERE k.id = b.id
"""


def keluarga_desil_apply(
    *, desil: QuerySet[Any], kelurahan_ids: Collection[int], desil_per: datetime.date, sumber: str
) -> int:
    """Set the families' desil from `desil` (a queryset of rows `no_kk`, `desil`, one per
    No KK) as of `desil_per`; families in `kelurahan_ids` missing from it lose their desil.
    Set-based (one statement) and logged per family in PerubahanDesil under `sumber`, so
    the apply can be undone. Returns the number of families changed. The caller owns the
    transaction (dtsen.services.snapshot_apply)."""
    sumber_sql, params = queryset_sql(desil.values("no_kk", "desil"), prefix="s")
    sql = _DESIL_APPLY.format(
        sumber_sql=sumber_sql, keluarga=db_table(Keluarga), perubahan=db_table(PerubahanDesil)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {**params, "kelurahan": list(kelurahan_ids), "per": desil_per, "sumber": sumber}
        )
        return cursor.rowcount


@dataclass(frozen=True)
class HasilPengembalianDesil:
    """What an undo restored, and the families it left alone because they changed since."""

    dikembalikan: int
    berubah_sejak: list[int]


# One statement, like the apply: lock the families the apply logged, restore those still
# holding the value that apply gave them, log the restore under its own source so that it can
# be undone in turn. A family whose desil changed since (a later apply, an edit) is reported
# and left alone: restoring it would overwrite newer data.
_DESIL_UNDO = """
    WITH log AS (
        SELECT keluarga_id, desil_lama, desil_per_lama, desil_baru, desil_per_baru
        FROM {perubahan} WHERE sumber = %(sumber)s
    ),
    sasaran AS (
        SELECT k.id, k.desil, k.desil_per, l.desil_lama, l.desil_per_lama,
               (k.desil IS NOT DISTINCT FROM l.desil_baru
                AND k.desil_per IS NOT DISTINCT FROM l.desil_per_baru) AS masih_sama
        FROM {keluarga} k JOIN log l ON l.keluarga_id = k.id
        FOR UPDATE OF k
    ),
    catat AS (
        INSERT INTO {perubahan}
            (keluarga_id, sumber, desil_lama, desil_per_lama, desil_baru, desil_per_baru,
             created_at)
        SELECT id, %(sumber_baru)s, desil, desil_per, desil_lama, desil_per_lama, now()
        FROM sasaran WHERE masih_sama
    ),
    ubah AS (
        UPDATE {keluarga} k
        SET desil = s.desil_lama, desil_per = s.desil_per_lama, updated_at = now()
        FROM sasaran s
        WHERE k.id = s.id AND s.masih_sama
        RETURNING k.id
    )
    SELECT (SELECT count(*) FROM ubah),
           ARRAY(SELECT id FROM sasaran WHERE NOT masih_sama ORDER BY id)
"""


def keluarga_desil_undo(*, sumber: str, sumber_baru: str) -> HasilPengembalianDesil:
    """Put back the desil that the apply logged under `sumber` changed, in one statement,
    logging each restore under `sumber_baru` (so the undo can itself be undone by calling
    this with `sumber=sumber_baru`). Families changed since are left alone and returned.
    Raises DomainError when `sumber_baru` was already used (an undo runs once). The caller
    owns the transaction (dtsen.services.snapshot_undo)."""
    if PerubahanDesil.objects.filter(sumber=sumber_baru).exists():
        raise DomainError("Penerapan ini sudah dikembalikan.")
    sql = _DESIL_UNDO.format(keluarga=db_table(Keluarga), perubahan=db_table(PerubahanDesil))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"sumber": sumber, "sumber_baru": sumber_baru})
        dikembalikan, berubah_sejak = cursor.fetchone()
    logger.info(
        "desil %s dikembalikan: %s keluarga, %s dilewati (berubah sejak)",
        sumber,
        dikembalikan,
        len(berubah_sejak),
    )
    return HasilPengembalianDesil(dikembalikan=dikembalikan, berubah_sejak=list(berubah_sejak))
