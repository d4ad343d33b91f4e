"""The Beranda line of verifikasi (hooks.BERANDA): proposals waiting for the office.

The count goes through the same selector as the list its link opens, so the figure and the
list cannot disagree (issue 14).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from dinsos.hooks import ItemBeranda
from dinsos.models import User
from verifikasi.models import Usulan
from verifikasi.selectors.komitmen import usulan_list

R = User.Role


def beranda_komitmen(*, user: User) -> list[ItemBeranda]:
    """Suspension proposals waiting for a decision, for the office roles that decide."""
    if user.role not in (R.ADMIN, R.OPERATOR, R.KOORDINATOR):
        return []
    status = Usulan.Status.DIUSULKAN
    jumlah = usulan_list(user=user, status=status).count()
    url = f"{reverse('verifikasi:usulan-list')}?{urlencode({'status': status})}"
    tingkat = "peringatan" if jumlah else "info"
    return [ItemBeranda("Usulan penangguhan menunggu keputusan", jumlah, url, tingkat)]
