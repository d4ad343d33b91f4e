"""One pendamping's figures for one period: scores, Indonesian display and links to records.

Pure: built from the row of `pendamping.selectors.indikator`, no queries. The formulas are
written in that module's docstring and on the performance page ("Cara hitung").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from dinsos import charts
from dinsos.formatting import NAMA_BULAN, angka, persen
from kpm.selectors import STATUS_DIDAMPINGI
from pendamping.models import Pendamping
from pendamping.periode import Periode

KOSONG = "—"
SKOR_DIHITUNG = "dihitung"  # the score list's status filter (pendamping.selectors.skor_list)
BELUM_TERCATAT = "belum tercatat"
P2K2_BELUM = "Data P2K2 belum tersedia"
SKOR_PENUH = 100.0
PENALTI_TANDA_DATA = 50.0  # each unusual-access flag halves the data-protection score


def _url(name: str, args: tuple[Any, ...] = (), **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name, args=args)}?{query}" if query else reverse(name, args=args)


def _rasio(pembilang: int, penyebut: int) -> float | None:
    return pembilang / penyebut if penyebut else None


@dataclass(frozen=True)
class ItemRhk:
    nomor: int
    nama: str
    nilai: str  # the figure, or why there is none ("belum tercatat")
    is_tercatat: bool
    url: str = ""
    jumlah: int | None = None  # the rows `url` opens (tests/test_beranda_jumlah.py checks)


@dataclass
class Indikator:
    """One pendamping's figures for one period, with scores and links to the records."""

    pendamping: Pendamping
    periode: Periode
    pengaturan: Mapping[str, Any]
    jumlah_keluarga: int
    didampingi: int
    terjangkau: int
    kasus_ditangani: int
    respon_median: float | None
    kasus_dilaporkan: int
    kasus_belum: int
    rujukan_dikirim: int
    rujukan_selesai: int
    kepuasan_rata: float | None
    kepuasan_jumlah: int
    ekspor: int
    ekspor_luar_jam: int
    buka_nik: int
    lihat_per_jam_maks: int
    graduasi: int
    pemutakhiran: int
    rhk_luar: dict[str, int] = field(default_factory=dict)
    username: str = ""  # the pendamping's account, for the link to the audit log
    # Issue 20: PMKS clients the worker handles (served) and those reached in the period.
    klien_dilayani: int = 0
    klien_terjangkau: int = 0

    # Raw ratios and flags ------------------------------------------------------
    @property
    def has_akun(self) -> bool:
        return self.pendamping.user_id is not None

    @property
    def dilayani(self) -> int:
        """Families and PMKS clients served in the period."""
        return self.didampingi + self.klien_dilayani

    @property
    def terjangkau_semua(self) -> int:
        """Families and PMKS clients reached in the period."""
        return self.terjangkau + self.klien_terjangkau

    @property
    def cakupan(self) -> float | None:
        return _rasio(self.terjangkau_semua, self.dilayani)

    @property
    def integrasi_rujukan(self) -> float | None:
        return _rasio(self.rujukan_selesai, self.rujukan_dikirim)

    @property
    def batas_keluarga(self) -> int:
        if self.pendamping.is_wilayah_sulit:
            return int(self.pengaturan["pendamping_batas_keluarga_sulit"])
        if (batas := self.pendamping.jenis.batas_beban) is not None:  # issue 20: per kind
            return batas
        return int(self.pengaturan["pendamping_batas_keluarga"])

    @property
    def is_melebihi_batas(self) -> bool:
        return self.jumlah_keluarga > self.batas_keluarga

    @property
    def is_akses_berlebih(self) -> bool:
        return self.lihat_per_jam_maks > int(self.pengaturan["akses_lihat_per_jam_maks"])

    @property
    def tanda_data(self) -> list[str]:
        """Unusual access found in the period, in words."""
        tanda = []
        if self.is_akses_berlebih:
            tanda.append(
                f"{angka(self.lihat_per_jam_maks)} keluarga dilihat dalam satu jam "
                f"(batas {angka(int(self.pengaturan['akses_lihat_per_jam_maks']))})"
            )
        if self.ekspor_luar_jam:
            tanda.append(
                f"{angka(self.ekspor_luar_jam)} ekspor di luar jam kerja "
                f"({self.pengaturan['jam_kerja_mulai']:02d}.00–"
                f"{self.pengaturan['jam_kerja_selesai']:02d}.00 WIB)"
            )
        return tanda

    @property
    def target_graduasi(self) -> int:
        return int(self.pengaturan["graduasi_target_tahunan"])

    # Scores 0–100 (None: no data) -------------------------------------------------
    @property
    def skor_cakupan(self) -> float | None:
        return None if self.cakupan is None else self.cakupan * SKOR_PENUH

    @property
    def skor_respon(self) -> float | None:
        if self.respon_median is None:
            return None
        nol = float(self.pengaturan["respon_hari_nilai_nol"])
        return max(0.0, SKOR_PENUH * (1 - self.respon_median / nol))

    @property
    def skor_rujukan(self) -> float | None:
        return None if self.integrasi_rujukan is None else self.integrasi_rujukan * SKOR_PENUH

    @property
    def skor_kepuasan(self) -> float | None:
        if self.kepuasan_rata is None:
            return None
        return (self.kepuasan_rata - 1) / 4 * SKOR_PENUH

    @property
    def skor_data(self) -> float | None:
        if not self.has_akun:
            return None
        flags = int(self.is_akses_berlebih) + int(self.ekspor_luar_jam > 0)
        return max(0.0, SKOR_PENUH - PENALTI_TANDA_DATA * flags)

    @property
    def skor(self) -> float | None:
        """Weighted mean of the indicator scores that have data (weights are settings);
        none without families or PMKS clients served in the period, so an idle account does
        not score."""
        if not self.dilayani:
            return None
        parts = [
            (self.skor_cakupan, self.pengaturan["bobot_cakupan_layanan"]),
            (self.skor_respon, self.pengaturan["bobot_kecepatan_respon"]),
            (self.skor_rujukan, self.pengaturan["bobot_integrasi_rujukan"]),
            (self.skor_kepuasan, self.pengaturan["bobot_kepuasan"]),
            (self.skor_data, self.pengaturan["bobot_perlindungan_data"]),
        ]
        weighted = [(value, weight) for value, weight in parts if value is not None and weight]
        total = sum(weight for _, weight in weighted)
        if not total:
            return None
        return sum(value * weight for value, weight in weighted) / total

    # Display (Indonesian, "—" when there is nothing to show) ------------------------
    @property
    def cakupan_teks(self) -> str:
        if self.cakupan is None:
            return KOSONG
        return f"{persen(self.cakupan)} ({angka(self.terjangkau_semua)}/{angka(self.dilayani)})"

    @property
    def respon_teks(self) -> str:
        if self.respon_median is None:
            return KOSONG
        hari = f"{self.respon_median:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        return f"{hari} hari ({angka(self.kasus_ditangani)} kasus)"

    @property
    def rujukan_teks(self) -> str:
        if self.integrasi_rujukan is None:
            return KOSONG
        return (
            f"{persen(self.integrasi_rujukan)} "
            f"({angka(self.rujukan_selesai)}/{angka(self.rujukan_dikirim)})"
        )

    @property
    def kepuasan_teks(self) -> str:
        if self.kepuasan_rata is None:
            return KOSONG
        rata = f"{self.kepuasan_rata:.2f}".replace(".", ",")
        return f"{rata} ({angka(self.kepuasan_jumlah)} penilaian)"

    @property
    def data_teks(self) -> str:
        if not self.has_akun:
            return KOSONG
        return f"{angka(self.ekspor)} ekspor, {angka(self.buka_nik)} buka NIK"

    @property
    def skor_teks(self) -> str:
        return KOSONG if self.skor is None else f"{self.skor:.1f}".replace(".", ",")

    @property
    def keluarga_teks(self) -> str:
        if not self.has_akun:
            return KOSONG
        return f"{angka(self.jumlah_keluarga)} / {angka(self.batas_keluarga)}"

    @property
    def graduasi_teks(self) -> str:
        if not self.has_akun:
            return KOSONG
        if self.periode.is_tahunan:
            return f"{angka(self.graduasi)} dari target {angka(self.target_graduasi)}"
        return angka(self.graduasi)

    # Links to the records behind each figure -----------------------------------------
    @property
    def _filter(self) -> dict[str, Any]:
        return {"pendamping": self.pendamping.pk, **self.periode.params}

    @property
    def url_keluarga(self) -> str:
        if not self.has_akun or not self.jumlah_keluarga:  # nothing to list
            return ""
        return _url(
            "kpm:keluarga-list", pendamping=self.pendamping.user_id, status=STATUS_DIDAMPINGI
        )

    @property
    def url_kunjungan(self) -> str:
        return _url("pendamping:kunjungan-list", **self._filter)

    @property
    def url_kasus_ditangani(self) -> str:
        return _url("pendamping:kasus-list", menurut="ditangani", **self._filter)

    @property
    def url_kasus_dilaporkan(self) -> str:
        return _url("pendamping:kasus-list", **self._filter)

    @property
    def url_rujukan(self) -> str:
        return _url("pendamping:rujukan-list", **self._filter)

    @property
    def url_kepuasan(self) -> str:
        # The scores the figure counts: not those the pendamping entered themselves (issue 20).
        return _url("pendamping:skor-list", status=SKOR_DIHITUNG, **self._filter)

    @property
    def url_graduasi(self) -> str:
        if not self.has_akun or not self.graduasi:  # nothing to list
            return ""
        periode: dict[str, Any] = {f"graduasi_{k}": v for k, v in self.periode.params.items()}
        return _url("kpm:keluarga-list", pendamping=self.pendamping.user_id, **periode)

    @property
    def url_pemutakhiran(self) -> str:
        return _url("pendamping:perubahan-list", **self._filter)

    @property
    def url_audit(self) -> str:
        """The audit log of this account (the page itself is for admins only)."""
        if not self.username:
            return ""
        return _url("audit-list", username=self.username)

    # RHK 1–9 (DOMAIN.md §11) ---------------------------------------------------------
    @property
    def rhk(self) -> list[ItemRhk]:
        def luar(key: str, kosong: str) -> tuple[str, bool]:
            if key not in self.rhk_luar:
                return kosong, False
            return angka(self.rhk_luar[key]), True

        p2k2, has_p2k2 = luar("p2k2", P2K2_BELUM)
        komitmen, has_komitmen = luar("komitmen", BELUM_TERCATAT)
        akun = self.has_akun
        return [
            self._rhk_penyaluran,
            ItemRhk(2, "P2K2 dilaksanakan", p2k2, has_p2k2),
            ItemRhk(3, "Verifikasi komitmen", komitmen, has_komitmen),
            ItemRhk(
                4,
                "Graduasi",
                self.graduasi_teks,
                akun,
                self.url_graduasi,
                self.graduasi if akun else None,
            ),
            ItemRhk(
                5,
                "Pemutakhiran data",
                angka(self.pemutakhiran) if akun else KOSONG,
                akun,
                self.url_pemutakhiran if akun else "",
                self.pemutakhiran if akun else None,
            ),
            ItemRhk(
                6,
                "Respons kasus",
                angka(self.kasus_ditangani),
                True,
                self.url_kasus_ditangani,
                self.kasus_ditangani,
            ),
            self._rhk_laporan,
            self._rhk_arahan,
            self._rhk_sosialisasi,
        ]

    # Issue 20 (D9): RHK 1, 7, 8 and 9 from the records (pendamping.selectors.rhk, kpm payouts);
    # `jumlah` is the count the rakor report sums (laporan.selectors.sdm).
    @property
    def _rhk_penyaluran(self) -> ItemRhk:
        if "penyaluran" not in self.rhk_luar:
            return ItemRhk(1, "Penyaluran bantuan", BELUM_TERCATAT, False)
        tersalur = self.rhk_luar["penyaluran"]
        dicatat = tersalur + self.rhk_luar.get("penyaluran_gagal", 0)
        if not dicatat:
            return ItemRhk(1, "Penyaluran bantuan", "belum ada data penyaluran", False)
        nilai = f"{persen(tersalur / dicatat)} tersalur ({angka(tersalur)}/{angka(dicatat)})"
        return ItemRhk(1, "Penyaluran bantuan", nilai, True, jumlah=tersalur)

    @property
    def _rhk_laporan(self) -> ItemRhk:
        if "laporan" not in self.rhk_luar:
            return ItemRhk(7, "Laporan bulanan", BELUM_TERCATAT, False)
        jumlah = self.rhk_luar["laporan"]
        terlambat = self.rhk_luar.get("laporan_terlambat", 0)
        nilai = f"{angka(jumlah)} laporan"
        if terlambat:
            nilai += f" ({angka(terlambat)} terlambat)"
        return ItemRhk(7, "Laporan bulanan", nilai, True, jumlah=jumlah)

    @property
    def _rhk_arahan(self) -> ItemRhk:
        if "arahan_diterima" not in self.rhk_luar:
            return ItemRhk(8, "Direktif pimpinan", BELUM_TERCATAT, False)
        diterima = self.rhk_luar["arahan_diterima"]
        if not diterima:
            return ItemRhk(8, "Direktif pimpinan", "tidak ada arahan", True, jumlah=0)
        dikonfirmasi = self.rhk_luar.get("arahan", 0)
        nilai = f"{angka(dikonfirmasi)} dari {angka(diterima)} arahan dikonfirmasi"
        return ItemRhk(8, "Direktif pimpinan", nilai, True, jumlah=dikonfirmasi)

    @property
    def _rhk_sosialisasi(self) -> ItemRhk:
        if "sosialisasi" not in self.rhk_luar:
            return ItemRhk(9, "Publikasi", BELUM_TERCATAT, False)
        jumlah = self.rhk_luar["sosialisasi"]
        return ItemRhk(9, "Publikasi", f"{angka(jumlah)} sosialisasi", True, jumlah=jumlah)


