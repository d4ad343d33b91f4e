"""Writes of the pendamping app: profiles, family assignments, and field records.

Every service runs in one transaction and raises DomainError with an Indonesian message the
user can act on. Callers pass objects already loaded through `pendamping.access`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncHour
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.errors import DomainError
from dinsos.formatting import JAKARTA, angka, tanggal
from dinsos.models import AuditEvent, User, Wilayah
from dinsos.pengaturan import today
from kpm import services as kpm_services
from kpm.models import Keluarga
from pendamping.models import (
    SKOR_MAKS,
    SKOR_MIN,
    Kasus,
    Kunjungan,
    Pendamping,
    Penugasan,
    RekapAkses,
    Rujukan,
    SkorKepuasan,
)

logger = logging.getLogger(__name__)

# Families a pendamping still serves: graduated and cancelled ones leave the caseload.
STATUS_DIDAMPINGI = Keluarga.DIDAMPINGI


# --- Profiles --------------------------------------------------------------------
@transaction.atomic
def pendamping_create(
    *,
    nama: str,
    jenis: Pendamping.Jenis,
    mulai: datetime.date,
    wilayah: Iterable[Wilayah] = (),
    user: User | None = None,
    nik: str = "",
    telepon: str = "",
    is_wilayah_sulit: bool = False,
) -> Pendamping:
    """Register a worker with their areas of duty; a linked account gets the same areas."""
    if user is not None and user.role != User.Role.PENDAMPING:
        raise DomainError("Akun yang dihubungkan harus berperan pendamping.", field="user")
    pendamping = Pendamping.objects.create(
        nama=nama,
        jenis=jenis,
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
    rows = [
        Penugasan(keluarga_id=pk, pendamping_id=user_id, mulai=max(mulai, terdaftar), oleh=oleh)
        for pk, user_id, terdaftar in tanpa_riwayat
    ]
    Penugasan.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# --- Field records ---------------------------------------------------------------
def _pendamping_for(*, keluarga: Keluarga, oleh: User) -> Pendamping:
    """The worker a record belongs to: the author if a pendamping, else the family's own."""
    user_id = oleh.pk if oleh.role == User.Role.PENDAMPING else keluarga.pendamping_id
    profil = Pendamping.objects.filter(user_id=user_id).first() if user_id else None
    if profil is None and oleh.role == User.Role.PENDAMPING:
        raise DomainError("Akun Anda belum terhubung ke data pendamping. Hubungi admin.")
    if profil is None:
        raise DomainError(
            "Keluarga ini belum memiliki pendamping dengan data pendamping; tetapkan dulu."
        )
    return profil


def _check_tanggal(value: datetime.date, *, field: str, label: str) -> None:
    if value > today():
        raise DomainError(f"{label} tidak boleh setelah hari ini.", field=field)


def _audit_create(oleh: User, obj: Kasus | Rujukan | Kunjungan | SkorKepuasan) -> None:
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=obj)


