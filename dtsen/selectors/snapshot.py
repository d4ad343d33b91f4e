"""Reads of the dtsen app, always scoped by the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_kelurahan_ids, scope_wilayah
from dinsos.hooks import json_rows
from dinsos.models import User, Wilayah
from dinsos.raw_sql import db_table
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


@dataclass
class RingkasanKecamatan:
    """Desil changes between two snapshots in one kecamatan."""

    kecamatan: Wilayah
    masuk_pkh: int = 0
    keluar_pkh: int = 0
    masuk_pbijk: int = 0
    keluar_pbijk: int = 0
    muncul: int = 0
    hilang: int = 0

    @property
    def total(self) -> int:
        return (
            self.masuk_pkh
            + self.keluar_pkh
            + self.masuk_pbijk
            + self.keluar_pbijk
            + self.muncul
            + self.hilang
        )


@dataclass
class Perubahan:
    """One person whose desil or presence changed between two snapshots."""

    nik: str
    nama: str
    kelurahan: str
    desil_lama: int | None
    desil_baru: int | None
    kategori: list[str] = field(default_factory=list)


def _table(snapshot: Snapshot) -> str:
    model = DtsenRecord if snapshot.jenis == Jenis.DTSEN else PbiJkRecord
    return model._meta.db_table


def _batas() -> dict[str, int]:
    """DOMAIN.md §3 cut-offs, read from the dated settings."""
    return {
        "pkh": int(dinsos_selectors.pengaturan_get("desil_maks_pkh")),
        "pbijk": int(dinsos_selectors.pengaturan_get("desil_maks_pbijk")),
    }


def _joined(lama: Snapshot, baru: Snapshot, user: User) -> tuple[str, dict[str, Any]]:
    """Every person of either snapshot (FULL OUTER JOIN on NIK), inside the user's areas."""
    table = _table(baru)
    sql = f"""
        WITH lama AS (
            SELECT nik, nama, desil_nasional AS desil, kelurahan_id
            FROM {table} WHERE snapshot_id = %(lama)s
        ),
        baru AS (
            SELECT nik, nama, desil_nasional AS desil, kelurahan_id
            FROM {table} WHERE snapshot_id = %(baru)s
        ),
        gabung AS (
            SELECT coalesce(b.nik, l.nik) AS nik, coalesce(b.nama, l.nama) AS nama,
                coalesce(b.kelurahan_id, l.kelurahan_id) AS kelurahan_id,
                l.nik IS NOT NULL AS ada_lama, b.nik IS NOT NULL AS ada_baru,
                l.desil AS desil_lama, b.desil AS desil_baru,
                coalesce(l.desil <= %(pkh)s, false) AS pkh_lama,
                coalesce(b.desil <= %(pkh)s, false) AS pkh_baru,
                coalesce(l.desil <= %(pbijk)s, false) AS pbijk_lama,
                coalesce(b.desil <= %(pbijk)s, false) AS pbijk_baru
            FROM lama l FULL OUTER JOIN baru b ON l.nik = b.nik
        )
        SELECT g.*, w.nama AS kelurahan, w.parent_id AS kecamatan_id
        FROM gabung g JOIN {db_table(Wilayah)} w ON w.id = g.kelurahan_id
        WHERE %(semua)s OR g.kelurahan_id = ANY(%(kelurahan)s)
    """  # noqa: S608
    is_admin = user.role == User.Role.ADMIN
    kelurahan = [] if is_admin else list(scope_kelurahan_ids(user))
    params: dict[str, Any] = {
        "lama": lama.pk,
        "baru": baru.pk,
        "semua": is_admin,
        "kelurahan": kelurahan,
        **_batas(),
    }
    return sql, params


_BERUBAH = """
    (NOT ada_lama OR NOT ada_baru OR pkh_lama <> pkh_baru OR pbijk_lama <> pbijk_baru)
"""


