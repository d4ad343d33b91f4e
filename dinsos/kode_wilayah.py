"""Which kelurahan/desa a row means, from codes in either system or from names (issue 16).

DOMAIN.md §8: a kelurahan has a Kemendagri code (2+2+2+4, `18.72.04.1003`, written with or
without dots) and a BPS code (2+2+3+3, `1872021003`). Ten bare digits can be either, and in
one kabupaten the same ten digits can name two different places (`1872011001` is Metro in
Metro Pusat as Kemendagri and Sumbersari Bantul in Metro Selatan as BPS). So, per file:

- a code known in exactly one system is read in that system;
- a code known in both for different places is read in the file's majority system (the
  system of the codes that are known in only one, among the first rows); the review page
  names both places for each such code, and where the file mixes systems each row gets a
  warning naming both;
- a code known in neither is a row error naming what was tried;
- a code split over a kecamatan column and a short kelurahan column (BPS `022` + `003`,
  Kemendagri `01` + `1004`) is put together first;
- a row without a code is matched by its names (kecamatan, kelurahan), normalised and
  tolerant of typos within the area, with a warning when the match is not exact.

One resolver per file; every answer is cached by the row's cells (a million rows name a few
dozen kelurahan), and every row's rule is counted for the review page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz, process

from dinsos.formatting import angka, mask_identifiers

# The columns of a kelurahan `Wilayah` the resolver is built from, for `values_list`.
KOLOM_WILAYAH = (
    "pk",
    "kode",
    "kode_bps",
    "nama",
    "parent__kode",
    "parent__kode_bps",
    "parent__nama",
)
KODE_DIGITS = 10  # a whole kelurahan code in either system (DOMAIN.md §8)
BPS_KECAMATAN_DIGITS = 7
KEMENDAGRI_KECAMATAN_DIGITS = 6
SAMPEL_DETEKSI = 5_000  # rows whose codes decide the file's majority system
AMBIGU_TAMPIL = 50  # codes both systems know, listed on the review page
SKOR_MIRIP = 80  # rapidfuzz ratio (0-100) from which a name counts as a typo of another
SELISIH_MIRIP = 5  # the best match must beat the next by this much to be taken


class Sistem(StrEnum):
    BPS = "bps"
    KEMENDAGRI = "kemendagri"


NAMA_SISTEM = {Sistem.BPS: "BPS", Sistem.KEMENDAGRI: "Kemendagri"}


class Aturan(StrEnum):
    """The rule that decided a row's kelurahan."""

    BPS = "bps"
    KEMENDAGRI = "kemendagri"
    MAYORITAS = "mayoritas"
    NAMA = "nama"
    NAMA_MIRIP = "nama_mirip"
    TIDAK_DIKENAL = "tidak_dikenal"


LABEL_ATURAN = {
    Aturan.BPS: "Kode hanya dikenal sebagai kode BPS",
    Aturan.KEMENDAGRI: "Kode hanya dikenal sebagai kode Kemendagri",
    Aturan.MAYORITAS: "Kode berlaku di kedua sistem untuk tempat berbeda; dibaca menurut "
    "sistem mayoritas file",
    Aturan.NAMA: "Tanpa kode; nama kecamatan/kelurahan cocok",
    Aturan.NAMA_MIRIP: "Tanpa kode; nama mirip (salah ketik), dicocokkan dengan peringatan",
    Aturan.TIDAK_DIKENAL: "Wilayah tidak dikenal (baris ditolak)",
}
_AWALAN = re.compile(r"^(?:kecamatan|kec|kelurahan|kel|desa|ds)\b\.?\s*")
_BUKAN_HURUF = re.compile(r"[^a-z0-9]")


def kunci_nama(nama: str) -> str:
    """Names compare without case, spaces, punctuation or a leading "Kec."/"Kel."/"Desa"."""
    return _BUKAN_HURUF.sub("", _AWALAN.sub("", nama.strip().casefold()))


def _kode(raw: object) -> str:
    if raw is None or isinstance(raw, bool):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip().replace(" ", "")


def _teks(raw: object) -> str:
    return "" if raw is None else " ".join(str(raw).split())


