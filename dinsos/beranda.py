"""Selectors of the core's lines on an admin's Beranda (hooks.BERANDA): unusual access and
the health of the database, broker and workers.

A selectors module of its own, named for the page it feeds (issue 14).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from dinsos import health, hooks, selectors
from dinsos.models import User


def beranda_items(*, user: User) -> list[hooks.ItemBeranda]:
    """Admin: unusual-access flags of the audit page, and the portal's health."""
    if user.role != User.Role.ADMIN:
        return []
    flags = selectors.audit_flags(sejak=timezone.now() - selectors.AUDIT_FLAG_WINDOW)
    checks = {
        "basis data": health.check_database(),
        "broker": health.check_broker(),
        # beat's heartbeat is a task the worker runs: a fresh one means both are alive
        "worker dan beat": health.check_beat(),
    }
    gagal = [name for name, status in checks.items() if not status.ok]
    keterangan = (
        f"Bermasalah: {', '.join(gagal)}." if gagal else "Basis data, broker, worker dan beat baik."
    )
    return [
        hooks.ItemBeranda(
            "Akses tidak wajar (30 hari)",
            len(flags),
            f"{reverse('audit-list')}#judul-tanda",
            "bahaya" if flags else "info",
        ),
        hooks.ItemBeranda(
            "Kesehatan sistem",
            None,
            reverse("healthz"),
            "bahaya" if gagal else "info",
            keterangan=keterangan,
        ),
    ]


def persetujuan_items(*, user: User) -> list[hooks.ItemBeranda]:
    """Four eyes (issue 20): the proposals this user may decide, when there are any; the
    link opens the same list (selectors.persetujuan_antrean)."""
    jumlah = selectors.persetujuan_antrean(user=user).count()
    if not jumlah:
        return []
    return [
        hooks.ItemBeranda(
            "Pengajuan menunggu persetujuan Anda", jumlah, reverse("persetujuan-list"), "peringatan"
        )
    ]
