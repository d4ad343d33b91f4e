"""Selectors of DTSEN's lines on the Beranda (hooks.BERANDA): imports waiting or stuck,
findings to follow up.

A selectors module of its own, named for the page it feeds: each count goes through the same
selector as the list its link opens (issue 14).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from dinsos.hooks import ItemBeranda
from dinsos.models import User
from dtsen import selectors
from dtsen.models import Snapshot
from dtsen.selectors import rekonsiliasi as selectors_rekonsiliasi
from dtsen.selectors.rekonsiliasi import FilterTemuan

R = User.Role
TANPA_PENDAMPING = "-"  # the findings list's pendamping filter value for "not assigned"
TEMUAN_TERBUKA = "terbuka"  # the run list's filter value for "findings still open"


def _url(name: str, **params: str) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def _tingkat(jumlah: int, tingkat: str) -> str:
    return tingkat if jumlah else "info"


def beranda_items(*, user: User) -> list[ItemBeranda]:
    """Admin: snapshots to review and apply, applies waiting for their approval, imports
    failed or stalled; operator: runs whose findings are still open; office roles: open
    findings nobody follows up yet; pendamping: their open findings."""
    items = []
    if user.role == R.ADMIN:
        for judul, status, tingkat in (
            ("Impor menunggu ditinjau dan diterapkan", Snapshot.Status.SIAP_DITINJAU, "peringatan"),
            # Issue 15: an apply removing many desil waits for a second admin.
            (
                "Penerapan impor menunggu persetujuan Anda",
                selectors.STATUS_MENUNGGU_PERSETUJUAN,
                "peringatan",
            ),
            ("Impor gagal", Snapshot.Status.GAGAL, "bahaya"),
            ("Impor terhenti (tanpa kemajuan 15 menit)", selectors.STATUS_TERHENTI, "bahaya"),
        ):
            n = selectors.snapshot_list(user=user, status=status).count()
            items.append(
                ItemBeranda(
                    judul, n, _url("dtsen:snapshot-list", status=status), _tingkat(n, tingkat)
                )
            )
    if user.role == R.OPERATOR:
        n = selectors_rekonsiliasi.rekonsiliasi_list(user=user, dengan_temuan_terbuka=True).count()
        items.append(
            ItemBeranda(
                "Rekonsiliasi dengan temuan terbuka",
                n,
                _url("dtsen:rekonsiliasi-list", temuan=TEMUAN_TERBUKA),
                _tingkat(n, "peringatan"),
            )
        )
    if user.role == R.PENDAMPING:
        n = selectors_rekonsiliasi.temuan_list(user=user, filter=FilterTemuan()).count()
        items.append(
            ItemBeranda(
                "Temuan rekonsiliasi terbuka untuk Anda",
                n,
                _url("dtsen:temuan-list"),
                _tingkat(n, "peringatan"),
            )
        )
    else:
        filter = FilterTemuan(tanpa_pendamping=True)
        n = selectors_rekonsiliasi.temuan_list(user=user, filter=filter).count()
        items.append(
            ItemBeranda(
                "Temuan terbuka belum ditugaskan ke pendamping",
                n,
                _url("dtsen:temuan-list", pendamping=TANPA_PENDAMPING),
                _tingkat(n, "peringatan"),
            )
        )
    return items