@transaction.atomic
def kasus_catat(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> Kasus:
    """Record a family's reported problem (status dilaporkan)."""
    _check_tanggal(data["tanggal_lapor"], field="tanggal_lapor", label="Tanggal dilaporkan")
    kasus = Kasus.objects.create(
        keluarga=keluarga,
        pendamping=_pendamping_for(keluarga=keluarga, oleh=oleh),
        tanggal_lapor=data["tanggal_lapor"],
        kategori=data["kategori"],
        deskripsi=data["deskripsi"].strip(),
        dicatat_oleh=oleh,
    )
    _audit_create(oleh, kasus)
    return kasus


# The case lifecycle: reported → handled → closed; a case may be closed when first handled.
TRANSISI_KASUS: dict[str, frozenset[str]] = {
    Kasus.Status.DILAPORKAN: frozenset({Kasus.Status.DITANGANI, Kasus.Status.SELESAI}),
    Kasus.Status.DITANGANI: frozenset({Kasus.Status.SELESAI}),
    Kasus.Status.SELESAI: frozenset(),
}


@transaction.atomic
def kasus_status_ubah(
    *,
    kasus: Kasus,
    ke: str,
    tanggal_ditangani: datetime.date | None,
    tindakan: str,
    oleh: User,
) -> Kasus:
    """Move a case on (ditangani, selesai). The first move sets the handled date, which the
    response-time indicator measures; it cannot precede the report or follow today."""
    locked = Kasus.objects.select_for_update().get(pk=kasus.pk)
    sekarang, tujuan = Kasus.Status(locked.status), Kasus.Status(ke)
    if tujuan not in TRANSISI_KASUS[sekarang]:
        raise DomainError(
            f"Kasus berstatus {sekarang.label.lower()} tidak dapat diubah menjadi "
            f"{tujuan.label.lower()}.",
            field="ke",
        )
    fields = ["status", "updated_at"]
    if locked.tanggal_ditangani is None:
        if tanggal_ditangani is None:
            raise DomainError("Isi tanggal kasus ditangani.", field="tanggal_ditangani")
        _check_tanggal(tanggal_ditangani, field="tanggal_ditangani", label="Tanggal ditangani")
        if tanggal_ditangani < locked.tanggal_lapor:
            raise DomainError(
                f"Tanggal ditangani tidak boleh sebelum tanggal dilaporkan "
                f"({tanggal(locked.tanggal_lapor)}).",
                field="tanggal_ditangani",
            )
        locked.tanggal_ditangani = tanggal_ditangani
        fields.append("tanggal_ditangani")
    if tindakan.strip():
        locked.tindakan = tindakan.strip()
        fields.append("tindakan")
    locked.status = tujuan
    locked.save(update_fields=fields)
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.UPDATE, obj=locked)
    return locked


@transaction.atomic
def rujukan_kirim(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> Rujukan:
    """Record a referral sent to another service."""
    _check_tanggal(data["tanggal_kirim"], field="tanggal_kirim", label="Tanggal dikirim")
    tujuan_lain = (data.get("tujuan_lain") or "").strip()
    if data["tujuan"] == Rujukan.Tujuan.LAINNYA and not tujuan_lain:
        raise DomainError("Tuliskan layanan tujuan rujukan.", field="tujuan_lain")
    kasus = data.get("kasus")
    if kasus is not None and kasus.keluarga_id != keluarga.pk:
        raise DomainError("Kasus yang dipilih milik keluarga lain.", field="kasus")
    rujukan = Rujukan.objects.create(
        keluarga=keluarga,
        pendamping=_pendamping_for(keluarga=keluarga, oleh=oleh),
        kasus=kasus,
        tujuan=data["tujuan"],
        tujuan_lain=tujuan_lain if data["tujuan"] == Rujukan.Tujuan.LAINNYA else "",
        tanggal_kirim=data["tanggal_kirim"],
        keperluan=(data.get("keperluan") or "").strip(),
        dicatat_oleh=oleh,
    )
    _audit_create(oleh, rujukan)
    return rujukan


@transaction.atomic
def rujukan_hasil_catat(
    *, rujukan: Rujukan, status: str, hasil: str, tanggal_selesai: datetime.date, oleh: User
) -> Rujukan:
    """Record a referral's outcome (served or not); an outcome is recorded once."""
    locked = Rujukan.objects.select_for_update().get(pk=rujukan.pk)
    if locked.status != Rujukan.Status.DIKIRIM:
        raise DomainError(
            f"Hasil rujukan ini sudah dicatat ({locked.get_status_display().lower()}).",
            field="status",
        )
    if status == Rujukan.Status.DIKIRIM:
        raise DomainError("Pilih hasil rujukan.", field="status")
    _check_tanggal(tanggal_selesai, field="tanggal_selesai", label="Tanggal selesai")
    if tanggal_selesai < locked.tanggal_kirim:
        raise DomainError(
            f"Tanggal selesai tidak boleh sebelum tanggal dikirim "
            f"({tanggal(locked.tanggal_kirim)}).",
            field="tanggal_selesai",
        )
    locked.status = status
    locked.hasil = hasil.strip()
    locked.tanggal_selesai = tanggal_selesai
    locked.save(update_fields=["status", "hasil", "tanggal_selesai", "updated_at"])
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.UPDATE, obj=locked)
    return locked


