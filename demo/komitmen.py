"""A year of monthly compliance for the demo families (`seed_demo`, bench/komitmen.py).

Demo data only: never run it on a production database. One seeded random generator; members
are read in batches and each batch's rows go to PostgreSQL COPY, so memory stays flat at any
size. Most members comply; a few miss a month; about 1% of families miss
three months in a row, so the rules have something to propose. The rules are then evaluated
over the year, exactly as the office would.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from dinsos.bulan import awal_bulan
from dinsos.formatting import JAKARTA, angka
from dinsos.models import User
from kpm.models import Anggota
from verifikasi import services
from verifikasi.models import KOMPONEN_KOMITMEN, KOMPONEN_PENDIDIKAN, Komitmen
from verifikasi.selectors import STATUS_PESERTA

SEED = 1872
BULAN_DEMO = 12
P_TIDAK_PATUH = 0.04  # a member-component misses one month
P_TIDAK_DAPAT = 0.02  # the posyandu or school could not confirm
P_RUNTUN = 0.01  # families that miss three months in a row
P_KURANG_HADIR = 0.05  # school months below the threshold
P_EPKH = 0.6  # school months that arrive from the e-PKH file
HARI_EFEKTIF = (20, 21, 22, 23)
NPSN_DEMO = tuple(f"1080{n:04d}" for n in range(1, 41))  # forty schools of the city
BATCH = 5000
FIELDS = (
    "anggota_id", "keluarga_id", "komponen", "bulan", "status", "persen_kehadiran",
    "hari_efektif", "alpa", "izin", "sakit", "npsn", "catatan", "sumber", "recorded_by_id",
    "created_at", "updated_at",
)  # fmt: skip
CATATAN_TIDAK_PATUH = {
    "ibu_hamil": "Tidak periksa kehamilan bulan ini",
    "anak_usia_dini": "Tidak datang ke posyandu",
    "lansia": "Tidak hadir di posyandu lansia",
    "disabilitas_berat": "Tidak diperiksa bulan ini",
}
S = Komitmen.Status


@dataclass
class StatistikKomitmen:
    komitmen: int
    usulan: int
    detik: float


def _months(today: datetime.date, n: int) -> list[datetime.date]:
    """The last `n` full months before `today`'s month, oldest first."""
    return [awal_bulan(today, geser=-i) for i in range(n, 0, -1)]


def _verified_at(bulan: datetime.date, rng: random.Random) -> datetime.datetime:
    """Verification happens in the first ten days of the following month."""
    day = awal_bulan(bulan, geser=1) + datetime.timedelta(days=rng.randint(0, 9))
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 15)), tzinfo=JAKARTA)


