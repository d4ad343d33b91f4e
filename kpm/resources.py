"""django-import-export resources for the KPM registry: the PKH Final Closing list.

The admin's import screen previews a file with a dry run of exactly what confirming does (the
same services, then rolled back), so what the preview shows is what is applied. The Resource
hooks only read and check cells (`kpm.importers`); every change goes through `kpm.services`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.results import Result, RowResult
from import_export.tmp_storages import CacheStorage

from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError, RowError
from dinsos.formatting import mask_no_kk
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm import importers, services
from kpm.importers import KOLOM, KOLOM_KOMPONEN, NIK, NO_KK
from kpm.komponen import Aturan, DataAnggota, hak_keluarga, komponen_anggota, umur
from kpm.models import Anggota, Keluarga
from kpm.selectors import nominal_komponen

# Service field names → the file's column, to place a service's message on the right cell.
KOLOM_FIELD = {
    "no_kk": NO_KK,
    "nik": NIK,
    "nama": importers.NAMA_PENERIMA,
    "tanggal_lahir": importers.TGL_LAHIR,
    "status": importers.STATUS,
    "kelurahan": importers.KELURAHAN,
    "alamat": importers.ALAMAT,
    "rt": importers.RT,
    "rw": importers.RW,
    "pengurus": "Pengurus",
}
LABEL_AKSI = {
    services.AKSI_BARU: "Baru",
    services.AKSI_DIPERBARUI: "Diperbarui",
    services.AKSI_TETAP: "Tanpa perubahan",
}
_IMPORT_TYPE = {
    services.AKSI_BARU: RowResult.IMPORT_TYPE_NEW,
    services.AKSI_DIPERBARUI: RowResult.IMPORT_TYPE_UPDATE,
    services.AKSI_TETAP: RowResult.IMPORT_TYPE_SKIP,
}


class PenyimpananImporSementara(CacheStorage):
    """Keeps an uploaded file between preview and confirm in Redis for an hour, so a file full
    of NIKs never lingers on disk when the user does not confirm."""

    CACHE_LIFETIME = 60 * 60
    CACHE_PREFIX = "kpm-impor-"


def _dataset(in_stream: bytes | str) -> tablib.Dataset:
    """The file read by the portal's one spreadsheet reader, whatever format was chosen: the
    reader tells the format from the content. Raises FileDitolak (shown by the admin)."""
    content = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
    return importers.dataset_dari_berkas(content)


class CsvFinalClosing(base_formats.CSV):
    """CSV in any office dialect (`|`, `;`, `,`, tab; BOM; `sep=`; UTF-8 or Windows-1252)."""

    def create_dataset(self, in_stream: bytes | str, **kwargs: Any) -> tablib.Dataset:
        return _dataset(in_stream)


class XlsxFinalClosing(base_formats.XLSX):
    """Excel or LibreOffice (.xlsx, .xls, .ods), each cell keeping its type."""

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        return _dataset(in_stream)


class HasilBaris(RowResult):
    """One row's outcome, located as Excel shows it."""

    def __init__(self) -> None:
        super().__init__()
        self.nomor_baris = 0
        self.aksi = ""
        self.no_kk = ""
        self.nama = ""
        self.kelurahan = ""
        self.perubahan: list[str] = []
        self.kesalahan: list[RowError] = []
        self.peringatan: list[RowError] = []

    @property
    def label_aksi(self) -> str:
        return LABEL_AKSI.get(self.aksi, "")


