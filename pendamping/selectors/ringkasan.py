"""Reads of the performance summary (`RingkasanKinerja`, issue 21): the pages' figures.

The performance page and the comparison table read one stored row per pendamping and period
instead of running the aggregate statement of `pendamping.selectors.indikator` (a year of
visits, attendance, cases, audit events) on every view. `pendamping.services.ringkasan`
keeps the rows: every write the statement counts (of this app, p2k2 or kpm; listed in that
module's docstring) marks the rows it changes (`is_basi`), rows of a period still running
are computed again when older than the setting `ringkasan_umur_menit`, and Celery beat
refreshes those in the background. The view asks the service to refresh what is out of
date first; these functions then read (1 query) and compute live only what is still
missing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from dinsos import hooks
from dinsos.formatting import JAKARTA
from dinsos.models import User
from dinsos.pengaturan import today
from pendamping.models import Pendamping, RingkasanKinerja
from pendamping.models.ringkasan import BULAN_SETAHUN
from pendamping.periode import Periode
from pendamping.selectors.indikator import _FIELDS, _statement, perbandingan_pendamping
from pendamping.selectors.kinerja import Indikator


def _bulan(periode: Periode) -> int:
    return periode.bulan or BULAN_SETAHUN


def periode_dari(tahun: int, bulan: int) -> Periode:
    return Periode(tahun, bulan or None)


def periode_tahun_berjalan(on: datetime.date | None = None) -> list[Periode]:
    """The year so far and each of its months up to the current one (what the performance
    page of this year shows)."""
    day = on or today()
    return [Periode(day.year), *(Periode(day.year, b) for b in range(1, day.month + 1))]


def nilai_list(
    pendamping: Sequence[tuple[int, int | None]],
    periodes: Sequence[Periode],
    pengaturan: Mapping[str, Any],
) -> list[dict[int, dict[str, Any]]]:
    """The raw figures of the indicator statement, per period, by pendamping id, for every
    (pendamping id, user id) given: `{field: value, …, "rhk": {key: count}}`. One statement
    per period, in one transaction. `RingkasanKinerja.nilai` stores exactly this."""
    if not pendamping or not periodes:
        return [{} for _ in periodes]
    ids = [pk for pk, _ in pendamping]
    user_ids = [user_id for _, user_id in pendamping if user_id is not None]
    result = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # as pendamping.selectors.indikator._hitung
        for periode in periodes:
            sql, keys = _statement(ids, periode, pengaturan, user_ids)
            cursor.execute(sql.text, sql.params)
            result.append({row[0]: _nilai(row[1:], keys) for row in cursor.fetchall()})
    return result


def _nilai(row: Sequence[Any], keys: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = dict(zip(_FIELDS, row[: len(_FIELDS)], strict=True))
    values["rhk"] = dict(zip(keys, row[len(_FIELDS) :], strict=True))
    return values


def _rhk_keys() -> set[str]:
    return {key for key in hooks.registry.keyed(hooks.RHK_PENDAMPING) if key.isidentifier()}


def is_nilai_terkini(nilai: Mapping[str, Any], rhk_keys: set[str] | None = None) -> bool:
    """Whether stored figures have the keys the statement gives today: a new figure or a
    newly registered RHK source makes older rows out of date (computed again, not misread)."""
    rhk = nilai.get("rhk")
    keys = _rhk_keys() if rhk_keys is None else rhk_keys
    return isinstance(rhk, dict) and set(nilai) == {*_FIELDS, "rhk"} and set(rhk) == keys


def is_segar(
    baris: RingkasanKinerja, *, sekarang: datetime.datetime, umur_menit: int, rhk_keys: set[str]
) -> bool:
    """A stored row still holds the figures: not marked by a write, keys as today, and either
    computed after its period ended (WIB) or less than `umur_menit` ago."""
    if baris.is_basi or not is_nilai_terkini(baris.nilai, rhk_keys):
        return False
    periode = periode_dari(baris.tahun, baris.bulan)
    if baris.dihitung_pada.astimezone(JAKARTA).date() > periode.akhir:
        return True
    return baris.dihitung_pada >= sekarang - datetime.timedelta(minutes=umur_menit)


def perlu_dihitung(
    pendamping_ids: Iterable[int], periodes: Sequence[Periode], *, umur_menit: int
) -> dict[Periode, list[int]]:
    """Per period, the pendamping whose row is missing or out of date (1 query)."""
    ids = sorted(set(pendamping_ids))
    if not ids or not periodes:
        return {}
    tahun_bulan = Q()
    for periode in periodes:
        tahun_bulan |= Q(tahun=periode.tahun, bulan=_bulan(periode))
    sekarang = timezone.now()
    rhk_keys = _rhk_keys()
    segar = {
        (b.pendamping_id, b.tahun, b.bulan)
        for b in RingkasanKinerja.objects.filter(tahun_bulan, pendamping_id__in=ids)
        if is_segar(b, sekarang=sekarang, umur_menit=umur_menit, rhk_keys=rhk_keys)
    }
    hasil: dict[Periode, list[int]] = {}
    for periode in periodes:
        kurang = [pk for pk in ids if (pk, periode.tahun, _bulan(periode)) not in segar]
        if kurang:
            hasil[periode] = kurang
    return hasil


@dataclass(frozen=True)
class HasilRingkasan:
    """Figures per period (in the order asked) and when the oldest of them was computed."""

    indikator: list[list[Indikator]]
    diperbarui: datetime.datetime | None


def indikator_ringkas(
    profiles: list[Pendamping], periodes: Sequence[Periode], pengaturan: Mapping[str, Any]
) -> HasilRingkasan:
    """The figures of the loaded profiles (with `user`) for each period, from the summary
    (1 query); a row still missing is computed live, not stored (the view's service call
    stores them first, so this happens only in a race)."""
    if not profiles or not periodes:
        return HasilRingkasan([[] for _ in periodes], None)
    tahun_bulan = Q()
    for periode in periodes:
        tahun_bulan |= Q(tahun=periode.tahun, bulan=_bulan(periode))
    rows = {
        (b.pendamping_id, b.tahun, b.bulan): b
        for b in RingkasanKinerja.objects.filter(
            tahun_bulan, pendamping_id__in=[p.pk for p in profiles]
        )
    }
    rhk_keys = _rhk_keys()
    hilang = [
        periode
        for periode in periodes
        if any(
            (p.pk, periode.tahun, _bulan(periode)) not in rows
            or not is_nilai_terkini(rows[(p.pk, periode.tahun, _bulan(periode))].nilai, rhk_keys)
            for p in profiles
        )
    ]
    live = dict(
        zip(
            hilang,
            nilai_list([(p.pk, p.user_id) for p in profiles], hilang, pengaturan),
            strict=True,
        )
    )
    waktu = [b.dihitung_pada for b in rows.values()]
    result = []
    for periode in periodes:
        per_periode = []
        for p in profiles:
            if periode in live:
                nilai = live[periode][p.pk]
            else:
                nilai = rows[(p.pk, periode.tahun, _bulan(periode))].nilai
            per_periode.append(_indikator(p, nilai, periode, pengaturan))
        result.append(per_periode)
    diperbarui = timezone.now() if live else (min(waktu) if waktu else None)
    return HasilRingkasan(result, diperbarui)


def _indikator(
    profil: Pendamping, nilai: Mapping[str, Any], periode: Periode, pengaturan: Mapping[str, Any]
) -> Indikator:
    return Indikator(
        pendamping=profil,
        periode=periode,
        pengaturan=pengaturan,
        rhk_luar=dict(nilai["rhk"]),
        username=profil.user.get_username() if profil.user else "",
        **{name: nilai[name] for name in _FIELDS},
    )


def periode_kinerja(periode: Periode) -> list[Periode]:
    """The periods the performance page shows: the chosen one, then each month of its year
    up to the current month (the charts)."""
    bulan = [p for p in Periode(periode.tahun).bulan_bulan() if p.awal <= today()]
    return [periode, *bulan]


def kinerja_ringkas(
    *, pendamping: Pendamping, periode: Periode, pengaturan: Mapping[str, Any]
) -> tuple[Indikator, list[Indikator], datetime.datetime | None]:
    """`indikator.kinerja_pendamping` from the summary: the period's figures, the months of
    its year, and when they were computed (the caller checked access)."""
    hasil = indikator_ringkas([pendamping], periode_kinerja(periode), pengaturan)
    return (
        hasil.indikator[0][0],
        [rows[0] for rows in hasil.indikator[1:]],
        hasil.diperbarui,
    )


def perbandingan_profil(*, user: User, periode: Periode, jenis: str = "") -> QuerySet[Pendamping]:
    """The comparison table's pendamping (as `indikator.perbandingan`), loaded for it."""
    return perbandingan_pendamping(user=user, periode=periode, jenis=jenis).select_related(
        "user",
        "jenis",  # the kind's name is shown per row (issue 20: a table, not choices)
    )


def perbandingan_ringkas(
    *, user: User, periode: Periode, pengaturan: Mapping[str, Any], jenis: str = ""
) -> tuple[list[Indikator], datetime.datetime | None]:
    """`indikator.perbandingan` from the summary (2 queries whatever the number of
    pendamping), with when the figures were computed."""
    profiles = list(perbandingan_profil(user=user, periode=periode, jenis=jenis))
    hasil = indikator_ringkas(profiles, [periode], pengaturan)
    return hasil.indikator[0], hasil.diperbarui
