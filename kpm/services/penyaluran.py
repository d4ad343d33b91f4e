"""Recording payouts per tahap from the bank/Pos distribution list (issue 20, RHK 1).

An upload (`kpm.UnggahanPenyaluran`) goes through the steps of every import of the portal:

1. `penyaluran_unggah` stores the file under its SHA-256 (issue 22: the uploader's file name
   may hold a NIK) and records the upload;
2. `penyaluran_periksa` reads it whole, in batches (`kpm.importers.PemeriksaPenyaluran`):
   valid rows go to staging rows, every error is kept with its row and column, and the
   preview counts what applying would add, change or leave — nothing is recorded yet. A
   small file is checked in the request, a large one by a Celery task (kpm.tasks) whose
   progress the page polls;
3. `penyaluran_terapkan` applies a list without errors in one transaction with one
   set-based upsert on (keluarga, tahun, tahap), or `penyaluran_batal` cancels it. A row whose
   values are already recorded is not written again, so the same list applied twice changes
   nothing the second time.

The stored file and the staging rows go once the list is applied, cancelled or expired.
Every step is audited.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from itertools import islice
from pathlib import Path, PurePath
from typing import Any, BinaryIO, cast

from django.core.files import File
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dinsos import services as dinsos_services
from dinsos.errors import DomainError, RowError
from dinsos.formatting import mask_identifiers
from dinsos.models import AuditEvent, User
from dinsos.raw_sql import db_table
from dinsos.spreadsheet import FileDitolak, TableReader, batas_dari_settings, open_table, sha256_of
from kpm.access import scope_keluarga
from kpm.importers.kolom import BARIS_JUDUL_MAKS, KolomTidakLengkap
from kpm.importers.penyaluran import BarisPenyaluran, PemeriksaPenyaluran
from kpm.models import BarisUnggahanPenyaluran, Keluarga, Penyaluran, UnggahanPenyaluran
from kpm.services.ringkasan_basi import penyaluran_ringkasan_basi

logger = logging.getLogger(__name__)
U = UnggahanPenyaluran
BATCH = 5000  # rows checked and staged per step: memory stays flat, progress moves
KESALAHAN_SIMPAN = 1000  # errors kept for the page; the count covers all of them
AKHIRAN_FILE = frozenset({".xlsx", ".xls", ".ods", ".csv", ".txt"})  # the reader reads bytes
PESAN_ANTREAN = "Antrean tugas sedang tidak tersedia; coba lagi beberapa saat lagi."
PESAN_GAGAL_SISTEM = (
    "Terjadi kesalahan sistem saat memproses daftar ini; coba lagi, dan bila tetap gagal "
    "hubungi pengelola sistem."
)


# --- 1. Store -----------------------------------------------------------------------------
@transaction.atomic
def penyaluran_unggah(*, berkas: File, nama_file: str, oleh: User) -> UnggahanPenyaluran:
    """Store an uploaded list (streamed to disk) and record the upload, waiting to be
    checked. The stored name is the content's hash with the file's extension."""
    berkas.seek(0)
    sha256 = sha256_of(cast(BinaryIO, berkas))  # a Django File reads like a binary stream
    berkas.seek(0)
    unggahan = U(nama_file=nama_file[:200], sha256=sha256, ukuran=berkas.size or 0)
    unggahan.diunggah_oleh = oleh
    akhiran = PurePath(nama_file).suffix.lower()
    unggahan.berkas.save(f"daftar{akhiran if akhiran in AKHIRAN_FILE else ''}", berkas, save=False)
    unggahan.save()
    dinsos_services.audit_record(
        user=oleh,
        action=AuditEvent.Action.IMPORT,
        obj=unggahan,
        jumlah=0,  # nothing recorded yet; the application says how many
        reason=f"Unggah daftar penyaluran {mask_identifiers(nama_file)}"[:300],
    )
    return unggahan


# --- 2. Check -----------------------------------------------------------------------------
def _keluarga_untuk(user: User) -> tuple[QuerySet[Keluarga], str]:
    """The families `user` may record payouts for: their areas, restricted ones included
    (paying the aid is the legal minimum, UU 27/2022)."""
    keluarga = scope_keluarga(user, Keluarga.objects.all(), termasuk_dibatasi=True)
    return keluarga, "" if user.role == User.Role.ADMIN else " di wilayah Anda"


def _kemajuan(unggahan_id: int, **fields: object) -> None:
    U.objects.filter(pk=unggahan_id).update(
        **fields, progres_pada=timezone.now(), updated_at=timezone.now()
    )


def _stage(unggahan: UnggahanPenyaluran, baris: list[BarisPenyaluran]) -> None:
    BarisUnggahanPenyaluran.objects.bulk_create(
        [
            BarisUnggahanPenyaluran(
                unggahan=unggahan,
                nomor=b.nomor,
                keluarga_id=b.keluarga_id,
                tahun=b.tahun,
                tahap=b.tahap,
                nominal=b.nominal,
                status=b.status,
                alasan_gagal=b.alasan_gagal,
                sumber=b.sumber,
            )
            for b in baris
        ],
        batch_size=BATCH,
    )


def _batches(
    reader: TableReader, pemeriksa: PemeriksaPenyaluran
) -> Iterator[list[tuple[int, list[object]]]]:
    """The rows below the header, BATCH at a time (the header is looked for in the first
    rows, as the command-line import always did)."""
    rows = reader.rows()
    awal: list[tuple[int, list[object]]] = [(n, list(c)) for n, c in islice(rows, BARIS_JUDUL_MAKS)]
    batch = awal[pemeriksa.judul(awal) + 1 :]
    for nomor, cells in rows:
        batch.append((nomor, list(cells)))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def penyaluran_periksa(*, unggahan_id: int) -> UnggahanPenyaluran | None:
    """Check an uploaded list whole; it ends "siap diterapkan" with its preview counts, or
    "ada kesalahan" with every error by row and column (nothing staged then), or, for a file
    that cannot be read as a list at all, "ada kesalahan" with the reason.

    Not one transaction on purpose: the staging rows and the progress commit batch by batch
    (the page polls them). Safe to re-run: the rows of an interrupted run are removed first.
    Returns None when the upload is no longer waiting to be checked (a second delivery)."""
    if not U.objects.filter(
        pk=unggahan_id, status__in=(U.Status.DIUNGGAH, U.Status.DIPERIKSA)
    ).update(status=U.Status.DIPERIKSA, tahap="Membaca file", progres=0, pesan_gagal=""):
        return None
    unggahan = U.objects.select_related("diunggah_oleh").get(pk=unggahan_id)
    BarisUnggahanPenyaluran.objects.filter(unggahan=unggahan).delete()
    keluarga, di_wilayah = _keluarga_untuk(unggahan.diunggah_oleh)
    pemeriksa = PemeriksaPenyaluran(keluarga=keluarga, di_wilayah=di_wilayah)
    kesalahan: list[RowError] = []
    jumlah_kesalahan = dibaca = valid = 0
    try:
        reader = open_table(Path(unggahan.berkas.path), batas=batas_dari_settings())
    except FileDitolak as e:
        return _ditolak(unggahan, pesan=e.message)
    try:
        _kemajuan(unggahan.pk, dialek=reader.dialek.label[:100])
        for batch in _batches(reader, pemeriksa):
            hasil = pemeriksa.periksa(batch)
            dibaca += len(batch)
            jumlah_kesalahan += len(hasil.errors)
            kesalahan.extend(hasil.errors[: KESALAHAN_SIMPAN - len(kesalahan)])
            if not jumlah_kesalahan:  # once a row is wrong nothing will be applied
                _stage(unggahan, hasil.baris)
            valid += len(hasil.baris)
            _kemajuan(
                unggahan.pk,
                baris_dibaca=dibaca,
                progres=min(90, int(reader.fraction_done() * 90)),
                tahap=f"Memeriksa baris ({dibaca} dibaca)",
            )
    except (FileDitolak, KolomTidakLengkap) as e:
        return _ditolak(unggahan, pesan=e.message)
    finally:
        reader.close()
    if jumlah_kesalahan or not valid:
        pesan = "" if jumlah_kesalahan else "Tidak ada baris data di bawah judul kolom."
        return _ditolak(
            unggahan, pesan=pesan, kesalahan=kesalahan, jumlah=jumlah_kesalahan, dibaca=dibaca
        )
    return _siap(unggahan, dibaca=dibaca)


def _ditolak(
    unggahan: UnggahanPenyaluran,
    *,
    pesan: str,
    kesalahan: list[RowError] | None = None,
    jumlah: int = 0,
    dibaca: int = 0,
) -> UnggahanPenyaluran:
    BarisUnggahanPenyaluran.objects.filter(unggahan=unggahan).delete()
    unggahan.status = U.Status.DITOLAK
    unggahan.pesan_gagal = pesan
    unggahan.kesalahan = [
        {"baris": e.row, "kolom": e.column, "pesan": mask_identifiers(e.message)}
        for e in kesalahan or []
    ]
    unggahan.jumlah_kesalahan = jumlah
    unggahan.baris_dibaca = dibaca
    unggahan.baris_valid = 0
    unggahan.tahap, unggahan.progres = "", 100
    unggahan.save(
        update_fields=[
            "status", "pesan_gagal", "kesalahan", "jumlah_kesalahan", "baris_dibaca",
            "baris_valid", "tahap", "progres", "updated_at",
        ]
    )  # fmt: skip
    return unggahan


# What applying would do, from the staging rows against the recorded payouts (one scan).
SQL_PRATINJAU = f"""
SELECT count(*) FILTER (WHERE p.id IS NULL),
       count(*) FILTER (WHERE p.id IS NOT NULL AND (p.nominal, p.status, p.alasan_gagal, p.sumber)
                        IS DISTINCT FROM (s.nominal, s.status, s.alasan_gagal, s.sumber)),
       count(*) FILTER (WHERE p.id IS NOT NULL AND (p.nominal, p.status, p.alasan_gagal, p.sumber)
                        IS NOT DISTINCT FROM (s.nominal, s.status, s.alasan_gagal, s.sumber)),
       count(*) FILTER (WHERE s.status = %(tersalur)s),
       count(*) FILTER (WHERE s.status = %(gagal)s)
