"""Attendance from phones with poor signal: idempotent submits and kept conflicts."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from dinsos.errors import DomainError
from dinsos.formatting import angka
from dinsos.models import User
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from p2k2.models import (
    Keanggotaan,
    Kehadiran,
    Kelompok,
    Kiriman,
    KonflikKehadiran,
    Pertemuan,
)
from p2k2.services.pertemuan import PertemuanGanda, kinerja_basi, pertemuan_create
from p2k2.services.ringkasan import (
    ringkasan_kelompok_segarkan,
    ringkasan_pertemuan_segarkan,
    ringkasan_runtun_segarkan,
)


# --- Attendance sync ---------------------------------------------------------------
@dataclass(frozen=True)
class Tanda:
    """One family's mark as sent by a phone, with the version it started from (0 = none)."""

    keluarga_id: int
    status: str
    pemahaman: str
    versi: int


class Hasil:
    """Per-family outcomes of a submission."""

    DISIMPAN = "disimpan"  # written; the family's version went up by one
    SAMA = "sama"  # the server already held exactly this mark
    KONFLIK = "konflik"  # another device changed it differently: kept as a conflict


def _pesan(jumlah: Mapping[str, int]) -> str:
    bagian = [f"{angka(jumlah[Hasil.DISIMPAN] + jumlah[Hasil.SAMA])} keluarga tersimpan"]
    if jumlah[Hasil.KONFLIK]:
        bagian.append(
            f"{angka(jumlah[Hasil.KONFLIK])} berbeda dengan catatan perangkat lain — "
            "pilih yang benar di halaman pertemuan"
        )
    return "; ".join(bagian) + "."


