"""Benchmark: the export writer's restriction check (issue 20, UU 27/2022).

    DJANGO_SETTINGS_MODULE=dinsos.settings.test .venv/bin/python bench/ekspor_pembatasan.py

Every XLSX/CSV row goes through `dinsos.ekspor.is_row_dibatasi` before it is written: this
times that check alone on 100.000 rows of 10 cells, with no restricted identifier and with
2.000 (a restricted family's NIKs and No KK), best of 3. No database: the identifiers come
from one query per export, not timed here.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.test")

import django

django.setup()

from dinsos.ekspor import is_row_dibatasi  # noqa: E402

ROWS = 100_000


def _best_ms(rows: list[list[object]], dibatasi: frozenset[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for row in rows:
            is_row_dibatasi(row, dibatasi)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    rows: list[list[object]] = [
        [str(1872020000000000 + i), "Nama Orang", "Jl. Mawar 12", 3, None, "001", "002", 2025,
         "aktif", "PKH"]
        for i in range(ROWS)
    ]  # fmt: skip
    dibatasi = frozenset(str(1872010000000000 + i) for i in range(2000))
    load = os.getloadavg()[0]
    sys.stdout.write(
        f"{ROWS} baris x 10 sel: tanpa pembatasan {_best_ms(rows, frozenset()):.0f} ms, "
        f"2000 identitas dibatasi {_best_ms(rows, dibatasi):.0f} ms (load {load:.1f})\n"
    )


if __name__ == "__main__":
    main()
