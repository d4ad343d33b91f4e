"""Selectors of the registry's lines on the Beranda (hooks.BERANDA).

Named for the page it feeds: each count goes through the same
selector as the list its link opens, so the figure and the list cannot disagree (issue 14).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from dinsos.hooks import ItemBeranda
from dinsos.models import User
from kpm.selectors.keluarga import STATUS_DIDAMPINGI, KeluargaFilter, keluarga_list

R = User.Role


def beranda_items(*, user: User) -> list[ItemBeranda]:
    """A pendamping's caseload: the families they still serve."""
    if user.role != R.PENDAMPING:
        return []
    # A pendamping sees only their own families (scope_keluarga): the status is the filter.
    filters = KeluargaFilter(status=STATUS_DIDAMPINGI)
    jumlah = keluarga_list(user=user, filters=filters).count()
    query = urlencode({"status": STATUS_DIDAMPINGI})
    url = f"{reverse('kpm:keluarga-list')}?{query}"
    return [ItemBeranda("Keluarga dampingan saya", jumlah, url)]
