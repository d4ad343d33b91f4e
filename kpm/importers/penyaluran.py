"""Reading the bank/Pos distribution list: one row per family and tahap, tersalur or gagal.

Columns (header variants accepted, case and punctuation ignored): NIK or NO KK (at least one),
TAHAP, TAHUN, NOMINAL, STATUS, ALASAN, and optionally PENYALUR. Identifiers are read as text
(`dinsos.identity`); every problem is reported with its row and column, in Indonesian.
Nothing here writes: `kpm.services.penyaluran_impor` applies a file with no errors.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

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


def penyaluran_baris_berkas(content: bytes) -> list[tuple[int, list[object]]]:
    """The non-blank rows of the file's first sheet with their numbers as the spreadsheet
    shows them (`dinsos.spreadsheet`: XLSX, .xls, .ods, CSV). Raises FileDitolak."""
    with tempfile.NamedTemporaryFile(prefix="dinsos-salur-") as copy:
        copy.write(content)
        copy.flush()
        reader = open_table(Path(copy.name), batas=batas_dari_settings())
        try:
            return [(number, list(cells)) for number, cells in reader.rows()]
        finally:
            reader.close()


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


def penyaluran_baca(rows: Sequence[tuple[int, list[object]]]) -> HasilBaca:
    """Check every row of the file; resolve NIK/No KK to families in two queries."""
    start, headers = _header(rows)
    hasil = HasilBaca()
    parsed: list[tuple[int, dict[str, object], str, str]] = []
    for nomor, cells in rows[start + 1 :]:
        if all(teks(c) == "" for c in cells):
            continue
        row = dict(zip(headers, cells, strict=False))
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
        Keluarga.objects.filter(no_kk__in={p[2] for p in parsed if p[2]}).values_list("no_kk", "id")
    )
    by_nik = dict(
        Anggota.objects.filter(nik__in={p[3] for p in parsed if p[3]}).values_list(
            "nik", "keluarga_id"
        )
    )
    seen: dict[tuple[int, int, int], int] = {}
    for nomor, row, no_kk, nik in parsed:
        before = len(hasil.errors)

        def error(column: str, message: str, nomor: int = nomor) -> None:
            hasil.errors.append(RowError(row=nomor, column=column, message=message))

        keluarga_id = by_kk.get(no_kk) if no_kk else None
        if no_kk and keluarga_id is None:
            error(NO_KK, "NO KK tidak terdaftar sebagai KPM")
        elif not no_kk and nik:
            keluarga_id = by_nik.get(nik)
            if keluarga_id is None:
                error(NIK, "NIK tidak terdaftar sebagai anggota KPM")
        tahun = _bulat(row.get(TAHUN))
        if tahun is None or not TAHUN_MIN <= tahun <= TAHUN_MAKS:
            error(TAHUN, f"TAHUN '{teks(row.get(TAHUN))}' bukan tahun (tulis seperti 2026)")
        tahap = _bulat(row.get(TAHAP))
        if tahap is None or not 1 <= tahap <= TAHAP_PER_TAHUN:
            error(TAHAP, f"TAHAP '{teks(row.get(TAHAP))}' harus 1 sampai {TAHAP_PER_TAHUN}")
        nominal = _bulat(row.get(NOMINAL))
        if nominal is None or nominal < 0:
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
        if len(hasil.errors) > before:
            continue
        if keluarga_id is None or tahun is None or tahap is None:
            continue
        if nominal is None or status is None:
            continue
        key = (keluarga_id, tahun, tahap)
        if key in seen:
            error(
                NIK if nik and not no_kk else NO_KK,
                f"Keluarga dan tahap sama dengan baris {seen[key]}",
            )
            continue
        seen[key] = nomor
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
    return hasil
