"""Exports of the dtsen app: each one is recorded in the audit log. Names come from DTSEN
files, so the workbook is written by `dinsos.ekspor` (no cell can run as a formula)."""

from __future__ import annotations

from dinsos import services as dinsos_services
from dinsos.ekspor import xlsx_bytes
from dinsos.formatting import mask_nik
from dinsos.models import AuditEvent, User, Wilayah
from dtsen import selectors
from dtsen.models import Snapshot

HEADERS = ("NIK", "Nama", "Kelurahan", "Desil lama", "Desil baru", "Perubahan")


def perubahan_desil_export(
    *, user: User, lama: Snapshot, baru: Snapshot, kecamatan: Wilayah | None
) -> bytes:
    """The desil changes the user may see as an XLSX (NIK masked); recorded as an export."""
    rows = selectors.perubahan_desil_detail(user=user, lama=lama, baru=baru, kecamatan=kecamatan)
    content = xlsx_bytes(
        (
            [
                mask_nik(row.nik),
                row.nama,
                row.kelurahan,
                row.desil_lama,
                row.desil_baru,
                ", ".join(row.kategori),
            ]
            for row in rows
        ),
        title="Perubahan desil",
        header=HEADERS,
    )
    area = kecamatan.nama if kecamatan else "semua wilayah"
    dinsos_services.audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        obj=baru,
        reason=f"Perubahan desil dibanding snapshot #{lama.pk}, {area}",
        jumlah=len(rows),
    )
    return content
