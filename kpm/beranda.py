"""Selectors of the registry's lines on the Beranda (hooks.BERANDA).

A selectors module of its own, named for the page it feeds: each count goes through the same
selector as the list its link opens, so the figure and the list cannot disagree (issue 14).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from dinsos.hooks import ItemBeranda
from dinsos.models import User
from kpm import selectors, selectors_komitmen
from kpm.models import Usulan

R = User.Role


def beranda_items(*, user: User) -> list[ItemBeranda]:
    """A pendamping's caseload: the families they still serve."""
    if user.role != R.PENDAMPING:
        return []
    # A pendamping sees only their own families (scope_keluarga): the status is the filter.
    filters = selectors.KeluargaFilter(status=selectors.STATUS_DIDAMPINGI)
    jumlah = selectors.keluarga_list(user=user, filters=filters).count()
    query = urlencode({"status": selectors.STATUS_DIDAMPINGI})
    url = f"{reverse('kpm:keluarga-list')}?{query}"
    return [ItemBeranda("Keluarga dampingan saya", jumlah, url)]


def beranda_komitmen(*, user: User) -> list[ItemBeranda]:
    """Suspension proposals waiting for a decision, for the office roles that decide."""
    if user.role not in (R.ADMIN, R.OPERATOR, R.KOORDINATOR):
        return []
    status = Usulan.Status.DIUSULKAN
    jumlah = selectors_komitmen.usulan_list(user=user, status=status).count()
    url = f"{reverse('kpm:usulan-list')}?{urlencode({'status': status})}"
    tingkat = "peringatan" if jumlah else "info"
    return [ItemBeranda("Usulan penangguhan menunggu keputusan", jumlah, url, tingkat)]
