"""DTSEN files (DOMAIN.md §7): one person per row, desil per family, region codes or names.

The alias table knows BPS's DTSEN variable names (`nomor_induk_kependudukan`,
`kode_kelurahan_desa`, `nama_desa_kelurahan`, `status_hubungan_keluarga`, `desil_nasional`…)
and the spellings offices use for each.
"""

from __future__ import annotations

from dinsos.errors import RowError
from dinsos.spreadsheet import Row
from dtsen.importers.cells import HUBUNGAN_MAX, CellError, desil, rt_rw, text
from dtsen.importers.checker import Hasil, HasilBatch, RowChecker, is_rejected
from dtsen.importers.columns import Kolom, TabelKolom
from dtsen.importers.kolumnar import PemeriksaKolom
from dtsen.models import DtsenRecord

WILAYAH = "wilayah"

# Headers that carry nothing the DTSEN importer keeps: the province and kabupaten (the
# snapshot's area says them), and the BPS DTSEN variables about a person that the register
# does not hold. Any other unknown header is listed on the review page and ignored too.
HEADER_WILAYAH_DIABAIKAN = (
    "no",
    "no urut",
    "nomor urut art",
    "kode provinsi",
    "nama provinsi",
    "provinsi",
    "kode kabupaten kota",
    "kode kabupaten",
    "kode kab",
    "kode kota",
    "nama kabupaten kota",
    "nama kabupaten",
    "nama kota",
    "kabupaten kota",
    "kabupaten",
    "umur",
    "usia",
)
# BPS DTSEN individual/family variables (and office spellings) the register does not keep.
HEADER_DTSEN_DIABAIKAN = (
    "tempat lahir",
    "status kawin",
    "status perkawinan",
    "pendidikan",
    "pendidikan tertinggi",
    "pendidikan terakhir",
    "pekerjaan",
    "pekerjaan utama",
    "lapangan usaha",
    "penyandang disabilitas",
    "jenis disabilitas",
    "disabilitas",
    "agama",
    "kewarganegaraan",
    "nama ibu kandung",
    "status keberadaan",
    "status keberadaan art",
    "id keluarga",
    "id art",
    "id dtsen",
    "kode pos",
    "keterangan",
)

KOLOM_NIK = Kolom(
    "nik",
    "NIK",
    (
        "no nik",
        "nomor induk kependudukan",
        "nik art",
        "nik anggota",
        "nik penerima",
        "no ktp",
        "nik ktp",
    ),
    is_wajib=True,
)
KOLOM_NAMA = Kolom(
    "nama", "Nama", ("nama lengkap", "nama art", "nama anggota", "nama penerima", "nm"), True
)
KOLOM_TANGGAL_LAHIR = Kolom(
    "tanggal_lahir", "Tanggal lahir", ("tgl lahir", "tgl lhr", "tgllahir", "tanggal lahir art")
)
KOLOM_JENIS_KELAMIN = Kolom(
    "jenis_kelamin", "Jenis kelamin", ("jk", "kelamin", "l/p", "sex", "jenis kelamin art")
)
KOLOM_ALAMAT = Kolom("alamat", "Alamat", ("alamat lengkap", "alamat rumah", "alamat tinggal"))
KOLOM_KODE_WILAYAH = (
    Kolom(
        "kode_wilayah",
        "Kode desa/kelurahan",
        (
            "kode desa kelurahan",
            "kode kelurahan desa",  # BPS DTSEN: kode_kelurahan_desa
            "kode desa",
            "kode kelurahan",
            "kode kel",
            "kode kel desa",
            "kode deskel",
            "kd desa",
            "kdkel",
            "kddesa",
            "kode wilayah",
            "id desa",
        ),
        is_wajib=True,
        kelompok=WILAYAH,
    ),
    Kolom(
        "kode_wilayah_bps",
        "Kode desa/kelurahan (BPS)",
        (
            "kode desa bps",
            "kode kelurahan bps",
            "kode desa kelurahan bps",
            "kode kelurahan desa bps",
            "kode wilayah bps",
            "kode bps",
            "kddesa bps",
        ),
        is_wajib=True,
        kelompok=WILAYAH,
    ),
    Kolom(
        "kode_wilayah_kemendagri",
        "Kode desa/kelurahan (Kemendagri)",
        (
            "kode desa kemendagri",
            "kode kelurahan kemendagri",
            "kode desa kelurahan kemendagri",
            "kode wilayah kemendagri",
            "kode kemendagri",
            "kode dagri",
            "kode desa dagri",
        ),
        is_wajib=True,
        kelompok=WILAYAH,
    ),
    # Names stand in for a code (issue 16); a kecamatan code completes a short kelurahan code.
    Kolom(
        "nama_kelurahan",
        "Nama desa/kelurahan",
        (
            "nama desa kelurahan",  # BPS DTSEN: nama_desa_kelurahan
            "nama kelurahan desa",
            "nama desa",
            "nama kelurahan",
            "nama kel",
            "desa kelurahan",
            "kelurahan desa",
            "kelurahan",
            "desa",
        ),
        is_wajib=True,
        kelompok=WILAYAH,
    ),
    Kolom("kode_kecamatan", "Kode kecamatan", ("kode kecamatan", "kode kec", "kdkec")),
    Kolom("nama_kecamatan", "Nama kecamatan", ("nama kecamatan", "nama kec", "kecamatan")),
)

