"""PBI-JK lists (DOMAIN.md §7): no fixed layout; NIK, name, BPJS card, region, segment."""

from __future__ import annotations

from dinsos.errors import RowError
from dinsos.spreadsheet import Row
from dtsen.importers.cells import CellError, desil, text
from dtsen.importers.checker import Hasil, RowChecker, is_rejected
from dtsen.importers.columns import Kolom, TabelKolom
from dtsen.importers.dtsen import (
    HEADER_WILAYAH_DIABAIKAN,
    KOLOM_ALAMAT,
    KOLOM_JENIS_KELAMIN,
    KOLOM_KODE_WILAYAH,
    KOLOM_NAMA,
    KOLOM_NIK,
    KOLOM_TANGGAL_LAHIR,
)
from dtsen.models import PbiJkRecord

TABEL_PBIJK = TabelKolom(
    kolom=(
        KOLOM_NIK,
        Kolom("no_kk", "No KK", ("nokk", "kk", "nomor kartu keluarga", "no kartu keluarga")),
        KOLOM_NAMA,
        Kolom(
            "noka",
            "Nomor kartu BPJS",
            (
                "no kartu",
                "no kartu bpjs",
                "no kartu jkn",
                "no bpjs",
                "noka bpjs",
                "no peserta",
                "nomor peserta",
                "no kartu kis",
            ),
        ),
        KOLOM_TANGGAL_LAHIR,
        KOLOM_JENIS_KELAMIN,
        KOLOM_ALAMAT,
        *KOLOM_KODE_WILAYAH,
        Kolom(
            "segmen",
            "Segmen",
            ("segmen peserta", "jenis peserta", "jenis kepesertaan", "segmentasi"),
        ),
        Kolom(
            "status_kepesertaan",
            "Status kepesertaan",
            ("status", "status peserta", "status aktif", "keterangan status"),
        ),
        Kolom("desil_nasional", "Desil", ("desil", "desil nas", "desil nasional")),
    ),
    diabaikan=HEADER_WILAYAH_DIABAIKAN,
)

TEKS_PENDEK_MAX = 20


class PbiJkChecker(RowChecker):
    TABEL = TABEL_PBIJK
    MODEL = PbiJkRecord
    COPY_COLUMNS = (
        "snapshot_id",
        "baris",
        "nik",
        "no_kk",
        "nama",
        "noka",
        "tanggal_lahir",
        "jenis_kelamin",
        "alamat",
        "kelurahan_id",
        "segmen",
        "status_kepesertaan",
        "desil_nasional",
    )

    def check_cells(self, number: int, cells: Row) -> Hasil:
        c = self.pad(cells)
        index, header = self.index, self.header
        masalah: list[RowError] = []
        nik, born, kelamin, kelurahan = self.common(number, c, masalah)
        no_kk = ""
        if c[index["no_kk"]] not in (None, ""):
            try:
                no_kk = self.kks.parse(c[index["no_kk"]])
            except CellError as exc:
                masalah.append(RowError(number, header["no_kk"], exc.message))
        nama = text(c[index["nama"]])
        if not nama:
            masalah.append(RowError(number, header["nama"], "nama kosong"))
        noka = self._noka(number, c[index["noka"]], masalah)
        nilai_desil = None
        try:
            nilai_desil = desil(c[index["desil_nasional"]], label="desil")
        except CellError as exc:
            masalah.append(RowError(number, header["desil_nasional"], exc.message))
        if masalah and is_rejected(masalah):
            return Hasil(None, masalah, nik)
        record = (
            self.snapshot_id,
            number,
            nik,
            no_kk,
            nama,
            noka,
            born,
            kelamin,
            text(c[index["alamat"]]),
            kelurahan,
            text(c[index["segmen"]])[:40],
            text(c[index["status_kepesertaan"]]).lower()[:TEKS_PENDEK_MAX],
            nilai_desil,
        )
        return Hasil(record, masalah, nik)

    def _noka(self, number: int, raw: object, masalah: list[RowError]) -> str:
        if raw is None or raw == "":
            return ""
        column = self.header["noka"]
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            # DOMAIN.md §8: a number cell lost its leading zeros (and digits past 15).
            masalah.append(
                RowError(
                    number,
                    column,
                    "nomor kartu BPJS tersimpan sebagai angka di Excel — format kolom sebagai Teks",
                )
            )
            return ""
        value = text(raw).replace(" ", "")
        if not value.isdigit() or len(value) > TEKS_PENDEK_MAX:
            masalah.append(RowError(number, column, "nomor kartu BPJS hanya boleh berisi angka"))
            return ""
        return value
