"""Who may see and change which P2K2 group, meeting and conflict.

Built on the same rules as families (kpm.access):
- admin: every group;
- operator, koordinator: groups meeting in their area, or with a current member living there;
- pendamping: only the groups they lead (and, inside them, only families assigned to them).

Changes (groups, members, meetings, attendance) are for admins, operators (entering a paper
daftar hadir) and the group's own pendamping; a koordinator reads. A missing id and one out of
scope both answer 404; a denied change writes nothing and records nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.models import AuditEvent, User
from p2k2.models import Keanggotaan, Kelompok, KonflikKehadiran, Pertemuan

R = User.Role
PENGELOLA = frozenset({R.ADMIN, R.OPERATOR, R.PENDAMPING})


def can_manage_p2k2(user: User) -> bool:
    """Whether the role may change groups, meetings and attendance inside its scope."""
    return user.role in PENGELOLA


def scope_kelompok(user: User, kelompok: QuerySet[Kelompok]) -> QuerySet[Kelompok]:
    """Limit `kelompok` to the groups `user` may see (rules in the module docstring)."""
    if user.role == R.ADMIN:
        return kelompok
    if user.role == R.PENDAMPING:
        return kelompok.filter(pendamping=user)
    if user.role in {R.OPERATOR, R.KOORDINATOR}:
        area = scope_kelurahan_ids(user)
        # A plain (uncorrelated) IN, computed once: the correlated EXISTS it replaces was
        # costed per group, which at 12.000 groups made PostgreSQL JIT-compile every list
        # and count for 1–3 s (issue 21).
        member_in_area = Keanggotaan.objects.filter(
            selesai__isnull=True, keluarga__kelurahan_id__in=area
        ).values("kelompok_id")
        return kelompok.filter(Q(kelurahan_id__in=area) | Q(pk__in=member_in_area))
    return kelompok.none()


def scope_pertemuan(user: User, pertemuan: QuerySet[Pertemuan]) -> QuerySet[Pertemuan]:
    """Limit `pertemuan` to meetings of groups `user` may see."""
    if user.role == R.ADMIN:
        return pertemuan
    return pertemuan.filter(kelompok__in=scope_kelompok(user, Kelompok.objects.all()))


def access_kelompok(
    user: User, kelompok_id: int, *, for_update: bool = False, audit: bool = True
) -> Kelompok:
    """Return the group if `user` may see it (and change it, with `for_update`).

    404 for a missing or hidden group, 403 for a koordinator asking to change one. With
    `audit` the view is recorded in the audit log (the page lists its member families);
    writes pass `audit=False` and the service records what it does.
    """
    visible = scope_kelompok(
        user, Kelompok.objects.select_related("pendamping", "kelurahan__parent", "ketua__pengurus")
    )
    kelompok = get_object_or_404(visible, pk=kelompok_id)
    if for_update and not can_manage_p2k2(user):
        raise PermissionDenied
    if audit:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=kelompok)
    return kelompok


def access_pertemuan(
    user: User, pertemuan_id: int, *, for_update: bool = False, audit: bool = True
) -> Pertemuan:
    """Return the meeting if `user` may see it (and record it, with `for_update`); as
    `access_kelompok` for errors and the audit log."""
    visible = scope_pertemuan(
        user,
        Pertemuan.objects.select_related(
            "kelompok__pendamping", "kelompok__kelurahan__parent", "sesi__modul"
        ),
    )
    pertemuan = get_object_or_404(visible, pk=pertemuan_id)
    if for_update and not can_manage_p2k2(user):
        raise PermissionDenied
    if audit:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=pertemuan)
    return pertemuan


def access_konflik(user: User, konflik_id: int) -> KonflikKehadiran:
    """Return an attendance conflict the user may resolve (404 outside scope, 403 by role)."""
    visible = KonflikKehadiran.objects.filter(
        pertemuan__in=scope_pertemuan(user, Pertemuan.objects.all())
    ).select_related("pertemuan", "keluarga")
    konflik = get_object_or_404(visible, pk=konflik_id)
    if not can_manage_p2k2(user):
        raise PermissionDenied
    return konflik