class HasilImpor(Result):
    """The import's outcome with row errors and warnings as `RowError`s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jumlah_baris = 0
        self.hilang = 0
        self.baris_ringkasan: list[tuple[int, str]] = []  # totals and notes under the data

    def _baris(self) -> list[HasilBaris]:
        return [r for r in self.rows if isinstance(r, HasilBaris)]

    @property
    def kesalahan(self) -> list[RowError]:
        return [e for r in self._baris() for e in r.kesalahan]

    @property
    def peringatan(self) -> list[RowError]:
        return [w for r in self._baris() for w in r.peringatan]

    @property
    def jumlah(self) -> Counter[str]:
        return Counter(r.aksi for r in self._baris() if r.aksi)

    @property
    def baris_pratinjau(self) -> list[HasilBaris]:
        """Rows the preview lists: new, changed, or with a warning (unchanged ones are counted)."""
        return [
            r for r in self._baris() if r.aksi and (r.aksi != services.AKSI_TETAP or r.peringatan)
        ]


def _perubahan_teks(perubahan: Mapping[str, list[Any]]) -> list[str]:
    return [
        f"{KOLOM_FIELD.get(f, f)}: {old or '—'} → {new or '—'}"
        for f, (old, new) in perubahan.items()
    ]


class FinalClosingResource(resources.ModelResource):
    """Final Closing rows ↔ families (DOMAIN.md §7), keyed by NO KK.

    Import: each row is checked (`importers.PembacaFinalClosing`); a known family is updated
    with `services.keluarga_final_closing_apply`, the new families are registered together
    after the last row with `services.keluarga_final_closing_register_bulk` (set-based: a first
    import of ~10.000 families fits in one request). Then
    `services.keluarga_final_closing_finish` follows up the families missing from the file and
    audits the import. Export: one row per family computed from the registry
    (`final_closing_rows`).
    """

    class Meta:
        model = Keluarga
        fields: tuple[str, ...] = ()
        skip_diff = True
        use_transactions = True
        # The import runs in one transaction. import-export would also wrap each row in a
        # savepoint (2 queries a row, seconds for a 10.000-row file): needless here, since
        # each service call is atomic on its own and a refused row writes nothing. `use_bulk`
        # is the option that drops that savepoint; its own bulk lists stay empty because
        # `import_row` is ours (new families are registered in bulk by `after_import`).
        use_bulk = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = {kolom: Field(column_name=kolom) for kolom in KOLOM}
        self._siap = False

    @classmethod
    def get_display_name(cls) -> str:
        return "Final Closing PKH"

    @classmethod
    def get_result_class(cls) -> type[HasilImpor]:
        return HasilImpor

    @classmethod
    def get_row_result_class(cls) -> type[HasilBaris]:
        return HasilBaris

    # --- Import ---------------------------------------------------------------------
    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        self._siap = False
        self._user: User = kwargs["user"]
        self._hari_ini = today()
        try:
            tata = importers.dataset_siapkan(dataset)
        except importers.KolomTidakLengkap:
            del dataset[0 : len(dataset)]  # nothing to read row by row
            raise
        self._nomor_baris = tata.nomor
        self.baris_ringkasan = tata.ringkasan
        wilayah = importers.WilayahImpor.untuk(self._user)
        if importers.KODE_WILAYAH in dataset.headers:  # the file's majority code system
            wilayah.penentu.detect((kode, None) for kode in dataset[importers.KODE_WILAYAH])
        self._kelurahan_ids = wilayah.kelurahan_ids
        self._pembaca = importers.PembacaFinalClosing(
            wilayah=wilayah, hari_ini=self._hari_ini, kolom=frozenset(dataset.headers)
        )
        no_kk = (importers.identifier_or_none(v, label=NO_KK) for v in dataset[NO_KK])
        nik = (importers.identifier_or_none(v, label=NIK) for v in dataset[NIK])
        self._no_kk_file = {v for v in no_kk if v}
        self._registri = importers.registri_muat(no_kk=self._no_kk_file, nik={v for v in nik if v})
        self._baru: list[_BarisBaru] = []
        self._siap = True

    def import_row(self, row: Mapping[str, object], instance_loader: Any, **kwargs: Any) -> Any:
        hasil = HasilBaris()
        hasil.nomor_baris = nomor = self._nomor_baris[kwargs["row_number"] - 1]
        baca = self._pembaca.baca(row, nomor=nomor)
        if isinstance(baca, list):
            return _invalid(hasil, baca)
        keluarga = self._registri.keluarga.get(baca.no_kk)
        if keluarga is None:
            # A new family: registered with the file's other new families in one set-based
            # call after the last row (`after_import`), which completes this row's outcome.
            hasil.import_type = RowResult.IMPORT_TYPE_NEW
            hasil.aksi = services.AKSI_BARU
            self._baru.append(_BarisBaru(hasil, baca, kwargs["row_number"], row))
            return hasil
        if keluarga.kelurahan_id not in self._kelurahan_ids:
            message = "Keluarga dengan NO KK ini terdaftar di luar wilayah Anda"
            return _invalid(hasil, [RowError(row=nomor, column=NO_KK, message=message)])
        try:
            applied = services.keluarga_final_closing_apply(
                keluarga=keluarga,
                pemilik_nik=self._registri.anggota.get(baca.nik),
                keluarga_data=baca.keluarga_data,
                pengurus_data=baca.pengurus_data,
                status=baca.status,
                oleh=self._user,
            )
        except DomainError as exc:
            return _invalid(hasil, [_row_error(exc, nomor=nomor)])
        return _applied(hasil, baca, applied)

    def after_import(self, dataset: tablib.Dataset, result: HasilImpor, **kwargs: Any) -> None:
        if not self._siap:
            return
        self._register_baru(result)
        nama_file = (kwargs.get("file_name") or "")[:200]
        result.jumlah_baris = len(dataset)
        result.baris_ringkasan = self.baris_ringkasan
        result.hilang = services.keluarga_final_closing_finish(
            no_kk_di_file=self._no_kk_file,
            kelurahan_ids=self._kelurahan_ids,
            nama_file=nama_file,
            jumlah_baris=len(dataset),
            oleh=self._user,
        )

    def _register_baru(self, result: HasilImpor) -> None:
        """Register the file's new families in bulk; a refused row becomes invalid, exactly as
        if it had been refused in `import_row`."""
        if not self._baru:
            return
        outcomes = services.keluarga_final_closing_register_bulk(
            rows=[
                services.KeluargaBaruImpor(
                    keluarga_data=b.baca.keluarga_data,
                    pengurus_data=b.baca.pengurus_data,
                    status=b.baca.status,
                )
                for b in self._baru
            ],
            oleh=self._user,
            on=self._hari_ini,
        )
        for baru, outcome in zip(self._baru, outcomes, strict=True):
            if isinstance(outcome, services.HasilFinalClosing):
                _applied(baru.hasil, baru.baca, outcome)
                continue
            baru.hasil.aksi = ""
            _invalid(baru.hasil, [_row_error(outcome, nomor=baru.baca.nomor)])
            result.totals[RowResult.IMPORT_TYPE_NEW] -= 1
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
            result.append_invalid_row(baru.row_number, baru.row, baru.hasil.validation_error)
        result.invalid_rows.sort(key=lambda invalid: invalid.number)

    # --- Export ---------------------------------------------------------------------
    def export(self, queryset: QuerySet[Keluarga] | None = None, **kwargs: Any) -> tablib.Dataset:
        dataset = tablib.Dataset(headers=list(KOLOM), title="Final Closing")
        families = queryset if queryset is not None else Keluarga.objects.all()
        for row in final_closing_rows(families, on=today()):
            dataset.append(row)
        return dataset


@dataclass(frozen=True)
class _BarisBaru:
    """A new family's row, kept until the new families are registered in bulk."""

    hasil: HasilBaris
    baca: importers.BarisFinalClosing
    row_number: int  # import-export's 1-based index in the dataset
    row: Mapping[str, object]


