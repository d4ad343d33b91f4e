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

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos import uploads
from dinsos.bulan import tambah_bulan
from dinsos.errors import DomainError
from dinsos.formatting import tanggal
from dinsos.models import AuditEvent, Persetujuan, User
from dinsos.pengaturan import today
from kpm.models import Keluarga, Komponen, RiwayatStatus
from kpm.services import keluarga_komponen_refresh, keluarga_status_change
from verifikasi.models import Graduasi, GraduasiTanpaProses, Usulan

J = Graduasi.Jenis
# DOMAIN.md §5: mandiri = the family's signed statement; paksa = a village/kelurahan letter.
BUKTI_WAJIB: dict[str, str] = {
    J.MANDIRI: "Unggah surat pernyataan graduasi mandiri yang sudah ditandatangani keluarga.",
    J.PAKSA: "Unggah surat keterangan dari desa/kelurahan sebagai bukti graduasi paksa.",
}


def _dasar_graduasi_paksa(*, keluarga: Keluarga, day: datetime.date) -> str:
    """Issue 20 (D6), DOMAIN.md §5: graduasi paksa needs commitments REPEATEDLY broken (and the
    village letter, checked above). The runs the komitmen rules found for the family (each a
    verifikasi Usulan: 3 months or 3 alfa in a row, DOMAIN.md §4) within the dated window and
    not rejected by the office must reach the dated minimum; returns the sentence naming them
    (kept in the proposal's reason) or raises DomainError saying what is missing."""
    aturan = dinsos_selectors.pengaturan_semua(on=day)
    minimum = int(aturan["graduasi_paksa_runtun_min"])
    sejak = tambah_bulan(day, -int(aturan["graduasi_paksa_bulan_lalu"]))
    runs = list(
        Usulan.objects.filter(keluarga=keluarga, periode_akhir__gte=sejak)
        .exclude(status=Usulan.Status.DITOLAK)
        .order_by("periode_awal", "pk")
    )
    if len(runs) < minimum:
        raise DomainError(
            f"Graduasi paksa hanya untuk komitmen yang dilanggar berulang (DOMAIN §5): tercatat "
            f"{len(runs)} runtun pelanggaran sejak {tanggal(sejak)}, paling sedikit {minimum}. "
            "Jalankan evaluasi komitmen atau pilih jenis graduasi lain.",
            field="jenis",
        )
    daftar = "; ".join(
        f"{u.get_jenis_display()} {tanggal(u.periode_awal)}–{tanggal(u.periode_akhir)}"
        for u in runs
    )
    return f"Dasar graduasi paksa: {len(runs)} runtun pelanggaran ({daftar})."


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
    if jenis == J.PAKSA:
        alasan = f"{alasan}\n{_dasar_graduasi_paksa(keluarga=keluarga, day=day)}"
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
            lewat_graduasi=True,
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
    if is_diterima and dinsos_selectors.persetujuan_perlu(_jenis_persetujuan(locked)):
        _graduasi_ajukan(locked, catatan=catatan, oleh=oleh)
        return locked
    _putuskan(locked, is_diterima=is_diterima, catatan=catatan, oleh=oleh, day=day)
    graduasi.status = locked.status
    return locked


