"""Reads of the desil changes between two DTSEN snapshots (issue 15), scoped by the user.

Issue 21: the pages read the pair's counts per kelurahan (`PerbandinganDesil`, counted once
by `dtsen.services.perubahan`) instead of joining two snapshots of a million rows on every
view; the people of a kecamatan page are read from the kelurahan that page falls in only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Sum

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_kelurahan_ids, scope_wilayah
from dinsos.models import User, Wilayah
from dinsos.raw_sql import db_table
from dtsen.models import (
    DtsenRecord,
    Jenis,
    PbiJkRecord,
    PerbandinganDesil,
    PerubahanDesilKelurahan,
    PerubahanDesilOrang,
    Snapshot,
)

KOLOM = ("masuk_pkh", "keluar_pkh", "masuk_pbijk", "keluar_pbijk", "muncul", "hilang")


@dataclass
class RingkasanKecamatan:
    """Desil changes between two snapshots in one kecamatan."""

    kecamatan: Wilayah
    masuk_pkh: int = 0
    keluar_pkh: int = 0
    masuk_pbijk: int = 0
    keluar_pbijk: int = 0
    muncul: int = 0
    hilang: int = 0

    @property
    def total(self) -> int:
        return (
            self.masuk_pkh
            + self.keluar_pkh
            + self.masuk_pbijk
            + self.keluar_pbijk
            + self.muncul
            + self.hilang
        )


@dataclass
class Perubahan:
    """One person whose desil or presence changed between two snapshots."""

    nik: str
    nama: str
    kelurahan: str
    desil_lama: int | None
    desil_baru: int | None
    kategori: list[str] = field(default_factory=list)


def _table(snapshot: Snapshot) -> str:
    return db_table(DtsenRecord if snapshot.jenis == Jenis.DTSEN else PbiJkRecord)


def batas() -> dict[str, int]:
    """DOMAIN.md §3 cut-offs, read from the dated settings."""
    return {
        "pkh": int(dinsos_selectors.pengaturan_get("desil_maks_pkh")),
        "pbijk": int(dinsos_selectors.pengaturan_get("desil_maks_pbijk")),
    }


# Every person of either snapshot (FULL OUTER JOIN on NIK), in the newer one's kelurahan,
# else the older one's.
_SEMUA = """
    SELECT coalesce(b.nik, l.nik) AS nik, coalesce(b.nama, l.nama) AS nama,
        coalesce(b.kelurahan_id, l.kelurahan_id) AS kelurahan_id,
        l.nik IS NOT NULL AS ada_lama, b.nik IS NOT NULL AS ada_baru,
        l.desil_nasional AS desil_lama, b.desil_nasional AS desil_baru,
        l.id AS lama_id, b.id AS baru_id
    FROM (SELECT * FROM {rec} WHERE snapshot_id = %(lama)s) l
    FULL OUTER JOIN (SELECT * FROM {rec} WHERE snapshot_id = %(baru)s) b ON l.nik = b.nik
"""
# The same people, for those counted in the given kelurahan only: the newer snapshot's rows
# there (with their older row wherever it was), and the older rows there whose NIK the newer
# snapshot lacks. Both read the (snapshot, kelurahan) and (snapshot, nik) indexes.
_DI_KELURAHAN = """
    SELECT b.nik, b.nama, b.kelurahan_id, l.nik IS NOT NULL AS ada_lama, true AS ada_baru,
        l.desil_nasional AS desil_lama, b.desil_nasional AS desil_baru,
        l.id AS lama_id, b.id AS baru_id
    FROM {rec} b
    LEFT JOIN {rec} l ON l.snapshot_id = %(lama)s AND l.nik = b.nik
    WHERE b.snapshot_id = %(baru)s AND b.kelurahan_id = ANY(%(kelurahan)s)
    UNION ALL
    SELECT l.nik, l.nama, l.kelurahan_id, true, false, l.desil_nasional, NULL, l.id, NULL
    FROM {rec} l
    WHERE l.snapshot_id = %(lama)s AND l.kelurahan_id = ANY(%(kelurahan)s)
      AND NOT EXISTS (
          SELECT 1 FROM {rec} b WHERE b.snapshot_id = %(baru)s AND b.nik = l.nik
      )
