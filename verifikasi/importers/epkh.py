"""The e-PKH "Form Verifikasi Komitmen Pendidikan" CSV (DOMAIN.md §4): reading and checking
its rows, in the layout `verifikasi.importers.tata_epkh` finds.

Nothing here writes: `verifikasi.services.komitmen_impor_apply` records what was read. Every problem
is a `RowError(row, column, message)` with the row as Excel shows it (Excel hides the `sep=`
line, so it is not counted) and the column header as written in the file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import QuerySet

from dinsos.bulan import awal_bulan
from dinsos.errors import RowError
from dinsos.formatting import bulan_tahun, mask_nik
from dinsos.identity import IdentityError, parse_nik
from dinsos.models import User
from dinsos.spreadsheet.ringkasan import has_kata_ringkasan
from kpm.access import scope_anggota
from kpm.models import Anggota
from verifikasi.importers.tata_epkh import (
    ALPA,
    IZIN,
    JUMLAH,
    NAMA,
    NIK,
    NPSN,
    NPSN_DIGIT,
    PERSEN,
    SAKIT,
    TINGKAT,
    TINGKAT_KOMPONEN,
    KolomBulan,
    Tata,
    kunci_kolom,
    rows_of,
    tata_baca,
)
from verifikasi.models import KOMPONEN_PENDIDIKAN, Komitmen
from verifikasi.services import EntriKomitmen


@dataclass(frozen=True)
class BarisEpkh:
    """One valid student row: the registry member and each month's verification."""

    nomor: int
    anggota_id: int
    nama: str  # as in the registry
    nik: str
    komponen: str
    bulan: dict[datetime.date, EntriKomitmen]


@dataclass
class HasilBaca:
    """What a file holds: the valid rows, and every problem found, by row and column."""

    tahun: int
    npsn: str
    bulan: list[datetime.date]
    baris: list[BarisEpkh] = field(default_factory=list)
    kesalahan: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.kesalahan and bool(self.baris)

    @property
    def jumlah_catatan(self) -> int:
        return sum(len(b.bulan) for b in self.baris)

    def entri_per_bulan(self) -> dict[datetime.date, list[EntriKomitmen]]:
        result: dict[datetime.date, list[EntriKomitmen]] = {b: [] for b in self.bulan}
        for baris in self.baris:
            for bulan, entri in baris.bulan.items():
                result[bulan].append(entri)
        return result


def _cell(row: Sequence[str], col: int) -> str:
    return row[col].strip() if col < len(row) else ""


def _bilangan(text: str) -> int:
    if not re.fullmatch(r"\d{1,3}", text):
        raise ValueError(text)
    return int(text)


