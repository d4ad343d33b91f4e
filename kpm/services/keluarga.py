"""Writes to families and members: registration, edits, status, components."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.formatting import mask_nik, mask_no_kk
from dinsos.models import AuditEvent, Persetujuan, User, Wilayah
from dinsos.names import normalize_nama
from dinsos.pengaturan import today
from kpm.komponen import Aturan, DataAnggota, komponen_anggota
from kpm.models import (
    Anggota,
    Keluarga,
    RiwayatPerubahan,
    RiwayatStatus,
)
from kpm.services.ringkasan_basi import keluarga_ringkasan_basi

logger = logging.getLogger(__name__)
S = Keluarga.Status

# The status machine (DOMAIN.md §4 consequences, §5 graduasi). Graduasi and dibatalkan end
# participation; a suspended family returns to aktif or is cancelled.
TRANSISI_STATUS: dict[str, frozenset[str]] = {
    S.AKTIF: frozenset({S.DITANGGUHKAN, S.CALON_GRADUASI, S.GRADUASI, S.DIBATALKAN}),
    S.DITANGGUHKAN: frozenset({S.AKTIF, S.DIBATALKAN}),
    S.CALON_GRADUASI: frozenset({S.AKTIF, S.GRADUASI}),
    S.GRADUASI: frozenset(),
    S.DIBATALKAN: frozenset(),
}

# DOMAIN.md §5: graduation follows its pipeline (kind, date, reason, evidence), so calon
# graduasi and graduasi are reached, and calon graduasi left, only through verifikasi's
# graduasi services (`lewat_graduasi=True`); the operator's status form never offers them.
STATUS_LEWAT_GRADUASI = frozenset({S.CALON_GRADUASI, S.GRADUASI})
# Issue 20: moves that take aid away wait for a second person (setting empat_mata_tindakan).
STATUS_MENCABUT = frozenset({S.DITANGGUHKAN, S.DIBATALKAN})

KELUARGA_FIELDS = ("kelurahan", "alamat", "rt", "rw", "pendamping", "tanggal_terdaftar")
ANGGOTA_FIELDS = (
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan",
    "jenjang_sekolah",
    "is_hamil",
    "is_disabilitas_berat",
    "is_korban_ham",
)
_MASKED_FIELDS = {"nik": mask_nik, "no_kk": mask_no_kk}
KOMPONEN_BATCH = 5000


def _history_value(field: str, value: Any) -> Any:
    """A JSON-safe, privacy-safe value for the edit history (identifiers masked)."""
    if field in _MASKED_FIELDS:
        return _MASKED_FIELDS[field](value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (Wilayah, User)):
        return str(value)
    return value


def field_changes(obj: Any, data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value in `data` differs (identifiers masked)."""
    changes: dict[str, list[Any]] = {}
    for field in fields:
        if field not in data:
            continue
        old, new = getattr(obj, field), data[field]
        if old != new:
            changes[field] = [_history_value(field, old), _history_value(field, new)]
    return changes


def _nik_taken_error(nik: str, *, except_anggota: int | None = None) -> DomainError | None:
    others = Anggota.objects.filter(nik=nik)
    if except_anggota is not None:
        others = others.exclude(pk=except_anggota)
    other = others.select_related("keluarga").first()
    if other is None:
        return None
    return DomainError(
        f"NIK ini sudah terdaftar pada keluarga KK {mask_no_kk(other.keluarga.no_kk)}.",
        field="nik",
    )


@transaction.atomic
def keluarga_create(
    *,
    no_kk: str,
    kelurahan: Wilayah,
    tanggal_terdaftar: datetime.date,
    dibuat_oleh: User,
    alamat: str = "",
    rt: str = "",
    rw: str = "",
    pendamping: User | None = None,
) -> Keluarga:
    """Register a family (status aktif, with its first history row). Raises DomainError when
    the No KK is already registered."""
    keluarga = Keluarga(
        no_kk=no_kk,
        kelurahan=kelurahan,
        alamat=alamat,
        rt=rt,
        rw=rw,
        pendamping=pendamping,
        tanggal_terdaftar=tanggal_terdaftar,
    )
    try:
        with transaction.atomic():
            keluarga.save()
    except IntegrityError as exc:
        raise DomainError(f"No KK {mask_no_kk(no_kk)} sudah terdaftar.", field="no_kk") from exc
    RiwayatStatus.objects.create(
        keluarga=keluarga, dari="", ke=S.AKTIF, alasan="Keluarga didaftarkan.", oleh=dibuat_oleh
    )
    if pendamping is not None:  # issue 21: served by them from its enrolment date on
        keluarga_ringkasan_basi(user_ids=[pendamping.pk], sejak=tanggal_terdaftar)
    dinsos_services.audit_record(user=dibuat_oleh, action=AuditEvent.Action.CREATE, obj=keluarga)
    return keluarga


