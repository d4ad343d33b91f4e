"""Reads of the dtsen app, always scoped by the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from dinsos.access import scope_wilayah
from dinsos.hooks import json_rows
from dinsos.models import User, Wilayah
from dtsen.access.snapshot import scope_snapshot
from dtsen.importers import CHECKERS
from dtsen.importers.columns import ABAIKAN
from dtsen.models import (
    BATAS_TANPA_KEMAJUAN,
    DtsenRecord,
    Jenis,
    MasalahBaris,
    PbiJkRecord,
    Penerapan,
    Snapshot,
    Temuan,
)

PRATINJAU_MASALAH = 20  # problems shown on the snapshot page; the rest are in the report


STATUS_TERHENTI = "terhenti"  # the list's filter for jobs that stopped moving
# The list's filter for applies waiting for this admin's approval (not their own proposals).
STATUS_MENUNGGU_PERSETUJUAN = "menunggu_persetujuan"


def snapshot_list(*, user: User, jenis: str = "", status: str = "") -> QuerySet[Snapshot]:
    """Snapshots the user may see, newest first, with who uploaded and applied them;
    `status` is a Snapshot.Status, "terhenti" (processing without progress for
    BATAS_TANPA_KEMAJUAN, the worker probably lost) or "menunggu_persetujuan" (an apply
    another admin proposed waits for this user's approval)."""
    snapshots = scope_snapshot(user, Snapshot.objects.all())
    if jenis:
        snapshots = snapshots.filter(jenis=jenis)
    if status == STATUS_TERHENTI:
        sejak = timezone.now() - BATAS_TANPA_KEMAJUAN
        snapshots = snapshots.filter(status__in=Snapshot.SEDANG_DIPROSES).filter(
            Q(progres_pada__lt=sejak) | Q(progres_pada__isnull=True, created_at__lt=sejak)
        )
    elif status == STATUS_MENUNGGU_PERSETUJUAN:
        menunggu = Penerapan.objects.filter(status=Penerapan.Status.MENUNGGU).exclude(
            diusulkan_oleh=user
        )
        snapshots = snapshots.filter(pk__in=menunggu.values("snapshot_id"))
    elif status:
        snapshots = snapshots.filter(status=status)
    return snapshots.select_related("wilayah", "created_by", "applied_by").order_by(
        "-created_at", "-id"
    )


def snapshot_aktif(*, jenis: str, wilayah: Wilayah) -> Snapshot | None:
    """The applied snapshot of a kind for an area, if any."""
    return Snapshot.objects.filter(
        jenis=jenis, wilayah=wilayah, status=Snapshot.Status.DITERAPKAN
    ).first()


def snapshot_aktif_ids(*, jenis: str = Jenis.DTSEN) -> list[int]:
    """The applied snapshots of a kind, every area (1 query).

    Read them first and filter the record table with the ids as values: DTSEN records are
    partitioned per snapshot, and only a literal list lets PostgreSQL read just those
    partitions. Given `snapshot_id IN (SELECT …)` or a join with the snapshots, it planned a
    scan of every snapshot ever loaded (the history grows by one each month)."""
    return list(
        Snapshot.objects.filter(jenis=jenis, status=Snapshot.Status.DITERAPKAN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def penerapan_list(*, snapshot: Snapshot) -> list[Penerapan]:
    """The snapshot's applies (proposed, done, undone, refused), newest first, with who
    proposed, approved and undid them."""
    return list(
        Penerapan.objects.filter(snapshot=snapshot).select_related(
            "diusulkan_oleh", "disetujui_oleh", "dikembalikan_oleh", "sebelumnya"
        )
    )


def masalah_pratinjau(*, snapshot: Snapshot) -> list[MasalahBaris]:
    """The first problems of a snapshot, rejections before warnings within a row."""
    return list(
        MasalahBaris.objects.filter(snapshot=snapshot).order_by("baris", "is_peringatan", "id")[
            :PRATINJAU_MASALAH
        ]
    )


def pemetaan_pilihan(*, jenis: str) -> list[tuple[str, str]]:
    """(field, label) choices for an unknown header, "ignore" first."""
    tabel = CHECKERS[jenis].TABEL
    return [(ABAIKAN, "Abaikan kolom ini"), *((k.field, k.label) for k in tabel.kolom)]


def kabkota_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Current kabupaten/kota areas the user may import for."""
    return (
        scope_wilayah(user)
        .filter(tingkat=Wilayah.Tingkat.KABUPATEN_KOTA, berlaku_sampai__isnull=True)
        .order_by("kode")
    )


def snapshot_pembanding_list(*, user: User, jenis: str) -> QuerySet[Snapshot]:
    """Snapshots of a kind whose rows can be compared, newest data first."""
    return (
        scope_snapshot(user, Snapshot.objects.filter(jenis=jenis, status__in=Snapshot.ADA_BARIS))
        .select_related("wilayah")
        .order_by("-tanggal_data", "-id")
    )


def pasangan_default(*, user: User, jenis: str) -> tuple[Snapshot | None, Snapshot | None]:
    """The pair to compare when none is chosen: the two newest applied (or history) ones."""
    applied = list(
        snapshot_pembanding_list(user=user, jenis=jenis).filter(
            status__in=[Snapshot.Status.DITERAPKAN, Snapshot.Status.RIWAYAT]
        )[:2]
    )
    baru = applied[0] if applied else None
    lama = applied[1] if len(applied) > 1 else None
    return lama, baru


def data_subjek(*, anggota: Any) -> dict[str, Any]:
    """Rows about the person in every stored DTSEN/PBI-JK snapshot, row problems quoting
    them, and reconciliation findings about them (`data_subjek` hook, UU 27/2022)."""
    snapshots = {s.pk: s for s in Snapshot.objects.all()}
    ids = list(snapshots)  # the record indexes lead with the snapshot

    def with_snapshot(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            snapshot = snapshots[row.pop("snapshot_id")]
            row["snapshot"] = snapshot.get_jenis_display()
            row["data_per"] = snapshot.tanggal_data.isoformat() if snapshot.tanggal_data else None
        return rows

    return {
        "dtsen": with_snapshot(
            json_rows(
                DtsenRecord.objects.filter(snapshot_id__in=ids, nik=anggota.nik).values(
                    "snapshot_id",
                    "baris",
                    "nik",
                    "no_kk",
                    "nama",
                    "tanggal_lahir",
                    "alamat",
                    "desil_nasional",
                )
            )
        ),
        "pbijk": with_snapshot(
            json_rows(
                PbiJkRecord.objects.filter(snapshot_id__in=ids, nik=anggota.nik).values(
                    "snapshot_id",
                    "baris",
                    "nik",
                    "no_kk",
                    "nama",
                    "noka",
                    "status_kepesertaan",
                    "desil_nasional",
                )
            )
        ),
        "masalah_baris_impor": with_snapshot(
            json_rows(
                MasalahBaris.objects.filter(snapshot_id__in=ids, nik=anggota.nik).values(
                    "snapshot_id", "baris", "kolom", "pesan"
                )
            )
        ),
        "temuan_rekonsiliasi": json_rows(
            Temuan.objects.filter(Q(anggota_id=anggota.pk) | Q(nik=anggota.nik))
            .order_by("pk")
            .values("kategori", "tahap", "keputusan", "rincian", "created_at", "closed_at")
        ),
    }
