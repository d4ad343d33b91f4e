"""Who may see and act on which proposal: the one choke point for proposal data.

Rules (one condition per line; tests/pemutakhiran/test_access.py and the access matrix):
- an admin sees every proposal;
- an operator and a koordinator see the proposals of the kelurahan under their areas;
- an operator kelurahan/desa sees the proposals of the kelurahan assigned to them by name
  (never a whole kecamatan, even if one was assigned by mistake);
- a pendamping sees, in their areas, the proposals they made, those about their families and
  those they ground-check.
Anyone who sees a proposal may follow it; the office (admin, operator) verifies, assigns the
ground-check, decides and exports; the ground-check result is the assigned pendamping's.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.models import AuditEvent, User, Wilayah
from kpm.access import exclude_dibatasi
from pemutakhiran.models import BatchSiks, Bukti, Usulan

R = User.Role
PEMERIKSA = frozenset({R.ADMIN, R.OPERATOR})  # Dinsos checks, decides and sends
KANTOR = frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})
PENGUSUL = frozenset({*KANTOR, R.PENDAMPING, R.OPERATOR_KELURAHAN})


def kelurahan_ids(user: User) -> QuerySet[Wilayah, int]:
    """The kelurahan whose proposals `user` works on (a subquery)."""
    if user.role == R.OPERATOR_KELURAHAN:
        return user.wilayah.filter(tingkat=Wilayah.Tingkat.KELURAHAN).values_list("pk", flat=True)
    return scope_kelurahan_ids(user)


def scope_usulan(user: User, usulan: QuerySet[Usulan]) -> QuerySet[Usulan]:
    """Limit `usulan` to what `user` may see (module docstring)."""
    usulan = exclude_dibatasi(usulan)  # UU 27/2022 restriction requests (kpm.access)
    if user.role == R.ADMIN:
        return usulan
    in_area = usulan.filter(kelurahan_id__in=kelurahan_ids(user))
    if user.role in {R.OPERATOR, R.KOORDINATOR, R.OPERATOR_KELURAHAN}:
        return in_area
    if user.role == R.PENDAMPING:
        return in_area.filter(
            Q(dibuat_oleh=user) | Q(petugas_lapangan=user) | Q(keluarga__pendamping=user)
        )
    return usulan.none()


def can_buat(user: User) -> bool:
    return user.role in PENGUSUL


def can_periksa(user: User) -> bool:
    """Verify, assign the ground-check, approve or reject, export the monthly batch."""
    return user.role in PEMERIKSA


def can_tolak(user: User, usulan: Usulan) -> bool:
    """The office rejects; whoever made a proposal may withdraw it (the same step)."""
    return can_periksa(user) or usulan.dibuat_oleh_id == user.pk


def can_lihat_rekap(user: User) -> bool:
    return user.role in KANTOR


def can_isi_lapangan(user: User, usulan: Usulan) -> bool:
    """The ground-check result: the assigned pendamping, or the office on their behalf."""
    return usulan.petugas_lapangan_id == user.pk or can_periksa(user)


def access_usulan(
    user: User, usulan_id: int, *, for_periksa: bool = False, audit: bool = True
) -> Usulan:
    """Return the proposal if `user` may see it; a missing one and one outside the user's
    scope are the same 404. `for_periksa` (office actions) answers 403 to anyone else who
    may see it. A read is audited; a denied request records nothing."""
    related = Usulan.objects.select_related(
        "kelurahan",
        "kecamatan",
        "dibuat_oleh",
        "diajukan_oleh",
        "diverifikasi_oleh",
        "petugas_lapangan",
        "diputuskan_oleh",
        "batch",
        "temuan",
    )
    usulan = get_object_or_404(scope_usulan(user, related), pk=usulan_id)
    if for_periksa and not can_periksa(user):
        raise PermissionDenied
    if audit:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=usulan)
    return usulan


def access_bukti(user: User, usulan_id: int, bukti_id: int) -> Bukti:
    """Return one piece of evidence of a proposal `user` may see (404 otherwise); audited."""
    usulan = access_usulan(user, usulan_id, audit=False)
    bukti = get_object_or_404(Bukti.objects.filter(usulan=usulan), pk=bukti_id)
    dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=bukti)
    return bukti


def access_batch(user: User, batch_id: int) -> BatchSiks:
    """Return a frozen monthly batch for the office (403 for anyone else, 404 if missing);
    the caller records the download."""
    if not can_periksa(user):
        raise PermissionDenied
    return get_object_or_404(BatchSiks.objects.all(), pk=batch_id)