@transaction.atomic
def keluarga_update(*, keluarga: Keluarga, data: Mapping[str, Any], oleh: User) -> Keluarga:
    """Change a family's address, area, pendamping or enrolment date; the edit is kept in the
    history. No KK is the family's identity and is not changed here."""
    changes = field_changes(keluarga, data, KELUARGA_FIELDS)
    if not changes:
        return keluarga
    if {"pendamping", "tanggal_terdaftar"} & set(changes):
        # Issue 21: both pendamping's families served, caseload and graduations change from
        # the earlier enrolment date on (pendamping's performance summary).
        keluarga_ringkasan_basi(
            user_ids=[keluarga.pendamping_id, getattr(data.get("pendamping"), "pk", None)],
            sejak=min(
                keluarga.tanggal_terdaftar, data.get("tanggal_terdaftar") or datetime.date.max
            ),
        )
    for field in changes:
        setattr(keluarga, field, data[field])
    keluarga.save(update_fields=[*changes, "updated_at"])
    RiwayatPerubahan.objects.create(keluarga=keluarga, perubahan=changes, oleh=oleh)
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.UPDATE, obj=keluarga)
    return keluarga


@transaction.atomic
def anggota_create(
    *, keluarga: Keluarga, data: Mapping[str, Any], oleh: User, is_pengurus: bool = False
) -> Anggota:
    """Add a member. Refuses a NIK already on any family and names that family (masked)."""
    if error := _nik_taken_error(data["nik"]):
        raise error
    anggota = Anggota(keluarga=keluarga, **{f: data[f] for f in ANGGOTA_FIELDS if f in data})
    anggota.nama_cari = normalize_nama(anggota.nama)
    try:
        with transaction.atomic():
            anggota.save()
    except IntegrityError as exc:  # a concurrent insert of the same NIK
        raise _nik_taken_error(data["nik"]) or DomainError(
            "NIK sudah terdaftar.", field="nik"
        ) from exc
    if is_pengurus or keluarga.pengurus_id is None:
        keluarga.pengurus = anggota
        keluarga.save(update_fields=["pengurus", "updated_at"])
    RiwayatPerubahan.objects.create(
        keluarga=keluarga,
        anggota=anggota,
        perubahan={"anggota": [None, f"{anggota.nama} ({mask_nik(anggota.nik)})"]},
        oleh=oleh,
    )
    keluarga_komponen_refresh(keluarga_ids=[keluarga.pk])
    return anggota


@transaction.atomic
def anggota_update(
    *, anggota: Anggota, data: Mapping[str, Any], oleh: User, is_pengurus: bool | None = None
) -> Anggota:
    """Change a member's data; the edit is kept in the history with identifiers masked."""
    nik_changed = "nik" in data and data["nik"] != anggota.nik
    if nik_changed and (error := _nik_taken_error(data["nik"], except_anggota=anggota.pk)):
        raise error
    changes = field_changes(anggota, data, ANGGOTA_FIELDS)
    keluarga = anggota.keluarga
    if is_pengurus and keluarga.pengurus_id != anggota.pk:
        keluarga.pengurus = anggota
        keluarga.save(update_fields=["pengurus", "updated_at"])
        changes["pengurus"] = [None, f"{anggota.nama} ({mask_nik(anggota.nik)})"]
    if not changes:
        return anggota
    for field in changes:
        if field in ANGGOTA_FIELDS:
            setattr(anggota, field, data[field])
    anggota.nama_cari = normalize_nama(anggota.nama)
    try:
        with transaction.atomic():
            anggota.save(
                update_fields=[
                    *(f for f in changes if f in ANGGOTA_FIELDS),
                    "nama_cari",
                    "updated_at",
                ]
            )
    except IntegrityError as exc:
        raise DomainError("NIK sudah terdaftar pada keluarga lain.", field="nik") from exc
    RiwayatPerubahan.objects.create(
        keluarga=keluarga, anggota=anggota, perubahan=changes, oleh=oleh
    )
    keluarga_komponen_refresh(keluarga_ids=[keluarga.pk])
    return anggota


