"""Reads of a pendamping's own families for field work: the family picker of the record
forms and the families due for a home visit (the Beranda line and the list behind it).

Both start from `keluarga_pilihan` (kpm.access.scope_keluarga, families still served), so a
pendamping only ever finds their own caseload.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from dinsos import selectors as dinsos_selectors
from dinsos.models import User
from dinsos.names import normalize_nama
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table, queryset_sql
from kpm.access import scope_keluarga
from kpm.models import Anggota, Keluarga
from pendamping.models import Kunjungan
from pendamping.selectors.indikator import STATUS_DIDAMPINGI
from pendamping.selectors.pendamping import keluarga_pilihan

PILIHAN_CARI_MAKS = 10  # a phone screen of choices; type more letters for the rest
CARI_HURUF_MIN = 2  # one letter matches most of a caseload


def keluarga_pilihan_cari(*, user: User, teks: str) -> list[Keluarga]:
    """At most PILIHAN_CARI_MAKS of the families the user may record field work for whose
    head or a member has `teks` in their name (the record forms' family picker); nothing
    for fewer than CARI_HURUF_MIN letters."""
    nama = normalize_nama(teks)
    if len(nama) < CARI_HURUF_MIN:
        return []
    cocok = Anggota.objects.filter(keluarga_id=OuterRef("pk"), nama_cari__contains=nama)
    return list(keluarga_pilihan(user=user).filter(Exists(cocok))[:PILIHAN_CARI_MAKS])


def kunjungan_batas_hari(*, on: datetime.date | None = None) -> int:
    """Days without a home visit after which a family is due one (dated setting)."""
    return int(dinsos_selectors.pengaturan_get("kunjungan_jatuh_tempo_hari", on=on or today()))


# Issue 21: the list's order (never visited first, by the head's name; then the longest
# waiting) read a page at a time. Sorting a province's 90.000 due families on every view took
# 0,6–2 s; a large segment of never-visited families is read by walking the names in order.
JALAN_NAMA_MIN = 5_000  # segments smaller than this are sorted (cheap); larger ones walked

_JALAN_NAMA = """
    SELECT k.id
    FROM (SELECT id, nama FROM {anggota} ORDER BY nama, id OFFSET 0) a
    CROSS JOIN LATERAL (
        SELECT k.id FROM {keluarga} k
        WHERE k.pengurus_id = a.id AND k.id IN ({lingkup})
          AND NOT EXISTS (SELECT 1 FROM {kunjungan} v WHERE v.keluarga_id = k.id)
    ) k
    ORDER BY a.nama, k.id
    LIMIT %(limit)s OFFSET %(offset)s
"""

# The three parts' sizes in one pass over the area's families (from the index
# keluarga_kel_status_isi alone) and each visited family's last visit.
_JUMLAH = """
    SELECT count(*) FILTER (WHERE p.keluarga_id IS NULL AND k.pengurus_id IS NOT NULL),
           count(*) FILTER (WHERE p.keluarga_id IS NULL AND k.pengurus_id IS NULL),
           count(*) FILTER (WHERE p.terakhir <= %(sejak)s)
    FROM ({lingkup}) AS k (id, pengurus_id)
    LEFT JOIN (
        SELECT keluarga_id, max(tanggal) AS terakhir FROM {kunjungan}
        WHERE keluarga_id IS NOT NULL GROUP BY keluarga_id
    ) p ON p.keluarga_id = k.id
"""


@dataclass
class _Bagian:
    """One run of the list's order: how many families, and how to read a slice of it."""

    jumlah: int
    baca: Callable[[int, int], list[int]]  # (offset, limit) → family ids in order


class KunjunganJatuhTempo:
    """Families the user serves with no visit or verification recorded since `sejak`, in
    the list's order, each with `kunjungan_terakhir` (None when never visited).

    A sequence for the Paginator: `count()` is one statement; a slice reads only the
    families of that page (one statement per part of the order it touches, then one to load
    them), so the query count does not grow with the page or the area. The order is
    the one the page always had: never visited first (by the head's name, families without
    a head after them), then the longest waiting (by date, name, id)."""

    def __init__(self, *, user: User, sejak: datetime.date) -> None:
        self.user = user
        self.sejak = sejak
        self._bagian: list[_Bagian] | None = None

    def _lingkup(self) -> QuerySet[Keluarga]:
        return scope_keluarga(self.user, Keluarga.objects.filter(status__in=STATUS_DIDAMPINGI))

    def _parts(self) -> list[_Bagian]:
        if self._bagian is not None:
            return self._bagian
        try:
            lingkup, params = queryset_sql(
                self._lingkup().values("pk", "pengurus_id").order_by(), prefix="l"
            )
        except EmptyResultSet:  # a role that sees no family
            bernama, tanpa_nama, menunggu_n = 0, 0, 0
        else:
            sql = _JUMLAH.format(lingkup=lingkup, kunjungan=db_table(Kunjungan))
            with connection.cursor() as cursor:
                cursor.execute(sql, {**params, "sejak": self.sejak})
                bernama, tanpa_nama, menunggu_n = cursor.fetchone()
        pernah = Kunjungan.objects.filter(keluarga_id=OuterRef("pk"))
        baru = pernah.filter(tanggal__gt=self.sejak)
        belum = self._lingkup().filter(~Exists(pernah))
        menunggu = (
            self._lingkup()
            .filter(Exists(pernah), ~Exists(baru))
            .annotate(terakhir=Subquery(pernah.order_by("-tanggal").values("tanggal")[:1]))
            .order_by("terakhir", "pengurus__nama", "pk")
        )
        self._bagian = [
            _Bagian(bernama, self._bernama(belum, bernama)),
            _Bagian(tanpa_nama, _ids(belum.filter(pengurus__isnull=True).order_by("pk"))),
            _Bagian(menunggu_n, _ids(menunggu)),
        ]
        return self._bagian

    def _bernama(self, belum: QuerySet[Keluarga], jumlah: int) -> Callable[[int, int], list[int]]:
        if jumlah < JALAN_NAMA_MIN:
            return _ids(belum.filter(pengurus__isnull=False).order_by("pengurus__nama", "pk"))
        lingkup, params = queryset_sql(self._lingkup().values("pk").order_by(), prefix="l")
        sql = _JALAN_NAMA.format(
            anggota=db_table(Anggota),
            keluarga=db_table(Keluarga),
            kunjungan=db_table(Kunjungan),
            lingkup=lingkup,
        )

        def baca(offset: int, limit: int) -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute(sql, {**params, "offset": offset, "limit": limit})
                return [row[0] for row in cursor.fetchall()]

        return baca

    def count(self) -> int:
        return sum(b.jumlah for b in self._parts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Keluarga]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("KunjunganJatuhTempo is read by slices")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        ids: list[int] = []
        awal = 0
        for bagian in self._parts():
            dari, sampai = max(start - awal, 0), min(stop - awal, bagian.jumlah)
            if dari < sampai:
                ids += bagian.baca(dari, sampai - dari)
            awal += bagian.jumlah
        if not ids:
            return []
        terakhir = Kunjungan.objects.filter(keluarga_id=OuterRef("pk")).order_by("-tanggal")
        rows = (
            keluarga_pilihan(user=self.user)
            .filter(pk__in=ids)
            .annotate(kunjungan_terakhir=Subquery(terakhir.values("tanggal")[:1]))
        )
        by_id = {k.pk: k for k in rows}
        return [by_id[pk] for pk in ids if pk in by_id]


def _ids(qs: QuerySet[Keluarga]) -> Callable[[int, int], list[int]]:
    def baca(offset: int, limit: int) -> list[int]:
        return list(qs.values_list("pk", flat=True)[offset : offset + limit])

    return baca


def keluarga_kunjungan_jatuh_tempo(
    *, user: User, on: datetime.date | None = None
) -> KunjunganJatuhTempo:
    """Families the user serves with no visit or verification recorded in the last
    `kunjungan_jatuh_tempo_hari` days, never-visited first, then the longest waiting; each
    with `kunjungan_terakhir` (None when never visited)."""
    hari_ini = on or today()
    sejak = hari_ini - datetime.timedelta(days=kunjungan_batas_hari(on=hari_ini))
    return KunjunganJatuhTempo(user=user, sejak=sejak)