@transaction.atomic
def kunjungan_catat(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> Kunjungan:
    """Record a home visit or verification (counts the family as reached that month)."""
    _check_tanggal(data["tanggal"], field="tanggal", label="Tanggal kunjungan")
    kunjungan = Kunjungan.objects.create(
        keluarga=keluarga,
        pendamping=_pendamping_for(keluarga=keluarga, oleh=oleh),
        tanggal=data["tanggal"],
        jenis=data["jenis"],
        catatan=(data.get("catatan") or "").strip(),
        dicatat_oleh=oleh,
    )
    _audit_create(oleh, kunjungan)
    return kunjungan


@transaction.atomic
def skor_catat(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> SkorKepuasan:
    """Record a family's satisfaction score (1–5) for their pendamping."""
    _check_tanggal(data["tanggal"], field="tanggal", label="Tanggal penilaian")
    if not SKOR_MIN <= data["skor"] <= SKOR_MAKS:
        raise DomainError(f"Skor kepuasan {SKOR_MIN}–{SKOR_MAKS}.", field="skor")
    skor = SkorKepuasan.objects.create(
        keluarga=keluarga,
        pendamping=_pendamping_for(keluarga=keluarga, oleh=oleh),
        skor=data["skor"],
        tanggal=data["tanggal"],
        catatan=(data.get("catatan") or "").strip(),
        dicatat_oleh=oleh,
    )
    _audit_create(oleh, skor)
    return skor


# --- Audit summary -------------------------------------------------------------------
REKAP_BATCH_HARI = 31  # days summarised per pass: bounds memory on a first, long backfill


def rekap_akses_harian(*, sampai: datetime.date | None = None) -> int:
    """Summarise the audit log per account and day (WIB) up to `sampai` (default yesterday):
    the most distinct families viewed within one clock hour (DOMAIN.md §10/§11 unusual access).

    Continues after the last summarised day (the first run covers the whole log), in passes of
    a month, each one transaction. Idempotent: rows are upserted. Returns rows written.
    """
    akhir = sampai or today() - datetime.timedelta(days=1)
    terakhir = RekapAkses.objects.order_by("-tanggal").values_list("tanggal", flat=True).first()
    if terakhir is None:
        pertama = AuditEvent.objects.order_by("created_at").values_list("created_at", flat=True)
        mulai_waktu = pertama.first()
        if mulai_waktu is None:
            return 0
        mulai = timezone.localtime(mulai_waktu, JAKARTA).date()
    else:
        mulai = terakhir + datetime.timedelta(days=1)
    written = 0
    while mulai <= akhir:
        batas = min(akhir, mulai + datetime.timedelta(days=REKAP_BATCH_HARI - 1))
        written += _rekap_akses(mulai=mulai, sampai=batas)
        mulai = batas + datetime.timedelta(days=1)
    return written


@transaction.atomic
def _rekap_akses(*, mulai: datetime.date, sampai: datetime.date) -> int:
    awal = datetime.datetime.combine(mulai, datetime.time(), tzinfo=JAKARTA)
    akhir = datetime.datetime.combine(
        sampai + datetime.timedelta(days=1), datetime.time(), tzinfo=JAKARTA
    )
    per_jam = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW,
            object_type="kpm.keluarga",
            user__isnull=False,
            created_at__gte=awal,
            created_at__lt=akhir,
        )
        .annotate(jam=TruncHour("created_at", tzinfo=JAKARTA))
        .order_by()
        .values_list("user_id", "jam")
        .annotate(n=Count("object_id", distinct=True))
    )
    maks: dict[tuple[int, datetime.date], int] = {}
    for user_id, jam, n in per_jam.iterator(chunk_size=5000):
        key = (user_id, timezone.localtime(jam, JAKARTA).date())
        maks[key] = max(maks.get(key, 0), n)
    RekapAkses.objects.bulk_create(
        [RekapAkses(user_id=u, tanggal=d, lihat_per_jam_maks=n) for (u, d), n in maks.items()],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["user", "tanggal"],
        update_fields=["lihat_per_jam_maks", "updated_at"],
    )
    return len(maks)
