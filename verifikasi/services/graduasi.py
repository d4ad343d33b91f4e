"""Graduasi (DOMAIN.md §5): a family's exit from PKH, aktif → calon graduasi → graduasi.

Every status step goes through `keluarga_status_change`, so the family's history says who
proposed and who decided, and why. Evidence files are checked by their content, stored under
MEDIA_ROOT with a random name, and served only by a view that checks access.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dinsos import uploads
from dinsos.errors import DomainError
from dinsos.models import User
from dinsos.pengaturan import today
from kpm.models import Keluarga, Komponen
from kpm.services import keluarga_komponen_refresh, keluarga_status_change
from verifikasi.models import Graduasi

J = Graduasi.Jenis
# DOMAIN.md §5: mandiri = the family's signed statement; paksa = a village/kelurahan letter.
BUKTI_WAJIB: dict[str, str] = {
    J.MANDIRI: "Unggah surat pernyataan graduasi mandiri yang sudah ditandatangani keluarga.",
    J.PAKSA: "Unggah surat keterangan dari desa/kelurahan sebagai bukti graduasi paksa.",
}


def tipe_bukti(berkas: UploadedFile) -> uploads.FileType:
    """The type of an evidence file, read from its first bytes (the form's `UploadField` has
    already checked and re-encoded it); DomainError when it is not a PDF or a photo."""
    berkas.seek(0)
    file_type = uploads.detect_type(berkas.read(uploads.HEAD_BYTES))
    berkas.seek(0)
    if file_type is None or file_type not in uploads.DOKUMEN:
        raise DomainError(uploads.type_message(uploads.DOKUMEN), field="bukti")
    return file_type


@transaction.atomic
def graduasi_propose(
    *,
    keluarga: Keluarga,
    jenis: str,
    alasan: str,
    oleh: User,
    bukti: UploadedFile | None = None,
    on: datetime.date | None = None,
) -> Graduasi:
    """Propose a family for graduasi: it becomes calon graduasi (with history).

    Alamiah needs the family to have no component left (recomputed now); mandiri and paksa
    need their evidence file. Raises DomainError when a rule is not met or the family already
    has an open proposal.
    """
    day = on or today()
    alasan = alasan.strip()
    if not alasan:
        raise DomainError("Tulis alasan graduasi.", field="alasan")
    if keluarga.status != Keluarga.Status.AKTIF:
        raise DomainError(
            "Hanya keluarga aktif yang dapat diusulkan graduasi (status sekarang: "
            f"{keluarga.get_status_display().lower()}).",
            field="jenis",
        )
    if jenis == J.ALAMIAH:
        keluarga_komponen_refresh(keluarga_ids=[keluarga.pk], on=day)
        keluarga.refresh_from_db(fields=["komponen"])
        if keluarga.komponen:
            labels = ", ".join(k.label for k in Komponen if k in keluarga.komponen)
            raise DomainError(
                f"Keluarga ini masih punya komponen ({labels}): bukan graduasi alamiah.",
                field="jenis",
            )
    elif bukti is None:
        raise DomainError(BUKTI_WAJIB[jenis], field="bukti")
    graduasi = Graduasi(
        keluarga=keluarga,
        pendamping_id=keluarga.pendamping_id,
        jenis=jenis,
        alasan=alasan,
        tanggal_usulan=day,
        diusulkan_oleh=oleh,
    )
    if bukti is not None:
        file_type = tipe_bukti(bukti)
        graduasi.bukti_tipe = file_type.content_type
        nama = f"{uuid.uuid4().hex}.{file_type.extension}"
        graduasi.bukti.save(nama, bukti, save=False)
    try:
        with transaction.atomic():
            graduasi.save()
        keluarga_status_change(
            keluarga=keluarga,
            ke=Keluarga.Status.CALON_GRADUASI,
            alasan=f"Diusulkan {graduasi.get_jenis_display().lower()}: {alasan}",
            oleh=oleh,
        )
    except IntegrityError as exc:
        graduasi.bukti.delete(save=False)
        raise DomainError(
            "Keluarga ini sudah punya usulan graduasi yang belum diputuskan.", field="jenis"
        ) from exc
    except DomainError:
        graduasi.bukti.delete(save=False)
        raise
    return graduasi


@transaction.atomic
def graduasi_decide(
    *,
    graduasi: Graduasi,
    is_diterima: bool,
    catatan: str,
    oleh: User,
    on: datetime.date | None = None,
) -> Graduasi:
    """The office's decision: accepted → the family graduates (a letter number is given);
    rejected (reason required) → the family is aktif again. Decided once only."""
    day = on or today()
    locked = Graduasi.objects.select_for_update().select_related("keluarga").get(pk=graduasi.pk)
    if locked.status != Graduasi.Status.DIUSULKAN:
        raise DomainError(
            f"Usulan graduasi ini sudah diputuskan ({locked.get_status_display().lower()}).",
            field="keputusan",
        )
    catatan = catatan.strip()
    if is_diterima:
        alasan = f"{locked.get_jenis_display()}: {locked.alasan}"
        if catatan:
            alasan += f" Catatan: {catatan}"
        keluarga_status_change(
            keluarga=locked.keluarga, ke=Keluarga.Status.GRADUASI, alasan=alasan, oleh=oleh
        )
        locked.status = Graduasi.Status.DITERIMA
        locked.tanggal_graduasi = day
        locked.nomor_surat = f"{locked.pk:04d}/GRAD-PKH/{day.year}"
    else:
        if not catatan:
            raise DomainError("Tulis alasan penolakan usulan graduasi.", field="catatan")
        keluarga_status_change(
            keluarga=locked.keluarga,
            ke=Keluarga.Status.AKTIF,
            alasan=f"Usulan {locked.get_jenis_display().lower()} ditolak: {catatan}",
            oleh=oleh,
        )
        locked.status = Graduasi.Status.DITOLAK
    locked.catatan_keputusan = catatan
    locked.diputuskan_oleh = oleh
    locked.diputuskan_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "tanggal_graduasi",
            "nomor_surat",
            "catatan_keputusan",
            "diputuskan_oleh",
            "diputuskan_at",
            "updated_at",
        ]
    )
    graduasi.status = locked.status
    return locked