def perubahan_desil_ringkasan(
    *, user: User, lama: Snapshot, baru: Snapshot
) -> list[RingkasanKecamatan]:
    """Per kecamatan the user may see: who entered or left desil 1–4 (PKH) and 1–5 (PBI-JK)
    among people in both snapshots, who appeared and who disappeared (one SQL query)."""
    joined, params = _joined(lama, baru, user)
    sql = f"""
        SELECT kecamatan_id,
            count(*) FILTER (WHERE ada_lama AND ada_baru AND NOT pkh_lama AND pkh_baru),
            count(*) FILTER (WHERE ada_lama AND ada_baru AND pkh_lama AND NOT pkh_baru),
            count(*) FILTER (WHERE ada_lama AND ada_baru AND NOT pbijk_lama AND pbijk_baru),
            count(*) FILTER (WHERE ada_lama AND ada_baru AND pbijk_lama AND NOT pbijk_baru),
            count(*) FILTER (WHERE NOT ada_lama),
            count(*) FILTER (WHERE NOT ada_baru)
        FROM ({joined}) x GROUP BY kecamatan_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = {row[0]: row[1:] for row in cursor.fetchall()}
    kecamatan = scope_wilayah(user).filter(
        tingkat=Wilayah.Tingkat.KECAMATAN,
        berlaku_sampai__isnull=True,
        kode__startswith=f"{baru.wilayah.kode}.",
    )
    result = []
    for kec in kecamatan.order_by("nama"):
        row = RingkasanKecamatan(kecamatan=kec)
        values = counts.get(kec.pk)
        if values:
            (
                row.masuk_pkh,
                row.keluar_pkh,
                row.masuk_pbijk,
                row.keluar_pbijk,
                row.muncul,
                row.hilang,
            ) = values
        result.append(row)
    return result


def perubahan_desil_detail(
    *,
    user: User,
    lama: Snapshot,
    baru: Snapshot,
    kecamatan: Wilayah | None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Perubahan]:
    """The people behind the counts, in one kecamatan (or every one the user may see)."""
    batas = _batas()
    joined, params = _joined(lama, baru, user)
    where = _BERUBAH
    if kecamatan is not None:
        where += " AND kecamatan_id = %(kecamatan)s"
        params["kecamatan"] = kecamatan.pk
    page = ""
    if limit is not None:
        page = " LIMIT %(limit)s OFFSET %(offset)s"
        params.update(limit=limit, offset=offset)
    sql = f"""
        SELECT nik, nama, kelurahan, desil_lama, desil_baru, ada_lama, ada_baru,
            pkh_lama, pkh_baru, pbijk_lama, pbijk_baru
        FROM ({joined}) x WHERE {where} ORDER BY kelurahan, nama, nik{page}
    """  # noqa: S608
    result = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            nik, nama, kelurahan, desil_lama, desil_baru, ada_lama, ada_baru = row[:7]
            pkh_lama, pkh_baru, pbijk_lama, pbijk_baru = row[7:]
            kategori = []
            if not ada_lama:
                kategori.append("Muncul")
            elif not ada_baru:
                kategori.append("Hilang")
            else:
                if pkh_baru and not pkh_lama:
                    kategori.append(f"Masuk desil 1–{batas['pkh']}")
                if pkh_lama and not pkh_baru:
                    kategori.append(f"Keluar desil 1–{batas['pkh']}")
                if pbijk_baru and not pbijk_lama:
                    kategori.append(f"Masuk desil 1–{batas['pbijk']}")
                if pbijk_lama and not pbijk_baru:
                    kategori.append(f"Keluar desil 1–{batas['pbijk']}")
            result.append(
                Perubahan(
                    nik=nik,
                    nama=nama,
                    kelurahan=kelurahan,
                    desil_lama=desil_lama,
                    desil_baru=desil_baru,
                    kategori=kategori,
                )
            )
    return result


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
