"""XLSX files of the comparison table and a pendamping's report, for the coordination meeting,
and of the PMKS client register.

The indicator files hold figures per pendamping, never family data, so they are not
audit-logged as exports of personal data (the data-protection indicator counts those); the
client register is personal data and its view audits the export. Names are typed by users,
so the workbooks are written by `dinsos.ekspor` (no cell can run as a formula).
"""

from __future__ import annotations

from collections.abc import Iterable

from dinsos.ekspor import SafeWorkbook
from pendamping.models import KlienPmks
from pendamping.periode import Periode
from pendamping.selectors.evaluasi import EvaluasiJenis
from pendamping.selectors.kinerja import Indikator

KOLOM_INDIKATOR = (
    "Nama",
    "Jenis",
    "Keluarga (sekarang / batas)",
    "Keluarga didampingi (periode)",
    "Keluarga terjangkau",
    "Cakupan layanan",
    "Kecepatan respon (median hari)",
    "Kasus ditangani",
    "Rujukan dikirim",
    "Rujukan selesai",
    "Integrasi rujukan",
    "Kepuasan (rata-rata)",
    "Jumlah penilaian",
    "Ekspor data",
    "Buka NIK lengkap",
    "Akses tidak wajar",
    "Graduasi",
    "Pemutakhiran data",
    "Skor",
)


def _ratio(value: float | None) -> float | str:
    return "—" if value is None else round(value, 4)


def _number(value: float | None, digits: int = 1) -> float | str:
    return "—" if value is None else round(value, digits)


def _baris(i: Indikator, label: str | None = None) -> list[object]:
    akun = i.has_akun
    return [
        label or i.pendamping.nama,
        i.pendamping.get_jenis_display(),
        i.keluarga_teks,
        i.didampingi if akun else "—",
        i.terjangkau if akun else "—",
        _ratio(i.cakupan),
        _number(i.respon_median),
        i.kasus_ditangani,
        i.rujukan_dikirim,
        i.rujukan_selesai,
        _ratio(i.integrasi_rujukan),
        _number(i.kepuasan_rata, 2),
        i.kepuasan_jumlah,
        i.ekspor if akun else "—",
        i.buka_nik if akun else "—",
        "; ".join(i.tanda_data) or ("tidak ada" if akun else "—"),
        i.graduasi if akun else "—",
        i.pemutakhiran if akun else "—",
        _number(i.skor),
    ]


def _sheet(workbook: SafeWorkbook, title: str, judul: str, rows: Iterable[list[object]]) -> None:
    sheet = workbook.add_sheet(title, widths={"A": 32}, freeze="B4")
    sheet.append([judul], bold=True)
    sheet.append([])
    sheet.append(KOLOM_INDIKATOR, bold=True)
    for row in rows:
        sheet.append(row)


def perbandingan_xlsx(rows: list[Indikator], *, periode: Periode) -> bytes:
    """The office comparison table for one period."""
    workbook = SafeWorkbook()
    _sheet(
        workbook,
        "Perbandingan",
        f"Perbandingan kinerja pendamping — {periode.label}",
        (_baris(i) for i in rows),
    )
    return workbook.to_bytes()


def laporan_xlsx(indikator: Indikator, seri: list[Indikator]) -> bytes:
    """A pendamping's report: the period's figures, the months of its year, and RHK 1–9."""
    workbook = SafeWorkbook()
    nama = indikator.pendamping.nama
    _sheet(
        workbook,
        "Ringkasan",
        f"Laporan kinerja {nama} — {indikator.periode.label}",
        [_baris(indikator, indikator.periode.label)],
    )
    _sheet(
        workbook,
        "Per bulan",
        f"Kinerja {nama} per bulan — tahun {indikator.periode.tahun}",
        (_baris(i, i.periode.label) for i in seri),
    )
    rhk = workbook.add_sheet("RHK")
    rhk.append([f"RHK 1–9 {nama} — {indikator.periode.label}"])
    rhk.append([])
    rhk.append(["RHK", "Uraian", "Capaian"])
    for item in indikator.rhk:
        rhk.append([item.nomor, item.nama, item.nilai])
    return workbook.to_bytes()


