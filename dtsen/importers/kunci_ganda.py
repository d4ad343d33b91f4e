"""The keys of a file's duplicate checks, gathered while its rows stream (issue 21).

Both checks compare every row with every other, so they need something of each row once the
file is read: the duplicate-NIK rejection its NIK, the probable-duplicate warning the block
key birth date + kelurahan + the sound of the name's last word (dtsen.importers.bunyi). They
used to be read back from the loaded table with SQL (hash aggregates over text keys: ~5 s of
a million-row import). Here each row keeps three numbers, ~21 bytes (21 MB for a million):
its row, its NIK and its block key packed into one integer, and each check sorts one column
to find the keys that repeat (dtsen.services.ganda_nik, ganda_mungkin).
"""

from __future__ import annotations

import datetime
from operator import itemgetter

import polars as pl

from dtsen.importers.bunyi import bunyi_kolom, bunyi_nama
from dtsen.importers.checker import HasilBatch

SKEMA = {
    "baris": pl.Int32,
    "nik": pl.Int64,
    "dimuat": pl.Boolean,  # loaded (a record), not a rejected row with a valid NIK
    "blok": pl.Int64,  # null without a birth date (never in a block)
}
# The block key: days since 1900-01-01 (birth dates start there), then the kelurahan's code
# in this file (0, 1, 2… in order of appearance, < 2^20: Indonesia has ~84.000 desa and
# kelurahan), then the sound (< 2^15): one integer per (birth date, kelurahan, sound).
AWAL = datetime.date(1900, 1, 1)
GESER_HARI = 35
GESER_KELURAHAN = 15


class KunciGanda:
    """Collect the keys batch by batch; `frame()` once the file is read."""

    def __init__(self, copy_columns: tuple[str, ...]) -> None:
        posisi = {c: i for i, c in enumerate(copy_columns)}
        self._ambil = itemgetter(
            *(posisi[c] for c in ("baris", "nik", "nama", "tanggal_lahir", "kelurahan_id"))
        )
        self._bagian: list[pl.DataFrame] = []
        self._kode_kelurahan: dict[int, int] = {}

    def _kode(self, kelurahan_id: int) -> int:
        return self._kode_kelurahan.setdefault(kelurahan_id, len(self._kode_kelurahan))

    def _blok(self, lahir: pl.Series, kelurahan: pl.Series, bunyi: pl.Series) -> pl.Series:
        unik = kelurahan.unique().drop_nulls()
        kode = kelurahan.replace_strict(
            unik, [self._kode(k) for k in unik.to_list()], return_dtype=pl.Int64
        )
        hari = (lahir - AWAL).dt.total_days().cast(pl.Int64)
        return (
            hari * (1 << GESER_HARI) + kode * (1 << GESER_KELURAHAN) + bunyi.cast(pl.Int64)
        ).rename("blok")

    def tambah(self, hasil: HasilBatch) -> None:
        if hasil.frame is not None and not hasil.frame.is_empty():
            f = hasil.frame
            self._bagian.append(
                pl.DataFrame(
                    {
                        "baris": f["baris"].cast(pl.Int32),
                        "nik": f["nik"].cast(pl.Int64),
                        "dimuat": pl.repeat(True, f.height, eager=True),
                        "blok": self._blok(
                            f["tanggal_lahir"].cast(pl.Date),
                            f["kelurahan_id"].cast(pl.Int64),
                            bunyi_kolom(f["nama"]),
                        ),
                    }
                )
            )
        if hasil.records:
            baris, nik, nama, lahir, kel = zip(*map(self._ambil, hasil.records), strict=True)
            self._bagian.append(
                pl.DataFrame(
                    {
                        "baris": pl.Series(baris, dtype=pl.Int32),
                        "nik": pl.Series([int(n) for n in nik], dtype=pl.Int64),
                        "dimuat": pl.repeat(True, len(baris), eager=True),
                        "blok": self._blok(
                            pl.Series(lahir, dtype=pl.Date),
                            pl.Series(kel, dtype=pl.Int64),
                            pl.Series([bunyi_nama(n) for n in nama], dtype=pl.UInt16),
                        ),
                    }
                )
            )
        if hasil.ditolak_nik:
            baris, nik = zip(*hasil.ditolak_nik, strict=True)
            self._bagian.append(
                pl.DataFrame(
                    {
                        "baris": baris,
                        "nik": [int(n) for n in nik],
                        "dimuat": [False] * len(baris),
                        "blok": [None] * len(baris),
                    },
                    schema=SKEMA,
                )
            )

    def frame(self) -> pl.DataFrame:
        """Every row's keys (row order not guaranteed), the batches' frames as chunks."""
        if not self._bagian:
            return pl.DataFrame(schema=SKEMA)
        frame = pl.concat(self._bagian, rechunk=False)
        self._bagian = []
        return frame


def berulang(kunci: pl.Series, *, lalu: tuple[str, ...] = (), **ikut: pl.Series) -> pl.DataFrame:
    """The rows whose `kunci` another row shares (a null never does), sorted by it, then by
    the `ikut` columns named in `lalu` (else rows of a group in no particular order), with
    the `ikut` columns of those rows, `awal` True on each group's first row and `jumlah` the
    rows of its group.

    The repeated values come from sorting a copy of the one integer column and comparing
    neighbours; only the rows holding them are then gathered and sorted. A hash table of a
    million keys held ~150 MB and sorting the frame with a row index ~50 MB; this needs the
    column once more (8 MB for a million rows) and the repeated rows. The sorts run on one
    thread: polars' parallel sort held ~10 MB more per sort at a million rows (each worker's
    buffers) and was no faster on the two cores the import shares; the group sizes come from
    the sorted runs (`rle`), not from a hash table of the groups (`over`)."""
    urut = kunci.drop_nulls().sort(multithreaded=False)
    sama = urut.slice(1) == urut.slice(0, max(urut.len() - 1, 0))
    nilai = urut.slice(1).filter(sama).unique()
    del urut, sama
    pilih = kunci.is_in(nilai.implode()).fill_null(False)
    del nilai
    rows = pl.DataFrame(
        {kunci.name: kunci.filter(pilih), **{k: v.filter(pilih) for k, v in ikut.items()}}
    ).sort(kunci.name, *lalu, multithreaded=False)
    del pilih
    runs = rows[kunci.name].rle().struct.field("len")  # one per group, in their order
    grup = rows[kunci.name].rle_id()
    return rows.with_columns(
        awal=(grup != grup.shift(1)).fill_null(True),
        jumlah=runs.gather(grup).cast(pl.Int64),
    )
