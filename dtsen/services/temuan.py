"""Follow-up of findings: sending them to a pendamping, the ground-check and the decision."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.errors import DomainError
from dinsos.models import AuditEvent, User
from dtsen.access.temuan import PEMUTUS
from dtsen.models import Kategori, PasanganBerlabel, Temuan, TemuanRiwayat
from dtsen.selectors.rekonsiliasi import keputusan_pilihan

logger = logging.getLogger(__name__)
T = Temuan.Tahap
A = TemuanRiwayat.Aksi


def _lock(temuan: Temuan) -> Temuan:
    locked = Temuan.objects.select_for_update().select_related("kelurahan").get(pk=temuan.pk)
    if not locked.is_terbuka:
        raise DomainError("Temuan ini sudah ditutup; tindak lanjut tidak bisa dicatat lagi.")
    return locked


def _covers(pendamping: User, temuan: Temuan) -> bool:
    return scope_kelurahan_ids(pendamping).filter(pk=temuan.kelurahan_id).exists()


@transaction.atomic
def temuan_assign(*, temuan: Temuan, pendamping: User, assigned_by: User) -> Temuan:
    """Send one finding to a pendamping for a ground-check.

    Raises DomainError for a closed finding, or a pendamping whose areas do not cover it.
    Sending it again to the pendamping who already has it changes nothing (no history line).
    """
    locked = _lock(temuan)
    if pendamping.role != User.Role.PENDAMPING or not _covers(pendamping, locked):
        raise DomainError(
            f"{pendamping} tidak bertugas di {locked.kelurahan.nama}; pilih pendamping wilayah itu."
        )
    if locked.pendamping_id == pendamping.pk:
        return locked
    now = timezone.now()
    locked.pendamping = pendamping
    locked.ditugaskan_at = now
    locked.save(update_fields=["pendamping", "ditugaskan_at", "updated_at"])
    TemuanRiwayat.objects.create(
        temuan=locked, aksi=A.DITUGASKAN, pendamping=pendamping, oleh=assigned_by
    )
    temuan.pendamping = pendamping
    return locked


@dataclass(frozen=True)
class HasilPenugasan:
    ditugaskan: int
    tanpa_pendamping: int  # the family has no pendamping, or it is not about a family
    di_luar_wilayah: int  # the chosen pendamping does not cover the finding's kelurahan
    ditutup: int
    sudah_ditugaskan: int = 0  # already with that pendamping: unchanged, no history line


@transaction.atomic
def temuan_assign_bulk(
    *, temuan: QuerySet[Temuan], pendamping: User | None, assigned_by: User
) -> HasilPenugasan:
    """Send many findings at once: each to its family's pendamping (`pendamping=None`), or
    all to one pendamping where their areas cover the finding. Findings that cannot be sent
    are counted, not changed. `temuan` is already scoped to what the user may see."""
    rows = list(
        Temuan.objects.filter(pk__in=temuan.values("pk"))
        .select_for_update(of=("self",))
        .select_related("keluarga")
        .order_by("pk")
    )
    ditutup = [t for t in rows if not t.is_terbuka]
    terbuka = [t for t in rows if t.is_terbuka]
    if pendamping is None:
        tujuan = {t.pk: t.keluarga.pendamping_id for t in terbuka if t.keluarga}
    else:
        covered = set(
            scope_kelurahan_ids(pendamping).filter(pk__in={t.kelurahan_id for t in terbuka})
        )
        tujuan = {t.pk: pendamping.pk for t in terbuka if t.kelurahan_id in covered}
    sudah = [t for t in terbuka if tujuan.get(t.pk) and t.pendamping_id == tujuan[t.pk]]
    sent = [t for t in terbuka if tujuan.get(t.pk) and t.pendamping_id != tujuan[t.pk]]
    now = timezone.now()
    for t in sent:
        t.pendamping_id = tujuan[t.pk]
        t.ditugaskan_at = now
        t.updated_at = now
    Temuan.objects.bulk_update(sent, ["pendamping", "ditugaskan_at", "updated_at"])
    TemuanRiwayat.objects.bulk_create(
        TemuanRiwayat(temuan=t, aksi=A.DITUGASKAN, pendamping_id=t.pendamping_id, oleh=assigned_by)
        for t in sent
    )
    unsent = len(terbuka) - len(sent) - len(sudah)
    logger.info("%s temuan ditugaskan oleh user %s", len(sent), assigned_by.pk)
    dinsos_services.audit_record(
        user=assigned_by,
        action=AuditEvent.Action.UPDATE,
        object_type=Temuan._meta.label_lower,
        object_repr=f"{len(rows)} temuan dipilih",
        reason="Penugasan temuan massal",
        jumlah=len(sent),
    )
    return HasilPenugasan(
        ditugaskan=len(sent),
        tanpa_pendamping=unsent if pendamping is None else 0,
        di_luar_wilayah=unsent if pendamping is not None else 0,
        ditutup=len(ditutup),
        sudah_ditugaskan=len(sudah),
    )


@transaction.atomic
def temuan_follow_up(
    *,
    temuan: Temuan,
    user: User,
    tahap: Temuan.Tahap,
    catatan: str,
    keputusan: str = "",
    bukti: UploadedFile | None = None,
    jenis_bukti: str = "",
    tipe_bukti: str = "",
    is_sama: bool | None = None,
) -> Temuan:
    """Record a ground-check (→ diverifikasi lapangan) or a decision (→ keputusan).

    Rules: a note is required; only the office (admin, operator, koordinator) decides, and
    only after a ground-check; the decision must fit the category; a finding already
    exported to SIKS-NG, or closed, does not change. The ground-check of a probable match
    says whether it is the same person (`is_sama`), kept as a labelled pair (the last answer
    counts). Raises DomainError otherwise.
    """
    locked = _lock(temuan)
    if locked.diekspor_at is not None:
        raise DomainError("Temuan ini sudah diekspor untuk SIKS-NG; tindak lanjutnya terkunci.")
    if not catatan.strip():
        raise DomainError("Tulis catatan hasil pemeriksaan.", field="catatan")
    if tahap == T.DIVERIFIKASI:
        if locked.tahap == T.DIPUTUSKAN:
            raise DomainError("Temuan ini sudah diputuskan.")
        keputusan = ""
        if locked.kategori == Kategori.KEMUNGKINAN_COCOK:
            if is_sama is None:
                raise DomainError(
                    "Pilih hasil cek lapangan: sama orang atau bukan.", field="is_sama"
                )
            _pasangan_label(temuan=locked, is_sama=is_sama, user=user)
    elif tahap == T.DIPUTUSKAN:
        if user.role not in PEMUTUS:
            raise DomainError("Keputusan diambil oleh operator atau koordinator Dinas Sosial.")
        if locked.tahap == T.BELUM_DIPERIKSA:
            raise DomainError("Temuan harus diverifikasi lapangan dulu sebelum diputuskan.")
        if keputusan not in dict(keputusan_pilihan(locked.kategori)):
            raise DomainError("Pilih keputusan yang sesuai untuk temuan ini.", field="keputusan")
    else:
        raise DomainError("Tahap tindak lanjut tidak dikenal.")
    locked.tahap = tahap
    locked.keputusan = keputusan
    locked.save(update_fields=["tahap", "keputusan", "updated_at"])
    riwayat = TemuanRiwayat(
        temuan=locked,
        aksi=A.DIVERIFIKASI if tahap == T.DIVERIFIKASI else A.DIPUTUSKAN,
        tahap=tahap,
        keputusan=keputusan,
        catatan=catatan.strip(),
        jenis_bukti=jenis_bukti if bukti else "",
        tipe_bukti=tipe_bukti if bukti else "",
        oleh=user,
    )
    if bukti is not None:
        riwayat.bukti.save(bukti.name or "bukti", bukti, save=False)
    riwayat.save()
    temuan.tahap, temuan.keputusan = locked.tahap, locked.keputusan
    return locked


def _pasangan_label(*, temuan: Temuan, is_sama: bool, user: User) -> None:
    rincian = temuan.rincian
    if "sinyal" not in rincian:
        return  # a finding from before the scored rule (issue #23) has nothing to learn from
    PasanganBerlabel.objects.update_or_create(
        temuan=temuan,
        defaults={
            "skor": float(rincian["skor_cocok"]),
            "pita": rincian["pita"],
            "sinyal": rincian["sinyal"],
            "is_sama": is_sama,
            "diperiksa_oleh": user,
            "diperiksa_at": timezone.now(),
        },
    )
    logger.info("temuan %s: hasil cek pasangan dicatat oleh user %s", temuan.pk, user.pk)
