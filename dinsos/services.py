"""Writes of the shared core: the audit log, the area table and health heartbeats."""

from __future__ import annotations

import csv
import datetime
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dinsos import hooks
from dinsos.errors import DomainError
from dinsos.middleware import current_ip
from dinsos.models import BERLAKU_SEJAK_AWAL, AuditEvent, Heartbeat, Persetujuan, User, Wilayah
from dinsos.raw_sql import db_table

logger = logging.getLogger(__name__)


def audit_record(
    *,
    user: User | None,
    action: AuditEvent.Action,
    obj: models.Model | None = None,
    object_type: str = "",
    reason: str = "",
    jumlah: int = 1,
    object_repr: str = "",
) -> AuditEvent:
    """Record one access to personal data; the object's `str()` (or `object_repr`, when no
    object is given) must already be masked."""
    if obj is not None:
        object_type = obj._meta.label_lower
    event = AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(str(obj) if obj is not None else object_repr)[:200],
        reason=reason,
        jumlah=jumlah,
        ip=current_ip.get(),
    )
    # DEBUG: the row in AuditEvent is the record; an INFO line per page view would flood logs.
    logger.debug(
        "audit action=%s user_id=%s object=%s:%s jumlah=%s",
        action,
        user.pk if user else None,
        event.object_type,
        event.object_id,
        jumlah,
    )
    return event


@dataclass(frozen=True)
class WilayahLoadResult:
    created: int
    updated: int


_TINGKAT_CSV = {
    "provinsi": Wilayah.Tingkat.PROVINSI,
    "kota": Wilayah.Tingkat.KABUPATEN_KOTA,
    "kabupaten": Wilayah.Tingkat.KABUPATEN_KOTA,
    "kabkota": Wilayah.Tingkat.KABUPATEN_KOTA,
    "kecamatan": Wilayah.Tingkat.KECAMATAN,
    "kelurahan": Wilayah.Tingkat.KELURAHAN,
    "desa": Wilayah.Tingkat.KELURAHAN,
}
_CSV_COLUMNS = ("kode_kemendagri", "kode_bps", "nama", "tingkat", "kode_induk")


def _wilayah_rows(lines: Iterable[str]) -> list[dict[str, str]]:
    content = [line for line in lines if not line.lstrip().startswith("#")]
    reader = csv.DictReader(content)
    missing = [c for c in _CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(f"Kolom wajib tidak ada di file wilayah: {', '.join(missing)}.")
    rows = []
    for number, row in enumerate(reader, start=2):
        tingkat = _TINGKAT_CSV.get((row["tingkat"] or "").strip().lower())
        if tingkat is None:
            raise DomainError(f"Baris {number}, kolom tingkat: '{row['tingkat']}' tidak dikenal.")
        rows.append({**{k: (row[k] or "").strip() for k in _CSV_COLUMNS}, "tingkat": tingkat})
    return rows


@transaction.atomic
def wilayah_load_csv(*, path: Path) -> WilayahLoadResult:
    """Load or update one region's areas from a CSV; idempotent, parents before children."""
    with path.open(encoding="utf-8-sig") as handle:
        rows = _wilayah_rows(io.StringIO(handle.read()))
    existing = {w.kode: w for w in Wilayah.objects.filter(berlaku_sampai__isnull=True)}
    created = updated = 0
    # Parents have shorter codes, so sorting by length loads every parent first.
    for row in sorted(rows, key=lambda r: len(r["kode_kemendagri"])):
        parent = existing.get(row["kode_induk"]) if row["kode_induk"] else None
        if row["kode_induk"] and parent is None:
            raise DomainError(
                f"Wilayah {row['kode_kemendagri']}: induk {row['kode_induk']} tidak ditemukan."
            )
        current = existing.get(row["kode_kemendagri"])
        values = {
            "kode_bps": row["kode_bps"],
            "nama": row["nama"],
            "tingkat": row["tingkat"],
            "parent": parent,
        }
        if current is None:
            existing[row["kode_kemendagri"]] = Wilayah.objects.create(
                kode=row["kode_kemendagri"], berlaku_mulai=BERLAKU_SEJAK_AWAL, **values
            )
            created += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            current.save(update_fields=[*values.keys(), "updated_at"])
            updated += 1
    # A region is a few dozen rows, below autovacuum's threshold: without statistics the
    # planner misjudges every area-scoped query (10x slower family lists).
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {db_table(Wilayah)}")
    return WilayahLoadResult(created=created, updated=updated)


def heartbeat_record(*, name: str) -> None:
    """Mark that the periodic job `name` ran now (an upsert: safe under concurrent runs)."""
    now = timezone.now()
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, last_seen_at=now, count=0)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["last_seen_at", "updated_at"],
    )
    Heartbeat.objects.filter(name=name).update(count=F("count") + 1)


