"""Closing the cycle: every sent proposal is matched against the snapshot just applied.

Runs inside the transaction that applies a DTSEN or PBI-JK snapshot (hook
`SNAPSHOT_DITERAPKAN`), in one set-based statement per snapshot: for each proposal sent in a
batch of a month up to the snapshot's date, in a kelurahan of the snapshot's area, the
person's row in the snapshot decides it (README, "Design decisions"):

- usulan baru: the person is now present (with the desil BPS gave);
- perbaikan data: the field now equals the proposed value (a corrected NIK: present under it);
- penonaktifan: the person is absent;
- pemutakhiran kondisi, sanggahan: present with another desil than when sent (or present at
  all, for someone who was not in DTSEN);
- reaktivasi PBI-JK (a PBI-JK list): the person is on it and active.

A match makes it `diterima`; otherwise it is `belum tercermin`, counting the months since its
batch, and after `pemutakhiran_bulan_tunggu_maks` months `ditolak oleh pusat`. Each proposal
gets a history row with the outcome (stamped with the clock, not the transaction's start:
the apply may run in the same transaction as earlier steps, in tests and scripts).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import connection

from dinsos.models import Wilayah
from dinsos.raw_sql import db_table
from dinsos.selectors import pengaturan_get
from dtsen.models import PBIJK_NONAKTIF_REGEX, DtsenRecord, PbiJkRecord
from dtsen.models import Jenis as JenisSnapshot
from pemutakhiran.models import Jenis, Riwayat, Usulan

logger = logging.getLogger(__name__)

_DTSEN_BARIS = f"""
        SELECT true AS ada, x.desil_nasional AS desil, x.no_kk, x.nama, x.tanggal_lahir,
            x.alamat
        FROM {db_table(DtsenRecord)} x
        WHERE x.snapshot_id = %(snapshot)s
          AND x.nik = CASE WHEN u.data_diperbaiki = 'nik' THEN u.nilai_baru ELSE u.nik END
        ORDER BY x.baris
        LIMIT 1
"""  # noqa: S608 (table names from model metadata only)
_PBIJK_BARIS = f"""
        SELECT true AS ada, x.desil_nasional AS desil, x.no_kk, x.nama, x.tanggal_lahir,
            x.alamat
        FROM {db_table(PbiJkRecord)} x
        WHERE x.snapshot_id = %(snapshot)s AND x.nik = u.nik
          AND x.status_kepesertaan !~* %(nonaktif)s
        ORDER BY x.baris
        LIMIT 1
"""  # noqa: S608 (table names from model metadata only)

_COCOKKAN = """
    WITH calon AS (
        SELECT u.id, u.status AS dari, u.jenis, u.bulan, u.desil_awal, u.data_diperbaiki,
            u.nilai_baru, r.ada, r.desil, r.no_kk, r.nama, r.tanggal_lahir, r.alamat
        FROM {usulan} u
        LEFT JOIN LATERAL ({baris}) r ON true
        WHERE u.status IN ('dikirim', 'belum_tercermin')
          AND u.jenis = ANY(%(jenis)s)
          AND u.kelurahan_id = ANY(%(kelurahan)s)
          AND u.bulan <= %(tanggal)s
    ),
    hasil AS (
        SELECT id, dari, desil,
            CASE jenis
                WHEN 'usulan_baru' THEN coalesce(ada, false)
                WHEN 'reaktivasi_pbijk' THEN coalesce(ada, false)
                WHEN 'penonaktifan' THEN ada IS NULL
                WHEN 'perbaikan_data' THEN coalesce(ada AND CASE data_diperbaiki
                    WHEN 'nik' THEN true
                    WHEN 'no_kk' THEN no_kk = nilai_baru
                    WHEN 'nama' THEN upper(btrim(nama)) = upper(btrim(nilai_baru))
                    WHEN 'tanggal_lahir' THEN tanggal_lahir::text = nilai_baru
                    WHEN 'alamat' THEN upper(btrim(alamat)) = upper(btrim(nilai_baru))
                    ELSE false END, false)
                ELSE coalesce(ada AND desil IS DISTINCT FROM desil_awal, false)
            END AS tercermin,
            (extract(year FROM %(tanggal)s::date) - extract(year FROM bulan))::int * 12
                + (extract(month FROM %(tanggal)s::date) - extract(month FROM bulan))::int
                AS tunggu
        FROM calon
    ),
    ubah AS (
        UPDATE {usulan} u SET
            status = CASE
                WHEN h.tercermin THEN 'diterima'
                WHEN h.tunggu >= %(maks)s THEN 'ditolak_pusat'
                ELSE 'belum_tercermin' END,
            desil_hasil = h.desil,
            bulan_tunggu = h.tunggu,
            snapshot_hasil_id = %(snapshot)s,
            tanggal_hasil = %(tanggal)s,
            updated_at = clock_timestamp()
        FROM hasil h
        WHERE u.id = h.id
        RETURNING u.id, h.dari, u.status, h.tunggu, h.desil
    )
    INSERT INTO {riwayat} (usulan_id, dari, ke, catatan, oleh_id, created_at, updated_at)
    SELECT id, dari, status,
        CASE status
            WHEN 'diterima' THEN 'Tercermin di ' || %(sumber)s
                || coalesce(' (desil ' || desil || ')', '') || '.'
            WHEN 'ditolak_pusat' THEN 'Belum tercermin di ' || %(sumber)s || ' setelah '
                || tunggu || ' bulan: dianggap ditolak oleh pusat.'
            ELSE 'Belum tercermin di ' || %(sumber)s || '; menunggu ' || tunggu
                || ' bulan, dibawa ke bulan berikutnya.'
        END,
        NULL, clock_timestamp(), clock_timestamp()
    FROM ubah
