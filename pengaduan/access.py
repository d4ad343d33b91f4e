"""Who may see and act on which complaint: the one choke point for complaint data.

Rules (one condition per line, tests/pengaduan/test_access.py and the access matrix):
- nobody ever sees a complaint about themself (a pendamping complained about, issue 18);
- an admin sees every other complaint;
- an operator and a koordinator see the complaints from the kelurahan under their areas;
- a pendamping sees the complaints they hold (`petugas`), nothing else.
Whoever may see a complaint may act on it (note, respond, close, attach); moving it to another
holder is for office staff.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.models import AuditEvent, User
from kpm.access import exclude_dibatasi
from pengaduan.models import Lampiran, Pengaduan

R = User.Role
KANTOR = frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})


def can_alihkan(user: User) -> bool:
    """Office staff move a complaint to another holder; a pendamping asks them to."""
    return user.role in KANTOR


def can_lihat_rekap(user: User) -> bool:
    return user.role in KANTOR


def scope_pengaduan(user: User, pengaduan: QuerySet[Pengaduan]) -> QuerySet[Pengaduan]:
    """Limit `pengaduan` to what `user` may see (module docstring)."""
    pengaduan = exclude_dibatasi(pengaduan, no_kk=None)  # UU 27/2022 (kpm.access)
    not_about_self = pengaduan.exclude(tentang_pendamping=user)
    if user.role == R.ADMIN:
        return not_about_self
    if user.role in {R.OPERATOR, R.KOORDINATOR}:
        return not_about_self.filter(kelurahan_id__in=scope_kelurahan_ids(user))
    if user.role == R.PENDAMPING:
        return not_about_self.filter(petugas=user)
    return pengaduan.none()


def is_visible(user: User, pengaduan_id: int) -> bool:
    """Whether `user` may open the complaint (after registering one they do not hold)."""
    return scope_pengaduan(user, Pengaduan.objects.filter(pk=pengaduan_id)).exists()


def access_pengaduan(
    user: User, pengaduan_id: int, *, for_update: bool = False, audit: bool = True
) -> Pengaduan:
    """Return the complaint if `user` may see it; a missing one and a hidden one (another
    area, another holder, or about `user`) are the same 404. A read is audited; a denied
    request records nothing. `for_update` is for moving it to another holder (office staff:
    403 otherwise); every other action is open to whoever may see it."""
    related = Pengaduan.objects.select_related(
        "kelurahan", "kecamatan", "petugas", "tentang_pendamping", "dicatat_oleh", "keluarga"
    )
    pengaduan = get_object_or_404(scope_pengaduan(user, related), pk=pengaduan_id)
    if for_update and not can_alihkan(user):
        raise PermissionDenied
    if audit:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=pengaduan)
    return pengaduan


def access_lampiran(user: User, pengaduan_id: int, lampiran_id: int) -> Lampiran:
    """Return an attachment of a complaint `user` may see (404 otherwise); audited."""
    pengaduan = access_pengaduan(user, pengaduan_id, audit=False)
    lampiran = get_object_or_404(Lampiran.objects.filter(pengaduan=pengaduan), pk=lampiran_id)
    dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=lampiran)
    return lampiran
