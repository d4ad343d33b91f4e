"""What verifikasi shows about one family or person: the family page's panel
(`panel_keluarga` hook) and a data-subject export's sections (`data_subjek` hook, UU 27/2022)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dinsos.bulan import awal_bulan
from dinsos.hooks import Panel, json_rows
from dinsos.models import User
from dinsos.pengaturan import today
from kpm.models import Keluarga
from verifikasi.access import can_decide
from verifikasi.models import (
    Graduasi,
    KandidatSekolahRakyat,
    Komitmen,
    Usulan,
)

R = User.Role
PANEL_BULAN = 6  # months of the family page's panel


@dataclass
class BarisPanel:
    nama: str
    komponen: str
    bulan: list[Komitmen | None]


def keluarga_panel(*, keluarga: Keluarga, user: User) -> Panel:
    """The family page's "Verifikasi komitmen" section: the last months per member and
    component, open proposals and an open graduation (3 queries). The caller already checked
    access to the family."""
    last = awal_bulan(today())
    months = [awal_bulan(last, geser=-i) for i in range(PANEL_BULAN - 1, -1, -1)]
    records = Komitmen.objects.filter(keluarga=keluarga, bulan__gte=months[0]).select_related(
        "anggota"
    )
    grid: dict[tuple[int, str], BarisPanel] = {}
    for record in records.order_by("anggota__tanggal_lahir", "anggota_id", "komponen"):
        row = grid.setdefault(
            (record.anggota_id, record.komponen),
            BarisPanel(record.anggota.nama, record.get_komponen_display(), [None] * len(months)),
        )
        row.bulan[months.index(record.bulan)] = record
    usulan = list(keluarga.usulan.filter(status=Usulan.Status.DIUSULKAN).order_by("-pk"))
    graduasi = keluarga.graduasi.filter(status=Graduasi.Status.DIUSULKAN).first()
    return Panel(
        judul="Verifikasi komitmen",
        template="verifikasi/_komitmen_panel.html",
        context={
            "bulan": months,
            "baris": list(grid.values()),
            "usulan": usulan,
            "graduasi": graduasi,
            "can_decide": can_decide(user),
        },
    )


def data_subjek(*, anggota: Any) -> dict[str, Any]:
    """The person's komitmen records, the family's suspension proposals and graduations,
    and Sekolah Rakyat candidacies (`data_subjek` hook, UU 27/2022)."""
    return {
        "komitmen": json_rows(
            Komitmen.objects.filter(anggota=anggota)
            .order_by("bulan", "komponen")
            .values("bulan", "komponen", "status", "persen_kehadiran", "catatan")
        ),
        "usulan_penangguhan": json_rows(
            Usulan.objects.filter(keluarga_id=anggota.keluarga_id)
            .order_by("pk")
            .values("jenis", "status", "ringkasan", "periode_awal", "periode_akhir")
        ),
        "graduasi": json_rows(
            Graduasi.objects.filter(keluarga_id=anggota.keluarga_id)
            .order_by("pk")
            .values("jenis", "status", "alasan", "tanggal_usulan", "tanggal_graduasi")
        ),
        "sekolah_rakyat": json_rows(
            KandidatSekolahRakyat.objects.filter(anggota=anggota)
            .order_by("pk")
            .values("tahun_ajaran", "jenjang", "desil", "status", "catatan")
        ),
    }
