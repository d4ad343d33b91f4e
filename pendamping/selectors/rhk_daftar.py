"""Lists behind the RHK 7/8 pages (issue 20): monthly reports and directives, scoped
through `pendamping.access`. The Beranda's count of unacknowledged directives uses the same
selector as the list its link opens."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from dinsos.models import User
from dinsos.pengaturan import today
from pendamping.access import (
    scope_arahan,
    scope_laporan_bulanan,
    scope_pendamping,
    scope_sosialisasi,
)
from pendamping.models import Arahan, ArahanPenerima, LaporanBulanan, Pendamping, Sosialisasi


def laporan_bulanan_list(*, user: User, terlambat: bool = False) -> QuerySet[LaporanBulanan]:
    """Reports the user may see, newest month first; `terlambat` keeps only the late ones."""
    qs = scope_laporan_bulanan(user, LaporanBulanan.objects.select_related("pendamping"))
    if terlambat:
        qs = qs.filter(is_terlambat=True)
    return qs.order_by("-bulan", "pendamping__nama", "id")


def arahan_list(*, user: User) -> QuerySet[Arahan]:
    """Directives the user may see, with how many recipients and how many acknowledged."""
    return (
        scope_arahan(user, Arahan.objects.select_related("dibuat_oleh"))
        .annotate(
            jumlah_penerima=Count("penerima", distinct=True),
            jumlah_dikonfirmasi=Count(
                "penerima", filter=Q(penerima__diterima_pada__isnull=False), distinct=True
            ),
        )
        .order_by("-tanggal", "-id")
    )


def arahan_diterima_list(*, user: User, belum: bool = False) -> QuerySet[ArahanPenerima]:
    """A pendamping's own directives, newest first; `belum`: not yet acknowledged."""
    qs = ArahanPenerima.objects.filter(pendamping__user=user).select_related("arahan")
    if belum:
        qs = qs.filter(diterima_pada__isnull=True)
    return qs.order_by("-arahan__tanggal", "-arahan_id")


def arahan_penerima_list(*, arahan: Arahan) -> QuerySet[ArahanPenerima]:
    """Who a directive went to and who acknowledged it (the caller checked access)."""
    return arahan.penerima.select_related("pendamping").order_by("pendamping__nama", "id")


def arahan_penerima_pilihan(*, user: User) -> QuerySet[Pendamping]:
    """Pendamping a koordinator (admin: anyone) may give a directive to: active, in scope."""
    return scope_pendamping(
        user, Pendamping.objects.filter(Q(selesai__isnull=True) | Q(selesai__gte=today()))
    ).order_by("nama")


def sosialisasi_list(*, user: User) -> QuerySet[Sosialisasi]:
    """RHK 9 activities the user may see, newest first."""
    return scope_sosialisasi(user, Sosialisasi.objects.select_related("pendamping")).order_by(
        "-tanggal", "-id"
    )