"""

SQL = {
    JenisSnapshot.DTSEN: _COCOKKAN.format(
        usulan=db_table(Usulan), riwayat=db_table(Riwayat), baris=_DTSEN_BARIS
    ),
    JenisSnapshot.PBIJK: _COCOKKAN.format(
        usulan=db_table(Usulan), riwayat=db_table(Riwayat), baris=_PBIJK_BARIS
    ),
}
JENIS_PER_SNAPSHOT = {
    JenisSnapshot.DTSEN: [
        Jenis.USULAN_BARU,
        Jenis.PERBAIKAN_DATA,
        Jenis.KONDISI,
        Jenis.PENONAKTIFAN,
        Jenis.SANGGAHAN,
    ],
    JenisSnapshot.PBIJK: [Jenis.REAKTIVASI_PBIJK],
}


def usulan_cocokkan(
    *, snapshot_id: int, jenis: str, wilayah_id: int, tanggal_data: datetime.date
) -> int:
    """Match the sent proposals of the snapshot's area against it (module docstring);
    returns how many were decided or carried. Idempotent for one snapshot: a proposal
    already `diterima` or `ditolak oleh pusat` is never matched again."""
    wilayah = Wilayah.objects.get(pk=wilayah_id)
    kelurahan = list(
        Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KELURAHAN, kode__startswith=f"{wilayah.kode}."
        ).values_list("pk", flat=True)
    )
    params: dict[str, Any] = {
        "snapshot": snapshot_id,
        "jenis": [str(j) for j in JENIS_PER_SNAPSHOT[JenisSnapshot(jenis)]],
        "kelurahan": kelurahan,
        "tanggal": tanggal_data,
        "maks": int(pengaturan_get("pemutakhiran_bulan_tunggu_maks", on=tanggal_data)),
        "nonaktif": PBIJK_NONAKTIF_REGEX,
        "sumber": f"{JenisSnapshot(jenis).label} per {tanggal_data:%d-%m-%Y}",
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL[JenisSnapshot(jenis)], params)
        jumlah = cursor.rowcount
    logger.info("usulan dicocokkan snapshot=%s jumlah=%s", snapshot_id, jumlah)
    return jumlah


def snapshot_diterapkan(
    *, snapshot_id: int, jenis: str, wilayah_id: int, tanggal_data: datetime.date
) -> None:
    """`SNAPSHOT_DITERAPKAN` hook provider: close the cycle for the snapshot just applied."""
    usulan_cocokkan(
        snapshot_id=snapshot_id, jenis=jenis, wilayah_id=wilayah_id, tanggal_data=tanggal_data
    )