# --- The yearly PSKS evaluation (issue 20) ------------------------------------------------
KOLOM_KPI = (
    "Cakupan layanan",
    "Kecepatan respon",
    "Integrasi rujukan",
    "Kepuasan",
    "Perlindungan data",
    "Skor",
)
KOLOM_EVALUASI_JENIS = (
    "Jenis",
    "Jumlah petugas",
    "Keluarga/klien dilayani",
    "Kasus dilaporkan",
    "Rujukan dikirim",
    "Keluarga/klien terjangkau",
    "Kasus ditangani",
    "Rujukan selesai",
    *(f"{k} (0–100)" for k in KOLOM_KPI),
)
KOLOM_EVALUASI_PETUGAS = (
    "Nama",
    "Jenis",
    "Keluarga/klien dilayani",
    "Kasus dilaporkan",
    "Rujukan dikirim",
    "Keluarga/klien terjangkau",
    "Kasus ditangani",
    "Rujukan selesai",
    *(f"{k} (0–100)" for k in KOLOM_KPI),
)


def evaluasi_xlsx(per_jenis: list[EvaluasiJenis], rows: list[Indikator], *, tahun: int) -> bytes:
    """The yearly PSKS evaluation: one sheet per kind summed, one per worker."""
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet("Per jenis", widths={"A": 28}, freeze="B4")
    sheet.append([f"Evaluasi PSKS {tahun} — per jenis"], bold=True)
    sheet.append([])
    sheet.append(KOLOM_EVALUASI_JENIS, bold=True)
    for j in per_jenis:
        sheet.append(
            [
                j.jenis.nama,
                len(j.baris),
                j.dilayani,
                j.kasus_dilaporkan,
                j.rujukan_dikirim,
                j.terjangkau,
                j.kasus_ditangani,
                j.rujukan_selesai,
                *(_number(v) for v in j.skor_kpi),
            ]
        )
    sheet = workbook.add_sheet("Per petugas", widths={"A": 32}, freeze="B4")
    sheet.append([f"Evaluasi PSKS {tahun} — per petugas"], bold=True)
    sheet.append([])
    sheet.append(KOLOM_EVALUASI_PETUGAS, bold=True)
    for i in rows:
        sheet.append(
            [
                i.pendamping.nama,
                i.pendamping.get_jenis_display(),
                i.dilayani,
                i.kasus_dilaporkan,
                i.rujukan_dikirim,
                i.terjangkau_semua,
                i.kasus_ditangani,
                i.rujukan_selesai,
                *(
                    _number(v)
                    for v in (
                        i.skor_cakupan,
                        i.skor_respon,
                        i.skor_rujukan,
                        i.skor_kepuasan,
                        i.skor_data,
                        i.skor,
                    )
                ),
            ]
        )
    return workbook.to_bytes()


KOLOM_KLIEN = (
    "Nama",
    "NIK",
    "Jenis kelamin",
    "Tanggal lahir",
    "Alamat",
    "Kelurahan",
    "Kategori PMKS",
    "Petugas",
)


def klien_xlsx(klien: Iterable[KlienPmks]) -> bytes:
    """The client register as listed (`pendamping.selectors.klien_list`, restricted clients
    already left out; the writer also drops any row holding a restricted NIK)."""
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet("Klien PMKS")
    sheet.append(KOLOM_KLIEN, bold=True)
    for k in klien:
        sheet.append(
            [
                k.nama,
                k.nik,
                k.get_jenis_kelamin_display(),
                k.tanggal_lahir,
                k.alamat,
                k.kelurahan.nama,
                k.kategori.nama,
                k.pendamping.nama if k.pendamping else "",
            ]
        )
    return workbook.to_bytes()
