"""Selectors of what applying a snapshot would change (issue 15): which kelurahan the file
covers, and per kecamatan the families whose desil goes up, down, appears or disappears, the
families of the area absent from the file, and PBI-JK rows becoming active or nonactive.

Computed in SQL from the loaded rows, before "Terapkan" (bench/import_dtsen.py times it at
1.000.000 rows). Reads for the admin's review page: the caller already checked access to the
snapshot (dtsen.access.access_snapshot).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.db import connection

from dinsos import selectors as dinsos_selectors
from dinsos.models import Wilayah
from dinsos.raw_sql import db_table
from dtsen.models import PBIJK_NONAKTIF_REGEX, DtsenRecord, Jenis, PbiJkRecord, Penerapan, Snapshot
from kpm.models import Keluarga

C = Penerapan.Cakupan
PERSEN_PERSETUJUAN = "dtsen_persetujuan_hilang_desil_persen"


def kelurahan_wilayah(*, snapshot: Snapshot) -> list[int]:
    """The current kelurahan of the snapshot's area (kabupaten/kota), by id."""
    return list(
        Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KELURAHAN,
            kode__startswith=f"{snapshot.wilayah.kode}.",
            berlaku_sampai__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# The distinct kelurahan of a snapshot's rows by hopping along the (snapshot, kelurahan)
# index, one probe per kelurahan: a plain DISTINCT reads every one of a million rows.
_KELURAHAN_FILE = """
    WITH RECURSIVE k AS (
        (SELECT kelurahan_id FROM {record} WHERE snapshot_id = %(snapshot)s
         ORDER BY kelurahan_id LIMIT 1)
        UNION ALL
        SELECT (SELECT r.kelurahan_id FROM {record} r
                WHERE r.snapshot_id = %(snapshot)s AND r.kelurahan_id > k.kelurahan_id
                ORDER BY r.kelurahan_id LIMIT 1)
        FROM k WHERE k.kelurahan_id IS NOT NULL
    )
    SELECT kelurahan_id FROM k WHERE kelurahan_id IS NOT NULL
"""


def _record(snapshot: Snapshot) -> str:
    return db_table(DtsenRecord if snapshot.jenis == Jenis.DTSEN else PbiJkRecord)


@dataclass(frozen=True)
class Cakupan:
    """The kelurahan of the area and those the file has rows in."""

    kelurahan_wilayah: list[int]
    kelurahan_file: list[int]

    @property
    def kelurahan_tercakup(self) -> list[int]:
        file = set(self.kelurahan_file)
        return [k for k in self.kelurahan_wilayah if k in file]

    @property
    def is_sebagian(self) -> bool:
        """A partial snapshot: some kelurahan of the area have no row in the file."""
        return len(self.kelurahan_tercakup) < len(self.kelurahan_wilayah)

    def kelurahan_untuk(self, cakupan: str) -> list[int]:
        """The kelurahan an apply of this scope changes (families absent lose their desil)."""
        return self.kelurahan_wilayah if cakupan == C.SELURUH else self.kelurahan_tercakup


def snapshot_cakupan(*, snapshot: Snapshot) -> Cakupan:
    """Which kelurahan of the snapshot's area its file covers."""
    with connection.cursor() as cursor:
        cursor.execute(_KELURAHAN_FILE.format(record=_record(snapshot)), {"snapshot": snapshot.pk})
        in_file = [row[0] for row in cursor.fetchall()]
    return Cakupan(kelurahan_wilayah=kelurahan_wilayah(snapshot=snapshot), kelurahan_file=in_file)


@dataclass
class DampakKecamatan:
    """What an apply changes in one kecamatan. DTSEN: families (KPM); PBI-JK: people."""

    kecamatan_id: int | None = None
    kecamatan: str = ""
    kelurahan: int = 0
    kelurahan_tercakup: int = 0
    # DTSEN, families whose desil…
    naik: int = 0
    turun: int = 0
    muncul: int = 0
    hilang: int = 0  # …disappears with a partial apply (covered kelurahan only)
    tidak_di_file: int = 0  # families of covered kelurahan absent from the file
    luar_cakupan: int = 0  # families of kelurahan the file does not cover (left alone)
    luar_cakupan_hilang: int = 0  # …of whom lose a desil if applied to the whole area
    keluarga_sebagian: int = 0
    keluarga_seluruh: int = 0
    # PBI-JK, people who…
    menjadi_aktif: int = 0
    menjadi_nonaktif: int = 0
    tidak_lagi_terdaftar: int = 0  # were active in the active list and are not in this file

    def tambah(self, other: DampakKecamatan) -> None:
        for f in fields(self):
            if f.type == "int" and f.name != "kecamatan_id":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Dampak:
    """An apply's impact per kecamatan and in total, for the review page and the approval."""

    jenis: str
    cakupan: Cakupan
    kecamatan: list[DampakKecamatan] = field(default_factory=list)
    total: DampakKecamatan = field(default_factory=DampakKecamatan)

    def jumlah_hilang(self, cakupan: str) -> int:
        """Families losing their desil (DTSEN) or people losing PBI-JK, for this scope."""
        t = self.total
        if self.jenis == Jenis.PBIJK:
            return t.menjadi_nonaktif + t.tidak_lagi_terdaftar
        return t.hilang + (t.luar_cakupan_hilang if cakupan == C.SELURUH else 0)

    def jumlah_keluarga(self, cakupan: str) -> int:
        """Families an apply of this scope looks at (the share's denominator)."""
        t = self.total
        return t.keluarga_seluruh if cakupan == C.SELURUH else t.keluarga_sebagian

    def as_json(self) -> dict[str, Any]:
        return {"kecamatan": [asdict(k) for k in self.kecamatan], "total": asdict(self.total)}


_DAMPAK_DTSEN = """
    WITH baru AS (
        SELECT r.no_kk, MIN(r.desil_nasional) AS desil
        FROM {record} r
        WHERE r.snapshot_id = %(snapshot)s
          AND r.no_kk IN (SELECT no_kk FROM {keluarga})
        GROUP BY r.no_kk
    ),
    kk AS (
        SELECT k.kelurahan_id, k.desil AS lama, b.desil AS baru, b.no_kk IS NOT NULL AS ada,
               k.kelurahan_id = ANY(%(tercakup)s) AS tercakup
        FROM {keluarga} k LEFT JOIN baru b ON b.no_kk = k.no_kk
        WHERE b.no_kk IS NOT NULL OR k.kelurahan_id = ANY(%(wilayah)s)
    )
    SELECT kel.parent_id,
        count(*) FILTER (WHERE ada AND baru > lama),
        count(*) FILTER (WHERE ada AND baru < lama),
        count(*) FILTER (WHERE ada AND lama IS NULL AND baru IS NOT NULL),
        count(*) FILTER (WHERE (ada OR tercakup) AND lama IS NOT NULL AND baru IS NULL),
        count(*) FILTER (WHERE NOT ada AND tercakup),
        count(*) FILTER (WHERE NOT ada AND NOT tercakup),
        count(*) FILTER (WHERE NOT ada AND NOT tercakup AND lama IS NOT NULL),
        count(*) FILTER (WHERE ada OR tercakup),
        count(*)
    FROM kk JOIN {wilayah} kel ON kel.id = kk.kelurahan_id
    GROUP BY kel.parent_id
"""
_KOLOM_DTSEN: tuple[str, ...] = (
    "naik",
    "turun",
    "muncul",
    "hilang",
    "tidak_di_file",
    "luar_cakupan",
    "luar_cakupan_hilang",
    "keluarga_sebagian",
    "keluarga_seluruh",
)

# A person's PBI-JK is active unless the status text says nonaktif (PBIJK_NONAKTIF_REGEX);
# compared by NIK with the list in force (the active PBI-JK snapshot of the area).
_DAMPAK_PBIJK = """
    WITH baru AS (
        SELECT nik, kelurahan_id, status_kepesertaan !~* %(nonaktif)s AS aktif
        FROM {record} WHERE snapshot_id = %(snapshot)s
    ),
    lama AS (
        SELECT nik, kelurahan_id, status_kepesertaan !~* %(nonaktif)s AS aktif
        FROM {record} WHERE snapshot_id = %(aktif)s
    ),
    pasangan AS (
        SELECT COALESCE(b.kelurahan_id, l.kelurahan_id) AS kelurahan_id,
               b.nik IS NOT NULL AS ada, b.aktif AS baru, COALESCE(l.aktif, false) AS lama
        FROM baru b FULL JOIN lama l ON l.nik = b.nik
    )
    SELECT kel.parent_id,
        count(*) FILTER (WHERE ada AND baru AND NOT lama),
        count(*) FILTER (WHERE ada AND NOT baru AND lama),
        count(*) FILTER (WHERE NOT ada AND lama)
    FROM pasangan JOIN {wilayah} kel ON kel.id = pasangan.kelurahan_id
    GROUP BY kel.parent_id
"""
_KOLOM_PBIJK: tuple[str, ...] = ("menjadi_aktif", "menjadi_nonaktif", "tidak_lagi_terdaftar")


def _aktif(snapshot: Snapshot) -> Snapshot | None:
    return (
        Snapshot.objects.filter(
            jenis=snapshot.jenis, wilayah_id=snapshot.wilayah_id, status=Snapshot.Status.DITERAPKAN
        )
        .exclude(pk=snapshot.pk)
        .first()
    )


def snapshot_dampak(*, snapshot: Snapshot, cakupan: Cakupan | None = None) -> Dampak:
    """What applying `snapshot` would change, per kecamatan of its area, for both scopes
    (partial: covered kelurahan only; whole area). One SQL statement over the loaded rows."""
    cakupan = cakupan or snapshot_cakupan(snapshot=snapshot)
    params: dict[str, Any] = {"snapshot": snapshot.pk}
    if snapshot.jenis == Jenis.DTSEN:
        sql, kolom = _DAMPAK_DTSEN, _KOLOM_DTSEN
        params |= {"tercakup": cakupan.kelurahan_tercakup, "wilayah": cakupan.kelurahan_wilayah}
    else:
        aktif = _aktif(snapshot)
        sql, kolom = _DAMPAK_PBIJK, _KOLOM_PBIJK
        params |= {"aktif": aktif.pk if aktif else None, "nonaktif": PBIJK_NONAKTIF_REGEX}
    with connection.cursor() as cursor:
        cursor.execute(
            sql.format(
                record=_record(snapshot), keluarga=db_table(Keluarga), wilayah=db_table(Wilayah)
            ),
            params,
        )
        counts = {row[0]: dict(zip(kolom, row[1:], strict=True)) for row in cursor.fetchall()}
    return _per_kecamatan(snapshot=snapshot, cakupan=cakupan, counts=counts)


def _per_kecamatan(
    *, snapshot: Snapshot, cakupan: Cakupan, counts: dict[int, dict[str, int]]
) -> Dampak:
    kelurahan = dict(
        Wilayah.objects.filter(pk__in=cakupan.kelurahan_wilayah).values_list("pk", "parent_id")
    )
    tercakup = set(cakupan.kelurahan_tercakup)
    kecamatan_ids = set(kelurahan.values()) | {k for k in counts if k is not None}
    names = dict(Wilayah.objects.filter(pk__in=kecamatan_ids).values_list("pk", "nama"))
    dampak = Dampak(jenis=snapshot.jenis, cakupan=cakupan)
    for kecamatan_id in sorted(kecamatan_ids, key=lambda k: names.get(k, "")):
        row = DampakKecamatan(
            kecamatan_id=kecamatan_id,
            kecamatan=names.get(kecamatan_id, ""),
            kelurahan=sum(1 for p in kelurahan.values() if p == kecamatan_id),
            kelurahan_tercakup=sum(
                1 for k, p in kelurahan.items() if p == kecamatan_id and k in tercakup
            ),
            **counts.get(kecamatan_id, {}),
        )
        dampak.kecamatan.append(row)
        dampak.total.tambah(row)
    return dampak


def perlu_persetujuan(*, dampak: Dampak, cakupan: str) -> bool:
    """Whether a DTSEN apply removes desil from more than the set share of the families it
    looks at (dated setting `dtsen_persetujuan_hilang_desil_persen`)."""
    if dampak.jenis != Jenis.DTSEN:
        return False
    persen = dinsos_selectors.pengaturan_get(PERSEN_PERSETUJUAN)
    return dampak.jumlah_hilang(cakupan) * 100 > persen * dampak.jumlah_keluarga(cakupan)
