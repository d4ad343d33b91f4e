"""The keys of a file's duplicate checks, gathered while its rows stream (issue 21).

Both checks compare every row with every other, so they need something of each row once the
file is read: the duplicate-NIK rejection its NIK, the probable-duplicate warning the block
key birth date + kelurahan + the sound of the name's last word (dtsen.importers.bunyi). They
used to be read back from the loaded table with SQL (hash aggregates over text keys: ~5 s of
a million-row import); kept here as numbers they cost ~30 bytes a row (30 MB for a million)
and one vectorised group-by each (dtsen.services.ganda_nik, ganda_mungkin).
"""

from __future__ import annotations

from operator import itemgetter

import polars as pl

from dtsen.importers.bunyi import bunyi_kolom, bunyi_nama
from dtsen.importers.checker import HasilBatch

SKEMA = {
    "baris": pl.Int32,
    "nik": pl.Int64,
    "dimuat": pl.Boolean,  # loaded (a record), not a rejected row with a valid NIK
    "lahir": pl.Date,
    "kel": pl.Int64,
    "bunyi": pl.UInt16,
}


class KunciGanda:
    """Collect the keys batch by batch; `frame()` once the file is read."""

    def __init__(self, copy_columns: tuple[str, ...]) -> None:
        posisi = {c: i for i, c in enumerate(copy_columns)}
        self._ambil = itemgetter(
            *(posisi[c] for c in ("baris", "nik", "nama", "tanggal_lahir", "kelurahan_id"))
        )
        self._bagian: list[pl.DataFrame] = []

    def tambah(self, hasil: HasilBatch) -> None:
        if hasil.frame is not None and not hasil.frame.is_empty():
            f = hasil.frame
            self._bagian.append(
                pl.DataFrame(
                    {
                        "baris": f["baris"].cast(pl.Int32),
                        "nik": f["nik"].cast(pl.Int64),
                        "dimuat": pl.repeat(True, f.height, eager=True),
                        "lahir": f["tanggal_lahir"].cast(pl.Date),
                        "kel": f["kelurahan_id"].cast(pl.Int64),
                        "bunyi": bunyi_kolom(f["nama"]),
                    }
                )
            )
        if hasil.records:
            baris, nik, nama, lahir, kel = zip(*map(self._ambil, hasil.records), strict=True)
            self._bagian.append(
                pl.DataFrame(
                    {
                        "baris": baris,
                        "nik": [int(n) for n in nik],
                        "dimuat": [True] * len(baris),
                        "lahir": lahir,
                        "kel": kel,
                        "bunyi": [bunyi_nama(n) for n in nama],
                    },
                    schema=SKEMA,
                )
            )
        if hasil.ditolak_nik:
            baris, nik = zip(*hasil.ditolak_nik, strict=True)
            kosong = [None] * len(baris)
            self._bagian.append(
                pl.DataFrame(
                    {
                        "baris": baris,
                        "nik": [int(n) for n in nik],
                        "dimuat": [False] * len(baris),
                        "lahir": kosong,
                        "kel": kosong,
                        "bunyi": kosong,
                    },
                    schema=SKEMA,
                )
            )

    def frame(self) -> pl.DataFrame:
        """Every row's keys (row order not guaranteed)."""
        if not self._bagian:
            return pl.DataFrame(schema=SKEMA)
        frame = pl.concat(self._bagian, rechunk=True)
        self._bagian = []
        return frame