def _row_error(exc: DomainError, *, nomor: int) -> RowError:
    """A service's refusal, on the column of the field it names."""
    return RowError(row=nomor, column=KOLOM_FIELD.get(exc.field or "", ""), message=exc.message)


def _applied(
    hasil: HasilBaris, baca: importers.BarisFinalClosing, applied: services.HasilFinalClosing
) -> HasilBaris:
    hasil.import_type = _IMPORT_TYPE[applied.aksi]
    hasil.aksi = applied.aksi
    hasil.instance = applied.keluarga
    hasil.add_instance_info(applied.keluarga)
    hasil.no_kk = mask_no_kk(baca.no_kk)
    hasil.nama = baca.nama
    hasil.kelurahan = baca.kelurahan.nama
    hasil.perubahan = _perubahan_teks(applied.perubahan)
    hasil.peringatan = [
        *baca.peringatan,
        *(
            RowError(row=baca.nomor, column=KOLOM_FIELD[f], message=m, is_warning=True)
            for f, m in applied.peringatan
        ),
    ]
    return hasil


def _invalid(hasil: HasilBaris, errors: list[RowError]) -> HasilBaris:
    hasil.import_type = RowResult.IMPORT_TYPE_INVALID
    hasil.kesalahan = errors
    by_column: dict[str, list[str]] = {}
    for e in errors:
        by_column.setdefault(e.column or NON_FIELD_ERRORS, []).append(e.message)
    hasil.validation_error = ValidationError(by_column)
    return hasil