"""
# In or out of each cut-off, from the two desil of a person `g`.
_PENGGAL = """
    coalesce(g.desil_lama <= %(pkh)s, false) AS pkh_lama,
    coalesce(g.desil_baru <= %(pkh)s, false) AS pkh_baru,
    coalesce(g.desil_lama <= %(pbijk)s, false) AS pbijk_lama,
    coalesce(g.desil_baru <= %(pbijk)s, false) AS pbijk_baru
"""
_BERUBAH = "(NOT ada_lama OR NOT ada_baru OR pkh_lama <> pkh_baru OR pbijk_lama <> pbijk_baru)"


def gabung(
    lama: Snapshot, baru: Snapshot, kelurahan: list[int] | None, cut: dict[str, int]
) -> tuple[str, dict[str, Any]]:
    """The compared people (all of them, or those counted in `kelurahan`) with what the
    pages read: in or out of each cut-off, the kelurahan's name and kecamatan."""
    people = (_SEMUA if kelurahan is None else _DI_KELURAHAN).format(rec=_table(baru))
    sql = f"""
        SELECT g.*, w.nama AS kelurahan, w.parent_id AS kecamatan_id,
            {_PENGGAL}
        FROM ({people}) g JOIN {db_table(Wilayah)} w ON w.id = g.kelurahan_id
    """  # noqa: S608
    params: dict[str, Any] = {"lama": lama.pk, "baru": baru.pk, "kelurahan": kelurahan, **cut}
    return sql, params


def perbandingan_ada(*, lama: Snapshot, baru: Snapshot) -> PerbandinganDesil | None:
    """The pair's counts under today's cut-offs, if counted."""
    cut = batas()
    return PerbandinganDesil.objects.filter(
        lama=lama, baru=baru, batas_pkh=cut["pkh"], batas_pbijk=cut["pbijk"]
    ).first()


def _baris(user: User, perbandingan: PerbandinganDesil) -> Any:
    rows = PerubahanDesilKelurahan.objects.filter(perbandingan=perbandingan)
    if user.role != User.Role.ADMIN:
        rows = rows.filter(kelurahan_id__in=scope_kelurahan_ids(user))
    return rows


def perubahan_desil_ringkasan(
    *, user: User, perbandingan: PerbandinganDesil, baru: Snapshot
) -> list[RingkasanKecamatan]:
    """Per kecamatan the user may see: who entered or left desil 1–4 (PKH) and 1–5 (PBI-JK)
    among people in both snapshots, who appeared and who disappeared (2 queries)."""
    sums = _baris(user, perbandingan).values("kecamatan_id").annotate(**{k: Sum(k) for k in KOLOM})
    counts = {row["kecamatan_id"]: row for row in sums.order_by()}
    kecamatan = scope_wilayah(user).filter(
        tingkat=Wilayah.Tingkat.KECAMATAN,
        berlaku_sampai__isnull=True,
        kode__startswith=f"{baru.wilayah.kode}.",
    )
    result = []
    for kec in kecamatan.order_by("nama"):
        values = counts.get(kec.pk, {})
        result.append(RingkasanKecamatan(kecamatan=kec, **{k: values.get(k, 0) for k in KOLOM}))
    return result


@dataclass(frozen=True)
class Potongan:
    """The part of one kelurahan's run of the change list a page shows: places
    (`dari`, `sampai`] in the run's order; namesake kelurahan (ordered together by name)
    share a run."""

    kelurahan: tuple[int, ...]
    dari: int
    sampai: int
    disimpan: bool  # its people are stored (PerubahanDesilOrang)


def perubahan_desil_potongan(
    *, user: User, perbandingan: PerbandinganDesil, kecamatan: Wilayah, limit: int, offset: int
) -> list[Potongan]:
    """Which kelurahan (in name order, inside the user's areas) a page of a kecamatan's
    change list falls in, from the counts per kelurahan (1 query)."""
    rows = (
        _baris(user, perbandingan)
        .filter(kecamatan=kecamatan, berubah__gt=0)
        .order_by("kelurahan__nama", "kelurahan_id")
        .values_list("kelurahan_id", "kelurahan__nama", "berubah", "orang_disimpan")
    )
    runs: list[tuple[str, tuple[int, ...], int, bool]] = []
    for kelurahan_id, nama, berubah, disimpan in rows:
        if runs and runs[-1][0] == nama:
            _, ids, jumlah, semua = runs[-1]
            runs[-1] = (nama, (*ids, kelurahan_id), jumlah + berubah, semua and disimpan)
        else:
            runs.append((nama, (kelurahan_id,), berubah, disimpan))
    potongan = []
    awal = 0
    for _, ids, jumlah, disimpan in runs:
        if awal >= offset + limit:
            break
        if awal + jumlah > offset:
            dari, sampai = max(offset - awal, 0), min(offset + limit - awal, jumlah)
            potongan.append(Potongan(ids, dari, sampai, disimpan))
        awal += jumlah
    return potongan


