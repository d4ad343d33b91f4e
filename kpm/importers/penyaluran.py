"""Reading the bank/Pos distribution list: one row per family and tahap, tersalur or gagal.

Columns (header variants accepted, case and punctuation ignored): NIK or NO KK (at least one),
TAHAP, TAHUN, NOMINAL, STATUS, ALASAN, and optionally PENYALUR. Identifiers are read as text
(`dinsos.identity`); every problem is reported with its row and column, in Indonesian.
Nothing here writes: `kpm.services.penyaluran` streams a stored file through
`PemeriksaPenyaluran` into staging rows and applies a list with no errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db.models import QuerySet

from dinsos.errors import RowError
from dinsos.identity import IdentityError, normalize_identifier, parse_nik, parse_no_kk
from dinsos.spreadsheet import batas_dari_settings, open_table
from kpm.importers.kolom import BARIS_JUDUL_MAKS, KolomTidakLengkap, kunci_kolom, teks
from kpm.models import TAHAP_PER_TAHUN, Anggota, Keluarga, Penyaluran

NIK = "NIK"
NO_KK = "NO KK"
TAHAP = "TAHAP"
TAHUN = "TAHUN"
NOMINAL = "NOMINAL"
STATUS = "STATUS"
ALASAN = "ALASAN"
PENYALUR = "PENYALUR"

ALIAS: dict[str, str] = {
    **{kunci_kolom(k): k for k in (NIK, NO_KK, TAHAP, TAHUN, NOMINAL, STATUS, ALASAN, PENYALUR)},
    kunci_kolom("NIK PENERIMA"): NIK,
    kunci_kolom("NIK PENGURUS"): NIK,
    kunci_kolom("NOMOR KK"): NO_KK,
    kunci_kolom("NO KARTU KELUARGA"): NO_KK,
    kunci_kolom("NOMINAL BANTUAN"): NOMINAL,
    kunci_kolom("JUMLAH"): NOMINAL,
    kunci_kolom("STATUS PENYALURAN"): STATUS,
    kunci_kolom("STATUS SALUR"): STATUS,
    kunci_kolom("ALASAN GAGAL"): ALASAN,
    kunci_kolom("KETERANGAN"): ALASAN,
    kunci_kolom("BANK"): PENYALUR,
    kunci_kolom("BANK/POS"): PENYALUR,
    kunci_kolom("LEMBAGA PENYALUR"): PENYALUR,
}
KOLOM_WAJIB = (TAHAP, TAHUN, NOMINAL, STATUS)
STATUS_FILE: dict[str, str] = {
    kunci_kolom("TERSALUR"): Penyaluran.Status.TERSALUR,
    kunci_kolom("SALUR"): Penyaluran.Status.TERSALUR,
    kunci_kolom("SUDAH SALUR"): Penyaluran.Status.TERSALUR,
    kunci_kolom("BERHASIL"): Penyaluran.Status.TERSALUR,
    kunci_kolom("GAGAL"): Penyaluran.Status.GAGAL,
    kunci_kolom("GAGAL SALUR"): Penyaluran.Status.GAGAL,
    kunci_kolom("TIDAK TERSALUR"): Penyaluran.Status.GAGAL,
}
TAHUN_MIN, TAHUN_MAKS = 2007, 2100  # PKH began in 2007
NOMINAL_MAKS = 2_000_000_000  # Penyaluran.nominal is a PositiveIntegerField (max 2³¹−1)
ALASAN_MAKS = 200  # Penyaluran.alasan_gagal
PENYALUR_MAKS = 60  # Penyaluran.sumber


@dataclass(frozen=True)
class BarisPenyaluran:
    nomor: int
    keluarga_id: int
    tahun: int
    tahap: int
    nominal: int
    status: str
    alasan_gagal: str
    sumber: str


@dataclass
class HasilBaca:
    """The valid rows and every error of one file (no row is applied when `errors`)."""

    baris: list[BarisPenyaluran] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _header(rows: Sequence[tuple[int, list[object]]]) -> tuple[int, list[str]]:
    for index, (_, cells) in enumerate(rows[:BARIS_JUDUL_MAKS]):
        headers = [ALIAS.get(kunci_kolom(c), teks(c)) for c in cells]
        if set(KOLOM_WAJIB) <= set(headers) and (NIK in headers or NO_KK in headers):
            return index, headers
    raise KolomTidakLengkap(
        f"Baris judul kolom harus memuat NIK atau NO KK, dan {', '.join(KOLOM_WAJIB)}."
    )


def _bulat(raw: object) -> int | None:
    """A whole number from a number cell or text like "Rp750.000" / "750000"."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = teks(raw).upper().removeprefix("RP").strip().replace(".", "").replace(" ", "")
    text = text.removesuffix(",00")
    return int(text) if text.isdigit() else None


def penyaluran_pintu(path: Path) -> str:
    """Refuse at the door (issue 15): read the file's type and its header row before it is
    stored. Returns how it was read ("CSV, pemisah titik koma…"); raises FileDitolak (not a
    list at all) or KolomTidakLengkap (no header with the required columns)."""
    reader = open_table(path, batas=batas_dari_settings())
    try:
        _header([(n, list(c)) for n, c in islice(reader.rows(), BARIS_JUDUL_MAKS)])
        return reader.dialek.label
    finally:
        reader.close()