@transaction.atomic
def kehadiran_submit(
    *,
    pertemuan: Pertemuan,
    kiriman_id: uuid.UUID,
    tanda: Sequence[Tanda],
    oleh: User,
    perangkat: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Save one submission of a meeting's attendance from a phone; returns the per-family
    outcome, which is also stored with the submission.

    - Idempotent: a submission id seen before returns the stored outcome and writes nothing
      (a retry after a lost answer, or a double tap).
    - A family's mark is written when the phone started from the version the server holds
      (or wrote the current mark itself: `perangkat`, a random id the browser keeps); when
      another device changed it since, and differently, both are kept: the server's stays,
      the phone's becomes a `KonflikKehadiran` for the pendamping (no silent last-write-wins).
    - Every family must be a member of the group on the meeting's date and visible to `oleh`;
      otherwise DomainError and nothing is written.

    Six queries whatever the group size: lock the meeting (marking it held), look up the
    submission id, read members with their current marks, upsert the marks, mark the
    pendamping performance summary of the meeting's month out of date (issue 21: a meeting
    of last month synced days later must show there), store the submission (one more
    stores conflicts, when there are any); then the summaries of the group and of the
    families marked (`ringkasan_pertemuan_segarkan`, 8 more).
    """
    Pertemuan.objects.filter(pk=pertemuan.pk).update(
        status=Pertemuan.Status.TERLAKSANA, updated_at=timezone.now()
    )
    stored = Kiriman.objects.filter(client_id=kiriman_id).values_list("pertemuan_id", "hasil")
    for pertemuan_id, hasil in stored:
        if pertemuan_id != pertemuan.pk:
            raise DomainError("ID kiriman ini sudah dipakai untuk pertemuan lain.")
        return dict(hasil)

    members = (
        Keanggotaan.objects.filter(kelompok_id=pertemuan.kelompok_id, mulai__lte=pertemuan.tanggal)
        .filter(Q(selesai__isnull=True) | Q(selesai__gt=pertemuan.tanggal))
        .filter(keluarga_id__in=scope_keluarga(oleh, Keluarga.objects.all()).values("pk"))
        .annotate(
            h=FilteredRelation(
                "keluarga__kehadiran", condition=Q(keluarga__kehadiran__pertemuan=pertemuan)
            )
        )
        .values_list("keluarga_id", "h__status", "h__pemahaman", "h__versi", "h__perangkat")
    )
    current = {k: (s, p, v, d) for k, s, p, v, d in members}
    unknown = [t.keluarga_id for t in tanda if t.keluarga_id not in current]
    if unknown:
        raise DomainError(
            f"{angka(len(unknown))} keluarga bukan anggota kelompok ini pada tanggal pertemuan; "
            "muat ulang halaman untuk melihat daftar anggota terbaru."
        )

    now = timezone.now()
    simpan: list[Kehadiran] = []
    konflik: list[KonflikKehadiran] = []
    kiriman = Kiriman(
        client_id=kiriman_id, perangkat=perangkat, pertemuan=pertemuan, oleh=oleh, hasil={}
    )
    rows: list[dict[str, Any]] = []
    for t in tanda:
        status, pemahaman, versi, penulis = current[t.keluarga_id]
        versi = versi or 0
        is_sendiri = perangkat is not None and penulis == perangkat
        row: dict[str, Any] = {"keluarga_id": t.keluarga_id}
        if status == t.status and pemahaman == t.pemahaman:
            row.update(hasil=Hasil.SAMA, status=status, pemahaman=pemahaman, versi=versi)
        elif status is None or t.versi == versi or is_sendiri:
            simpan.append(
                Kehadiran(
                    pertemuan=pertemuan,
                    keluarga_id=t.keluarga_id,
                    status=t.status,
                    pemahaman=t.pemahaman,
                    versi=versi + 1,
                    perangkat=perangkat,
                    recorded_by=oleh,
                    updated_at=now,
                )
            )
            row.update(
                hasil=Hasil.DISIMPAN, status=t.status, pemahaman=t.pemahaman, versi=versi + 1
            )
        else:
            konflik.append(
                KonflikKehadiran(
                    pertemuan=pertemuan,
                    keluarga_id=t.keluarga_id,
                    kiriman=kiriman,
                    status=t.status,
                    pemahaman=t.pemahaman,
                    versi_dasar=t.versi,
                    status_tersimpan=status,
                    pemahaman_tersimpan=pemahaman,
                    versi_tersimpan=versi,
                    oleh=oleh,
                )
            )
            row.update(
                hasil=Hasil.KONFLIK,
                status=status,
                pemahaman=pemahaman,
                versi=versi,
                kiriman_status=t.status,
                kiriman_pemahaman=t.pemahaman,
            )
        rows.append(row)

    if simpan:
        Kehadiran.objects.bulk_create(
            simpan,
            update_conflicts=True,
            unique_fields=["pertemuan", "keluarga"],
            update_fields=[
                "status",
                "pemahaman",
                "versi",
                "perangkat",
                "recorded_by",
                "updated_at",
            ],
        )
    if simpan or pertemuan.status != Pertemuan.Status.TERLAKSANA:
        # Marks changed (contacts) or the meeting is held from now on (RHK 2).
        kinerja_basi(pertemuan=pertemuan, keluarga_ids=[k.keluarga_id for k in simpan])
    jumlah = {
        Hasil.DISIMPAN: sum(1 for r in rows if r["hasil"] == Hasil.DISIMPAN),
        Hasil.SAMA: sum(1 for r in rows if r["hasil"] == Hasil.SAMA),
        Hasil.KONFLIK: sum(1 for r in rows if r["hasil"] == Hasil.KONFLIK),
    }
    kiriman.hasil = {
        "kiriman_id": str(kiriman_id),
        "pertemuan_id": pertemuan.pk,
        "jumlah": jumlah,
        "pesan": _pesan(jumlah),
        "hasil": rows,
    }
    kiriman.save()
    if konflik:
        KonflikKehadiran.objects.bulk_create(konflik)
    # Issue 21: the recaps read summaries; this meeting is held now and its marks changed.
    ringkasan_pertemuan_segarkan(pertemuan=pertemuan)
    return dict(kiriman.hasil)


@transaction.atomic
def kehadiran_sync(
    *,
    kelompok: Kelompok,
    pertemuan: Pertemuan | None,
    pertemuan_client_id: uuid.UUID,
    pertemuan_data: Mapping[str, Any],
    kiriman_id: uuid.UUID,
    tanda: Sequence[Tanda],
    oleh: User,
    perangkat: uuid.UUID | None = None,
) -> tuple[Pertemuan, dict[str, Any]]:
    """A phone's sync request in one transaction: create the meeting it made offline (when
    `pertemuan` is None; idempotent on its client id), then `kehadiran_submit`.

    When the group already has a meeting on that date with that materi and the phone did not
    confirm a separate one, the marks go to that meeting (issue 15: continue it by default,
    the phone could not ask); the caller sees it from the returned meeting's client id.
    """
    if pertemuan is None:
        try:
            pertemuan = pertemuan_create(
                kelompok=kelompok, data=pertemuan_data, oleh=oleh, client_id=pertemuan_client_id
            )
        except PertemuanGanda as ganda:
            pertemuan = ganda.pertemuan
    hasil = kehadiran_submit(
        pertemuan=pertemuan, kiriman_id=kiriman_id, tanda=tanda, oleh=oleh, perangkat=perangkat
    )
    return pertemuan, hasil


@transaction.atomic
def konflik_resolve(
    *, konflik: KonflikKehadiran, pilihan: KonflikKehadiran.Pilihan, oleh: User
) -> Kehadiran:
    """Close an attendance conflict: keep the stored mark, or apply the conflicting one
    (which raises the family's version, so phones holding the old one see a conflict)."""
    konflik = (
        KonflikKehadiran.objects.select_for_update(of=("self",))
        .select_related("pertemuan")
        .get(pk=konflik.pk)
    )
    if not konflik.is_terbuka:
        raise DomainError("Konflik ini sudah diselesaikan.")
    kehadiran = Kehadiran.objects.select_for_update().get(
        pertemuan_id=konflik.pertemuan_id, keluarga_id=konflik.keluarga_id
    )
    if pilihan == KonflikKehadiran.Pilihan.KIRIMAN:
        kehadiran.status = konflik.status
        kehadiran.pemahaman = konflik.pemahaman
        kehadiran.versi += 1
        kehadiran.perangkat = None
        kehadiran.recorded_by = oleh
        kehadiran.save(
            update_fields=["status", "pemahaman", "versi", "perangkat", "recorded_by", "updated_at"]
        )
        ringkasan_kelompok_segarkan(kelompok_ids=[konflik.pertemuan.kelompok_id])
        ringkasan_runtun_segarkan(keluarga_ids=[konflik.keluarga_id])
        kinerja_basi(pertemuan=konflik.pertemuan, keluarga_ids=[konflik.keluarga_id])
    konflik.pilihan = pilihan
    konflik.diselesaikan_oleh = oleh
    konflik.diselesaikan_at = timezone.now()
    konflik.save(update_fields=["pilihan", "diselesaikan_oleh", "diselesaikan_at", "updated_at"])
    return kehadiran