def _persen(text: str) -> Decimal:
    cleaned = text.replace("%", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _anggota_scope(user: User, niks: Collection[str]) -> QuerySet[Anggota]:
    return scope_anggota(user, Anggota.objects.filter(nik__in=list(niks)))


@dataclass
class _Pembaca:
    tata: Tata
    bulan: dict[int, datetime.date]
    hari_ini: datetime.date
    errors: list[RowError] = field(default_factory=list)

    def error(self, nomor: int, column: str, message: str) -> None:
        self.errors.append(RowError(row=nomor, column=column, message=message))

    def bulan_entri(
        self, row: Sequence[str], nomor: int, kolom: KolomBulan, npsn: str
    ) -> EntriKomitmen | None:
        """One month of one student; None when the month is empty or has an error."""
        bulan = self.bulan[kolom.nomor_bulan]
        values = {u: _cell(row, col) for u, (col, _) in kolom.kolom.items()}
        if not any(values.values()):
            return None
        ok = True
        angka: dict[str, int] = {}
        for ukuran in (ALPA, IZIN, SAKIT, JUMLAH):
            if values.get(ukuran):
                try:
                    angka[ukuran] = _bilangan(values[ukuran])
                except ValueError:
                    header = kolom.kolom[ukuran][1]
                    self.error(
                        nomor,
                        header,
                        f"{header} harus bilangan bulat (tertulis '{values[ukuran]}')",
                    )
                    ok = False
        persen: Decimal | None = None
        if values.get(PERSEN):
            header = kolom.kolom[PERSEN][1]
            try:
                persen = _persen(values[PERSEN])
            except ValueError:
                self.error(nomor, header, f"{header} '{values[PERSEN]}' bukan angka persen")
                ok = False
            else:
                if not Decimal(0) <= persen <= Decimal(100):
                    self.error(
                        nomor,
                        header,
                        f"{header} harus antara 0 dan 100 (tertulis {values[PERSEN]})",
                    )
                    ok = False
        first_header = next(iter(sorted(kolom.kolom.values())))[1]
        if bulan > awal_bulan(self.hari_ini):
            self.error(nomor, first_header, f"Bulan {bulan_tahun(bulan)} belum dimulai")
            ok = False
        tidak_hadir = sum(angka.get(u, 0) for u in (ALPA, IZIN, SAKIT))
        jumlah = angka.get(JUMLAH)
        if ok and jumlah is not None and tidak_hadir > jumlah:
            header = kolom.kolom[JUMLAH][1]
            self.error(
                nomor,
                header,
                f"{kolom.label}: alpa + izin + sakit ({tidak_hadir}) lebih dari {header} "
                f"({jumlah})",
            )
            ok = False
        if not ok:
            return None
        catatan = ""
        status = ""
        if persen is None and jumlah:
            persen = (Decimal(jumlah - tidak_hadir) * 100 / jumlah).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        elif persen is None and jumlah == 0:
            status, catatan = Komitmen.Status.TIDAK_DAPAT_DIVERIFIKASI, "Tidak ada hari efektif."
        elif persen is None:
            header = kolom.kolom.get(PERSEN, kolom.kolom.get(JUMLAH, (0, first_header)))[1]
            self.error(
                nomor, header, f"{kolom.label}: isi persen kehadiran atau jumlah hari efektif"
            )
            return None
        return EntriKomitmen(
            anggota_id=0,  # filled once the NIK is matched
            komponen="",
            status=status,
            persen_kehadiran=persen,
            catatan=catatan,
            hari_efektif=jumlah,
            alpa=angka.get(ALPA),
            izin=angka.get(IZIN),
            sakit=angka.get(SAKIT),
            npsn=npsn,
        )


def _rows_with_numbers(
    rows: Sequence[Sequence[str]], start: int
) -> Iterator[tuple[int, list[str]]]:
    for index in range(start, len(rows)):
        yield index + 1, list(rows[index])


def baca(content: bytes, *, user: User, tahun: int, hari_ini: datetime.date) -> HasilBaca:
    """Read a file for `user`: only members of families the user may see are matched (any
    other NIK is "not found", so the file cannot probe the registry). Raises
    KolomTidakDikenali when the header cannot be read; row problems are in `kesalahan`."""
    rows = rows_of(content)
    tata = tata_baca(rows, tahun=tahun)
    year = tata.tahun or tahun
    bulan = {k.nomor_bulan: datetime.date(year, k.nomor_bulan, 1) for k in tata.bulan}
    hasil = HasilBaca(tahun=year, npsn=tata.npsn, bulan=sorted(bulan.values()))
    pembaca = _Pembaca(tata=tata, bulan=bulan, hari_ini=hari_ini)
    nik_col, nik_header = tata.identitas[NIK]
    nama_col = tata.identitas.get(NAMA, (None, ""))[0]
    seen: dict[str, int] = {}
    parsed: list[tuple[int, str, str, dict[datetime.date, EntriKomitmen]]] = []
    for nomor, row in _rows_with_numbers(rows, tata.baris_data):
        raw_nik = _cell(row, nik_col)
        nama = _cell(row, nama_col) if nama_col is not None else ""
        if not raw_nik and (not nama or has_kata_ringkasan(list(row))):
            continue  # blank lines, totals, notes and signatures under the table
        npsn = tata.npsn
        if NPSN in tata.identitas:
            col, header = tata.identitas[NPSN]
            npsn = _cell(row, col) or npsn
            if npsn and not re.fullmatch(rf"\d{{{NPSN_DIGIT}}}", npsn):
                pembaca.error(nomor, header, f"NPSN harus {NPSN_DIGIT} digit (tertulis '{npsn}')")
                npsn = ""
        nik = ""
        try:
            parse_nik(raw_nik or None, today=hari_ini)
            nik = re.sub(r"\D", "", raw_nik)
        except IdentityError as exc:
            pembaca.error(nomor, nik_header, exc.message)
        if nik and nik in seen:
            pembaca.error(nomor, nik_header, f"NIK sama dengan baris {seen[nik]}")
            nik = ""
        elif nik:
            seen[nik] = nomor
        months: dict[datetime.date, EntriKomitmen] = {}
        for kolom in tata.bulan:
            entri = pembaca.bulan_entri(row, nomor, kolom, npsn)
            if entri is not None:
                months[bulan[kolom.nomor_bulan]] = entri
        tingkat = ""
        if TINGKAT in tata.identitas:
            tingkat = kunci_kolom(_cell(row, tata.identitas[TINGKAT][0]))
        if nik:
            parsed.append((nomor, nik, tingkat, months))
    members = {
        a["nik"]: a
        for a in _anggota_scope(user, [nik for _, nik, _, _ in parsed]).values(
            "pk", "nik", "nama", "komponen"
        )
    }
    for nomor, nik, tingkat, months in parsed:
        member = members.get(nik)
        if member is None:
            pembaca.error(
                nomor,
                nik_header,
                f"NIK {mask_nik(nik)} tidak ditemukan di data KPM (atau di luar wilayah Anda)",
            )
            continue
        komponen = next((k for k in member["komponen"] if k in KOMPONEN_PENDIDIKAN), None)
        komponen = komponen or TINGKAT_KOMPONEN.get(tingkat)
        if komponen is None:
            pembaca.error(
                nomor,
                nik_header,
                f"Anak dengan NIK {mask_nik(nik)} tidak punya komponen pendidikan (SD/SMP/SMA)",
            )
            continue
        if not months:
            continue
        hasil.baris.append(
            BarisEpkh(
                nomor=nomor,
                anggota_id=member["pk"],
                nama=member["nama"],
                nik=nik,
                komponen=komponen,
                bulan={
                    b: EntriKomitmen(
                        anggota_id=member["pk"],
                        komponen=komponen,
                        status=e.status,
                        persen_kehadiran=e.persen_kehadiran,
                        catatan=e.catatan,
                        hari_efektif=e.hari_efektif,
                        alpa=e.alpa,
                        izin=e.izin,
                        sakit=e.sakit,
                        npsn=e.npsn,
                    )
                    for b, e in months.items()
                },
            )
        )
    hasil.kesalahan = sorted(pembaca.errors, key=lambda e: e.row)
    return hasil