# A page of stored people: their rows in both snapshots, in the list's order.
_HALAMAN_TERSIMPAN = """
    SELECT coalesce(b.nik, l.nik), coalesce(b.nama, l.nama), w.nama AS kelurahan,
        g.desil_lama, g.desil_baru, l.id IS NOT NULL, b.id IS NOT NULL, {penggal}
    FROM unnest(%(kelurahan)s::bigint[], %(dari)s::int[], %(sampai)s::int[])
        WITH ORDINALITY AS p (kelurahan_id, dari, sampai, ke)
    JOIN {orang} o ON o.perbandingan_id = %(perbandingan)s AND o.kelurahan_id = p.kelurahan_id
        AND o.urutan > p.dari AND o.urutan <= p.sampai
    LEFT JOIN {rec} l ON l.snapshot_id = %(lama)s AND l.id = o.lama_record_id
    LEFT JOIN {rec} b ON b.snapshot_id = %(baru)s AND b.id = o.baru_record_id
    CROSS JOIN LATERAL (
        SELECT l.desil_nasional AS desil_lama, b.desil_nasional AS desil_baru
    ) g
    JOIN {wilayah} w ON w.id = o.kelurahan_id
    ORDER BY p.ke, o.urutan
"""


def perubahan_desil_halaman(
    *,
    user: User,
    perbandingan: PerbandinganDesil,
    lama: Snapshot,
    baru: Snapshot,
    kecamatan: Wilayah,
    potongan: list[Potongan],
) -> list[Perubahan]:
    """The people of a page of a kecamatan's change list (`perubahan_desil_potongan`), read
    from the stored places (1 query), or joined from the snapshots' rows of those kelurahan
    when a part is not stored (namesake kelurahan)."""
    if not potongan:
        return []
    cut = {"pkh": perbandingan.batas_pkh, "pbijk": perbandingan.batas_pbijk}
    if not all(p.disimpan and len(p.kelurahan) == 1 for p in potongan):
        ids = [k for p in potongan for k in p.kelurahan]
        limit = sum(p.sampai - p.dari for p in potongan)
        return perubahan_desil_detail(
            user=user,
            lama=lama,
            baru=baru,
            kecamatan=kecamatan,
            kelurahan=ids,
            limit=limit,
            offset=potongan[0].dari,
        )
    sql = _HALAMAN_TERSIMPAN.format(
        penggal=_PENGGAL,
        orang=db_table(PerubahanDesilOrang),
        rec=_table(baru),
        wilayah=db_table(Wilayah),
    )
    params: dict[str, Any] = {
        "perbandingan": perbandingan.pk,
        "kelurahan": [p.kelurahan[0] for p in potongan],
        "dari": [p.dari for p in potongan],
        "sampai": [p.sampai for p in potongan],
        "lama": lama.pk,  # each row looked up in its snapshot's partition only
        "baru": baru.pk,
        **cut,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_perubahan(row, cut) for row in cursor.fetchall()]


def _kelurahan_ids(user: User, kecamatan: Wilayah | None) -> list[int] | None:
    """The kelurahan whose people a list shows: those of the kecamatan (or all) inside the
    user's areas; None for everyone (an admin's whole list)."""
    if kecamatan is None and user.role == User.Role.ADMIN:
        return None
    kelurahan = Wilayah.objects.all()
    if kecamatan is not None:
        kelurahan = kelurahan.filter(parent=kecamatan)
    if user.role != User.Role.ADMIN:
        kelurahan = kelurahan.filter(pk__in=scope_kelurahan_ids(user))
    return list(kelurahan.values_list("pk", flat=True))