def user_create(
    *,
    username: str,
    password: str,
    role: User.Role,
    nama: str,
    wilayah: Iterable[Wilayah] = (),
) -> User:
    """Create an account with its role and areas; admins get the admin site."""
    user = User(username=username, role=role, first_name=nama, is_staff=role == User.Role.ADMIN)
    user.set_password(password)
    user.save()
    user.wilayah.set(list(wilayah))
    return user


def otp_setup_start(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one (a new secret) if needed.

    Refuses when a confirmed device exists: re-enrolling needs an admin to remove it first,
    so a stolen session cannot swap the second factor.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError("Aplikasi autentikator sudah terpasang. Minta admin meresetnya.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Autentikator", confirmed=False)
    return device


def otp_confirm(*, device: TOTPDevice, token: str) -> None:
    """Confirm a new TOTP device with a first valid code."""
    if not device.verify_token(token):
        raise DomainError(OTP_SALAH, field="token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def otp_check(*, user: User, token: str) -> TOTPDevice:
    """Return the confirmed device that accepts `token` (django-otp throttles failures)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    raise DomainError(OTP_SALAH, field="token")


def otp_device_install(*, user: User, key_hex: str) -> TOTPDevice:
    """Give `user` a confirmed TOTP device with a known key: for the demo accounts only
    (seed_demo), so a tester can pass two-factor sign-in with the key `make run` prints."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name="Autentikator demo", defaults={"key": key_hex, "confirmed": True}
    )
    return device


OTP_SALAH = "Kode salah atau sudah kedaluwarsa. Masukkan 6 angka yang tampil sekarang."


def retensi_hapus(*, now: datetime.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete history rows past their retention period (settings.DINSOS_RETENSI).

    Returns the number of rows removed (or that would be, with `dry_run`) per model.
    """
    moment = now or timezone.now()
    removed: dict[str, int] = {}
    for label, (field, days) in settings.DINSOS_RETENSI.items():
        model = apps.get_model(label)
        expired = model._default_manager.filter(
            **{f"{field}__lt": moment - datetime.timedelta(days=days)}
        )
        if dry_run:
            removed[label] = expired.count()
            continue
        # History tables have no dependents, so Django deletes them in one DELETE statement.
        removed[label], _ = expired.delete()
        logger.info("retensi model=%s dihapus=%s", label, removed[label])
    return removed


# --- Four eyes (issue 20): propose, approve, reject, withdraw ---------------------------
# Office roles decide by default; a pendamping proposes but never decides for the office.
PERAN_PENYETUJU_KANTOR = (User.Role.ADMIN, User.Role.OPERATOR, User.Role.KOORDINATOR)


def _persetujuan_audit(persetujuan: Persetujuan, user: User, reason: str) -> None:
    audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE
        if persetujuan.status != Persetujuan.Status.DIAJUKAN
        else AuditEvent.Action.CREATE,
        obj=persetujuan,
        reason=f"{reason} ({persetujuan.objek_type}#{persetujuan.objek_id})",
    )


@transaction.atomic
def persetujuan_ajukan(
    *,
    jenis: Persetujuan.Jenis,
    objek: models.Model,
    wilayah: Wilayah | None,
    judul: str,
    sebelum: str,
    sesudah: str,
    alasan: str,
    data: dict[str, Any],
    oleh: User,
    peran_penyetuju: Iterable[User.Role] = PERAN_PENYETUJU_KANTOR,
) -> Persetujuan:
    """File a four-eyes proposal: nothing changes until a second person approves it.

    `judul`, `sebelum` and `sesudah` are shown to the approver and must already be masked;
    `data` holds what the app's executor needs (ids, choices). Raises DomainError without a
    reason or when the same action on the same target already waits.
    """
    alasan = alasan.strip()
    if not alasan:
        raise DomainError("Alasan wajib diisi.", field="alasan")
    persetujuan = Persetujuan(
        jenis=jenis,
        judul=judul[:200],
        objek_type=objek._meta.label_lower,
        objek_id=str(objek.pk),
        wilayah=wilayah,
        sebelum=sebelum[:300],
        sesudah=sesudah[:300],
        alasan=alasan,
        data=data,
        peran_penyetuju=[str(r) for r in peran_penyetuju],
        diajukan_oleh=oleh,
    )
    try:
        with transaction.atomic():
            persetujuan.save()
    except IntegrityError as exc:
        raise DomainError(
            f"{persetujuan.get_jenis_display()} untuk {judul} sudah diajukan dan menunggu "
            "persetujuan."
        ) from exc
    _persetujuan_audit(persetujuan, oleh, f"Mengajukan {persetujuan.get_jenis_display()}")
    logger.info(
        "persetujuan_id=%s jenis=%s diajukan oleh user_id=%s", persetujuan.pk, jenis, oleh.pk
    )
    return persetujuan


def _persetujuan_lock(persetujuan: Persetujuan) -> Persetujuan:
    locked = Persetujuan.objects.select_for_update().get(pk=persetujuan.pk)
    if locked.status != Persetujuan.Status.DIAJUKAN:
        raise DomainError(f"Pengajuan ini sudah {locked.get_status_display().lower()}.")
    return locked


def _persetujuan_check_penyetuju(persetujuan: Persetujuan, oleh: User) -> None:
    if oleh.pk == persetujuan.diajukan_oleh_id:
        raise DomainError(
            "Pengajuan ini harus diputuskan orang lain, bukan yang mengajukannya "
            "(prinsip empat mata)."
        )
    if oleh.role not in persetujuan.peran_penyetuju:
        raise DomainError(f"Peran {oleh.get_role_display()} tidak dapat memutuskan pengajuan ini.")


def _persetujuan_tutup(
    locked: Persetujuan, *, status: Persetujuan.Status, oleh: User, catatan: str
) -> None:
    locked.status = status
    locked.diputuskan_oleh = oleh
    locked.diputuskan_at = timezone.now()
    locked.catatan_keputusan = catatan
    locked.save(
        update_fields=[
            "status",
            "diputuskan_oleh",
            "diputuskan_at",
            "catatan_keputusan",
            "updated_at",
        ]
    )


@transaction.atomic
def persetujuan_setujui(*, persetujuan: Persetujuan, oleh: User, catatan: str = "") -> Persetujuan:
    """A second person approves: the owning app's executor carries the action out in this
    transaction (its DomainError undoes the approval). Refused for the proposer, for a role
    not named on the proposal, and for a proposal no longer waiting."""
    locked = _persetujuan_lock(persetujuan)
    _persetujuan_check_penyetuju(locked, oleh)
    executor = hooks.registry.keyed(hooks.EKSEKUTOR_PERSETUJUAN).get(locked.jenis)
    if executor is None:
        raise DomainError(f"Belum ada pelaksana untuk {locked.get_jenis_display().lower()}.")
    executor(persetujuan=locked, oleh=oleh)
    _persetujuan_tutup(locked, status=Persetujuan.Status.DISETUJUI, oleh=oleh, catatan=catatan)
    _persetujuan_audit(locked, oleh, f"Menyetujui {locked.get_jenis_display()}")
    logger.info("persetujuan_id=%s disetujui oleh user_id=%s", locked.pk, oleh.pk)
    persetujuan.status = locked.status
    return locked


@transaction.atomic
def persetujuan_tolak(*, persetujuan: Persetujuan, oleh: User, catatan: str) -> Persetujuan:
    """A second person refuses (reason required): nothing changes for the target."""
    locked = _persetujuan_lock(persetujuan)
    _persetujuan_check_penyetuju(locked, oleh)
    catatan = catatan.strip()
    if not catatan:
        raise DomainError("Tulis alasan penolakan.", field="catatan")
    _persetujuan_tutup(locked, status=Persetujuan.Status.DITOLAK, oleh=oleh, catatan=catatan)
    _persetujuan_audit(locked, oleh, f"Menolak {locked.get_jenis_display()}")
    persetujuan.status = locked.status
    return locked


@transaction.atomic
def persetujuan_batalkan(*, persetujuan: Persetujuan, oleh: User) -> Persetujuan:
    """The proposer withdraws their own proposal; nothing changes for the target."""
    locked = _persetujuan_lock(persetujuan)
    if oleh.pk != locked.diajukan_oleh_id:
        raise DomainError("Hanya yang mengajukan dapat membatalkan pengajuan ini.")
    _persetujuan_tutup(locked, status=Persetujuan.Status.DIBATALKAN, oleh=oleh, catatan="")
    _persetujuan_audit(locked, oleh, f"Membatalkan {locked.get_jenis_display()}")
    persetujuan.status = locked.status
    return locked


def persetujuan_tutup_objek(
    *, objek: models.Model, jenis: Persetujuan.Jenis, is_disetujui: bool, oleh: User
) -> int:
    """Close the open proposal about `objek` when the owning app decided it on its own page
    (e.g. dtsen's approval page), so the queue never shows a decided action; the proposer
    closing it withdraws it. Returns the number closed (0 or 1)."""
    locked = (
        Persetujuan.objects.select_for_update()
        .filter(
            jenis=jenis,
            objek_type=objek._meta.label_lower,
            objek_id=str(objek.pk),
            status=Persetujuan.Status.DIAJUKAN,
        )
        .first()
    )
    if locked is None:
        return 0
    if oleh.pk == locked.diajukan_oleh_id:
        status = Persetujuan.Status.DIBATALKAN
    elif is_disetujui:
        status = Persetujuan.Status.DISETUJUI
    else:
        status = Persetujuan.Status.DITOLAK
    _persetujuan_tutup(locked, status=status, oleh=oleh, catatan="Diputuskan di halaman asalnya.")
    _persetujuan_audit(locked, oleh, f"{locked.get_status_display()}: {locked.get_jenis_display()}")
    return 1
