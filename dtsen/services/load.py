"""Load a snapshot's file into its record table: stream, check, COPY, find duplicates, report.

Runs in a worker (or the import_dtsen command), never in the web process. Every batch commits
with the progress the browser polls, so the rows of an unfinished load may be in the table;
they are invisible (the snapshot is not applied) and a re-run deletes them first.
"""

from __future__ import annotations

import gc
import logging
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from dinsos.errors import DomainError
from dinsos.kode_wilayah import KOLOM_WILAYAH, SAMPEL_DETEKSI, PenentuWilayah, Sistem
from dinsos.models import Wilayah
from dinsos.pengaturan import today
from dinsos.spreadsheet import (
    Batas,
    FileDitolak,
    Row,
    TableReader,
    batas_dari_settings,
    open_table,
)
from dinsos.spreadsheet.ringkasan import PemilahRingkasan
from dtsen.importers import CHECKERS
from dtsen.importers.checker import (
    IDENTITAS_FIELDS,
    HasilBatch,
    RowChecker,
    kode_wilayah_field,
)
from dtsen.importers.columns import HasilPencocokan, canonical, find_header_row, match_headers
from dtsen.importers.kunci_ganda import KunciGanda
from dtsen.importers.report import write_report
from dtsen.lock_objects import snapshot_load_lock
from dtsen.models import MasalahBaris, PemetaanKolom, Snapshot
from dtsen.services import ganda_mungkin, ganda_nik, partisi
from dtsen.services.penulis import PenulisBatch

logger = logging.getLogger(__name__)

BATCH = 10_000
HEADER_SEARCH_ROWS = 10  # title rows above the header are skipped
PROGRES_MEMBACA = 99  # 100 only when the snapshot is ready
MASALAH_COLUMNS = ("snapshot_id", "baris", "kolom", "pesan", "is_peringatan", "nik")


def batas_file() -> Batas:
    return batas_dari_settings()


def penentu_wilayah_for(wilayah: Wilayah, *, sistem_kolom: Sistem | None) -> PenentuWilayah:
    """The current kelurahan/desa under the snapshot's area, loaded once per file."""
    rows = Wilayah.objects.filter(
        tingkat=Wilayah.Tingkat.KELURAHAN,
        berlaku_sampai__isnull=True,
        kode__startswith=f"{wilayah.kode}.",
    ).values_list(*KOLOM_WILAYAH)
    return PenentuWilayah(nama_wilayah=wilayah.nama, kelurahan=rows, sistem_kolom=sistem_kolom)


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    if not rows:
        return
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _copy_csv(table: str, columns: tuple[str, ...], data: bytes) -> None:
    """COPY rows already written as CSV (a batch's clean rows, dtsen.importers.kolumnar)."""
    if not data:
        return
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy,
    ):
        copy.write(data)


def _indeks_bangun(snapshot_id: int) -> None:
    with transaction.atomic():
        partisi.indeks_bangun(snapshot_id)


def _update(snapshot: Snapshot, **fields: object) -> None:
    """Save progress fields with one short UPDATE (the browser polls them)."""
    for name, value in fields.items():
        setattr(snapshot, name, value)
    Snapshot.objects.filter(pk=snapshot.pk).update(**fields, updated_at=timezone.now())


