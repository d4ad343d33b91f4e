"""What a finding's details say, as labelled lines for its page (pure: no queries).

Identifiers are masked here (DOMAIN.md §10): the page shows which NIK or No KK is meant
without showing it whole.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dinsos.formatting import mask_nik, tanggal
from dinsos.kecocokan import PITA_LABEL, teks_alasan
from dtsen.models import Kategori

KOLOM_LABEL = {
    "nama": "Nama",
    "tanggal_lahir": "Tanggal lahir",
    "jenis_kelamin": "Jenis kelamin",
    "no_kk": "No KK",
}
SUMBER_LABEL = {"kpm": "KPM", "dtsen": "DTSEN", "pbijk": "PBI-JK"}
STATUS_PBIJK_LABEL = {
    "tidak_terdaftar": "Tidak terdaftar",
    "nonaktif": "Nonaktif",
}
JENIS_KELAMIN = {"L": "Laki-laki", "P": "Perempuan"}


@dataclass(frozen=True)
class Baris:
    """One line: a label, and one value or a pair (this source, the other source)."""

    label: str
    nilai: str
    pembanding: str | None = None


@dataclass(frozen=True)
class Rincian:
    baris: list[Baris]
    sumber: str = ""  # header of the first value column when lines are pairs
    pembanding: str = ""


def _tanggal(value: Any) -> str:
    if not value:
        return "—"
    return tanggal(datetime.date.fromisoformat(str(value)))


def _nilai(kolom: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if kolom == "tanggal_lahir":
        return _tanggal(value)
    if kolom == "jenis_kelamin":
        return JENIS_KELAMIN.get(str(value), str(value))
    if kolom == "no_kk":
        return mask_nik(str(value))
    return str(value)


def _skor(value: Any) -> str:
    return f"{float(value):.2f}".replace(".", ",")


def _niks(values: list[str]) -> str:
    return ", ".join(mask_nik(v) for v in values) or "—"


def rincian(kategori: str, data: dict[str, Any]) -> Rincian:
    """The labelled lines of one finding's details."""
    k = Kategori
    if kategori == k.DATA_BERBEDA:
        nilai = data.get("nilai", {})
        return Rincian(
            baris=[
                Baris(
                    KOLOM_LABEL.get(kolom, kolom),
                    _nilai(kolom, nilai.get(kolom, [None, None])[0]),
                    _nilai(kolom, nilai.get(kolom, [None, None])[1]),
                )
                for kolom in data.get("kolom", [])
            ],
            sumber=SUMBER_LABEL.get(data.get("sumber", ""), ""),
            pembanding=SUMBER_LABEL.get(data.get("pembanding", ""), ""),
        )
    lines: list[Baris] = []
    if kategori == k.KEMUNGKINAN_COCOK:
        lines = _baris_cocok(data)
    elif kategori in {k.DESIL_DI_ATAS_PKH, k.KPM_TANPA_DESIL}:
        desil = data.get("desil")
        ada = data.get("ada_di_dtsen")
        lines = [
            Baris("Desil di DTSEN", "—" if desil is None else str(desil)),
            Baris("Batas PKH", f"desil 1–{data.get('batas')}"),
            Baris("KK/anggota ada di DTSEN", "Ya" if ada else "Tidak"),
        ]
    elif kategori == k.DESIL_BERUBAH:
        lines = [
            Baris("Desil sebelumnya", str(data.get("desil_lama") or "—")),
            Baris("Desil sekarang", str(data.get("desil_baru") or "—")),
        ]
    elif kategori == k.NIK_DUA_KK:
        lines = [
            Baris("No KK di KPM", mask_nik(data.get("no_kk_kpm"))),
            Baris("No KK di DTSEN (keluarga KPM lain)", mask_nik(data.get("no_kk_dtsen"))),
        ]
    elif kategori == k.KK_ANGGOTA_BERBEDA:
        lines = [
            Baris("NIK hanya di KPM", _niks(data.get("hanya_kpm", []))),
            Baris("NIK hanya di DTSEN", _niks(data.get("hanya_dtsen", []))),
        ]
    else:
        lines = _baris_umum(data)
    return Rincian(baris=lines)


def _baris_cocok(data: dict[str, Any]) -> list[Baris]:
    lines = []
    if data.get("pita"):  # findings before issue #23 carry only the name score
        lines += [
            Baris(
                "Kecocokan",
                f"{PITA_LABEL.get(data['pita'], data['pita'])} "
                f"(skor {float(data['skor_cocok']):.1f})".replace(".", ","),
            ),
            Baris("Alasan", "; ".join(teks_alasan(kode) for kode in data.get("alasan", [])) or "—"),
        ]
    lahir_lain = data.get("lahir_lain", data.get("tanggal_lahir"))
    return [
        *lines,
        Baris("NIK di DTSEN", mask_nik(data.get("nik_lain"))),
        Baris("Digit NIK yang berbeda", str(data.get("nik_beda", "—"))),
        Baris("Nama di DTSEN", str(data.get("nama_lain", ""))),
        Baris("No KK di DTSEN", mask_nik(data.get("no_kk_lain"))),
        Baris("Tanggal lahir di KPM", _tanggal(data.get("tanggal_lahir"))),
        Baris("Tanggal lahir di DTSEN", _tanggal(lahir_lain)),
        Baris("Kemiripan nama", _skor(data.get("skor", 0))),
    ]


def _baris_umum(data: dict[str, Any]) -> list[Baris]:
    lines = []
    if "tanggal_lahir" in data:
        lines.append(Baris("Tanggal lahir", _tanggal(data["tanggal_lahir"])))
    if "desil" in data:
        lines.append(Baris("Desil di DTSEN", str(data["desil"])))
    if "status_pbijk" in data:
        lines.append(Baris("Status PBI-JK", STATUS_PBIJK_LABEL.get(data["status_pbijk"], "—")))
    if data.get("noka"):
        lines.append(Baris("Nomor kartu BPJS", mask_nik(data["noka"])))
    if data.get("aktif_terakhir"):
        lines.append(Baris("Terakhir aktif di daftar per", _tanggal(data["aktif_terakhir"])))
    if data.get("nonaktif_sejak"):
        lines.append(Baris("Tidak aktif sejak daftar per", _tanggal(data["nonaktif_sejak"])))
    if data.get("segmen"):
        lines.append(Baris("Segmen", str(data["segmen"])))
    return lines
