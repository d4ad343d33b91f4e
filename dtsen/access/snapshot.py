"""Who may see which snapshot and which kecamatan's desil changes (404 for the rest)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from dinsos.access import scope_wilayah
from dinsos.models import User, Wilayah
from dtsen.models import Penerapan, Snapshot


def _ancestor_codes(user: User) -> set[str]:
    """The codes above the user's areas (a kecamatan's kota and provinsi)."""
    codes: set[str] = set()
    for kode in user.wilayah.values_list("kode", flat=True):
        parts = kode.split(".")
        codes.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return codes


def scope_snapshot(user: User, snapshots: QuerySet[Snapshot]) -> QuerySet[Snapshot]:
    """Limit `snapshots` to those covering the user's areas.

    - admin: every snapshot;
    - operator, koordinator: snapshots of an area that contains, or lies inside, their areas;
    - pendamping: none.
    """
    if user.role == User.Role.ADMIN:
        return snapshots
    if user.role not in {User.Role.OPERATOR, User.Role.KOORDINATOR}:
        return snapshots.none()
    covering = Q(wilayah__kode__in=_ancestor_codes(user))
    inside = Q(wilayah__in=scope_wilayah(user))
    return snapshots.filter(covering | inside)


def access_snapshot(user: User, snapshot_id: int) -> Snapshot:
    """A snapshot the user may see; missing and out-of-scope ones raise the same 404."""
    visible = scope_snapshot(user, Snapshot.objects.select_related("wilayah", "created_by"))
    return get_object_or_404(visible, pk=snapshot_id)


def access_penerapan(user: User, penerapan_id: int) -> Penerapan:
    """An apply of a snapshot the user may see; missing and out-of-scope ones raise 404."""
    snapshots = scope_snapshot(user, Snapshot.objects.all())
    visible = Penerapan.objects.filter(snapshot__in=snapshots).select_related("snapshot")
    return get_object_or_404(visible, pk=penerapan_id)


def access_snapshot_pembanding(user: User, snapshot_id: int) -> Snapshot:
    """A snapshot whose rows can be compared (loaded, applied or history), else 404."""
    visible = scope_snapshot(user, Snapshot.objects.select_related("wilayah"))
    return get_object_or_404(visible.filter(status__in=Snapshot.ADA_BARIS), pk=snapshot_id)


def access_kecamatan(user: User, kecamatan_id: int) -> Wilayah:
    """A kecamatan inside the user's areas, else 404."""
    kecamatan = scope_wilayah(user).filter(tingkat=Wilayah.Tingkat.KECAMATAN)
    return get_object_or_404(kecamatan, pk=kecamatan_id)
