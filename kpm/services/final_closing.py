"""Final Closing import (DOMAIN.md §7): apply one row of the office's master list."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from dinsos import services as dinsos_services
from dinsos.formatting import mask_nik
from dinsos.models import AuditEvent, User
from kpm.models import Anggota, Keluarga, KeluargaTidakAdaDiImpor
from kpm.services.keluarga import (
    ANGGOTA_FIELDS,
    KELUARGA_FIELDS,
    S,
    anggota_create,
    anggota_update,
    field_changes,
    keluarga_register,
    keluarga_update,
)

logger = logging.getLogger(__name__)

# --- Final Closing import (DOMAIN.md §7) --------------------------------------------------
# DOMAIN.md §5: graduasi and dibatalkan end participation, so such a family is expected to be
# absent from the centre's list and is not followed up.
STATUS_SELESAI = frozenset({S.GRADUASI, S.DIBATALKAN})
# The Final Closing has no relation column: a pengurus it brings in is recorded with this
# relation (usually the mother, DOMAIN.md §1), to be corrected on the family page if wrong.
HUBUNGAN_PENGURUS_IMPOR = {
    Anggota.JenisKelamin.PEREMPUAN: Anggota.Hubungan.ISTRI_SUAMI,
    Anggota.JenisKelamin.LAKI_LAKI: Anggota.Hubungan.KEPALA_KELUARGA,
}
AKSI_BARU, AKSI_DIPERBARUI, AKSI_TETAP = "baru", "diperbarui", "tetap"


@dataclass(frozen=True)
class HasilFinalClosing:
    """What one Final Closing row did to the registry."""

    keluarga: Keluarga
    aksi: str  # AKSI_BARU, AKSI_DIPERBARUI or AKSI_TETAP
    perubahan: dict[str, list[Any]]  # {field: [old, new]}, identifiers masked
    peringatan: list[tuple[str, str]]  # (field, message): differences not applied


def _nama_sama(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _pengurus_label(anggota: Anggota | None) -> str | None:
    return f"{anggota.nama} ({mask_nik(anggota.nik)})" if anggota else None


def _pengurus_sync(
    *,
    keluarga: Keluarga,
    pemilik_nik: Anggota | None,
    data: Mapping[str, Any],
    oleh: User,
) -> dict[str, list[Any]]:
    """Make the row's person the family's pengurus with the row's name and birth date."""
    pengurus = keluarga.pengurus
    anggota = pengurus if pengurus is not None and pengurus.nik == data["nik"] else pemilik_nik
    if anggota is None or anggota.keluarga_id != keluarga.pk:
        # Unknown NIK: a member the registry lacks. anggota_create refuses a NIK that is
        # already on another family.
        baru = anggota_create(
            keluarga=keluarga,
            data={**data, "hubungan": HUBUNGAN_PENGURUS_IMPOR[data["jenis_kelamin"]]},
            oleh=oleh,
            is_pengurus=True,
        )
        return {"pengurus": [_pengurus_label(pengurus), _pengurus_label(baru)]}
    ubah: dict[str, Any] = {}
    if not _nama_sama(anggota.nama, data["nama"]):
        ubah["nama"] = data["nama"]
    if anggota.tanggal_lahir != data["tanggal_lahir"]:
        ubah["tanggal_lahir"] = data["tanggal_lahir"]
    changes = field_changes(anggota, ubah, ANGGOTA_FIELDS)
    is_pengurus = anggota.pk != keluarga.pengurus_id
    if is_pengurus:
        changes["pengurus"] = [_pengurus_label(pengurus), _pengurus_label(anggota)]
    if changes:
        anggota_update(anggota=anggota, data=ubah, oleh=oleh, is_pengurus=is_pengurus or None)
    return changes


