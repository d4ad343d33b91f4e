"""The P2K2 rule for kpm's proposals (settings.KPM_SUMBER_PELANGGARAN): runs of consecutive
alfa (DOMAIN.md §4: "3 consecutive unexcused absences from P2K2 → candidate for suspension").

Same reading of the rule as the office recap (`p2k2.rekap`): izin and sakit are excused, so
they neither count towards a run nor end it; only hadir ends it. Meetings are ordered as in
p2k2.models.URUTAN_PERTEMUAN and only held meetings (terlaksana) count.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import connection

from dinsos import selectors as dinsos_selectors
from dinsos.formatting import tanggal
from dinsos.raw_sql import db_table
from p2k2.models import Kehadiran, Kelompok, Pertemuan, Sesi

S = Kehadiran.Status
JENIS = "p2k2_alfa"  # kpm.models.Usulan.Jenis.P2K2_ALFA

# Window functions number each family's marks (hadir and alfa only, meetings up to `end`) in
# meeting order and start a new block at every hadir; the alfa of one block form one run. A
# run is reported when it has at least `batas` alfa and its last alfa is not before `start`.
_ALFA_SQL = f"""
WITH tanda AS (
    SELECT k.keluarga_id, k.pertemuan_id, k.status, p.tanggal,
           kl.nama AS kelompok,
           COALESCE(NULLIF(p.topik, ''), s.judul, '') AS judul,
           SUM(CASE WHEN k.status = %(hadir)s THEN 1 ELSE 0 END) OVER w AS blok,
           ROW_NUMBER() OVER w AS urut
    FROM {db_table(Kehadiran)} k
    JOIN {db_table(Pertemuan)} p ON p.id = k.pertemuan_id
    JOIN {db_table(Kelompok)} kl ON kl.id = p.kelompok_id
    LEFT JOIN {db_table(Sesi)} s ON s.id = p.sesi_id
    WHERE k.status IN (%(hadir)s, %(alfa)s)
      AND p.status = %(terlaksana)s
      AND p.tanggal <= %(akhir)s
    WINDOW w AS (PARTITION BY k.keluarga_id ORDER BY p.tanggal, p.jam_mulai, p.id)
), akhir AS (
    SELECT keluarga_id, MAX(blok) AS blok_akhir FROM tanda GROUP BY keluarga_id
)
SELECT t.keluarga_id,
       COUNT(*) AS jumlah,
       jsonb_agg(jsonb_build_object(
           'id', t.pertemuan_id, 'tanggal', t.tanggal, 'kelompok', t.kelompok, 'judul', t.judul
       ) ORDER BY t.urut) AS pertemuan,
       BOOL_AND(t.blok = a.blok_akhir) AS is_berlangsung
FROM tanda t
JOIN akhir a ON a.keluarga_id = t.keluarga_id
WHERE t.status = %(alfa)s
GROUP BY t.keluarga_id, t.blok
HAVING COUNT(*) >= %(batas)s
   AND MAX(t.tanggal) >= %(awal)s
"""  # noqa: S608 (table names from model metadata only)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def ringkasan_alfa(*, pertemuan: list[dict[str, Any]], batas: int, is_berlangsung: bool) -> str:
    """The sentence the office reads for a run of alfa."""
    daftar = "; ".join(
        f"{tanggal(datetime.date.fromisoformat(p['tanggal']))} ({p['kelompok']}"
        + (f", {p['judul']})" if p["judul"] else ")")
        for p in pertemuan
    )
    text = f"Alfa P2K2 {len(pertemuan)} kali berturut-turut (batas {batas}): {daftar}."
    return f"{text} Belum hadir lagi sejak itu." if is_berlangsung else text


def pelanggaran_alfa(start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Runs of at least `p2k2_alfa_berturut` consecutive alfa (setting in force on `end`)
    that touch [start, end], one row per run with the meetings behind it; one query."""
    batas = int(dinsos_selectors.pengaturan_get("p2k2_alfa_berturut", on=end))
    params: dict[str, Any] = {
        "hadir": S.HADIR.value,
        "alfa": S.ALFA.value,
        "terlaksana": Pertemuan.Status.TERLAKSANA.value,
        "akhir": end,
        "awal": start,
        "batas": batas,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ALFA_SQL, params)
        runs = cursor.fetchall()
    rows = []
    for keluarga_id, jumlah, pertemuan, is_berlangsung in runs:
        meetings = _json(pertemuan)
        rows.append(
            {
                "keluarga_id": keluarga_id,
                "jenis": JENIS,
                "kunci": f"pertemuan-{meetings[0]['id']}",
                "rincian": {
                    "ringkasan": ringkasan_alfa(
                        pertemuan=meetings, batas=batas, is_berlangsung=is_berlangsung
                    ),
                    "mulai": meetings[0]["tanggal"],
                    "sampai": meetings[-1]["tanggal"],
                    "jumlah": jumlah,
                    "batas": batas,
                    "is_berlangsung": is_berlangsung,
                    "pertemuan": meetings,
                },
            }
        )
    return rows