# DOMAIN.md §7: the DTSEN headers, with the spellings seen in offices' files.
TABEL_DTSEN = TabelKolom(
    kolom=(
        KOLOM_NIK,
        Kolom(
            "no_kk",
            "No KK",
            ("nokk", "kk", "nomor kartu keluarga", "no kartu keluarga", "nomor kk", "no kk art"),
            is_wajib=True,
        ),
        KOLOM_NAMA,
        KOLOM_TANGGAL_LAHIR,
        KOLOM_JENIS_KELAMIN,
        Kolom(
            "hubungan",
            "Status hubungan keluarga",
            (
                "status hubungan keluarga",
                "status hubungan dalam keluarga",
                "hubungan keluarga",
                "hubungan dengan kepala keluarga",
                "shdk",
                "hub kel",
                "hubungan",
            ),
        ),
        KOLOM_ALAMAT,
        Kolom("rt", "RT", ("no rt",)),
        Kolom("rw", "RW", ("no rw",)),
        *KOLOM_KODE_WILAYAH,
        Kolom(
            "desil_nasional",
            "Desil nasional",
            ("desil", "desil nas", "peringkat desil nasional", "desil nasional keluarga"),
            is_wajib=True,
        ),
        Kolom("desil_provinsi", "Desil provinsi", ("desil prov", "desil propinsi")),
        Kolom(
            "desil_kabupaten_kota",
            "Desil kabupaten/kota",
            (
                "desil kabupaten kota",
                "desil kab kota",
                "desil kabupaten",
                "desil kota",
                "desil kab",
            ),
        ),
    ),
    diabaikan=(*HEADER_WILAYAH_DIABAIKAN, *HEADER_DTSEN_DIABAIKAN),
)


class DtsenChecker(RowChecker):
    TABEL = TABEL_DTSEN
    MODEL = DtsenRecord
    PARTISI = True
    COPY_COLUMNS = (
        "snapshot_id",
        "baris",
        "nik",
        "no_kk",
        "nama",
        "tanggal_lahir",
        "jenis_kelamin",
        "hubungan",
        "alamat",
        "rt",
        "rw",
        "kelurahan_id",
        "desil_nasional",
        "desil_provinsi",
        "desil_kabupaten_kota",
    )

    _kolom: PemeriksaKolom | None = None

    def check_batch(self, numbers: list[int], rows: list[Row]) -> HasilBatch:
        """Clean rows column by column, the others row by row (dtsen.importers.kolumnar)."""
        if self._kolom is None:  # built at the first batch, after the region system is known
            self._kolom = PemeriksaKolom(self)
        return self._kolom.check(numbers, rows)

    def check_cells(self, number: int, cells: Row) -> Hasil:
        c = self.pad(cells)
        index, header = self.index, self.header
        masalah: list[RowError] = []
        nik, born, kelamin, kelurahan = self.common(number, c, masalah)
        no_kk = ""
        try:
            no_kk = self.kks.parse(c[index["no_kk"]])
        except CellError as exc:
            masalah.append(RowError(number, header["no_kk"], exc.message))
        nama = text(c[index["nama"]])
        if not nama:
            masalah.append(RowError(number, header["nama"], "nama kosong"))
        desil_values: list[int | None] = []
        for field, label in (
            ("desil_nasional", "desil nasional"),
            ("desil_provinsi", "desil provinsi"),
            ("desil_kabupaten_kota", "desil kabupaten/kota"),
        ):
            try:
                desil_values.append(desil(c[index[field]], label=label))
            except CellError as exc:
                masalah.append(RowError(number, header[field], exc.message))
        rt_rw_values = []
        for field in ("rt", "rw"):
            try:
                rt_rw_values.append(rt_rw(c[index[field]], label=field.upper()))
            except CellError as exc:
                masalah.append(RowError(number, header[field], exc.message, is_warning=True))
                rt_rw_values.append("")
        if masalah and is_rejected(masalah):
            return Hasil(None, masalah, nik)
        record = (
            self.snapshot_id,
            number,
            nik,
            no_kk,
            nama,
            born,
            kelamin,
            text(c[index["hubungan"]])[:HUBUNGAN_MAX],
            text(c[index["alamat"]]),
            rt_rw_values[0],
            rt_rw_values[1],
            kelurahan,
            *desil_values,
        )
        return Hasil(record, masalah, nik)
