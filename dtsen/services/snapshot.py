"""Writes around a snapshot's life: upload, column mapping, re-run, cancel (the apply and
its undo: dtsen.services.penerapan)."""

from __future__ import annotations

import datetime
import hashlib
import logging
from pathlib import PurePath

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.formatting import tanggal, tanggal_jam
from dinsos.models import AuditEvent, User, Wilayah
from dinsos.pengaturan import today
from dtsen.importers import CHECKERS
from dtsen.importers.columns import ABAIKAN, canonical
from dtsen.models import (
    Jenis,
    MasalahBaris,
    PbiJkRecord,
    PemetaanKolom,
    PerbandinganDesil,
    Snapshot,
)
from dtsen.services import partisi

logger = logging.getLogger(__name__)
HASH_CHUNK = 1 << 20
AKHIRAN_FILE = frozenset({".xlsx", ".xls", ".ods", ".csv", ".txt"})  # the reader reads bytes


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks(HASH_CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _already_uploaded(jenis: str, sha256: str) -> DomainError | None:
    earlier = (
        Snapshot.objects.filter(jenis=jenis, sha256=sha256)
        .exclude(status__in=[Snapshot.Status.GAGAL, Snapshot.Status.DIBATALKAN])
        .select_related("created_by")
        .first()
    )
    if earlier is None:
        return None
    return DomainError(
        f"File ini sudah pernah diunggah pada {tanggal_jam(earlier.created_at)} "
        f"oleh {earlier.created_by} (status: {earlier.get_status_display()}).",
        field="file",
    )


@transaction.atomic
def snapshot_create(
    *,
    jenis: Jenis,
    tanggal_data: datetime.date,
    wilayah: Wilayah,
    file: File,
    nama_file: str,
    created_by: User,
) -> Snapshot:
    """Store an uploaded file (streamed to disk in chunks) and record the upload.

    Raises DomainError when the same file (same SHA-256) was uploaded before and not failed
    or cancelled. Rows are loaded later by `snapshot_load_rows`.
    """
    if wilayah.tingkat != Wilayah.Tingkat.KABUPATEN_KOTA:
        raise DomainError("Pilih wilayah kabupaten/kota yang dicakup file.", field="wilayah")
    if tanggal_data > today():  # a desil belongs to a snapshot date (DOMAIN.md §3)
        raise DomainError(
            f"Tanggal data {tanggal(tanggal_data)} belum terjadi; isi tanggal data pada file "
            f"(paling lambat hari ini, {tanggal(today())}).",
            field="tanggal_data",
        )
    sha256 = _sha256(file)
    if error := _already_uploaded(jenis, sha256):
        raise error
    snapshot = Snapshot(
        jenis=jenis,
        nama_file=nama_file[:200],
        ukuran_file=file.size or 0,
        sha256=sha256,
        tanggal_data=tanggal_data,
        wilayah=wilayah,
        created_by=created_by,
    )
    # The uploader's name (which may hold a NIK) stays in nama_file, shown masked; the stored
    # file is named after its content, so paths on disk and in backups carry no identifier.
    suffix = PurePath(nama_file).suffix.lower()
    stored_name = f"{jenis}-{sha256[:16]}{suffix if suffix in AKHIRAN_FILE else ''}"
    snapshot.file.save(stored_name, file, save=False)
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError as exc:  # the same file uploaded at the same moment
        snapshot.file.delete(save=False)
        raise _already_uploaded(jenis, sha256) or DomainError("File gagal disimpan.") from exc
    dinsos_services.audit_record(
        user=created_by, action=AuditEvent.Action.IMPORT, obj=snapshot, jumlah=0
    )
    return snapshot


PESAN_ANTREAN_TIDAK_TERSEDIA = (
    "Antrean tugas sedang tidak tersedia; file tersimpan, coba proses ulang beberapa saat lagi."
)


class AntreanTidakTersedia(DomainError):
    """The broker (Redis) refused the load; the snapshot was marked failed, re-runnable at once."""

    def __init__(self, *, snapshot_id: int) -> None:
        super().__init__(PESAN_ANTREAN_TIDAK_TERSEDIA)
        self.snapshot_id = snapshot_id


def snapshot_fail_unqueued(*, snapshot_id: int) -> None:
    """Fail a snapshot whose load could not be queued (Redis down), so it can be processed
    again at once instead of waiting, "diunggah", for a message that never left; raises
    AntreanTidakTersedia for the page. Only while no worker took it: a message that did get
    through then finds it failed, a no-op."""
    now = timezone.now()
    Snapshot.objects.filter(pk=snapshot_id, status=Snapshot.Status.DIUNGGAH).update(
        status=Snapshot.Status.GAGAL,
        pesan_gagal=PESAN_ANTREAN_TIDAK_TERSEDIA,
        tahap="",
        progres_pada=now,
        updated_at=now,
    )
    raise AntreanTidakTersedia(snapshot_id=snapshot_id)


def snapshot_fail(*, snapshot_id: int, pesan: str) -> None:
    """Mark a snapshot that is being processed as failed with `pesan` (re-runnable)."""
    Snapshot.objects.filter(pk=snapshot_id, status__in=Snapshot.SEDANG_DIPROSES).update(
        status=Snapshot.Status.GAGAL, pesan_gagal=pesan, tahap="", updated_at=timezone.now()
    )


@transaction.atomic
def snapshot_upload(
    *,
    jenis: Jenis,
    tanggal_data: datetime.date,
    wilayah: Wilayah,
    file: File,
    nama_file: str,
    created_by: User,
) -> Snapshot:
    """Store the file; the snapshot waits ("diunggah") for the caller to queue its load
    (dtsen.tasks.snapshot_queue_load)."""
    snapshot = snapshot_create(
        jenis=jenis,
        tanggal_data=tanggal_data,
        wilayah=wilayah,
        file=file,
        nama_file=nama_file,
        created_by=created_by,
    )
    return snapshot


def _lock(snapshot: Snapshot) -> Snapshot:
    return Snapshot.objects.select_for_update().get(pk=snapshot.pk)


@transaction.atomic
def pemetaan_kolom_save(*, snapshot: Snapshot, pemetaan: dict[str, str], user: User) -> Snapshot:
    """Remember how the admin mapped unknown headers (per kind of file); load once all are.

    `pemetaan` maps headers as written in the file to a field name, or "" to ignore them: all
    the unknown headers, or one page of them (the form shows them in pages). The snapshot
    waits for the rest; when none is left it waits ("diunggah") for the caller to queue its
    load (dtsen.tasks.snapshot_queue_load).
    """
    locked = _lock(snapshot)
    if locked.status != Snapshot.Status.PERLU_PEMETAAN:
        raise DomainError("Snapshot ini tidak sedang menunggu pemetaan kolom.")
    fields = CHECKERS[locked.jenis].TABEL.fields
    unknown = list(locked.kolom_tak_dikenal)
    if not pemetaan or not set(pemetaan) <= set(unknown):
        raise DomainError(
            "Kolom yang dipetakan tidak ada di daftar kolom yang belum dikenal; muat ulang "
            "halaman ini."
        )
    chosen = [f for f in pemetaan.values() if f != ABAIKAN]
    if any(f not in fields for f in chosen):
        raise DomainError("Pilihan kolom tidak dikenal.")
    already = {f for f in locked.pemetaan_kolom.values() if f != ABAIKAN}
    clash = sorted({f for f in chosen if chosen.count(f) > 1 or f in already})
    if clash:
        labels = ", ".join(fields[f].label for f in clash)
        raise DomainError(f"Satu kolom data hanya boleh dipetakan sekali: {labels}.")
    PemetaanKolom.objects.bulk_create(
        [
            PemetaanKolom(jenis=locked.jenis, header=canonical(h), field=f, created_by=user)
            for h, f in pemetaan.items()
        ],
        update_conflicts=True,
        unique_fields=["jenis", "header"],
        update_fields=["field", "created_by", "updated_at"],
    )
    locked.pemetaan_kolom = {**locked.pemetaan_kolom, **pemetaan}
    locked.kolom_tak_dikenal = [h for h in unknown if h not in pemetaan]
    if locked.kolom_tak_dikenal:
        locked.save(update_fields=["pemetaan_kolom", "kolom_tak_dikenal", "updated_at"])
        return locked
    locked.status = Snapshot.Status.DIUNGGAH
    locked.tahap = ""
    locked.progres_pada = timezone.now()
    locked.save(
        update_fields=["status", "pemetaan_kolom", "kolom_tak_dikenal", "tahap", "progres_pada"]
    )
    return locked


@transaction.atomic
def snapshot_requeue(*, snapshot: Snapshot, user: User) -> Snapshot:
    """Make a failed or stalled snapshot wait for loading again (the load is idempotent);
    the caller queues it (dtsen.tasks.snapshot_queue_load)."""
    locked = _lock(snapshot)
    if not (locked.status == Snapshot.Status.GAGAL or locked.is_terhenti):
        raise DomainError("Hanya impor yang gagal atau terhenti yang bisa diproses ulang.")
    clash = _already_uploaded(locked.jenis, locked.sha256)
    if locked.status == Snapshot.Status.GAGAL and clash:
        raise clash
    locked.status = Snapshot.Status.DIUNGGAH
    locked.pesan_gagal = ""
    locked.tahap = ""
    locked.progres_pada = timezone.now()
    locked.save(update_fields=["status", "pesan_gagal", "tahap", "progres_pada"])
    logger.info("snapshot %s diproses ulang oleh user %s", locked.pk, user.pk)
    return locked


@transaction.atomic
def snapshot_cancel(*, snapshot: Snapshot, user: User) -> Snapshot:
    """Drop a snapshot that was not applied, with its loaded rows; the file is kept."""
    locked = _lock(snapshot)
    if locked.status in {Snapshot.Status.DITERAPKAN, Snapshot.Status.RIWAYAT}:
        raise DomainError("Snapshot yang sudah diterapkan tidak bisa dibatalkan.")
    if locked.status in {Snapshot.Status.DIBATALKAN}:
        raise DomainError("Snapshot ini sudah dibatalkan.")
    if locked.jenis == Jenis.DTSEN:
        partisi.kosongkan(locked.pk)
    else:
        PbiJkRecord.objects.filter(snapshot=locked).delete()
    MasalahBaris.objects.filter(snapshot=locked).delete()
    # Issue 21: counts of desil changes against its rows are gone with them.
    PerbandinganDesil.objects.filter(Q(lama=locked) | Q(baru=locked)).delete()
    locked.status = Snapshot.Status.DIBATALKAN
    locked.tahap = ""
    locked.save(update_fields=["status", "tahap"])
    logger.info("snapshot %s dibatalkan oleh user %s", locked.pk, user.pk)
    return locked
