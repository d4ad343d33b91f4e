"""SIKS-NG lists from decided findings: proposal, deactivation, reactivation (DOMAIN.md §7).

Each list is checked against the rules before it leaves (`selectors_rekonsiliasi.siks_periksa`):
rows failing a rule stay behind with their reason. The workbook is written by `dinsos.ekspor`:
identifiers are text cells (DOMAIN.md §8) and no cell can run as a formula. Every export is
audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.bulan import tambah_bulan
from dinsos.ekspor import SafeWorkbook
from dinsos.errors import DomainError
from dinsos.formatting import tanggal
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from dtsen.models import EksporSiks, EksporSiksBaris, Temuan, TemuanRiwayat
from dtsen.selectors.rekonsiliasi import KATEGORI_PBIJK
from dtsen.selectors.siks import CalonSiks, siks_periksa

E = EksporSiks.Jenis
JENIS_KELAMIN = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}


@dataclass(frozen=True)
class Kolom:
    header: str
    nilai: Callable[[CalonSiks], object]
    is_teks: bool = False  # identifiers: always a text cell (leading zeros, 16 digits)


def _t(c: CalonSiks) -> Temuan:
    return c.temuan


def _lahir(c: CalonSiks) -> str:
    value = c.temuan.rincian.get("tanggal_lahir")
    if value:
        return datetime.date.fromisoformat(value).strftime("%d-%m-%Y")
    anggota = c.temuan.anggota
    return anggota.tanggal_lahir.strftime("%d-%m-%Y") if anggota else ""


def _kelamin(c: CalonSiks) -> str:
    value = c.temuan.rincian.get("jenis_kelamin") or (
        c.temuan.anggota.jenis_kelamin if c.temuan.anggota else ""
    )
    return JENIS_KELAMIN.get(value, "")


def _batas_dtsen(c: CalonSiks) -> str:
    bulan = int(dinsos_selectors.pengaturan_get("pbijk_reaktivasi_periode_dtsen"))
    return tanggal(tambah_bulan(today(), bulan))


def _nik(c: CalonSiks) -> str:
    # A finding about a family (desil, KK members) is filed under its pengurus.
    t = c.temuan
    if t.nik:
        return t.nik
    pengurus = t.keluarga.pengurus if t.keluarga else None
    return pengurus.nik if pengurus else ""


_DASAR = (
    Kolom("NIK", _nik, is_teks=True),
    Kolom("NO KK", lambda c: _t(c).no_kk, is_teks=True),
    Kolom("NAMA", lambda c: _t(c).nama.upper()),
)
_WILAYAH = (
    Kolom("KODE DESA/KELURAHAN", lambda c: _t(c).kelurahan.kode_bps, is_teks=True),
    Kolom("DESA/KELURAHAN", lambda c: _t(c).kelurahan.nama.upper()),
    Kolom("KECAMATAN", lambda c: _t(c).kecamatan.nama.upper()),
)
# Our reading of the SIKS-NG upload templates; one declared table per list.
KOLOM: dict[str, tuple[Kolom, ...]] = {
    E.USULAN: (
        *_DASAR,
        Kolom("TGL LAHIR", _lahir),
        Kolom("JENIS KELAMIN", _kelamin),
        *_WILAYAH,
        Kolom(
            "DESIL", lambda c: _t(c).rincian.get("desil") or getattr(_t(c).keluarga, "desil", "")
        ),
        Kolom("KETERANGAN", lambda c: f"Temuan #{_t(c).pk}: {_t(c).get_kategori_display()}"),
    ),
    E.NONAKTIF: (
        *_DASAR,
        Kolom("PROGRAM", lambda c: "PBI-JK" if _t(c).kategori in KATEGORI_PBIJK else "PKH"),
        Kolom("NOKA", lambda c: _t(c).rincian.get("noka", ""), is_teks=True),
        *_WILAYAH,
        Kolom("ALASAN", lambda c: _t(c).get_kategori_display()),
        Kolom("CATATAN VERIFIKASI", lambda c: c.catatan),
    ),
    E.REAKTIVASI: (
        *_DASAR,
        Kolom("NOKA", lambda c: c.noka, is_teks=True),
        *_WILAYAH,
        Kolom("TGL NONAKTIF", lambda c: tanggal(c.nonaktif_sejak)),
        Kolom("SURAT FASKES", lambda c: c.surat_faskes),
        Kolom("BATAS PEMUTAKHIRAN DTSEN", _batas_dtsen),
    ),
}


def _value(kolom: Kolom, row: CalonSiks) -> object:
    value = kolom.nilai(row)
    if kolom.is_teks:
        return "" if value is None else str(value)
    return value


def _workbook(jenis: E, rows: list[CalonSiks]) -> bytes:
    workbook = SafeWorkbook()
    sheet = workbook.add_sheet(E(jenis).label)
    columns = KOLOM[jenis]
    sheet.append(("NO", *(k.header for k in columns)), bold=True)
    for nomor, row in enumerate(rows, start=1):
        sheet.append([nomor, *(_value(k, row) for k in columns)])
    return workbook.to_bytes()


def _catatan_keputusan(rows: list[CalonSiks]) -> None:
    notes = dict(
        TemuanRiwayat.objects.filter(
            temuan_id__in=[c.temuan.pk for c in rows], aksi=TemuanRiwayat.Aksi.DIVERIFIKASI
        )
        .order_by("temuan_id", "created_at")
        .values_list("temuan_id", "catatan")
    )
    for c in rows:
        c.catatan = notes.get(c.temuan.pk, "")


@transaction.atomic
def siks_export(*, user: User, jenis: E) -> EksporSiks:
    """Check one SIKS-NG list against the rules and export the rows that pass (XLSX kept for
    download). The exported findings are marked, so they are not exported twice and their
    decision no longer changes. Raises DomainError when no row passes."""
    periksa = siks_periksa(user=user, jenis=jenis)
    rows = periksa.lolos
    if not rows:
        raise DomainError("Tidak ada temuan yang lolos pemeriksaan untuk daftar ini.")
    locked = set(
        Temuan.objects.select_for_update()
        .filter(pk__in=[c.temuan.pk for c in rows], diekspor_at__isnull=True)
        .values_list("pk", flat=True)
    )
    rows = [c for c in rows if c.temuan.pk in locked]  # another export took the rest
    if not rows:
        raise DomainError("Temuan ini baru saja diekspor oleh pengguna lain.")
    _catatan_keputusan(rows)
    now = timezone.now()
    ekspor = EksporSiks(
        jenis=jenis,
        jumlah_baris=len(rows),
        jumlah_ditolak=len(periksa.ditolak),
        dibuat_oleh=user,
    )
    name = f"siks-ng-{jenis}-{today():%Y%m%d}.xlsx"
    ekspor.file.save(name, ContentFile(_workbook(jenis, rows)), save=False)
    ekspor.save()
    try:
        with transaction.atomic():
            EksporSiksBaris.objects.bulk_create(
                EksporSiksBaris(ekspor=ekspor, temuan=c.temuan, jenis=jenis, nik=c.temuan.nik)
                for c in rows
            )
    except IntegrityError as exc:  # DOMAIN.md §7: reactivated at the same moment elsewhere
        ekspor.file.delete(save=False)
        raise DomainError("Sebagian orang baru saja direaktivasi lewat ekspor lain.") from exc
    Temuan.objects.filter(pk__in=[c.temuan.pk for c in rows]).update(
        diekspor_at=now, updated_at=now
    )
    TemuanRiwayat.objects.bulk_create(
        TemuanRiwayat(
            temuan=c.temuan,
            aksi=TemuanRiwayat.Aksi.DIEKSPOR,
            catatan=f"{E(jenis).label}, ekspor #{ekspor.pk}.",
            oleh=user,
        )
        for c in rows
    )
    dinsos_services.audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        obj=ekspor,
        reason=f"Daftar SIKS-NG: {E(jenis).label}",
        jumlah=len(rows),
    )
    return ekspor


def siks_download_record(*, user: User, ekspor: EksporSiks) -> None:
    """Record a second download of a stored SIKS-NG list in the audit log."""
    dinsos_services.audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        obj=ekspor,
        reason=f"Unduh ulang daftar SIKS-NG: {ekspor.get_jenis_display()}",
        jumlah=ekspor.jumlah_baris,
    )
