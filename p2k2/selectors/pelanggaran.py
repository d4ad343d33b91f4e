"""The P2K2 rule for kpm's proposals (the `pelanggaran_komitmen` hook): runs of consecutive
alfa (DOMAIN.md §4: "3 consecutive unexcused absences from P2K2 → candidate for suspension").

The runs come from `p2k2.selectors.alfa.runtun_alfa_list`, the one query and the one reading of
the rule that the recap page and the family panel use too; this module only words them as
proposals.
"""

from __future__ import annotations

import datetime
from typing import Any

from dinsos.formatting import tanggal
from p2k2.models import Pertemuan
from p2k2.selectors.alfa import runtun_alfa_batas, runtun_alfa_list, runtun_alfa_pertemuan

JENIS = "p2k2_alfa"  # verifikasi.models.Usulan.Jenis.P2K2_ALFA


def ringkasan_alfa(*, pertemuan: list[dict[str, Any]], batas: int, is_berlangsung: bool) -> str:
    """The sentence the office reads for a run of alfa."""
    daftar = "; ".join(
        f"{tanggal(datetime.date.fromisoformat(p['tanggal']))} ({p['kelompok']}"
        + (f", {p['judul']})" if p["judul"] else ")")
        for p in pertemuan
    )
    text = f"Alfa P2K2 {len(pertemuan)} kali berturut-turut (batas {batas}): {daftar}."
    return f"{text} Belum hadir lagi sejak itu." if is_berlangsung else text


def _rincian_pertemuan(p: Pertemuan) -> dict[str, Any]:
    """A meeting as the proposal stores it (JSON): the adaptif topic, else the session."""
    judul = p.topik or (p.sesi.judul if p.sesi is not None else "")
    return {
        "id": p.pk,
        "tanggal": p.tanggal.isoformat(),
        "kelompok": p.kelompok.nama,
        "judul": judul,
    }


def pelanggaran_alfa(start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Runs of at least `p2k2_alfa_berturut` consecutive alfa (setting in force on `end`),
    counting meetings up to `end`, whose last alfa falls in [start, end]: one row per run
    with the meetings behind it (2 queries and the setting)."""
    batas = runtun_alfa_batas(on=end)
    runs = runtun_alfa_list(batas=batas, sampai=end, berakhir_sejak=start)
    pertemuan = runtun_alfa_pertemuan(runs)
    rows = []
    for run in runs:
        meetings = [_rincian_pertemuan(pertemuan[pk]) for pk in run.pertemuan_ids]
        rows.append(
            {
                "keluarga_id": run.keluarga_id,
                "jenis": JENIS,
                "kunci": f"pertemuan-{run.pertemuan_ids[0]}",
                "rincian": {
                    "ringkasan": ringkasan_alfa(
                        pertemuan=meetings, batas=batas, is_berlangsung=run.is_berlangsung
                    ),
                    "mulai": meetings[0]["tanggal"],
                    "sampai": meetings[-1]["tanggal"],
                    "jumlah": run.jumlah,
                    "batas": batas,
                    "is_berlangsung": run.is_berlangsung,
                    "pertemuan": meetings,
                },
            }
        )
    return rows
