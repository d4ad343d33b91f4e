"""Reads for verifikasi komitmen and suspension proposals, always scoped through kpm.access
(DOMAIN.md §4).

Also two hook providers (verifikasi/apps.py): the monthly non-compliance rule
(`pelanggaran_komitmen`) and RHK 3 (`rhk_pendamping["komitmen"]`).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)

from dinsos import selectors as dinsos_selectors
from dinsos.bulan import awal_bulan, rentang_wib
from dinsos.formatting import JAKARTA, NAMA_BULAN, bulan_tahun
from dinsos.models import Pengaturan, User, Wilayah
from dinsos.pengaturan import DEFAULTS
from dinsos.raw_sql import db_table
from kpm.access import keluarga_dibatasi_ids, scope_keluarga
from kpm.models import Anggota, Keluarga, Komponen
from verifikasi.models import (
    KOMPONEN_PENDIDIKAN,
    Komitmen,
    Usulan,
)
from verifikasi.services import persen_teks

R = User.Role
KS = Komitmen.Status
# Families whose commitments are still checked: a suspended family is still a participant
# (DOMAIN.md §4); graduated and cancelled families are not.
STATUS_PESERTA = (
    Keluarga.Status.AKTIF,
    Keluarga.Status.DITANGGUHKAN,
    Keluarga.Status.CALON_GRADUASI,
)
# DOMAIN.md §4: what each health component must do each month (shown on the month view).
JADWAL_KESEHATAN: dict[str, str] = {
    Komponen.IBU_HAMIL: (
        "4× periksa kehamilan (1× bulan 0–3, 1× bulan 4–6, 2× bulan 7–9), bersalin di "
        "fasilitas kesehatan, ≥ 3× periksa nifas (minggu 1, 4, 6)"
    ),
    Komponen.ANAK_USIA_DINI: "Ditimbang dan diperiksa di posyandu tiap bulan",
    Komponen.LANSIA: "Hadir di posyandu lansia tiap bulan",
    Komponen.DISABILITAS_BERAT: "Diperiksa di posyandu lansia/fasilitas kesehatan tiap bulan",
}


# --- The monthly rule (hooks.PELANGGARAN_KOMITMEN) ----------------------------------
# DOMAIN.md §4: "3 consecutive months of non-compliance → candidate for suspension".
# Decisions (README design, tests/verifikasi/test_komitmen_rules.py):
# - a family month is non-compliant when any member-component is tidak patuh; education with
#   a percentage is judged against the threshold in force on that month's first day (so a
#   dated change of komitmen_pendidikan_persen_min applies from its month on);
# - "tidak dapat diverifikasi" is not non-compliance. Whether it (like a month nobody
#   verified) ends a run is the setting `runtun_jeda_berketerangan_memutus` (issue 20, D13),
#   the same reading as the P2K2 alfa run (p2k2.selectors.alfa): True (default) — the months
#   must be consecutive calendar months, each verified non-compliant; False — such months are
#   skipped and the run counts consecutive VERIFIED months;
# - runs are found in the whole history up to `end` (so a run keeps the same first month,
#   its key), and reported when they reach the threshold and touch [start, end].
# Both CTEs are MATERIALIZED. Inlined, PostgreSQL looked the threshold up once per record
# instead of once per month, and joined every record to its member before filtering; now
# only the non-compliant records (about 5%) meet the member table (bench/komitmen.py,
# 610.776 records: this rule took 2,8 s, now 0,9 s).
_KOMITMEN_SQL = f"""
WITH ambang AS MATERIALIZED (
    SELECT b.bulan::date AS bulan,
           COALESCE((
               SELECT (p.nilai #>> '{{}}')::numeric FROM {db_table(Pengaturan)} p
               WHERE p.kunci = %(kunci)s AND p.berlaku_mulai <= b.bulan::date
               ORDER BY p.berlaku_mulai DESC LIMIT 1
           ), %(bawaan)s) AS batas
    FROM generate_series(
        (SELECT MIN(bulan) FROM {db_table(Komitmen)}), %(akhir)s::date, interval '1 month'
    ) AS b(bulan)
), tidak_patuh AS MATERIALIZED (
    SELECT k.keluarga_id, k.bulan, k.anggota_id, k.komponen, k.persen_kehadiran, k.catatan,
           CASE WHEN k.persen_kehadiran IS NOT NULL THEN m.batas END AS batas
    FROM {db_table(Komitmen)} k
    JOIN ambang m ON m.bulan = k.bulan
    WHERE k.bulan <= %(akhir)s
      AND CASE WHEN k.persen_kehadiran IS NOT NULL AND k.komponen = ANY(%(pendidikan)s)
               THEN k.persen_kehadiran < m.batas
               ELSE k.status = %(tidak_patuh)s END
), memutus AS MATERIALIZED (
    SELECT COALESCE((
        SELECT (g.nilai #>> '{{}}')::boolean FROM {db_table(Pengaturan)} g
        WHERE g.kunci = %(kunci_jeda)s AND g.berlaku_mulai <= %(akhir)s
        ORDER BY g.berlaku_mulai DESC LIMIT 1
    ), %(jeda_bawaan)s) AS ya
), diverifikasi AS MATERIALIZED (
    -- only when gaps are skipped: each family's verified months, numbered in order
    SELECT keluarga_id, bulan, ROW_NUMBER() OVER (PARTITION BY keluarga_id ORDER BY bulan) AS urut
    FROM (
        SELECT DISTINCT k.keluarga_id, k.bulan FROM {db_table(Komitmen)} k
        WHERE k.bulan <= %(akhir)s
          AND (k.status <> %(tdv)s OR k.persen_kehadiran IS NOT NULL)
          AND NOT (SELECT ya FROM memutus)
    ) v
), langgar AS (
    SELECT t.keluarga_id, t.bulan,
           jsonb_agg(jsonb_build_object(
               'anggota_id', t.anggota_id, 'nama', a.nama, 'komponen', t.komponen,
               'persen', t.persen_kehadiran, 'batas', t.batas, 'catatan', t.catatan
           ) ORDER BY a.tanggal_lahir, t.anggota_id, t.komponen) AS pelanggaran
    FROM tidak_patuh t
    JOIN {db_table(Anggota)} a ON a.id = t.anggota_id
    GROUP BY t.keluarga_id, t.bulan
), pulau AS (
    SELECT l.keluarga_id, l.bulan, l.pelanggaran,
           CASE WHEN (SELECT ya FROM memutus)
                THEN (EXTRACT(YEAR FROM l.bulan) * 12 + EXTRACT(MONTH FROM l.bulan))::int
                ELSE v.urut END
           - ROW_NUMBER() OVER (PARTITION BY l.keluarga_id ORDER BY l.bulan) AS grp
    FROM langgar l
    LEFT JOIN diverifikasi v ON v.keluarga_id = l.keluarga_id AND v.bulan = l.bulan
)
SELECT keluarga_id, MIN(bulan), MAX(bulan), COUNT(*),
       jsonb_agg(jsonb_build_object('bulan', bulan, 'pelanggaran', pelanggaran) ORDER BY bulan)
FROM pulau
GROUP BY keluarga_id, grp
HAVING COUNT(*) >= %(batas_bulan)s AND MAX(bulan) >= %(awal)s
ORDER BY keluarga_id, MIN(bulan)
"""  # noqa: S608 (table names from model metadata only)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def rentang_bulan(mulai: datetime.date, sampai: datetime.date) -> str:
    """`Januari–Maret 2025`, `November 2024–Januari 2025`, or one month."""
    if mulai == sampai:
        return bulan_tahun(mulai)
    if mulai.year == sampai.year:
        return f"{NAMA_BULAN[mulai.month - 1]}–{bulan_tahun(sampai)}"
    return f"{bulan_tahun(mulai)}–{bulan_tahun(sampai)}"


def _uraian(item: Mapping[str, Any]) -> str:
    label = Komponen(item["komponen"]).label
    if item.get("persen") is not None:
        persen = persen_teks(Decimal(str(item["persen"])))
        batas = persen_teks(Decimal(str(item["batas"])))
        return f"{item['nama']} ({label}) hadir {persen} hari efektif sekolah, di bawah {batas}"
    text = f"{item['nama']} ({label}) tidak patuh"
    return f"{text}: {item['catatan']}" if item.get("catatan") else text


def ringkasan_komitmen(
    *, bulan: list[Mapping[str, Any]], batas_bulan: int, is_berlangsung: bool
) -> str:
    """The sentence the office reads for a run of non-compliant months."""
    mulai = datetime.date.fromisoformat(bulan[0]["bulan"])
    sampai = datetime.date.fromisoformat(bulan[-1]["bulan"])
    parts = [
        f"Tidak patuh komitmen {len(bulan)} bulan berturut-turut, {rentang_bulan(mulai, sampai)} "
        f"(batas {batas_bulan} bulan)."
    ]
    for month in bulan:
        day = datetime.date.fromisoformat(month["bulan"])
        parts.append(f"{bulan_tahun(day)}: {'; '.join(_uraian(i) for i in month['pelanggaran'])}.")
    if is_berlangsung:
        parts.append("Masih berlangsung.")
    return " ".join(parts)


def pelanggaran_komitmen(start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Runs of consecutive non-compliant months (DOMAIN.md §4) that reach the threshold
    (setting komitmen_bulan_berturut in force on `end`) and touch [start, end]; one query."""
    batas_bulan = int(dinsos_selectors.pengaturan_get("komitmen_bulan_berturut", on=end))
    kunci = "komitmen_pendidikan_persen_min"
    params: dict[str, Any] = {
        "kunci": kunci,
        "bawaan": Decimal(DEFAULTS[kunci].default),
        "akhir": end,
        "awal": awal_bulan(start),
        "pendidikan": list(KOMPONEN_PENDIDIKAN),
        "tidak_patuh": KS.TIDAK_PATUH.value,
        "batas_bulan": batas_bulan,
        "kunci_jeda": "runtun_jeda_berketerangan_memutus",
        "jeda_bawaan": bool(DEFAULTS["runtun_jeda_berketerangan_memutus"].default),
        "tdv": KS.TIDAK_DAPAT_DIVERIFIKASI.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_KOMITMEN_SQL, params)
        runs = cursor.fetchall()
    last_month = awal_bulan(end)
    rows = []
    for keluarga_id, mulai, sampai, jumlah, bulan in runs:
        months = _json(bulan)
        is_berlangsung = sampai == last_month
        rows.append(
            {
                "keluarga_id": keluarga_id,
                "jenis": Usulan.Jenis.KOMITMEN.value,
                "kunci": mulai.strftime("%Y-%m"),
                "rincian": {
                    "ringkasan": ringkasan_komitmen(
                        bulan=months, batas_bulan=batas_bulan, is_berlangsung=is_berlangsung
                    ),
                    "mulai": mulai.isoformat(),
                    "sampai": sampai.isoformat(),
                    "jumlah_bulan": jumlah,
                    "batas_bulan": batas_bulan,
                    "is_berlangsung": is_berlangsung,
                    "bulan": months,
                },
            }
        )
    return rows


# --- Office lists -------------------------------------------------------------------------
@dataclass(frozen=True)
class FilterUsulan:
    """The proposal and flag lists' narrowing (the rakor report links with them)."""

    jenis: str = ""
    dibuat: datetime.date | None = None  # proposed in this month (office time)
    diputuskan: datetime.date | None = None  # decided in this month
    komponen: str = ""  # flags only
    kecamatan: Wilayah | None = None


def _keluarga_di(user: User, kecamatan: Wilayah | None) -> QuerySet[Keluarga]:
    keluarga = scope_keluarga(user, Keluarga.objects.all())
    return keluarga.filter(kelurahan__parent=kecamatan) if kecamatan else keluarga


def usulan_list(
    *, user: User, status: str = Usulan.Status.DIUSULKAN, filters: FilterUsulan | None = None
) -> QuerySet[Usulan]:
    """Proposals of families the user may see, newest first."""
    f = filters or FilterUsulan()
    proposals = Usulan.objects.filter(keluarga__in=_keluarga_di(user, f.kecamatan))
    if status:
        proposals = proposals.filter(status=status)
    if f.jenis:
        proposals = proposals.filter(jenis=f.jenis)
    if f.dibuat:
        mulai, akhir = rentang_wib(f.dibuat)
        proposals = proposals.filter(created_at__gte=mulai, created_at__lt=akhir)
    if f.diputuskan:
        mulai, akhir = rentang_wib(f.diputuskan)
        proposals = proposals.filter(diputuskan_at__gte=mulai, diputuskan_at__lt=akhir)
    return proposals.select_related(
        "keluarga__pengurus", "keluarga__kelurahan", "keluarga__pendamping", "diputuskan_oleh"
    ).order_by("-updated_at", "-pk")


def tanda_list(
    *, user: User, bulan: datetime.date, filters: FilterUsulan | None = None
) -> QuerySet[Komitmen]:
    """Non-compliance flags of one month (DOMAIN.md §4: < 85% school attendance, missed
    health checks) for families the user may see, education judged against the threshold
    in force that month."""
    f = filters or FilterUsulan()
    batas = dinsos_selectors.pengaturan_get("komitmen_pendidikan_persen_min", on=bulan)
    measured = Q(komponen__in=KOMPONEN_PENDIDIKAN, persen_kehadiran__isnull=False)
    flagged = (measured & Q(persen_kehadiran__lt=batas)) | (~measured & Q(status=KS.TIDAK_PATUH))
    if f.komponen:
        flagged &= Q(komponen=f.komponen)
    return (
        Komitmen.objects.filter(keluarga__in=_keluarga_di(user, f.kecamatan))
        .filter(flagged, bulan=bulan)
        .select_related("anggota", "keluarga__kelurahan", "keluarga__pendamping")
        .order_by("keluarga__kelurahan__nama", "keluarga_id", "anggota_id", "komponen")
    )


# --- RHK 3 (hooks.RHK_PENDAMPING["komitmen"]) -------------------------------------------
def rhk_komitmen(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 3 (DOMAIN.md §11): verifications recorded in [start, end] (Jakarta days) per
    user who recorded them; rows `pendamping_user_id`, `jumlah`. Verifications of a family
    under a restriction in force are left out, as from every list."""
    awal = datetime.datetime.combine(start, datetime.time.min, tzinfo=JAKARTA)
    akhir = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=JAKARTA
    )
    return (
        Komitmen.objects.filter(created_at__gte=awal, created_at__lt=akhir)
        .exclude(keluarga_id__in=keluarga_dibatasi_ids())  # not processed (UU 27/2022)
        .values(pendamping_user_id=F("recorded_by_id"))
        .annotate(jumlah=Count("pk"))
        .order_by()
    )