def _putuskan(
    locked: Graduasi, *, is_diterima: bool, catatan: str, oleh: User, day: datetime.date
) -> None:
    if is_diterima:
        alasan = f"{locked.get_jenis_display()}: {locked.alasan}"
        if catatan:
            alasan += f" Catatan: {catatan}"
        keluarga_status_change(
            keluarga=locked.keluarga,
            ke=Keluarga.Status.GRADUASI,
            alasan=alasan,
            oleh=oleh,
            lewat_graduasi=True,
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
            lewat_graduasi=True,
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


# --- Four eyes (issue 20) ---------------------------------------------------------------
def _jenis_persetujuan(graduasi: Graduasi) -> Persetujuan.Jenis:
    if graduasi.jenis == J.PAKSA:
        return Persetujuan.Jenis.GRADUASI_PAKSA
    return Persetujuan.Jenis.GRADUASI


def _graduasi_ajukan(graduasi: Graduasi, *, catatan: str, oleh: User) -> Persetujuan:
    """Accepting a graduation ends the family's aid: it waits for a second person."""
    keluarga = graduasi.keluarga
    return dinsos_services.persetujuan_ajukan(
        jenis=_jenis_persetujuan(graduasi),
        objek=graduasi,
        wilayah=keluarga.kelurahan,
        judul=str(keluarga),
        sebelum=Keluarga.Status.CALON_GRADUASI.label,
        sesudah=f"{Keluarga.Status.GRADUASI.label} ({graduasi.get_jenis_display().lower()})",
        alasan=f"{graduasi.alasan}" + (f" Catatan: {catatan}" if catatan else ""),
        data={"catatan": catatan},
        oleh=oleh,
    )


def persetujuan_graduasi(*, persetujuan: Persetujuan, oleh: User) -> None:
    """Executor of an approved graduation (hooks.EKSEKUTOR_PERSETUJUAN, graduasi and
    graduasi paksa): the approver's decision, dated the day of approval."""
    locked = (
        Graduasi.objects.select_for_update()
        .select_related("keluarga")
        .get(pk=int(persetujuan.objek_id))
    )
    if locked.status != Graduasi.Status.DIUSULKAN:
        raise DomainError(
            f"Usulan graduasi ini sudah diputuskan ({locked.get_status_display().lower()})."
        )
    catatan = str(persetujuan.data.get("catatan", ""))
    _putuskan(locked, is_diterima=True, catatan=catatan, oleh=oleh, day=today())


# --- Completing a graduation made around the pipeline (issue 20, D2) ------------------
@transaction.atomic
def graduasi_lengkapi(
    *,
    catatan: GraduasiTanpaProses,
    jenis: str,
    alasan: str,
    oleh: User,
    bukti: UploadedFile | None = None,
) -> Graduasi:
    """Give a family that reached calon graduasi/graduasi around the pipeline its graduasi
    record (kind, reason, evidence), so it counts toward its pendamping's target. A graduated
    family's record is accepted, dated the day its status changed; a calon graduasi family's
    stays open for the office's usual decision. The family's status is not touched.
    Raises DomainError when already completed, the family's status moved on, or evidence
    is missing."""
    locked = GraduasiTanpaProses.objects.select_for_update().get(pk=catatan.pk)
    if locked.graduasi_id is not None:
        raise DomainError("Graduasi keluarga ini sudah dilengkapi.")
    keluarga = Keluarga.objects.select_for_update().get(pk=locked.keluarga_id)
    if keluarga.status not in (Keluarga.Status.GRADUASI, Keluarga.Status.CALON_GRADUASI):
        raise DomainError(
            f"Keluarga ini kini berstatus {keluarga.get_status_display().lower()}: "
            "tidak ada graduasi untuk dilengkapi."
        )
    alasan = alasan.strip()
    if not alasan:
        raise DomainError("Tulis alasan graduasi.", field="alasan")
    if jenis != J.ALAMIAH and bukti is None:
        raise DomainError(BUKTI_WAJIB[jenis], field="bukti")
    berubah = (
        RiwayatStatus.objects.filter(keluarga=keluarga, ke=keluarga.status)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    day = timezone.localdate(berubah) if berubah else today()
    is_lulus = keluarga.status == Keluarga.Status.GRADUASI
    graduasi = Graduasi(
        keluarga=keluarga,
        pendamping_id=keluarga.pendamping_id,
        jenis=jenis,
        alasan=alasan,
        tanggal_usulan=day,
        diusulkan_oleh=oleh,
        status=Graduasi.Status.DITERIMA if is_lulus else Graduasi.Status.DIUSULKAN,
    )
    if is_lulus:
        graduasi.tanggal_graduasi = day
        graduasi.diputuskan_oleh = oleh
        graduasi.diputuskan_at = timezone.now()
        graduasi.catatan_keputusan = "Dilengkapi: graduasi tercatat di luar alur (issue 20)."
    if bukti is not None:
        file_type = tipe_bukti(bukti)
        graduasi.bukti_tipe = file_type.content_type
        graduasi.bukti.save(f"{uuid.uuid4().hex}.{file_type.extension}", bukti, save=False)
    try:
        with transaction.atomic():
            graduasi.save()
    except IntegrityError as exc:
        graduasi.bukti.delete(save=False)
        raise DomainError(
            "Keluarga ini sudah punya usulan graduasi yang belum diputuskan."
        ) from exc
    if is_lulus:
        graduasi.nomor_surat = f"{graduasi.pk:04d}/GRAD-PKH/{day.year}"
        graduasi.save(update_fields=["nomor_surat", "updated_at"])
    locked.graduasi = graduasi
    locked.dilengkapi_oleh = oleh
    locked.dilengkapi_at = timezone.now()
    locked.save(update_fields=["graduasi", "dilengkapi_oleh", "dilengkapi_at", "updated_at"])
    dinsos_services.audit_record(
        user=oleh, action=AuditEvent.Action.CREATE, obj=graduasi, reason="Lengkapi graduasi"
    )
    return graduasi
