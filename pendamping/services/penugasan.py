"""Writes of pendamping profiles and family assignments.

Every service runs in one transaction and raises DomainError with an Indonesian message the
user can act on. Callers pass objects already loaded through `pendamping.access`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.errors import DomainError
from dinsos.formatting import angka, tanggal
from dinsos.models import AuditEvent, User, Wilayah
from dinsos.pengaturan import today
from kpm import services as kpm_services
from kpm.models import Keluarga
from pendamping.models import JenisPsks, Pendamping, Penugasan
from pendamping.services.ringkasan import ringkasan_kinerja_basi

logger = logging.getLogger(__name__)

# Families a pendamping still serves: graduated and cancelled ones leave the caseload.
STATUS_DIDAMPINGI = Keluarga.DIDAMPINGI


@transaction.atomic
def pendamping_create(
    *,
    nama: str,
    jenis: str,
    mulai: datetime.date,
    wilayah: Iterable[Wilayah] = (),
    user: User | None = None,
    nik: str = "",
    telepon: str = "",
    is_wilayah_sulit: bool = False,
) -> Pendamping:
    """Register a worker of the kind coded `jenis` (a `JenisPsks` code) with their areas of
    duty; a linked account gets the same areas."""
    if user is not None and user.role != User.Role.PENDAMPING:
        raise DomainError("Akun yang dihubungkan harus berperan pendamping.", field="user")
    if not JenisPsks.objects.filter(kode=jenis, is_aktif=True).exists():
        raise DomainError("Jenis PSKS tidak dikenal atau tidak aktif.", field="jenis")
    pendamping = Pendamping.objects.create(
        nama=nama,
        jenis_id=str(jenis),
        mulai=mulai,
        user=user,
        nik=nik,
        telepon=telepon,
        is_wilayah_sulit=is_wilayah_sulit,
    )
    pendamping.wilayah.set(list(wilayah))
    pendamping_wilayah_sync(pendamping=pendamping)
    return pendamping


def pendamping_wilayah_sync(*, pendamping: Pendamping) -> None:
    """Give the linked account the profile's areas of duty: those areas bound what the
    pendamping may see (dinsos.access), so the two must not drift apart."""
    if pendamping.user_id is None:
        return
    assert pendamping.user is not None
    pendamping.user.wilayah.set(list(pendamping.wilayah.all()))


# --- Assignments -----------------------------------------------------------------
@dataclass(frozen=True)
class HasilPenugasan:
    dipindahkan: int
    sudah_di_tujuan: int
    jumlah_baru: int  # caseload of the target after the move
    batas: int


def batas_keluarga(*, is_wilayah_sulit: bool, on: datetime.date | None = None) -> int:
    """The caseload ceiling in force (DOMAIN.md §11: 350, or 150 in hard-to-reach areas)."""
    kunci = "pendamping_batas_keluarga_sulit" if is_wilayah_sulit else "pendamping_batas_keluarga"
    return int(dinsos_selectors.pengaturan_get(kunci, on=on))


@transaction.atomic
def keluarga_tugaskan(
    *,
    keluarga_ids: Collection[int],
    ke: User,
    oleh: User,
    tanggal_mulai: datetime.date | None = None,
) -> HasilPenugasan:
    """Assign families to pendamping `ke` (a first assignment or a move from someone else).

    Set-based: one UPDATE of the families, one UPDATE closing their open assignment rows and
    one bulk INSERT of the new rows, in a single transaction, so a refusal changes nothing.
    Refused (DomainError) when a family lies outside `ke`'s areas of duty, when `ke` has left
    service, or when the move would take `ke` past the caseload ceiling: the message names the
    numbers. Families already with `ke` are left as they are.
    """
    mulai = tanggal_mulai or today()
    if mulai > today():
        raise DomainError("Tanggal mulai tidak boleh setelah hari ini.", field="tanggal_mulai")
    if not keluarga_ids:
        raise DomainError("Pilih paling sedikit satu keluarga.")
    # Lock the target first, so two moves to the same pendamping cannot both pass the ceiling.
    target = User.objects.select_for_update().filter(pk=ke.pk, is_active=True).first()
    if target is None or target.role != User.Role.PENDAMPING:
        raise DomainError("Tujuan harus akun pendamping yang aktif.", field="ke")
    profil = Pendamping.objects.filter(user=target).first()
    if profil is not None and profil.selesai is not None and profil.selesai < mulai:
        raise DomainError(
            f"{profil.nama} sudah selesai bertugas sejak {tanggal(profil.selesai)}.", field="ke"
        )
    rows = kpm_services.keluarga_lock(keluarga_ids=keluarga_ids)
    if len(rows) != len(set(keluarga_ids)):
        raise DomainError("Sebagian keluarga yang dipilih tidak ditemukan.")
    nama = profil.nama if profil else str(target)
    _check_wilayah(rows=rows, target=target, nama=nama)
    pindah = [pk for pk, _, pendamping_id, _ in rows if pendamping_id != target.pk]
    pindah_aktif = sum(
        1
        for _, _, pendamping_id, status in rows
        if pendamping_id != target.pk and status in STATUS_DIDAMPINGI
    )
    sekarang = Keluarga.objects.filter(pendamping=target, status__in=STATUS_DIDAMPINGI).count()
    batas = batas_keluarga(is_wilayah_sulit=bool(profil and profil.is_wilayah_sulit), on=mulai)
    jumlah_baru = sekarang + pindah_aktif
    if pindah_aktif and jumlah_baru > batas:
        raise DomainError(
            f"{nama} sudah mendampingi {angka(sekarang)} keluarga; "
            f"menambah {angka(pindah_aktif)} menjadi {angka(jumlah_baru)}, melebihi batas "
            f"{angka(batas)} keluarga per pendamping. Kurangi pilihan atau pilih pendamping lain.",
            field="ke",
        )
    if pindah:
        _close_open_assignments(keluarga_ids=pindah, selesai=mulai)
        Penugasan.objects.bulk_create(
            [Penugasan(keluarga_id=pk, pendamping=target, mulai=mulai, oleh=oleh) for pk in pindah]
        )
        kpm_services.keluarga_pendamping_set(keluarga_ids=pindah, pendamping=target)
        # Issue 21: both sides' families served change from `mulai` on.
        dari = {pendamping_id for pk, _, pendamping_id, _ in rows if pk in set(pindah)}
        ringkasan_kinerja_basi(user_ids=[target.pk, *dari], sejak=mulai)
        dinsos_services.audit_record(
            user=oleh,
            action=AuditEvent.Action.UPDATE,
            object_type="kpm.keluarga",
            reason=f"Penugasan ke pendamping {target.get_username()} mulai {mulai.isoformat()}",
            jumlah=len(pindah),
        )
        logger.info(
            "penugasan %s keluarga ke user_id=%s oleh user_id=%s", len(pindah), target.pk, oleh.pk
        )
    return HasilPenugasan(
        dipindahkan=len(pindah),
        sudah_di_tujuan=len(rows) - len(pindah),
        jumlah_baru=jumlah_baru,
        batas=batas,
    )


def _check_wilayah(
    *, rows: Sequence[tuple[int, int, int | None, str]], target: User, nama: str
) -> None:
    allowed = set(scope_kelurahan_ids(target))
    luar = {kelurahan_id for _, kelurahan_id, _, _ in rows if kelurahan_id not in allowed}
    if not luar:
        return
    jumlah = sum(1 for _, kelurahan_id, _, _ in rows if kelurahan_id in luar)
    kelurahan = ", ".join(
        Wilayah.objects.filter(pk__in=luar).order_by("nama").values_list("nama", flat=True)
    )
    raise DomainError(
        f"{angka(jumlah)} keluarga berada di luar wilayah tugas {nama} (kelurahan {kelurahan}). "
        "Tambahkan wilayah tugasnya dulu atau pilih pendamping lain.",
        field="ke",
    )


def _close_open_assignments(*, keluarga_ids: list[int], selesai: datetime.date) -> None:
    terbuka = Penugasan.objects.filter(keluarga_id__in=keluarga_ids, selesai__isnull=True)
    terakhir = terbuka.filter(mulai__gt=selesai).order_by("-mulai").values_list("mulai", flat=True)
    if (mulai_terakhir := terakhir.first()) is not None:
        raise DomainError(
            f"Sebagian keluarga baru ditugaskan pada {tanggal(mulai_terakhir)}; tanggal mulai "
            "penugasan baru tidak boleh lebih awal dari itu.",
            field="tanggal_mulai",
        )
    terbuka.update(selesai=selesai, updated_at=timezone.now())


@transaction.atomic
def penugasan_lengkapi(*, mulai: datetime.date, oleh: User) -> int:
    """Open an assignment row for every family that has a pendamping but no open row (set
    before history was kept, e.g. by an import or the family form), from `mulai` or the
    family's registration date if later. Idempotent; returns the number of rows written."""
    terbuka = Penugasan.objects.filter(keluarga_id=OuterRef("pk"), selesai__isnull=True)
    tanpa_riwayat = (
        Keluarga.objects.filter(pendamping__isnull=False)
        .exclude(Exists(terbuka))
        .values_list("pk", "pendamping_id", "tanggal_terdaftar")
    )
    keluarga = list(tanpa_riwayat)
    rows = [
        Penugasan(keluarga_id=pk, pendamping_id=user_id, mulai=max(mulai, terdaftar), oleh=oleh)
        for pk, user_id, terdaftar in keluarga
    ]
    Penugasan.objects.bulk_create(rows, batch_size=5000)
    if rows:
        # Issue 21: an open row from `mulai` replaces the "no history" rule for these
        # families (counted from their enrolment), so every period of those pendamping
        # since the earliest enrolment is out of date.
        ringkasan_kinerja_basi(
            user_ids={r.pendamping_id for r in rows},
            sejak=min(terdaftar for _, _, terdaftar in keluarga),
        )
    return len(rows)
