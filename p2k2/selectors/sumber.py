"""What P2K2 gives the apps above it through dinsos.hooks (registered in `p2k2.apps`):
contacts and RHK 2 for the pendamping indicators, the family page's panel and the data-subject
section."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet

from dinsos.hooks import Panel, json_rows
from dinsos.models import User
from kpm.models import Keluarga
from p2k2.models import Keanggotaan, Kehadiran, Pertemuan
from p2k2.selectors.alfa import runtun_alfa_batas, runtun_alfa_berlangsung

PANEL_BARIS = 6


def kontak_p2k2(start: datetime.date, end: datetime.date) -> QuerySet[Kehadiran]:
    """Families reached by P2K2 (cakupan layanan): attended a meeting held in
    [start, end]; rows `keluarga_id`, `tanggal` (settings.PENDAMPING_SUMBER_KONTAK)."""
    return Kehadiran.objects.filter(
        status=Kehadiran.Status.HADIR, pertemuan__tanggal__range=(start, end)
    ).annotate(tanggal=F("pertemuan__tanggal"))


def rhk_p2k2(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """RHK 2 (DOMAIN.md §11): P2K2 meetings held in [start, end] per pendamping; rows
    `pendamping_user_id`, `jumlah` (settings.PENDAMPING_SUMBER_RHK["p2k2"])."""
    return (
        Pertemuan.objects.filter(status=Pertemuan.Status.TERLAKSANA, tanggal__range=(start, end))
        .values(pendamping_user_id=F("kelompok__pendamping_id"))
        .annotate(jumlah=Count("pk"))
        .order_by()
    )


def keluarga_panel(*, keluarga: Keluarga, user: User) -> Panel:
    """The family page's "Kehadiran P2K2" section (settings.KPM_KELUARGA_PANELS): the
    current group, the latest marks and the current alfa streak (3 queries). The caller
    already checked access to the family."""
    keanggotaan = (
        Keanggotaan.objects.filter(keluarga=keluarga, selesai__isnull=True)
        .select_related("kelompok__pendamping")
        .first()
    )
    terakhir = list(
        Kehadiran.objects.filter(keluarga=keluarga)
        .select_related("pertemuan__sesi", "pertemuan__kelompok")
        .order_by("-pertemuan__tanggal", "-pertemuan_id")[:PANEL_BARIS]
    )
    batas = runtun_alfa_batas()
    beruntun = runtun_alfa_berlangsung(keluarga_id=keluarga.pk)
    return Panel(
        judul="Kehadiran P2K2",
        template="p2k2/_keluarga_panel.html",
        context={
            "kelompok": keanggotaan.kelompok if keanggotaan else None,
            "terakhir": terakhir,
            "alfa_beruntun": beruntun,
            "batas": batas,
            "is_peringatan": beruntun >= batas,
        },
    )


def data_subjek(*, anggota: Any) -> dict[str, Any]:
    """The person's family's P2K2 groups and attendance (`data_subjek` hook, UU 27/2022)."""
    keluarga_id = anggota.keluarga_id
    return {
        "kelompok_p2k2": json_rows(
            Keanggotaan.objects.filter(keluarga_id=keluarga_id).values(
                "mulai", "selesai", kelompok_nama=F("kelompok__nama")
            )
        ),
        "kehadiran_p2k2": json_rows(
            Kehadiran.objects.filter(keluarga_id=keluarga_id)
            .order_by("pertemuan__tanggal", "pk")
            .values(
                "status",
                "pemahaman",
                tanggal=F("pertemuan__tanggal"),
                kelompok_nama=F("pertemuan__kelompok__nama"),
            )
        ),
    }