@transaction.atomic
def keluarga_final_closing_apply(
    *,
    keluarga: Keluarga | None,
    pemilik_nik: Anggota | None,
    keluarga_data: Mapping[str, Any],
    pengurus_data: Mapping[str, Any],
    status: str | None,
    oleh: User,
    on: datetime.date,
) -> HasilFinalClosing:
    """Bring the registry in line with one Final Closing row, through the services above so
    the history is kept.

    A new No KK registers the family (enrolled `on`) with the row's person as pengurus; a
    known one gets its alamat/RT/RW (keys present in `keluarga_data`) and its pengurus's name
    and birth date updated. Status and kelurahan are never changed here (a status change needs
    a reason): a difference is returned as a warning. `pemilik_nik` is the member who already
    holds the row's NIK, if any. Idempotent: an unchanged row writes nothing. Raises
    DomainError (e.g. the NIK is on another family) and then writes nothing of the row.
    """
    peringatan: list[tuple[str, str]] = []
    tertulis = S(status).label.upper() if status else ""
    if keluarga is None:
        hubungan = HUBUNGAN_PENGURUS_IMPOR[pengurus_data["jenis_kelamin"]]
        baru = keluarga_register(
            keluarga_data={**keluarga_data, "tanggal_terdaftar": on},
            pengurus_data={**pengurus_data, "hubungan": hubungan},
            oleh=oleh,
        )
        if status and status != S.AKTIF:
            peringatan.append(
                (
                    "status",
                    f"Keluarga baru didaftarkan berstatus Aktif; STATUS {tertulis} di file tidak "
                    "diterapkan. Ubah status di halaman keluarga dengan alasan.",
                )
            )
        return HasilFinalClosing(baru, AKSI_BARU, {}, peringatan)

    if status and status != keluarga.status:
        peringatan.append(
            (
                "status",
                f"STATUS di file {tertulis}, di registri {keluarga.get_status_display().upper()}: "
                "status tidak diubah. Ubah status di halaman keluarga dengan alasan.",
            )
        )
    kelurahan = keluarga_data["kelurahan"]
    if kelurahan.pk != keluarga.kelurahan_id:
        peringatan.append(
            (
                "kelurahan",
                f"KELURAHAN di file {kelurahan.nama}, di registri {keluarga.kelurahan.nama}: "
                "kelurahan tidak diubah. Pindahkan keluarga di halaman keluarga.",
            )
        )
    alamat = {f: keluarga_data[f] for f in ("alamat", "rt", "rw") if f in keluarga_data}
    changes = field_changes(keluarga, alamat, KELUARGA_FIELDS)
    if changes:
        keluarga_update(keluarga=keluarga, data=alamat, oleh=oleh)
    changes.update(
        _pengurus_sync(keluarga=keluarga, pemilik_nik=pemilik_nik, data=pengurus_data, oleh=oleh)
    )
    return HasilFinalClosing(
        keluarga, AKSI_DIPERBARUI if changes else AKSI_TETAP, changes, peringatan
    )


@transaction.atomic
def keluarga_final_closing_finish(
    *,
    no_kk_di_file: Iterable[str],
    kelurahan_ids: Iterable[int],
    nama_file: str,
    jumlah_baris: int,
    oleh: User,
) -> int:
    """Follow up families missing from an imported Final Closing, and audit the import.

    Each family in `kelurahan_ids` still in the programme whose No KK is not in the file gets a
    KeluargaTidakAdaDiImpor row (DOMAIN.md §7: never deleted). Idempotent: a family already
    listed, unresolved, for the same file name is not listed again. Returns how many families
    are missing from the file.
    """
    di_file = set(no_kk_di_file)
    area = (
        Keluarga.objects.filter(kelurahan_id__in=list(kelurahan_ids))
        .exclude(status__in=STATUS_SELESAI)
        .values_list("pk", "no_kk")
    )
    hilang = [pk for pk, no_kk in area if no_kk not in di_file]
    sudah = set(
        KeluargaTidakAdaDiImpor.objects.filter(
            keluarga_id__in=hilang, nama_file=nama_file, is_selesai=False
        ).values_list("keluarga_id", flat=True)
    )
    KeluargaTidakAdaDiImpor.objects.bulk_create(
        KeluargaTidakAdaDiImpor(keluarga_id=pk, nama_file=nama_file, diimpor_oleh=oleh)
        for pk in hilang
        if pk not in sudah
    )
    dinsos_services.audit_record(
        user=oleh,
        action=AuditEvent.Action.IMPORT,
        object_type=Keluarga._meta.label_lower,
        reason=f"Final Closing {nama_file}",
        jumlah=jumlah_baris,
    )
    logger.info(
        "final closing import by user_id=%s: %s rows, %s missing",
        oleh.pk,
        jumlah_baris,
        len(hilang),
    )
    return len(hilang)