# --- Export rows ----------------------------------------------------------------------
EKSPOR_BATCH = 2000


def _nama_provinsi(kota: Wilayah | None) -> str:
    provinsi = kota.parent if kota else None
    return provinsi.nama if provinsi else settings.DINSOS_PROVINSI_NAMA


def final_closing_rows(
    keluarga: QuerySet[Keluarga], *, on: datetime.date
) -> Iterator[list[object]]:
    """The Final Closing row of each family, computed from the registry on `on`.

    Component counts are the components paid after the caps (DOMAIN.md §2), NOMINAL the
    yearly total. Queries: settings, amounts, the families, and the members of each batch of
    2,000 families — never one per family. Identifiers and RT/RW stay text (leading zeros);
    the admin writes the file with `dinsos.ekspor` (no cell can run as a formula).
    """
    aturan = Aturan.dari_pengaturan(dinsos_selectors.pengaturan_semua(on=on))
    nominal, tahun_nominal = nominal_komponen(tahun=on.year)
    families = keluarga.select_related("kelurahan__parent__parent__parent", "pengurus").order_by(
        "kelurahan__parent__nama", "kelurahan__nama", "no_kk"
    )
    batch: list[Keluarga] = []
    for item in families.iterator(chunk_size=EKSPOR_BATCH):
        batch.append(item)
        if len(batch) == EKSPOR_BATCH:
            yield from _rows(batch, on=on, aturan=aturan, nominal=nominal, tahun=tahun_nominal)
            batch = []
    if batch:
        yield from _rows(batch, on=on, aturan=aturan, nominal=nominal, tahun=tahun_nominal)


def _members(batch: list[Keluarga]) -> dict[int, list[DataAnggota]]:
    members: dict[int, list[DataAnggota]] = {k.pk: [] for k in batch}
    rows = (
        Anggota.objects.filter(keluarga_id__in=list(members))
        .order_by("keluarga_id", "tanggal_lahir", "id")
        .values_list(
            "keluarga_id",
            "tanggal_lahir",
            "jenjang_sekolah",
            "is_hamil",
            "is_disabilitas_berat",
            "is_korban_ham",
        )
    )
    for keluarga_id, lahir, jenjang, hamil, disabilitas, ham in rows:
        members[keluarga_id].append(
            DataAnggota(
                tanggal_lahir=lahir,
                jenjang_sekolah=jenjang,
                is_hamil=hamil,
                is_disabilitas_berat=disabilitas,
                is_korban_ham=ham,
            )
        )
    return members


def _rows(
    batch: list[Keluarga],
    *,
    on: datetime.date,
    aturan: Aturan,
    nominal: Mapping[str, int],
    tahun: int | None,
) -> Iterator[list[object]]:
    members = _members(batch)
    for k in batch:
        pairs = [
            (index, komponen)
            for index, data in enumerate(members[k.pk])
            for komponen in komponen_anggota(data, on=on, aturan=aturan)
        ]
        hak = hak_keluarga(
            pairs, nominal=nominal, aturan=aturan, tahun=on.year, tahun_nominal=tahun
        )
        paid = Counter(b.komponen for b in hak.dibayar)
        pengurus = k.pengurus
        kecamatan = k.kelurahan.parent
        kota = kecamatan.parent if kecamatan else None
        row: list[object] = [
            pengurus.nama if pengurus else "",
            pengurus.nik if pengurus else "",
            k.no_kk,
            f"{pengurus.tanggal_lahir:%d-%m-%Y}" if pengurus else "",
            umur(pengurus.tanggal_lahir, on) if pengurus else "",
            len(members[k.pk]),
            *(paid.get(komponen, 0) for komponen in KOLOM_KOMPONEN.values()),
            len(hak.dibayar),
            hak.total_tahunan,
            k.get_status_display().upper(),
            k.alamat,
            k.rt,
            k.rw,
            k.kelurahan.nama,
            kecamatan.nama if kecamatan else "",
            kota.nama if kota else "",
            _nama_provinsi(kota),
        ]
        yield row