FROM {db_table(BarisUnggahanPenyaluran)} s
LEFT JOIN {db_table(Penyaluran)} p
       ON p.keluarga_id = s.keluarga_id AND p.tahun = s.tahun AND p.tahap = s.tahap
WHERE s.unggahan_id = %(unggahan)s
"""  # noqa: S608 (table names from the models; values are named parameters)


def _hitung(unggahan_id: int) -> dict[str, int]:
    params: dict[str, Any] = {
        "unggahan": unggahan_id,
        "tersalur": Penyaluran.Status.TERSALUR,
        "gagal": Penyaluran.Status.GAGAL,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL_PRATINJAU, params)
        baru, diubah, tetap, tersalur, gagal = cursor.fetchone()
    return {"baru": baru, "diubah": diubah, "tetap": tetap, "tersalur": tersalur, "gagal": gagal}


def _siap(unggahan: UnggahanPenyaluran, *, dibaca: int) -> UnggahanPenyaluran:
    hitung = _hitung(unggahan.pk)
    for name, value in hitung.items():
        setattr(unggahan, name, value)
    unggahan.status = U.Status.SIAP
    unggahan.baris_dibaca = dibaca
    unggahan.baris_valid = sum(hitung[k] for k in ("baru", "diubah", "tetap"))
    unggahan.kesalahan, unggahan.jumlah_kesalahan = [], 0
    unggahan.tahap, unggahan.progres = "", 100
    unggahan.save(
        update_fields=[
            *hitung, "status", "baris_dibaca", "baris_valid", "kesalahan", "jumlah_kesalahan",
            "tahap", "progres", "updated_at",
        ]
    )  # fmt: skip
    return unggahan


# --- 3. Apply or cancel -----------------------------------------------------------------
@transaction.atomic
def penyaluran_terapkan_mulai(*, unggahan: UnggahanPenyaluran, oleh: User) -> UnggahanPenyaluran:
    """Take a checked list for applying by `oleh` (the caller then applies it, in the request
    or through kpm.tasks). Raises DomainError when it is not ready to apply."""
    locked = U.objects.select_for_update().get(pk=unggahan.pk)
    if locked.status != U.Status.SIAP:
        raise DomainError(
            f"Daftar ini tidak bisa diterapkan (status: {locked.get_status_display().lower()})."
        )
    locked.status, locked.tahap, locked.progres = U.Status.MENERAPKAN, "Menerapkan", 0
    locked.diterapkan_oleh = oleh
    locked.pesan_gagal = ""
    locked.save(
        update_fields=["status", "tahap", "progres", "diterapkan_oleh", "pesan_gagal", "updated_at"]
    )
    return locked


# One statement: the staging rows into the payouts; a row already recorded with the same
# values is left as it is (so a second application of a list writes nothing). The payout
# takes the family's pendamping of now, whom RHK 1 credits (kpm.Penyaluran.pendamping).
SQL_TERAPKAN = f"""
INSERT INTO {db_table(Penyaluran)} AS p (
    keluarga_id, pendamping_id, tahun, tahap, nominal, status, alasan_gagal, sumber, nama_file,
    diimpor_oleh_id, created_at, updated_at)
