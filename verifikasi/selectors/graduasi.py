"""Reads for graduasi (DOMAIN.md §5), always scoped through kpm.access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from dinsos import selectors as dinsos_selectors
from dinsos.models import User
from kpm.access import scope_keluarga
from kpm.models import Keluarga
from verifikasi.models import (
    Graduasi,
    GraduasiTanpaProses,
)

R = User.Role


def graduasi_alamiah_kandidat(*, user: User) -> QuerySet[Keluarga]:
    """DOMAIN.md §5: aktif families with no component left (components as refreshed
    nightly), the natural graduation candidates."""
    return (
        scope_keluarga(user, Keluarga.objects.all())
        .filter(status=Keluarga.Status.AKTIF, komponen=[])
        .select_related("pengurus", "kelurahan", "pendamping")
        .order_by("kelurahan__nama", "pengurus__nama_cari", "pk")
    )


def graduasi_list(*, user: User, status: str, tahun: int | None = None) -> QuerySet[Graduasi]:
    """Graduations of families the user may see (with `tahun`: graduated that year)."""
    graduations = Graduasi.objects.filter(
        keluarga__in=scope_keluarga(user, Keluarga.objects.all()), status=status
    )
    if tahun is not None:
        graduations = graduations.filter(tanggal_graduasi__year=tahun)
    return graduations.select_related(
        "keluarga__pengurus", "keluarga__kelurahan", "pendamping"
    ).order_by("-tanggal_usulan", "-pk")


@dataclass(frozen=True)
class KemajuanGraduasi:
    pendamping: User
    jumlah: int
    target: int

    @property
    def persen(self) -> int:
        return min(100, round(100 * self.jumlah / self.target)) if self.target else 100


def graduasi_kemajuan(*, user: User, tahun: int) -> list[KemajuanGraduasi]:
    """DOMAIN.md §5: graduations per pendamping in `tahun` against the yearly target
    (setting graduasi_target_tahunan), for pendamping with a family the user may see."""
    target = int(
        dinsos_selectors.pengaturan_get("graduasi_target_tahunan", on=datetime.date(tahun, 12, 31))
    )
    done = (
        Graduasi.objects.filter(
            pendamping_id=OuterRef("pk"),
            status=Graduasi.Status.DITERIMA,
            tanggal_graduasi__year=tahun,
        )
        .order_by()
        .values("pendamping_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pendamping = User.objects.filter(role=R.PENDAMPING)
    if user.role == R.PENDAMPING:
        pendamping = pendamping.filter(pk=user.pk)
    else:
        families = scope_keluarga(user, Keluarga.objects.all()).values("pendamping_id")
        pendamping = pendamping.filter(pk__in=families)
    rows = pendamping.annotate(
        jumlah=Coalesce(Subquery(done, output_field=IntegerField()), 0)
    ).order_by("-jumlah", "first_name", "username")
    return [KemajuanGraduasi(p, p.jumlah, target) for p in rows]  # type: ignore[attr-defined]


def graduasi_tanpa_proses_list(*, user: User) -> QuerySet[GraduasiTanpaProses]:
    """Issue 20 (D2): families the office must complete (kind, evidence) because they reached
    calon graduasi/graduasi around the pipeline; the Beranda count and the page read this."""
    return (
        GraduasiTanpaProses.objects.filter(
            graduasi__isnull=True, keluarga__in=scope_keluarga(user, Keluarga.objects.all())
        )
        .select_related("keluarga__pengurus", "keluarga__kelurahan", "keluarga__pendamping")
        .order_by("keluarga__kelurahan__nama", "pk")
    )
