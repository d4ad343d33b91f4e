"""The yearly PSKS evaluation (issue 20): the comparison figures of a year, per worker and
summed per kind, with the five scores the office weighs (DOMAIN.md §11: cakupan layanan,
kecepatan respon, integrasi rujukan, kepuasan, perlindungan data).

Pure: built from the rows `pendamping.selectors.perbandingan_ringkas` returns (the
summary), no query of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pendamping.models import JenisPsks
from pendamping.selectors.kinerja import Indikator


def _rata(nilai: list[float | None]) -> float | None:
    ada = [v for v in nilai if v is not None]
    return sum(ada) / len(ada) if ada else None


@dataclass
class EvaluasiJenis:
    """One kind's workers in the year: input and outcome figures summed, scores averaged
    over the workers that have one."""

    jenis: JenisPsks
    baris: list[Indikator] = field(default_factory=list)

    def _jumlah(self, nilai: Callable[[Indikator], int]) -> int:
        return sum(nilai(i) for i in self.baris)

    # Input: who was served and what was sent on.
    @property
    def dilayani(self) -> int:
        return self._jumlah(lambda i: i.dilayani)

    @property
    def kasus_dilaporkan(self) -> int:
        return self._jumlah(lambda i: i.kasus_dilaporkan)

    @property
    def rujukan_dikirim(self) -> int:
        return self._jumlah(lambda i: i.rujukan_dikirim)

    # Outcome: who was reached, what was handled and completed.
    @property
    def terjangkau(self) -> int:
        return self._jumlah(lambda i: i.terjangkau_semua)

    @property
    def kasus_ditangani(self) -> int:
        return self._jumlah(lambda i: i.kasus_ditangani)

    @property
    def rujukan_selesai(self) -> int:
        return self._jumlah(lambda i: i.rujukan_selesai)

    # The five scores and the weighted total (0–100), mean over workers with data.
    @property
    def skor_kpi(self) -> list[float | None]:
        return [
            _rata([i.skor_cakupan for i in self.baris]),
            _rata([i.skor_respon for i in self.baris]),
            _rata([i.skor_rujukan for i in self.baris]),
            _rata([i.skor_kepuasan for i in self.baris]),
            _rata([i.skor_data for i in self.baris]),
            _rata([i.skor for i in self.baris]),
        ]


def evaluasi_per_jenis(
    rows: Sequence[Indikator], jenis_list: Sequence[JenisPsks]
) -> list[EvaluasiJenis]:
    """The year's rows grouped by the workers' kind, in the kinds' order; kinds without a
    worker in the year are left out."""
    kelompok = {j.kode: EvaluasiJenis(jenis=j) for j in jenis_list}
    for row in rows:
        kelompok[row.pendamping.jenis.kode].baris.append(row)  # jenis is joined
    return [k for k in kelompok.values() if k.baris]
