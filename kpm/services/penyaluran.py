"""Recording payouts per tahap from the bank/Pos distribution list (issue 20, RHK 1).

Two steps, as every import of the portal: `penyaluran_pratinjau` reads the file and counts
what it would add and change (writes nothing); `penyaluran_terapkan` applies a file with no
errors in one transaction with one set-based upsert, so a file is either applied whole or not
at all, and applying the same file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from dinsos.errors import RowError
from dinsos.models import AuditEvent, User
from dinsos.services import audit_record
from kpm.importers.penyaluran import BarisPenyaluran, penyaluran_baca, penyaluran_baris_berkas
from kpm.models import Keluarga, Penyaluran

_KOLOM_UBAH = ("nominal", "status", "alasan_gagal", "sumber")


@dataclass
class PratinjauPenyaluran:
    """What a file would do: rows new to the registry, rows that change, rows already there."""

    baris: list[BarisPenyaluran] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    baru: int = 0
    diubah: int = 0
    tetap: int = 0
    tersalur: int = 0
    gagal: int = 0

    @property
    def bisa_diterapkan(self) -> bool:
        return not self.errors and bool(self.baris)


def penyaluran_pratinjau(content: bytes) -> PratinjauPenyaluran:
    """Read the file and count its effect; nothing is written. Raises FileDitolak or
    KolomTidakLengkap for a file that cannot be read at all."""
    hasil = penyaluran_baca(penyaluran_baris_berkas(content))
    pratinjau = PratinjauPenyaluran(baris=hasil.baris, errors=hasil.errors)
    if not hasil.baris:
        return pratinjau
    ada = {
        (p["keluarga_id"], p["tahun"], p["tahap"]): tuple(p[k] for k in _KOLOM_UBAH)
        for p in Penyaluran.objects.filter(
            keluarga_id__in={b.keluarga_id for b in hasil.baris},
            tahun__in={b.tahun for b in hasil.baris},
        ).values("keluarga_id", "tahun", "tahap", *_KOLOM_UBAH)
    }
    for b in hasil.baris:
        lama = ada.get((b.keluarga_id, b.tahun, b.tahap))
        if lama is None:
            pratinjau.baru += 1
        elif lama == (b.nominal, b.status, b.alasan_gagal, b.sumber):
            pratinjau.tetap += 1
        else:
            pratinjau.diubah += 1
        if b.status == Penyaluran.Status.TERSALUR:
            pratinjau.tersalur += 1
        else:
            pratinjau.gagal += 1
    return pratinjau


def penyaluran_terapkan(content: bytes, *, nama_file: str, user: User) -> PratinjauPenyaluran:
    """Apply a file with no errors: every row in one upsert on (keluarga, tahun, tahap).
    A file with errors writes nothing and returns them."""
    pratinjau = penyaluran_pratinjau(content)
    if not pratinjau.bisa_diterapkan:
        return pratinjau
    with transaction.atomic():
        pendamping = dict(
            Keluarga.objects.filter(pk__in={b.keluarga_id for b in pratinjau.baris}).values_list(
                "pk", "pendamping_id"
            )
        )
        Penyaluran.objects.bulk_create(
            [
                Penyaluran(
                    keluarga_id=b.keluarga_id,
                    tahun=b.tahun,
                    tahap=b.tahap,
                    nominal=b.nominal,
                    status=b.status,
                    alasan_gagal=b.alasan_gagal,
                    sumber=b.sumber,
                    nama_file=nama_file[:200],
                    diimpor_oleh=user,
                    pendamping_id=pendamping.get(b.keluarga_id),
                )
                for b in pratinjau.baris
            ],
            update_conflicts=True,
            unique_fields=["keluarga", "tahun", "tahap"],
            update_fields=[*_KOLOM_UBAH, "nama_file", "diimpor_oleh", "pendamping", "updated_at"],
            batch_size=2000,
        )
        audit_record(
            user=user,
            action=AuditEvent.Action.APPLY,
            object_type="kpm.penyaluran",
            object_repr=f"Daftar penyaluran {nama_file}"[:200],
            jumlah=len(pratinjau.baris),
            reason=(f"{pratinjau.baru} baru, {pratinjau.diubah} diubah, {pratinjau.tetap} tetap"),
        )
    return pratinjau
