"""Applying a snapshot and undoing an apply (issue 15).

The portal proposes an apply with its impact shown first (`snapshot_propose`): a partial file
changes only the kelurahan it covers unless the admin chooses the whole area and types the
number of families that will lose their desil; an apply removing desil from more than a set
share of families waits for a second admin (`penerapan_approve`). `snapshot_undo` restores,
from the apply's own change log, what it changed and makes the previous snapshot active again.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.formatting import tanggal
from dinsos.models import AuditEvent, Persetujuan, User
from dtsen.lock_objects import snapshot_lock_for_apply, snapshot_lock_ids
from dtsen.models import DtsenRecord, Jenis, Penerapan, Snapshot
from dtsen.selectors.dampak import perlu_persetujuan, snapshot_cakupan, snapshot_dampak
from kpm import services as kpm_services

logger = logging.getLogger(__name__)
C = Penerapan.Cakupan
P = Penerapan.Status


def _lock(snapshot: Snapshot) -> tuple[Snapshot, Snapshot | None]:
    """Lock the snapshot and the active one of its kind and area; check it can be applied."""
    locked = {s.pk: s for s in snapshot_lock_for_apply(snapshot)}
    target = locked[snapshot.pk]
    if target.status != Snapshot.Status.SIAP_DITINJAU:
        raise DomainError(
            f"Snapshot ini tidak bisa diterapkan (status: {target.get_status_display()})."
        )
    if target.baris_valid == 0:
        raise DomainError("Tidak ada baris valid untuk diterapkan.")
    previous = next((s for s in locked.values() if s.status == Snapshot.Status.DITERAPKAN), None)
    if previous is not None and previous.tanggal_data > target.tanggal_data:
        raise DomainError(
            f"Data snapshot ini (per {tanggal(target.tanggal_data)}) lebih lama daripada "
            f"snapshot aktif (per {tanggal(previous.tanggal_data)})."
        )
    return target, previous


def _menunggu(snapshot: Snapshot) -> Penerapan | None:
    return Penerapan.objects.filter(snapshot=snapshot, status=P.MENUNGGU).first()


# DOMAIN.md §3: a desil belongs to a snapshot date. Families of the applied kelurahan whose
# No KK is not in the snapshot get no desil as of that date (README, design). Members of one
# family carry the same desil in DTSEN; if a file disagrees with itself, the lowest counts.
def _terapkan(
    *, penerapan: Penerapan, target: Snapshot, previous: Snapshot | None, user: User
) -> int:
    now = timezone.now()
    if previous is not None:
        previous.status = Snapshot.Status.RIWAYAT
        previous.save(update_fields=["status", "updated_at"])
    target.status = Snapshot.Status.DITERAPKAN
    target.applied_by = user
    target.applied_at = now
    target.save(update_fields=["status", "applied_by", "applied_at", "updated_at"])
    changed = 0
    if target.jenis == Jenis.DTSEN:
        desil = (
            DtsenRecord.objects.filter(snapshot_id=target.pk)
            .values("no_kk")
            .annotate(desil=Min("desil_nasional"))
        )
        changed = kpm_services.keluarga_desil_apply(
            desil=desil,
            kelurahan_ids=penerapan.kelurahan_ids,
            desil_per=target.tanggal_data,
            sumber=penerapan.sumber,
        )
    for provider in hooks.registry.providers(hooks.SNAPSHOT_DITERAPKAN):
        provider(
            snapshot_id=target.pk,
            jenis=target.jenis,
            wilayah_id=target.wilayah_id,
            tanggal_data=target.tanggal_data,
        )
    penerapan.status = P.DITERAPKAN
    penerapan.sebelumnya = previous
    penerapan.jumlah_berubah = changed
    penerapan.diterapkan_at = now
    penerapan.save()
    dinsos_services.audit_record(
        user=user,
        action=AuditEvent.Action.APPLY,
        obj=target,
        reason=(
            f"Penerapan #{penerapan.pk} ({penerapan.get_cakupan_display().lower()}, "
            f"{len(penerapan.kelurahan_ids)} kelurahan); "
            f"{penerapan.jumlah_hilang} kehilangan desil/PBI-JK"
        ),
        jumlah=changed if target.jenis == Jenis.DTSEN else target.baris_valid,
    )
    return changed


@transaction.atomic
def snapshot_apply(
    *, snapshot: Snapshot, applied_by: User, cakupan: Penerapan.Cakupan = C.SELURUH
) -> int:
    """Apply a reviewed snapshot at once, for scripts and the `import_dtsen --apply` command
    (the portal goes through `snapshot_propose`, which shows the impact and may ask for a
    second admin). The previous active snapshot becomes history (never deleted); for DTSEN
    the desil of the families of the applied kelurahan (`cakupan`: the whole area, or only
    those the file covers) is updated set-based and logged so the apply can be undone.
    Returns the number of families whose desil changed. Any failure rolls everything back.
    """
    target, previous = _lock(snapshot)
    if _menunggu(target):
        raise DomainError("Penerapan snapshot ini sedang menunggu persetujuan admin kedua.")
    kelurahan = snapshot_cakupan(snapshot=target).kelurahan_untuk(cakupan)
    penerapan = Penerapan.objects.create(
        snapshot=target,
        status=P.MENUNGGU,
        cakupan=cakupan,
        kelurahan_ids=kelurahan,
        diusulkan_oleh=applied_by,
    )
    changed = _terapkan(penerapan=penerapan, target=target, previous=previous, user=applied_by)
    snapshot.status = target.status
    return changed


@transaction.atomic
def snapshot_propose(
    *,
    snapshot: Snapshot,
    proposed_by: User,
    cakupan: Penerapan.Cakupan,
    konfirmasi_jumlah: int | None = None,
) -> Penerapan:
    """Apply a reviewed snapshot as the admin chose on the review page, or queue it for a
    second admin when it removes desil from more than the set share of families.

    A partial file (not every kelurahan of the area in it) changes only the kelurahan it
    covers; to apply it to the whole area the admin types the number of families that will
    lose their desil (`konfirmasi_jumlah`). A PBI-JK file replaces the whole list, so a
    partial one needs the same typed confirmation. Raises DomainError otherwise.
    """
    target, previous = _lock(snapshot)
    if _menunggu(target):
        raise DomainError("Penerapan snapshot ini sudah menunggu persetujuan admin kedua.")
    cakupan_file = snapshot_cakupan(snapshot=target)
    dampak = snapshot_dampak(snapshot=target, cakupan=cakupan_file)
    if not cakupan_file.is_sebagian:
        cakupan = C.SELURUH  # the file covers every kelurahan: both scopes are the same
    elif cakupan == C.SEBAGIAN and target.jenis == Jenis.PBIJK:
        raise DomainError(
            "File PBI-JK menggantikan seluruh daftar peserta wilayah ini. File ini hanya "
            "mencakup sebagian kelurahan: pilih “file ini mencakup seluruh wilayah” bila memang "
            "demikian, atau unggah file lengkap."
        )
    hilang = dampak.jumlah_hilang(cakupan)
    if cakupan_file.is_sebagian and cakupan == C.SELURUH and konfirmasi_jumlah != hilang:
        raise DomainError(
            f"Ketik jumlah yang akan kehilangan "
            f"{'desil' if target.jenis == Jenis.DTSEN else 'PBI-JK'} ({hilang}) untuk "
            "menerapkan file ini ke seluruh wilayah.",
            field="konfirmasi_jumlah",
        )
    penerapan = Penerapan.objects.create(
        snapshot=target,
        status=P.MENUNGGU,
        cakupan=cakupan,
        kelurahan_ids=cakupan_file.kelurahan_untuk(cakupan),
        dampak=dampak.as_json(),
        jumlah_hilang=hilang,
        diusulkan_oleh=proposed_by,
    )
    if perlu_persetujuan(dampak=dampak, cakupan=cakupan) and dinsos_selectors.persetujuan_perlu(
        HAPUS_DESIL
    ):
        _antrekan(penerapan, target=target)  # issue 20: also in the shared queue
        dinsos_services.audit_record(
            user=proposed_by,
            action=AuditEvent.Action.APPLY,
            obj=target,
            reason=f"Usul penerapan #{penerapan.pk}, menunggu persetujuan admin kedua",
            jumlah=hilang,
        )
        logger.info("penerapan %s menunggu persetujuan", penerapan.pk)
        return penerapan
    _terapkan(penerapan=penerapan, target=target, previous=previous, user=proposed_by)
    snapshot.status = target.status
    return penerapan


def _lock_penerapan(penerapan: Penerapan) -> Penerapan:
    locked = Penerapan.objects.select_for_update().get(pk=penerapan.pk)
    if locked.status != P.MENUNGGU:
        raise DomainError(
            f"Penerapan ini tidak menunggu persetujuan ({locked.get_status_display()})."
        )
    return locked


@transaction.atomic
def penerapan_approve(*, penerapan: Penerapan, approved_by: User) -> Penerapan:
    """A second admin approves a queued apply, which then runs as proposed (same scope).
    Raises DomainError for the proposer themself or an apply no longer waiting."""
    locked = _approve(penerapan, approved_by=approved_by)
    dinsos_services.persetujuan_tutup_objek(
        objek=locked, jenis=HAPUS_DESIL, is_disetujui=True, oleh=approved_by
    )
    return locked


def _approve(penerapan: Penerapan, *, approved_by: User) -> Penerapan:
    locked = _lock_penerapan(penerapan)
    if locked.diusulkan_oleh_id == approved_by.pk:
        raise DomainError("Penerapan ini harus disetujui admin lain, bukan yang mengusulkannya.")
    target, previous = _lock(locked.snapshot)
    locked.disetujui_oleh = approved_by
    _terapkan(penerapan=locked, target=target, previous=previous, user=approved_by)
    return locked


@transaction.atomic
def penerapan_reject(*, penerapan: Penerapan, user: User) -> Penerapan:
    """Refuse (another admin) or withdraw (the proposer) a queued apply; nothing changes and
    the snapshot can be proposed again."""
    locked = _lock_penerapan(penerapan)
    locked.status = P.DITOLAK
    locked.save(update_fields=["status", "updated_at"])
    dinsos_services.audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=locked.snapshot,
        reason=f"Usul penerapan #{locked.pk} ditolak",
        jumlah=locked.jumlah_hilang,
    )
    dinsos_services.persetujuan_tutup_objek(
        objek=locked, jenis=HAPUS_DESIL, is_disetujui=False, oleh=user
    )
    return locked


@transaction.atomic
def snapshot_undo(*, snapshot: Snapshot, user: User) -> Penerapan:
    """ "Kembalikan ke snapshot sebelumnya": restore, in one transaction, the desil the
    snapshot's apply changed (from its change log, kpm.keluarga_desil_undo) and make the
    previous snapshot active again; this one waits for review again (it can be re-applied).
    Families changed since are left alone and reported on the returned Penerapan. PBI-JK
    status is read from the active list, so making the previous one active restores it.
    Raises DomainError unless the snapshot is the active one with a logged apply."""
    penerapan = (
        Penerapan.objects.select_for_update()
        .filter(snapshot_id=snapshot.pk, status=P.DITERAPKAN)
        .first()
    )
    if penerapan is None:
        raise DomainError("Snapshot ini tidak punya penerapan aktif yang bisa dikembalikan.")
    ids = [snapshot.pk] + ([penerapan.sebelumnya_id] if penerapan.sebelumnya_id else [])
    locked = {s.pk: s for s in snapshot_lock_ids(ids)}
    target = locked[snapshot.pk]
    if target.status != Snapshot.Status.DITERAPKAN:
        raise DomainError("Hanya snapshot aktif yang bisa dikembalikan ke snapshot sebelumnya.")
    dikembalikan, berubah_sejak = 0, []
    if target.jenis == Jenis.DTSEN:
        hasil = kpm_services.keluarga_desil_undo(
            sumber=penerapan.sumber, sumber_baru=penerapan.sumber_pengembalian
        )
        dikembalikan, berubah_sejak = hasil.dikembalikan, hasil.berubah_sejak
    target.status = Snapshot.Status.SIAP_DITINJAU
    target.applied_by = None
    target.applied_at = None
    target.save(update_fields=["status", "applied_by", "applied_at", "updated_at"])
    previous = locked.get(penerapan.sebelumnya_id) if penerapan.sebelumnya_id else None
    if previous is not None:
        previous.status = Snapshot.Status.DITERAPKAN
        previous.save(update_fields=["status", "updated_at"])
        for provider in hooks.registry.providers(hooks.SNAPSHOT_DITERAPKAN):
            provider(
                snapshot_id=previous.pk,
                jenis=previous.jenis,
                wilayah_id=previous.wilayah_id,
                tanggal_data=previous.tanggal_data,
            )
    penerapan.status = P.DIKEMBALIKAN
    penerapan.dikembalikan_oleh = user
    penerapan.dikembalikan_at = timezone.now()
    penerapan.jumlah_dikembalikan = dikembalikan
    penerapan.berubah_sejak = berubah_sejak
    penerapan.save()
    dinsos_services.audit_record(
        user=user,
        action=AuditEvent.Action.APPLY,
        obj=target,
        reason=(
            f"Penerapan #{penerapan.pk} dikembalikan ke "
            f"{f'snapshot #{previous.pk}' if previous else 'keadaan sebelum snapshot ini'}; "
            f"{len(berubah_sejak)} keluarga dilewati karena berubah sejak itu"
        ),
        jumlah=dikembalikan,
    )
    snapshot.status = target.status
    return penerapan


# --- Four eyes (issue 20) ---------------------------------------------------------------
# The second-admin approval of an apply that removes desil from many families is one of the
# four-eyes actions: the same setting turns it on, and it waits in the shared queue too
# (approving there runs `penerapan_approve`'s checks; deciding here closes the queue item).
HAPUS_DESIL = Persetujuan.Jenis.DTSEN_HAPUS_DESIL


def _antrekan(penerapan: Penerapan, *, target: Snapshot) -> None:
    label = "desil" if target.jenis == Jenis.DTSEN else "PBI-JK"
    dinsos_services.persetujuan_ajukan(
        jenis=HAPUS_DESIL,
        objek=penerapan,
        wilayah=target.wilayah,
        judul=f"Snapshot {target.get_jenis_display()} #{target.pk}, {target.wilayah.nama}",
        sebelum=f"Snapshot aktif sebelumnya ({penerapan.get_cakupan_display().lower()})",
        sesudah=f"{penerapan.jumlah_hilang} keluarga/orang kehilangan {label}",
        alasan=f"Usul penerapan #{penerapan.pk}: menghapus {label} melebihi ambang persetujuan.",
        data={},
        oleh=penerapan.diusulkan_oleh,
        peran_penyetuju=[User.Role.ADMIN],
    )


def persetujuan_penerapan(*, persetujuan: Persetujuan, oleh: User) -> None:
    """Executor of an approved apply from the shared queue (hooks.EKSEKUTOR_PERSETUJUAN)."""
    _approve(Penerapan.objects.get(pk=int(persetujuan.objek_id)), approved_by=oleh)