def _school(rng: random.Random, *, is_late: bool) -> tuple[Decimal, int, int, int, int]:
    """(persen, hari efektif, alpa, izin, sakit) of one school month."""
    hari = rng.choice(HARI_EFEKTIF)
    allowed = hari * 15 // 100  # DOMAIN.md §4: at most 15% of effective days absent
    absent = rng.randint(allowed + 1, hari // 2) if is_late else rng.randint(0, allowed)
    alpa = rng.randint(0, absent)
    izin = rng.randint(0, absent - alpa)
    sakit = absent - alpa - izin
    persen = (Decimal(hari - absent) * 100 / hari).quantize(Decimal("0.01"))
    return persen, hari, alpa, izin, sakit


def _members() -> Iterator[list[Any]]:
    """Members with a commitment component, in batches by keluarga (keyset pagination: each
    batch is its own query, run between two COPY statements, never during one)."""
    members = (
        Anggota.objects.filter(
            keluarga__status__in=STATUS_PESERTA, komponen__overlap=list(KOMPONEN_KOMITMEN)
        )
        .order_by("keluarga_id", "pk")
        .values_list("pk", "keluarga_id", "komponen", "keluarga__pendamping_id")
    )
    after = (0, 0)
    while True:
        batch = list(
            members.filter(Q(keluarga_id__gt=after[0]) | Q(keluarga_id=after[0], pk__gt=after[1]))[
                :BATCH
            ]
        )
        if not batch:
            return
        yield batch
        after = (batch[-1][1], batch[-1][0])


@dataclass
class _Runtun:
    """The family currently drawn to miss three months in a row (kept across batches)."""

    keluarga_id: int | None = None
    mulai: int = 0


def _rows(
    batch: list[Any],
    *,
    months: list[datetime.date],
    rng: random.Random,
    oleh: int,
    now: datetime.datetime,
    runtun: _Runtun,
) -> Iterator[tuple[Any, ...]]:
    for anggota_id, keluarga_id, komponen, pendamping_id in batch:
        if keluarga_id != runtun.keluarga_id and rng.random() < P_RUNTUN:
            runtun.keluarga_id, runtun.mulai = keluarga_id, rng.randrange(0, len(months) - 2)
        in_run, run_start = runtun.keluarga_id == keluarga_id, runtun.mulai
        npsn = rng.choice(NPSN_DEMO)
        for k in komponen:
            if k not in KOMPONEN_KOMITMEN:
                continue
            for index, bulan in enumerate(months):
                forced = in_run and run_start <= index < run_start + 3
                recorded = _verified_at(bulan, rng)
                if k in KOMPONEN_PENDIDIKAN:
                    is_late = forced or rng.random() < P_KURANG_HADIR
                    persen, hari, alpa, izin, sakit = _school(rng, is_late=is_late)
                    status = S.PATUH if persen >= 85 else S.TIDAK_PATUH
                    sumber = "epkh" if rng.random() < P_EPKH else "manual"
                    yield (
                        anggota_id, keluarga_id, k, bulan, status, persen, hari, alpa, izin,
                        sakit, npsn, "", sumber, pendamping_id or oleh, recorded, now,
                    )  # fmt: skip
                    continue
                draw = rng.random()
                if forced or draw < P_TIDAK_PATUH:
                    status, catatan = S.TIDAK_PATUH, CATATAN_TIDAK_PATUH[k]
                elif draw < P_TIDAK_PATUH + P_TIDAK_DAPAT:
                    status, catatan = S.TIDAK_DAPAT_DIVERIFIKASI, "Posyandu tidak buka bulan ini"
                else:
                    status, catatan = S.PATUH, ""
                yield (
                    anggota_id, keluarga_id, k, bulan, status, None, None, None, None, None,
                    "", catatan, "manual", pendamping_id or oleh, recorded, now,
                )  # fmt: skip


def _copy(rows: Iterator[tuple[Any, ...]]) -> int:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f) for f in FIELDS)
    count = 0
    sql = f"COPY {quote(Komitmen._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


@transaction.atomic
def generate_komitmen(
    *,
    today: datetime.date,
    seed: int = SEED,
    bulan: int = BULAN_DEMO,
    tulis: Callable[[str], object] | None = None,
) -> StatistikKomitmen | None:
    """Write `bulan` months of compliance for every participating family, then evaluate the
    rules over them. Does nothing (returns None) once any Komitmen exists or without an admin
    (who records for families without a pendamping)."""
    if Komitmen.objects.exists():
        return None
    admin = User.objects.filter(role=User.Role.ADMIN).order_by("pk").first()
    if admin is None:
        return None
    started = time.monotonic()
    months = _months(today, bulan)
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    now = datetime.datetime.now(tz=JAKARTA)
    runtun = _Runtun()
    written = sum(
        _copy(_rows(batch, months=months, rng=rng, oleh=admin.pk, now=now, runtun=runtun))
        for batch in _members()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Komitmen._meta.db_table)}")
    hasil = services.usulan_evaluate(bulan_awal=months[0], bulan_akhir=months[-1])
    stats = StatistikKomitmen(komitmen=written, usulan=hasil.baru, detik=time.monotonic() - started)
    if tulis is not None:
        tulis(
            f"Komitmen demo: {angka(written)} catatan {bulan} bulan, {angka(hasil.baru)} usulan "
            f"penangguhan dalam {stats.detik:.1f} detik."
        )
    return stats
