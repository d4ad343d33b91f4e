"""Who may see which stored rakor report (one condition per line, tests/laporan).

- the admin sees every report;
- an operator and a koordinator see the reports of areas under their own (the city's for
  the city office, a koordinator's kecamatan for that koordinator);
- a pendamping and an operator kelurahan/desa see none (403 on every page);
- the workforce section (names and scores of pendamping) is for the koordinator and the
  admin only: an operator reads the report without it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from dinsos.access import scope_wilayah
from dinsos.models import User
from laporan.models import LaporanBulanan

R = User.Role
KANTOR = frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})
SDM = frozenset({R.ADMIN, R.KOORDINATOR})


def can_lihat_sdm(user: User) -> bool:
    """Whether the workforce section (names of pendamping) shows for `user`."""
    return user.role in SDM


def scope_laporan(user: User, laporan: QuerySet[LaporanBulanan]) -> QuerySet[LaporanBulanan]:
    """Limit `laporan` to what `user` may see (module docstring)."""
    if user.role == R.ADMIN:
        return laporan
    if user.role in {R.OPERATOR, R.KOORDINATOR}:
        return laporan.filter(wilayah__in=scope_wilayah(user))
    return laporan.none()


def access_laporan(user: User, laporan_id: int) -> LaporanBulanan:
    """Return the report if `user` may see it; a missing one and one of another area are
    the same 404."""
    visible = scope_laporan(user, LaporanBulanan.objects.select_related("wilayah", "dibuat_oleh"))
    return get_object_or_404(visible, pk=laporan_id)