def perubahan_desil_detail(
    *,
    user: User,
    lama: Snapshot,
    baru: Snapshot,
    kecamatan: Wilayah | None,
    kelurahan: list[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Perubahan]:
    """The people behind the counts, in one kecamatan (or every one the user may see), by
    kelurahan name, name and NIK; `kelurahan` narrows to those (already scoped) kelurahan."""
    cut = batas()
    if kelurahan is None:
        kelurahan = _kelurahan_ids(user, kecamatan)
    joined, params = gabung(lama, baru, kelurahan, cut)
    page = ""
    if limit is not None:
        page = " LIMIT %(limit)s OFFSET %(offset)s"
        params.update(limit=limit, offset=offset)
    sql = f"""
        SELECT nik, nama, kelurahan, desil_lama, desil_baru, ada_lama, ada_baru,
            pkh_lama, pkh_baru, pbijk_lama, pbijk_baru
        FROM ({joined}) x WHERE {_BERUBAH} ORDER BY kelurahan, nama, nik{page}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_perubahan(row, cut) for row in cursor.fetchall()]


def _perubahan(row: tuple[Any, ...], cut: dict[str, int]) -> Perubahan:
    nik, nama, kelurahan, desil_lama, desil_baru, ada_lama, ada_baru = row[:7]
    pkh_lama, pkh_baru, pbijk_lama, pbijk_baru = row[7:]
    kategori = []
    if not ada_lama:
        kategori.append("Muncul")
    elif not ada_baru:
        kategori.append("Hilang")
    else:
        if pkh_baru and not pkh_lama:
            kategori.append(f"Masuk desil 1–{cut['pkh']}")
        if pkh_lama and not pkh_baru:
            kategori.append(f"Keluar desil 1–{cut['pkh']}")
        if pbijk_baru and not pbijk_lama:
            kategori.append(f"Masuk desil 1–{cut['pbijk']}")
        if pbijk_lama and not pbijk_baru:
            kategori.append(f"Keluar desil 1–{cut['pbijk']}")
    return Perubahan(
        nik=nik,
        nama=nama,
        kelurahan=kelurahan,
        desil_lama=desil_lama,
        desil_baru=desil_baru,
        kategori=kategori,
    )


# The pair's counts per kelurahan, for dtsen.services.perubahan to store.
HITUNG = """
    SELECT kelurahan_id, kecamatan_id,
        count(*) FILTER (WHERE ada_lama AND ada_baru AND NOT pkh_lama AND pkh_baru),
        count(*) FILTER (WHERE ada_lama AND ada_baru AND pkh_lama AND NOT pkh_baru),
        count(*) FILTER (WHERE ada_lama AND ada_baru AND NOT pbijk_lama AND pbijk_baru),
        count(*) FILTER (WHERE ada_lama AND ada_baru AND pbijk_lama AND NOT pbijk_baru),
        count(*) FILTER (WHERE NOT ada_lama),
        count(*) FILTER (WHERE NOT ada_baru),
        count(*) FILTER (WHERE {berubah})
    FROM ({joined}) x WHERE kecamatan_id IS NOT NULL GROUP BY kelurahan_id, kecamatan_id
"""


def hitung_sql(lama: Snapshot, baru: Snapshot, cut: dict[str, int]) -> tuple[str, dict[str, Any]]:
    """The statement counting a pair per kelurahan (every person of both snapshots)."""
    joined, params = gabung(lama, baru, None, cut)
    return HITUNG.format(joined=joined, berubah=_BERUBAH), params


# The people of these kelurahan with their place in each kelurahan's list (by name, NIK),
# for dtsen.services.perubahan to store.
SIMPAN_ORANG = """
    SELECT kelurahan_id,
        row_number() OVER (PARTITION BY kelurahan_id ORDER BY nama, nik, lama_id, baru_id),
        lama_id, baru_id
    FROM ({joined}) x WHERE {berubah}
"""


def simpan_orang_sql(
    perbandingan: PerbandinganDesil, lama: Snapshot, baru: Snapshot, kelurahan: list[int]
) -> tuple[str, dict[str, Any]]:
    """The statement listing the changed people of `kelurahan`, in the list's order."""
    cut = {"pkh": perbandingan.batas_pkh, "pbijk": perbandingan.batas_pbijk}
    joined, params = gabung(lama, baru, kelurahan, cut)
    return SIMPAN_ORANG.format(joined=joined, berubah=_BERUBAH), params