# --- Charts of the performance page ------------------------------------------------------
def _koma(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


@dataclass(frozen=True)
class _GrafikIndikator:
    judul: str
    nilai: Callable[[Indikator], float | None]
    teks: Callable[[float], str]  # the figure in the tooltip: "85,0%", "3,5 hari"
    singkat: Callable[[float], str]  # the figure above the bar: "85", "3,5"
    maks: float | None  # the top of the scale; None: the year's largest figure


def _persen_bulat(value: float) -> str:
    return f"{round(value * 100)}"


GRAFIK_INDIKATOR = (
    _GrafikIndikator("Cakupan layanan (%)", lambda i: i.cakupan, persen, _persen_bulat, 1.0),
    _GrafikIndikator(
        "Kecepatan respon (median hari)",
        lambda i: i.respon_median,
        lambda v: f"{_koma(v, 1)} hari",
        lambda v: _koma(v, 1),
        None,
    ),
    _GrafikIndikator(
        "Integrasi rujukan (%)", lambda i: i.integrasi_rujukan, persen, _persen_bulat, 1.0
    ),
    _GrafikIndikator(
        "Kepuasan (1–5)",
        lambda i: i.kepuasan_rata,
        lambda v: _koma(v, 2),
        lambda v: _koma(v, 1),
        5.0,
    ),
    _GrafikIndikator(
        "Skor kinerja", lambda i: i.skor, lambda v: _koma(v, 1), lambda v: f"{round(v)}", 100.0
    ),
)


def grafik_list(seri: list[Indikator]) -> list[charts.Grafik]:
    """The performance page's charts, one per indicator: a bar per month of the year so
    far, in twelve slots."""
    result = []
    for spec in GRAFIK_INDIKATOR:
        entri = []
        for indikator in seri:
            value = spec.nilai(indikator)
            nama = NAMA_BULAN[(indikator.periode.bulan or 1) - 1]
            entri.append(
                charts.Entri(
                    label=nama[0],
                    besar=value,
                    nilai="" if value is None else spec.singkat(value),
                    keterangan=f"{nama}: {KOSONG if value is None else spec.teks(value)}",
                )
            )
        result.append(
            charts.batang_tegak(
                spec.judul, entri, maks=spec.maks, slot=12, kosong="Belum ada data pada tahun ini."
            )
        )
    return result