SELECT s.keluarga_id, k.pendamping_id, s.tahun, s.tahap, s.nominal, s.status, s.alasan_gagal,
       s.sumber, %(nama_file)s, %(oleh)s, %(sekarang)s, %(sekarang)s
FROM {db_table(BarisUnggahanPenyaluran)} s
JOIN {db_table(Keluarga)} k ON k.id = s.keluarga_id
WHERE s.unggahan_id = %(unggahan)s
ON CONFLICT (keluarga_id, tahun, tahap) DO UPDATE SET
    nominal = EXCLUDED.nominal, status = EXCLUDED.status, alasan_gagal = EXCLUDED.alasan_gagal,
    sumber = EXCLUDED.sumber, nama_file = EXCLUDED.nama_file,
    pendamping_id = EXCLUDED.pendamping_id, diimpor_oleh_id = EXCLUDED.diimpor_oleh_id,
    updated_at = EXCLUDED.updated_at
WHERE (p.nominal, p.status, p.alasan_gagal, p.sumber)
      IS DISTINCT FROM (EXCLUDED.nominal, EXCLUDED.status, EXCLUDED.alasan_gagal, EXCLUDED.sumber)
"""  # noqa: S608 (table names from the models; values are named parameters)


@transaction.atomic
def penyaluran_terapkan(*, unggahan_id: int) -> UnggahanPenyaluran | None:
    """Apply a list taken by `penyaluran_terapkan_mulai`: all its rows or none, in one
    transaction; the counts are taken again inside it (another list may have been applied
    since the preview). Returns None when the list is not being applied (a second
    delivery of the task)."""
    unggahan = U.objects.select_for_update().filter(pk=unggahan_id).first()
    if unggahan is None or unggahan.status != U.Status.MENERAPKAN:
        return None
    hitung = _hitung(unggahan.pk)
    params: dict[str, Any] = {
        "unggahan": unggahan.pk,
        "nama_file": mask_identifiers(unggahan.nama_file)[:200],
        "oleh": unggahan.diterapkan_oleh_id,
        "sekarang": timezone.now(),
    }
    penyaluran_ringkasan_basi(unggahan_id=unggahan.pk)
    with connection.cursor() as cursor:
        cursor.execute(SQL_TERAPKAN, params)
        ditulis = cursor.rowcount
    if ditulis != hitung["baru"] + hitung["diubah"]:  # the counts are what was written
        logger.warning("penyaluran #%s: %s ditulis, %s dihitung", unggahan.pk, ditulis, hitung)
    BarisUnggahanPenyaluran.objects.filter(unggahan=unggahan).delete()
    for name, value in hitung.items():
        setattr(unggahan, name, value)
    unggahan.status, unggahan.tahap, unggahan.progres = U.Status.DITERAPKAN, "", 100
    unggahan.diterapkan_at = timezone.now()
    unggahan.save(
        update_fields=[*hitung, "status", "tahap", "progres", "diterapkan_at", "updated_at"]
    )
    _hapus_berkas(unggahan)
    dinsos_services.audit_record(
        user=unggahan.diterapkan_oleh,
        action=AuditEvent.Action.APPLY,
        object_type=Penyaluran._meta.label_lower,
        object_repr=str(unggahan),
        jumlah=unggahan.baris_valid,
        reason=(
            f"{hitung['baru']} baru, {hitung['diubah']} diubah, {hitung['tetap']} tetap; "
            f"{hitung['tersalur']} tersalur, {hitung['gagal']} gagal"
        ),
    )
    return unggahan


def _hapus_berkas(unggahan: UnggahanPenyaluran) -> None:
    """Remove the stored file once the transaction commits (rolled back: it stays)."""
    name = unggahan.berkas.name
    if name:
        storage = unggahan.berkas.storage
        U.objects.filter(pk=unggahan.pk).update(berkas="")
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def penyaluran_batal(*, unggahan: UnggahanPenyaluran, oleh: User) -> UnggahanPenyaluran:
    """Cancel a list that was not applied: its staging rows and file go, nothing is
    recorded. Raises DomainError while it is being processed or once applied."""
    locked = U.objects.select_for_update().get(pk=unggahan.pk)
    if locked.status not in (U.Status.SIAP, U.Status.DITOLAK, U.Status.GAGAL):
        raise DomainError(
            f"Daftar ini tidak bisa dibatalkan (status: {locked.get_status_display().lower()})."
        )
    _tutup(locked, pesan="")
    dinsos_services.audit_record(
        user=oleh, action=AuditEvent.Action.DELETE, obj=locked, reason="Daftar dibatalkan"
    )
    return locked


def _tutup(unggahan: UnggahanPenyaluran, *, pesan: str) -> None:
    BarisUnggahanPenyaluran.objects.filter(unggahan=unggahan).delete()
    unggahan.status, unggahan.tahap = U.Status.DIBATALKAN, ""
    if pesan:
        unggahan.pesan_gagal = pesan
    unggahan.save(update_fields=["status", "tahap", "pesan_gagal", "updated_at"])
    _hapus_berkas(unggahan)


def penyaluran_gagal(*, unggahan_id: int, pesan: str) -> None:
    """A job that could not run or ended in an error it does not retry: a check fails (the
    list can be uploaded again), an application returns to "siap" (it can be applied
    again). A finished list is left as it is."""
    now = timezone.now()
    U.objects.filter(pk=unggahan_id, status__in=(U.Status.DIUNGGAH, U.Status.DIPERIKSA)).update(
        status=U.Status.GAGAL, pesan_gagal=pesan, tahap="", updated_at=now
    )
    U.objects.filter(pk=unggahan_id, status=U.Status.MENERAPKAN).update(
        status=U.Status.SIAP, pesan_gagal=pesan, tahap="", updated_at=now
    )


@transaction.atomic
def penyaluran_kedaluwarsa(*, now: datetime.datetime | None = None) -> int:
    """Close the lists left unapplied for longer than `UnggahanPenyaluran.BERLAKU`: their
    staging rows (families' payouts) and files go; returns how many."""
    batas = (now or timezone.now()) - U.BERLAKU
    lama = U.objects.select_for_update().filter(
        created_at__lt=batas, status__in=(U.Status.SIAP, U.Status.DITOLAK, U.Status.GAGAL)
    )
    jumlah = 0
    for unggahan in lama:
        _tutup(unggahan, pesan="Kedaluwarsa: tidak diterapkan dalam 7 hari.")
        jumlah += 1
    if jumlah:
        logger.info("penyaluran_kedaluwarsa ditutup=%s", jumlah)
    return jumlah