class Loader:
    """One run of the load for one snapshot."""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        abaikan_kolom_tak_dikenal: bool,
        peta: Mapping[str, str] | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.peta = {canonical(h): f for h, f in (peta or {}).items()}
        self.checker_class = CHECKERS[snapshot.jenis]
        # DTSEN rows go into a loose table attached as the snapshot's partition at the end.
        self.partisi = self.checker_class.PARTISI
        self.record_table = (
            partisi.nama(snapshot.pk) if self.partisi else self.checker_class.MODEL._meta.db_table
        )
        self.abaikan = abaikan_kolom_tak_dikenal
        self.durasi: dict[str, float] = {}
        self._pending: list[tuple[int, Row]] = []  # rows read while looking for the header
        # The duplicate checks' keys of every row, and the rows loaded (dtsen.services.ganda_*).
        self.kunci = KunciGanda(self.checker_class.COPY_COLUMNS)
        self.dimuat = 0

    def purge(self) -> None:
        if self.partisi:
            partisi.hapus(self.snapshot.pk)
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.record_table} WHERE snapshot_id = %(id)s",  # noqa: S608
                    {"id": self.snapshot.pk},
                )
        MasalahBaris.objects.filter(snapshot=self.snapshot).delete()

    def run(self) -> None:
        started = time.perf_counter()
        _update(
            self.snapshot,
            status=Snapshot.Status.DIBACA,
            tahap="Membuka file",
            progres=0,
            progres_pada=timezone.now(),
            baris_dibaca=0,
            baris_valid=0,
            baris_ditolak=0,
            baris_peringatan=0,
            pesan_gagal="",
            kolom_tak_dikenal=[],
            pembacaan={},
            durasi={},
        )
        self.purge()
        reader = open_table(Path(self.snapshot.file.path), batas=batas_file())
        try:
            rows = reader.rows()
            cocok = self._headers(rows)
            if cocok is None:
                return
            penentu = penentu_wilayah_for(
                self.snapshot.wilayah, sistem_kolom=kode_wilayah_field(cocok)[1]
            )
            checker = self.checker_class(
                snapshot_id=self.snapshot.pk, cocok=cocok, wilayah=penentu, today=today()
            )
            # The file's majority code system is decided on its first rows (kode_wilayah).
            for item in rows:
                self._pending.append(item)
                if len(self._pending) >= SAMPEL_DETEKSI:
                    break
            penentu.detect(checker.wilayah_cells(cells) for _, cells in self._pending)
            if self.partisi:
                partisi.tabel_muat_buat(self.snapshot.pk)
            pemilah = PemilahRingkasan(
                identitas=[cocok.posisi[f] for f in IDENTITAS_FIELDS if f in cocok.posisi]
            )
            self._stream(rows, checker, reader, pemilah)
        finally:
            reader.close()
        _update(
            self.snapshot,
            pembacaan={
                "format": reader.dialek.label,
                "wilayah": penentu.ringkasan(),
                "ringkasan_jumlah": pemilah.jumlah,
                "ringkasan_baris": pemilah.dilewati,
                "kolom_diabaikan": cocok.tak_dikenal,
            },
        )
        self._finish(cocok)
        self.durasi["total"] = time.perf_counter() - started
        with transaction.atomic():
            if self.partisi:  # the rows become the snapshot's partition with its new status
                partisi.pasang(self.snapshot.pk)
            _update(
                self.snapshot,
                status=Snapshot.Status.SIAP_DITINJAU,
                tahap="Selesai",
                progres=100,
                progres_pada=timezone.now(),
                durasi={k: round(v, 2) for k, v in self.durasi.items()},
            )
        logger.info(
            "snapshot %s dimuat: %s dibaca, %s valid, %s ditolak",
            self.snapshot.pk,
            self.snapshot.baris_dibaca,
            self.snapshot.baris_valid,
            self.snapshot.baris_ditolak,
        )

    def _headers(self, rows: Iterator[tuple[int, Row]]) -> HasilPencocokan | None:
        head: list[tuple[int, Row]] = []
        for item in rows:
            head.append(item)
            if len(head) == HEADER_SEARCH_ROWS:
                break
        tabel = self.checker_class.TABEL
        found = find_header_row(head, tabel)  # type: ignore[arg-type]
        if found is None:
            raise FileDitolak("File kosong: tidak ada judul kolom maupun baris data.")
        header_number, header_cells = found
        remembered = dict(
            PemetaanKolom.objects.filter(jenis=self.snapshot.jenis).values_list("header", "field")
        )
        remembered.update(self.peta)  # import_dtsen --peta: this run only, never stored
        cocok = match_headers(header_cells, tabel, remembered)
        # Unknown columns stop the load only when a required one is missing: the admin may
        # be able to map it. Otherwise they are listed on the review page and ignored.
        if cocok.tak_dikenal and cocok.wajib_hilang and not self.abaikan:
            _update(
                self.snapshot,
                status=Snapshot.Status.PERLU_PEMETAAN,
                tahap="",
                kolom_tak_dikenal=cocok.tak_dikenal,
                pemetaan_kolom=cocok.pemetaan,
                progres_pada=timezone.now(),
            )
            return None
        if cocok.wajib_hilang:
            raise FileDitolak(f"Kolom wajib tidak ditemukan: {', '.join(cocok.wajib_hilang)}")
        _update(self.snapshot, pemetaan_kolom=cocok.pemetaan, kolom_tak_dikenal=[])
        self._pending = [item for item in head if item[0] > header_number]
        return cocok

    def _stream(
        self,
        rows: Iterator[tuple[int, Row]],
        checker: RowChecker,
        reader: TableReader,
        pemilah: PemilahRingkasan,
    ) -> None:
        """Check and load the rows in batches of BATCH (column by column for DTSEN)."""
        read = valid = rejected = warned = 0
        t_check = t_load = 0.0
        loop_started = time.perf_counter()
        numbers: list[int] = []
        batch: list[Row] = []

        def all_rows() -> Iterator[tuple[int, Row]]:
            yield from self._pending
            yield from rows

        # Each batch is written on a thread of its own while the next one is checked.
        penulis = PenulisBatch(self._flush)

        def flush() -> None:
            nonlocal read, valid, rejected, warned, t_check, t_load
            t0 = time.perf_counter()
            hasil = checker.check_batch(numbers, batch)
            self.kunci.tambah(hasil)
            t1 = time.perf_counter()
            t_check += t1 - t0
            read += len(batch)
            valid += hasil.valid
            rejected += hasil.rejected
            warned += hasil.warned
            progres = min(PROGRES_MEMBACA, int(reader.fraction_done() * 100))
            penulis.tulis(hasil, checker.COPY_COLUMNS, (read, valid, rejected, warned, progres))
            t_load += time.perf_counter() - t1  # the write, or waiting for the previous one
            numbers.clear()
            batch.clear()

        # The cyclic garbage collector pauses while rows stream (it scanned the young rows
        # and cells over and over: a third of the reading time); reference counting frees them,
        # and each batch ends with a collection of the young generations, so a cycle made by
        # a row lives one batch at most.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for number, cells in pemilah.rows(all_rows()):
                numbers.append(number)
                batch.append(cells)
                if len(batch) == BATCH:
                    flush()
                    gc.collect(1)
            flush()
            t_tunggu = time.perf_counter()
            penulis.tunggu()
            t_load += time.perf_counter() - t_tunggu
        finally:
            penulis.tutup()
            if was_enabled:
                gc.enable()
        total = time.perf_counter() - loop_started
        self.durasi.update(baca=total - t_check - t_load, validasi=t_check, muat=t_load)
        self.dimuat = valid
        if read == 0:
            raise FileDitolak("File tidak berisi baris data (hanya judul kolom).")

    def _flush(
        self, hasil: HasilBatch, columns: tuple[str, ...], jumlah: tuple[int, int, int, int, int]
    ) -> None:
        """One batch's rows, problems and progress, in one transaction (on PenulisBatch's
        thread when there is one)."""
        read, valid, rejected, warned, progres = jumlah
        with transaction.atomic():
            _copy_csv(self.record_table, columns, hasil.csv())
            _copy(self.record_table, columns, hasil.records)
            _copy(MasalahBaris._meta.db_table, MASALAH_COLUMNS, hasil.problems)
            _update(
                self.snapshot,
                tahap="Membaca dan memeriksa baris",
                baris_dibaca=read,
                baris_valid=valid,
                baris_ditolak=rejected,
                baris_peringatan=warned,
                progres=progres,
                progres_pada=timezone.now(),
            )

    def _finish(self, cocok: HasilPencocokan) -> None:
        t0 = time.perf_counter()
        _update(self.snapshot, tahap="Mencari NIK ganda", progres_pada=timezone.now())
        sid, table, kolom = self.snapshot.pk, self.record_table, cocok.header["nik"]
        kunci = self.kunci.frame()
        with transaction.atomic():
            if self.partisi:
                partisi.statistik(sid)
            ganda_nik.siapkan_sesi()
            dihapus, baris_ganda = ganda_nik.mark_duplicates(
                snapshot_id=sid, record_table=table, kolom=kolom, kunci=kunci
            )
            ganda = ganda_mungkin.mark_probable_duplicates(
                snapshot_id=sid, record_table=table, kolom=kolom, kunci=kunci, ganda=baris_ganda
            )
            del kunci
            rejected, warned = ganda_nik.hitung(snapshot_id=sid)
            _update(
                self.snapshot,
                baris_valid=self.dimuat - dihapus,
                baris_ditolak=rejected,
                baris_peringatan=warned,
            )
            pembacaan = {**self.snapshot.pembacaan, "ganda_mungkin": ganda.ringkasan()}
            _update(self.snapshot, pembacaan=pembacaan)
        self.durasi["ganda"] = time.perf_counter() - t0
        # PostgreSQL builds the partition's indexes while Python writes the error report
        # (PenulisBatch's thread and connection, outside a transaction): durasi "laporan" is
        # the report, "indeks" what was left of the build after it.
        t0 = time.perf_counter()
        _update(self.snapshot, tahap="Menulis laporan masalah", progres_pada=timezone.now())
        penyusun = PenulisBatch(_indeks_bangun)
        try:
            if self.partisi:
                penyusun.tulis(sid)
            self._write_report()
            t1 = time.perf_counter()
            penyusun.tunggu()
        finally:
            penyusun.tutup()
        self.durasi["laporan"] = t1 - t0
        if self.partisi:
            self.durasi["indeks"] = time.perf_counter() - t1

    def _write_report(self) -> None:
        problems = (
            MasalahBaris.objects.filter(snapshot=self.snapshot)
            .order_by("baris", "is_peringatan", "id")
            .values_list("baris", "kolom", "pesan", "is_peringatan")
        )
        if not problems.exists():
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "laporan.xlsx"
            write_report(problems.iterator(chunk_size=BATCH), path)
            with path.open("rb") as handle:
                name = f"masalah-{self.snapshot.jenis}-{self.snapshot.pk}.xlsx"
                self.snapshot.laporan.save(name, File(handle), save=False)
        _update(self.snapshot, laporan=self.snapshot.laporan.name)

    def fail(self, message: str) -> None:
        self.purge()
        _update(
            self.snapshot,
            status=Snapshot.Status.GAGAL,
            pesan_gagal=message,
            tahap="",
            progres_pada=timezone.now(),
        )
        logger.info("snapshot %s gagal dimuat", self.snapshot.pk)


def snapshot_load_rows(
    *,
    snapshot_id: int,
    abaikan_kolom_tak_dikenal: bool = False,
    peta: Mapping[str, str] | None = None,
) -> Snapshot | None:
    """Stream the snapshot's file into its record table with per-row problems.

    Idempotent: a re-run (duplicate delivery, a worker killed mid-load) first deletes what an
    earlier attempt loaded; a snapshot past loading is left alone. A refused file ends as
    `gagal` with the reason. Returns None when another worker is loading this snapshot.
    `peta` maps headers as written to fields for this load only (import_dtsen --peta).
    Transient database errors propagate (the task retries them).
    """
    with snapshot_load_lock(snapshot_id) as locked:
        if not locked:
            return None
        snapshot = Snapshot.objects.select_related("wilayah").get(pk=snapshot_id)
        if not snapshot.is_sedang_diproses:
            return snapshot
        loader = Loader(snapshot, abaikan_kolom_tak_dikenal=abaikan_kolom_tak_dikenal, peta=peta)
        try:
            loader.run()
        except DomainError as exc:  # FileDitolak and header conflicts: terminal, not retried
            loader.fail(exc.message)
        return snapshot