def _status_check(sekarang: S, tujuan: S, *, lewat_graduasi: bool) -> None:
    if sekarang == tujuan:
        raise DomainError(f"Keluarga ini sudah berstatus {sekarang.label.lower()}.", field="ke")
    if tujuan not in TRANSISI_STATUS[sekarang]:
        raise DomainError(
            f"Status {sekarang.label.lower()} tidak dapat diubah menjadi {tujuan.label.lower()}.",
            field="ke",
        )
    if not lewat_graduasi and STATUS_LEWAT_GRADUASI & {sekarang, tujuan}:
        raise DomainError(
            "Graduasi hanya melalui usulan graduasi (jenis, bukti dan keputusan kantor): "
            "buka Graduasi pada menu Keluarga.",
            field="ke",
        )


@transaction.atomic
def keluarga_status_change(
    *, keluarga: Keluarga, ke: str, alasan: str, oleh: User, lewat_graduasi: bool = False
) -> Keluarga:
    """Move a family to another status with a required reason; invalid transitions are refused,
    and so is any move into or out of calon graduasi/graduasi unless verifikasi's graduasi
    pipeline makes it (`lewat_graduasi`, DOMAIN.md §5).

    The row is locked, so two officers changing the same family serialize; a repeated submit
    of the same change is refused ("sudah berstatus …") instead of writing history twice.
    """
    alasan = alasan.strip()
    if not alasan:
        raise DomainError("Alasan perubahan status wajib diisi.", field="alasan")
    locked = Keluarga.objects.select_for_update().get(pk=keluarga.pk)
    sekarang, tujuan = S(locked.status), S(ke)
    _status_check(sekarang, tujuan, lewat_graduasi=lewat_graduasi)
    locked.status = tujuan
    locked.save(update_fields=["status", "updated_at"])
    RiwayatStatus.objects.create(
        keluarga=locked, dari=sekarang, ke=tujuan, alasan=alasan, oleh=oleh
    )
    logger.info(
        "keluarga_id=%s status %s -> %s by user_id=%s", locked.pk, sekarang, tujuan, oleh.pk
    )
    keluarga.status = locked.status
    return locked


@transaction.atomic
def keluarga_status_ajukan(
    *, keluarga: Keluarga, ke: str, alasan: str, oleh: User
) -> Persetujuan | None:
    """The operator's status form: a move that takes aid away (ditangguhkan, dibatalkan) is
    filed for a second person's approval when the setting asks for four eyes (returns the
    proposal); any other move, or with four eyes off, runs now (returns None)."""
    tujuan = S(ke)
    if tujuan not in STATUS_MENCABUT or not dinsos_selectors.persetujuan_perlu(
        Persetujuan.Jenis.STATUS_KELUARGA
    ):
        keluarga_status_change(keluarga=keluarga, ke=ke, alasan=alasan, oleh=oleh)
        return None
    if not alasan.strip():
        raise DomainError("Alasan perubahan status wajib diisi.", field="alasan")
    sekarang = S(keluarga.status)
    _status_check(sekarang, tujuan, lewat_graduasi=False)
    return dinsos_services.persetujuan_ajukan(
        jenis=Persetujuan.Jenis.STATUS_KELUARGA,
        objek=keluarga,
        wilayah=keluarga.kelurahan,
        judul=str(keluarga),
        sebelum=sekarang.label,
        sesudah=tujuan.label,
        alasan=alasan,
        data={"ke": tujuan.value},
        oleh=oleh,
    )


def persetujuan_status_keluarga(*, persetujuan: Persetujuan, oleh: User) -> None:
    """Executor of an approved status change (hooks.EKSEKUTOR_PERSETUJUAN): the history
    names the approver and, in the reason, the proposer."""
    keluarga = Keluarga.objects.get(pk=int(persetujuan.objek_id))
    keluarga_status_change(
        keluarga=keluarga,
        ke=persetujuan.data["ke"],
        alasan=f"{persetujuan.alasan} (diajukan {persetujuan.diajukan_oleh}, "
        f"disetujui {oleh}; persetujuan #{persetujuan.pk})",
        oleh=oleh,
    )


def anggota_nik_reveal(*, anggota: Anggota, alasan: str, oleh: User) -> str:
    """Return a member's full NIK; the reason is required and the reveal is audited."""
    alasan = alasan.strip()
    if len(alasan) < 5:
        raise DomainError("Tuliskan alasan membuka NIK lengkap (minimal 5 huruf).", field="alasan")
    dinsos_services.audit_record(
        user=oleh, action=AuditEvent.Action.REVEAL_NIK, obj=anggota, reason=alasan
    )
    return anggota.nik