class PemeriksaPenyaluran:
    """Checks one list, batch after batch (a large file never sits in memory whole): first
    `judul` on the opening rows, then `periksa` on each batch of the rows below the header.
    Families are resolved among `keluarga` (the uploader's areas; restricted families
    included: paying the aid is the legal minimum), two queries per batch; a family and tahap
    seen twice is an error wherever the two rows are."""

    def __init__(self, *, keluarga: QuerySet[Keluarga], di_wilayah: str = "") -> None:
        self.keluarga = keluarga
        self.di_wilayah = di_wilayah  # " di wilayah Anda" when `keluarga` is an area's
        self.headers: list[str] = []
        self.seen: dict[tuple[int, int, int], int] = {}

    def judul(self, rows: Sequence[tuple[int, list[object]]]) -> int:
        """Find the header among the opening rows; returns its index. Raises
        KolomTidakLengkap when none has the required columns."""
        index, self.headers = _header(rows)
        return index

    def periksa(self, rows: Sequence[tuple[int, list[object]]]) -> HasilBaca:
        """Check a batch of rows below the header (blank rows skipped)."""
        hasil = HasilBaca()
        parsed: list[tuple[int, dict[str, object], str, str]] = []
        for nomor, cells in rows:
            if all(teks(c) == "" for c in cells):
                continue
            row = dict(zip(self.headers, cells, strict=False))
            no_kk = nik = ""
            if teks(row.get(NO_KK)):
                try:
                    no_kk = parse_no_kk(row.get(NO_KK))
                except IdentityError as exc:
                    hasil.errors.append(RowError(row=nomor, column=NO_KK, message=exc.message))
            if teks(row.get(NIK)):
                try:
                    parse_nik(row.get(NIK))
                    nik = normalize_identifier(row.get(NIK), label=NIK)
                except IdentityError as exc:
                    hasil.errors.append(RowError(row=nomor, column=NIK, message=exc.message))
            if not teks(row.get(NO_KK)) and not teks(row.get(NIK)):
                hasil.errors.append(RowError(row=nomor, column=NIK, message="NIK dan NO KK kosong"))
            parsed.append((nomor, row, no_kk, nik))
        by_kk = dict(
            self.keluarga.filter(no_kk__in={p[2] for p in parsed if p[2]}).values_list(
                "no_kk", "id"
            )
        )
        by_nik = dict(
            Anggota.objects.filter(
                nik__in={p[3] for p in parsed if p[3]}, keluarga__in=self.keluarga
            ).values_list("nik", "keluarga_id")
        )
        for nomor, row, no_kk, nik in parsed:
            self._baris(hasil, nomor, row, no_kk, nik, by_kk, by_nik)
        return hasil

    def _baris(
        self,
        hasil: HasilBaca,
        nomor: int,
        row: dict[str, object],
        no_kk: str,
        nik: str,
        by_kk: dict[str, int],
        by_nik: dict[str, int],
    ) -> None:
        before = len(hasil.errors)

        def error(column: str, message: str) -> None:
            hasil.errors.append(RowError(row=nomor, column=column, message=message))

        keluarga_id = by_kk.get(no_kk) if no_kk else None
        if no_kk and keluarga_id is None:
            error(NO_KK, f"NO KK tidak terdaftar sebagai KPM{self.di_wilayah}")
        elif not no_kk and nik:
            keluarga_id = by_nik.get(nik)
            if keluarga_id is None:
                error(NIK, f"NIK tidak terdaftar sebagai anggota KPM{self.di_wilayah}")
        tahun = _bulat(row.get(TAHUN))
        if tahun is None or not TAHUN_MIN <= tahun <= TAHUN_MAKS:
            error(TAHUN, f"TAHUN '{teks(row.get(TAHUN))}' bukan tahun (tulis seperti 2026)")
        tahap = _bulat(row.get(TAHAP))
        if tahap is None or not 1 <= tahap <= TAHAP_PER_TAHUN:
            error(TAHAP, f"TAHAP '{teks(row.get(TAHAP))}' harus 1 sampai {TAHAP_PER_TAHUN}")
        nominal = _bulat(row.get(NOMINAL))
        if nominal is None or not 0 <= nominal <= NOMINAL_MAKS:
            error(NOMINAL, f"NOMINAL '{teks(row.get(NOMINAL))}' bukan jumlah rupiah")
        status = STATUS_FILE.get(kunci_kolom(row.get(STATUS)))
        if status is None:
            error(
                STATUS, f"STATUS '{teks(row.get(STATUS))}' tidak dikenal (pilihan: TERSALUR, GAGAL)"
            )
        alasan = teks(row.get(ALASAN))
        if len(alasan) > ALASAN_MAKS:
            error(ALASAN, f"ALASAN lebih dari {ALASAN_MAKS} huruf")
        if status == Penyaluran.Status.GAGAL and not alasan:
            error(ALASAN, "ALASAN wajib diisi untuk penyaluran yang GAGAL")
        sumber = teks(row.get(PENYALUR))
        if len(sumber) > PENYALUR_MAKS:
            error(PENYALUR, f"PENYALUR lebih dari {PENYALUR_MAKS} huruf")
        if len(hasil.errors) > before or keluarga_id is None or tahun is None or tahap is None:
            return
        if nominal is None or status is None:
            return
        key = (keluarga_id, tahun, tahap)
        if key in self.seen:
            error(
                NIK if nik and not no_kk else NO_KK,
                f"Keluarga dan tahap sama dengan baris {self.seen[key]}",
            )
            return
        self.seen[key] = nomor
        hasil.baris.append(
            BarisPenyaluran(
                nomor=nomor,
                keluarga_id=keluarga_id,
                tahun=tahun,
                tahap=tahap,
                nominal=nominal,
                status=status,
                alasan_gagal=alasan if status == Penyaluran.Status.GAGAL else "",
                sumber=sumber,
            )
        )