def _bertitik(digits: str) -> str:
    """A 10-digit Kemendagri code with its dots (1872041003 → 18.72.04.1003)."""
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def _tampil(kode: str) -> str:
    # A 10-digit kelurahan code is public (DOMAIN.md §8); a longer number may be a NIK.
    return mask_identifiers(kode, min_digits=KODE_DIGITS + 1)


@dataclass(frozen=True)
class Kelurahan:
    pk: int
    kode: str
    kode_bps: str
    nama: str
    kecamatan_kode: str
    kecamatan_kode_bps: str
    kecamatan_nama: str

    @property
    def label(self) -> str:
        return f"{self.nama} (Kec. {self.kecamatan_nama})"


@dataclass(frozen=True)
class Penentuan:
    """A row's kelurahan (None: rejected), the rule that decided it, and its warning/error."""

    kelurahan_id: int | None
    aturan: Aturan
    pesan: str = ""
    kode_ambigu: str = ""  # set for Aturan.MAYORITAS: the code both systems know


@dataclass
class _Kecamatan:
    nama: str
    kelurahan: dict[str, list[Kelurahan]] = field(default_factory=dict)  # by kunci_nama


class PenentuWilayah:
    """Resolve rows' region cells to kelurahan of one area; construct once per file."""

    def __init__(
        self,
        *,
        nama_wilayah: str,
        kelurahan: Iterable[tuple[int, str, str, str, str, str, str]],
        sistem_kolom: Sistem | None = None,
    ) -> None:
        """`kelurahan`: rows of KOLOM_WILAYAH; `sistem_kolom`: the system a header names."""
        self.nama_wilayah = nama_wilayah
        self.sistem_kolom = sistem_kolom
        self.bps: dict[str, Kelurahan] = {}
        self.kemendagri: dict[str, Kelurahan] = {}
        self.kecamatan_bps: dict[str, str] = {}  # BPS code → Kemendagri code of a kecamatan
        self.kecamatan: dict[str, _Kecamatan] = {}  # by Kemendagri code
        self.kecamatan_nama: dict[str, list[str]] = {}  # kunci_nama → Kemendagri codes
        for row in kelurahan:
            kel = Kelurahan(*row)
            self.kemendagri[kel.kode] = kel
            if kel.kode_bps:
                self.bps[kel.kode_bps] = kel
            if kel.kecamatan_kode_bps:
                self.kecamatan_bps[kel.kecamatan_kode_bps] = kel.kecamatan_kode
            kec = self.kecamatan.get(kel.kecamatan_kode)
            if kec is None:
                kec = self.kecamatan[kel.kecamatan_kode] = _Kecamatan(kel.kecamatan_nama)
                self.kecamatan_nama.setdefault(kunci_nama(kel.kecamatan_nama), []).append(
                    kel.kecamatan_kode
                )
            kec.kelurahan.setdefault(kunci_nama(kel.nama), []).append(kel)
        self.kab_bps = {k[:4] for k in self.kecamatan_bps}
        self.kab_kemendagri = {k[:5] for k in self.kecamatan}
        self.sistem_mayoritas: Sistem = sistem_kolom or Sistem.BPS
        self.deteksi: Counter[Sistem] = Counter()
        # Rows per rule, keyed by the rule's plain string: hashing an enum member runs Python
        # code, and this count goes up once per row of a million-row file.
        self._hitung: dict[str, int] = dict.fromkeys((a.value for a in Aturan), 0)
        self.ambigu: Counter[str] = Counter()  # rows per code that both systems know
        self._ambigu_label: dict[str, tuple[str, str]] = {}
        self._cache: dict[tuple[object, ...], Penentuan] = {}

    # --- The file's system -------------------------------------------------------------
    @property
    def is_campuran(self) -> bool:
        """Codes known only as BPS and codes known only as Kemendagri in one file."""
        return bool(self.deteksi[Sistem.BPS] and self.deteksi[Sistem.KEMENDAGRI])

    def detect(self, samples: Iterable[tuple[object, object]]) -> None:
        """Count the systems of the codes in `(kelurahan, kecamatan)` cells of the first rows.

        Only codes that one system alone knows count; the majority then reads the codes both
        know. A column whose header names a system keeps that system for those codes. Call
        before the first `resolve`.
        """
        for kel_raw, kec_raw in samples:
            kode, sistem = self._utuh(_kode(kel_raw), _kode(kec_raw))
            if sistem == Sistem.BPS and kode in self.bps:
                self.deteksi[Sistem.BPS] += 1
            if kode is None or sistem is not None or "." in kode:
                continue  # dots say Kemendagri; they say nothing of the codes without
            in_bps = kode in self.bps
            in_kemendagri = len(kode) == KODE_DIGITS and _bertitik(kode) in self.kemendagri
            if in_bps != in_kemendagri:
                self.deteksi[Sistem.BPS if in_bps else Sistem.KEMENDAGRI] += 1
        if self.sistem_kolom is None and self.deteksi:
            bps, kemendagri = self.deteksi[Sistem.BPS], self.deteksi[Sistem.KEMENDAGRI]
            self.sistem_mayoritas = Sistem.KEMENDAGRI if kemendagri > bps else Sistem.BPS

    @property
    def hitungan(self) -> Counter[Aturan]:
        """Rows decided so far per rule."""
        return Counter({Aturan(k): n for k, n in self._hitung.items() if n})

    def ringkasan(self) -> dict[str, object]:
        """What the review page shows: the systems detected and the rows per rule."""
        dibaca = NAMA_SISTEM[self.sistem_mayoritas]
        hitungan = self.hitungan
        if hitungan[Aturan.BPS] and hitungan[Aturan.KEMENDAGRI]:
            sistem = f"BPS dan Kemendagri bercampur (mayoritas {dibaca})"
        elif hitungan[Aturan.BPS] or hitungan[Aturan.KEMENDAGRI]:
            sistem = "BPS" if hitungan[Aturan.BPS] else "Kemendagri"
        elif hitungan[Aturan.MAYORITAS]:
            sistem = dibaca
        else:
            sistem = ""
        if hitungan[Aturan.NAMA] or hitungan[Aturan.NAMA_MIRIP]:
            nama = "nama kecamatan/kelurahan"
            sistem = f"{sistem} dan {nama}" if sistem else f"Tanpa kode ({nama})"
        return {
            "sistem": sistem or "Tidak terdeteksi",
            "mayoritas": self.sistem_mayoritas.value,
            "aturan": {a.value: hitungan[a] for a in Aturan if hitungan[a]},
            "ambigu": [
                [kode, *self._ambigu_label[kode], dibaca, jumlah]
                for kode, jumlah in self.ambigu.most_common(AMBIGU_TAMPIL)
            ],
        }

    # --- One row -------------------------------------------------------------------------
    def resolve(
        self,
        kode_kelurahan: object,
        kode_kecamatan: object = None,
        nama_kelurahan: object = None,
        nama_kecamatan: object = None,
        *,
        jumlah: int = 1,
    ) -> Penentuan:
        """The row's kelurahan and rule; the count of that rule goes up by `jumlah` rows.

        The columnar DTSEN check resolves each distinct cell tuple of a batch once (`jumlah=0`)
        and counts the rows it loads with their tuple's count.
        """
        key = (kode_kelurahan, kode_kecamatan, nama_kelurahan, nama_kecamatan)
        found = self._cache.get(key)
        if found is None:
            found = self._resolve(
                _kode(kode_kelurahan), _kode(kode_kecamatan), nama_kelurahan, nama_kecamatan
            )
            if len(self._cache) < 100_000:
                self._cache[key] = found
        self._hitung[found.aturan._value_] += jumlah
        if found.kode_ambigu and jumlah:
            self.ambigu[found.kode_ambigu] += jumlah
        return found

    def _resolve(self, kode: str, kode_kec: str, nama_kel: object, nama_kec: object) -> Penentuan:
        if kode and not self._is_kecamatan(kode):
            utuh, sistem = self._utuh(kode, kode_kec)
            if utuh is None:
                return self._tolak(
                    f"kode desa/kelurahan '{_tampil(kode)}' tidak lengkap: tulis 10 digit "
                    "(BPS 2+2+3+3 atau Kemendagri 2+2+2+4) atau isi kolom kode kecamatan"
                )
            return self._by_code(utuh, shown=kode, sistem=sistem)
        if _teks(nama_kel):
            kec_kode = self._kecamatan_of_code(kode or kode_kec)
            return self._by_name(_teks(nama_kel), _teks(nama_kec), kec_kode=kec_kode)
        if kode:
            return self._tolak(
                f"'{_tampil(kode)}' adalah kode kecamatan; isi kode atau nama desa/kelurahan"
            )
        return self._tolak("kode desa/kelurahan kosong")

    def _tolak(self, pesan: str) -> Penentuan:
        return Penentuan(None, Aturan.TIDAK_DIKENAL, pesan)

    def _is_kecamatan(self, kode: str) -> bool:
        digits = kode.replace(".", "")
        if "." in kode:
            return kode.count(".") == 2
        return len(digits) in (BPS_KECAMATAN_DIGITS, KEMENDAGRI_KECAMATAN_DIGITS)

    def _kecamatan_of_code(self, kode: str) -> str | None:
        """The Kemendagri code of the kecamatan a kecamatan-level code names, if any."""
        if not kode:
            return None
        if "." in kode:
            return kode if kode in self.kecamatan else None
        if len(kode) == BPS_KECAMATAN_DIGITS:
            return self.kecamatan_bps.get(kode)
        if len(kode) == KEMENDAGRI_KECAMATAN_DIGITS:
            dotted = f"{kode[:2]}.{kode[2:4]}.{kode[4:]}"
            return dotted if dotted in self.kecamatan else None
        return None

    def _utuh(self, kode: str, kode_kec: str) -> tuple[str | None, Sistem | None]:
        """The whole code of a kelurahan, putting a short code after its kecamatan's, and
        its system when the parts' lengths say it (BPS 3+3, Kemendagri 2+4)."""
        digits = kode.replace(".", "")
        if len(digits) == KODE_DIGITS or "." in kode:
            return kode, None
        if not kode_kec or not digits.isdigit():
            return None, None
        kec = kode_kec.replace(".", "")
        if len(kode) == 3:  # BPS: kecamatan 3 digits after the kabupaten's 4
            if len(kec) == 3 and len(self.kab_bps) == 1:
                kec = next(iter(self.kab_bps)) + kec
            if len(kec) != BPS_KECAMATAN_DIGITS:
                return None, None
            return kec + kode, Sistem.BPS
        if len(kode) == 4:  # Kemendagri: kecamatan 2 digits after the kabupaten's 2+2
            if len(kec) == 2 and len(self.kab_kemendagri) == 1:
                kec = next(iter(self.kab_kemendagri)).replace(".", "") + kec
            if len(kec) != KEMENDAGRI_KECAMATAN_DIGITS:
                return None, None
            return _bertitik(kec + kode), Sistem.KEMENDAGRI  # dotted
        return None, None

    def _by_code(self, kode: str, *, shown: str, sistem: Sistem | None = None) -> Penentuan:
        if sistem == Sistem.BPS:
            found = self.bps.get(kode)
            if found is None:
                return self._tolak(
                    f"kode desa/kelurahan '{_tampil(kode)}' tidak dikenal di "
                    f"{self.nama_wilayah} (dibaca sebagai kode BPS)"
                )
            return Penentuan(found.pk, Aturan.BPS)
        if "." in kode:
            kel = self.kemendagri.get(kode)
            if kel is None:
                return self._tolak(
                    f"kode desa/kelurahan '{_tampil(kode)}' tidak dikenal di "
                    f"{self.nama_wilayah} (dibaca sebagai kode Kemendagri)"
                )
            return Penentuan(kel.pk, Aturan.KEMENDAGRI)
        as_bps = self.bps.get(kode)
        as_kemendagri = self.kemendagri.get(_bertitik(kode)) if len(kode) == KODE_DIGITS else None
        if as_bps is None and as_kemendagri is None:
            tried = f"BPS {_tampil(kode)}"
            if len(kode) == KODE_DIGITS and kode.isdigit():
                tried += f" maupun Kemendagri {_bertitik(kode)}"
            return self._tolak(
                f"kode desa/kelurahan '{_tampil(shown)}' tidak dikenal di {self.nama_wilayah}, "
                f"baik sebagai kode {tried}"
            )
        if as_kemendagri is None:
            return Penentuan(as_bps.pk, Aturan.BPS)  # type: ignore[union-attr]
        if as_bps is None or as_bps.pk == as_kemendagri.pk:
            return Penentuan(as_kemendagri.pk, Aturan.KEMENDAGRI)
        chosen = as_bps if self.sistem_mayoritas == Sistem.BPS else as_kemendagri
        self._ambigu_label[kode] = (as_bps.label, as_kemendagri.label)
        # A row warning only where the file mixes systems: in a file that is all BPS (or all
        # Kemendagri) the reading is not in doubt, and the review page lists these codes.
        pesan = ""
        if self.is_campuran and self.sistem_kolom is None:
            pesan = (
                f"kode '{kode}' berlaku di dua sistem: BPS = {as_bps.label}, Kemendagri = "
                f"{as_kemendagri.label}; dibaca sebagai {NAMA_SISTEM[self.sistem_mayoritas]} "
                "(sistem mayoritas file ini)"
            )
        return Penentuan(chosen.pk, Aturan.MAYORITAS, pesan, kode_ambigu=kode)

    # --- Names -----------------------------------------------------------------------------
    def _by_name(self, nama_kel: str, nama_kec: str, *, kec_kode: str | None) -> Penentuan:
        catatan: list[str] = []
        if kec_kode is None and nama_kec:
            kec_kode = self._kecamatan_by_name(nama_kec, catatan)
            if kec_kode is None:
                return self._tolak(
                    f"kecamatan '{mask_identifiers(nama_kec)}' tidak dikenal di {self.nama_wilayah}"
                )
        scope = [kec_kode] if kec_kode else list(self.kecamatan)
        pilihan: dict[str, list[Kelurahan]] = {}
        for kode in scope:
            for key, kels in self.kecamatan[kode].kelurahan.items():
                pilihan.setdefault(key, []).extend(kels)
        key = kunci_nama(nama_kel)
        exact = pilihan.get(key)
        where = f"Kecamatan {self.kecamatan[kec_kode].nama}" if kec_kode else self.nama_wilayah
        shown = mask_identifiers(nama_kel)
        if exact is None:
            best = self._mirip(key, list(pilihan))
            if best is None:
                return self._tolak(f"desa/kelurahan '{shown}' tidak dikenal di {where}")
            exact = pilihan[best]
            catatan.append(f"desa/kelurahan '{shown}' dibaca sebagai {exact[0].nama}")
        if len(exact) > 1:
            tempat = ", ".join(k.label for k in exact)
            return self._tolak(
                f"desa/kelurahan '{shown}' ada di lebih dari satu kecamatan ({tempat}); "
                "isi kolom kecamatan"
            )
        kel = exact[0]
        if catatan:
            return Penentuan(kel.pk, Aturan.NAMA_MIRIP, f"nama tidak persis: {'; '.join(catatan)}")
        return Penentuan(kel.pk, Aturan.NAMA)

    def _kecamatan_by_name(self, nama_kec: str, catatan: list[str]) -> str | None:
        key = kunci_nama(nama_kec)
        found = self.kecamatan_nama.get(key)
        if found is None:
            best = self._mirip(key, list(self.kecamatan_nama))
            if best is None:
                return None
            found = self.kecamatan_nama[best]
            nama = self.kecamatan[found[0]].nama
            catatan.append(f"kecamatan '{mask_identifiers(nama_kec)}' dibaca sebagai {nama}")
        return found[0] if len(found) == 1 else None

    @staticmethod
    def _mirip(key: str, choices: list[str]) -> str | None:
        """The one choice close enough to `key` to be a typo of it, else None."""
        if not key or not choices:
            return None
        found = process.extract(key, choices, scorer=fuzz.ratio, limit=2)
        if not found or found[0][1] < SKOR_MIRIP:
            return None
        if len(found) > 1 and found[0][1] - found[1][1] < SELISIH_MIRIP:
            return None
        return str(found[0][0])


def label_aturan(hitungan: dict[str, int]) -> list[tuple[str, str]]:
    """(rule label, row count) for the review page, in the rules' order."""
    return [(LABEL_ATURAN[a], angka(hitungan[a.value])) for a in Aturan if a.value in hitungan]