def keluarga_komponen_refresh(
    *, keluarga_ids: Iterable[int] | None = None, on: datetime.date | None = None
) -> int:
    """Recompute members' and families' PKH components on `on` (default today).

    Components depend on age, so they change as birthdays pass: the nightly task refreshes
    all families. Works in batches of members; writes only rows whose components changed.
    Returns the number of families updated.
    """
    day = on or today()
    aturan = Aturan.dari_pengaturan(dinsos_selectors.pengaturan_semua(on=day))
    members = Anggota.objects.order_by("keluarga_id", "id")
    families = Keluarga.objects.all()
    if keluarga_ids is not None:
        ids = list(keluarga_ids)
        members = members.filter(keluarga_id__in=ids)
        families = families.filter(pk__in=ids)
    per_family: dict[int, set[str]] = {pk: set() for pk in families.values_list("pk", flat=True)}
    changed: list[Anggota] = []
    fields = ("id", "keluarga_id", "komponen", "tanggal_lahir", "jenjang_sekolah", "is_hamil")
    flags = ("is_disabilitas_berat", "is_korban_ham")
    for row in members.values(*fields, *flags).iterator(chunk_size=KOMPONEN_BATCH):
        data = DataAnggota(
            tanggal_lahir=row["tanggal_lahir"],
            jenjang_sekolah=row["jenjang_sekolah"],
            is_hamil=row["is_hamil"],
            is_disabilitas_berat=row["is_disabilitas_berat"],
            is_korban_ham=row["is_korban_ham"],
        )
        komponen = komponen_anggota(data, on=day, aturan=aturan)
        per_family.setdefault(row["keluarga_id"], set()).update(komponen)
        if komponen != row["komponen"]:
            changed.append(Anggota(pk=row["id"], komponen=komponen))
    Anggota.objects.bulk_update(changed, ["komponen"], batch_size=KOMPONEN_BATCH)
    current = dict(families.values_list("pk", "komponen"))
    updated = [
        Keluarga(pk=pk, komponen=sorted(values))
        for pk, values in per_family.items()
        if sorted(values) != sorted(current.get(pk) or [])
    ]
    Keluarga.objects.bulk_update(updated, ["komponen"], batch_size=KOMPONEN_BATCH)
    return len(updated)


@transaction.atomic
def keluarga_register(
    *, keluarga_data: Mapping[str, Any], pengurus_data: Mapping[str, Any], oleh: User
) -> Keluarga:
    """Register a family together with its pengurus: both or neither."""
    keluarga = keluarga_create(
        no_kk=keluarga_data["no_kk"],
        kelurahan=keluarga_data["kelurahan"],
        tanggal_terdaftar=keluarga_data["tanggal_terdaftar"],
        alamat=keluarga_data.get("alamat", ""),
        rt=keluarga_data.get("rt", ""),
        rw=keluarga_data.get("rw", ""),
        pendamping=keluarga_data.get("pendamping"),
        dibuat_oleh=oleh,
    )
    anggota_create(keluarga=keluarga, data=pengurus_data, oleh=oleh, is_pengurus=True)
    return keluarga


def anggota_data_subjek_record(*, anggota: Anggota, alasan: str, oleh: User) -> None:
    """Record the export of one person's data for a data-subject request (reason required)."""
    alasan = alasan.strip()
    if len(alasan) < 5:
        raise DomainError(
            "Tuliskan dasar permintaan (mis. nomor surat permohonan).", field="alasan"
        )
    dinsos_services.audit_record(
        user=oleh, action=AuditEvent.Action.EXPORT, obj=anggota, reason=alasan
    )


def keluarga_lock(*, keluarga_ids: Collection[int]) -> list[tuple[int, int, int | None, str]]:
    """Lock the families (pk order, so concurrent callers never deadlock) and return
    `(pk, kelurahan_id, pendamping_id, status)` of each, for a caller about to change them
    through a kpm service in the same transaction."""
    return list(
        Keluarga.objects.select_for_update()
        .filter(pk__in=keluarga_ids)
        .order_by("pk")
        .values_list("pk", "kelurahan_id", "pendamping_id", "status")
    )


def keluarga_pendamping_set(*, keluarga_ids: Collection[int], pendamping: User) -> int:
    """Make `pendamping` the current pendamping of the families, in one UPDATE; returns the
    number changed. The pendamping app keeps the assignment history and checks the ceiling
    and areas before it calls this (pendamping.services.keluarga_tugaskan)."""
    return (
        Keluarga.objects.filter(pk__in=keluarga_ids)
        .exclude(pendamping=pendamping)
        .update(pendamping=pendamping, updated_at=timezone.now())
    )
