"""Who may see and change which family: the one choke point for KPM personal data."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.models import AuditEvent, User
from kpm.models import Anggota, Keluarga


def scope_keluarga(user: User, keluarga: QuerySet[Keluarga]) -> QuerySet[Keluarga]:
    """Limit `keluarga` to what `user` may see.

    - admin: every family;
    - operator, koordinator: families in the kelurahan under their areas;
    - pendamping: only the families assigned to them (and still inside their areas).
    """
    if user.role == User.Role.ADMIN:
        return keluarga
    in_area = keluarga.filter(kelurahan_id__in=scope_kelurahan_ids(user))
    if user.role == User.Role.PENDAMPING:
        return in_area.filter(pendamping=user)
    if user.role in {User.Role.OPERATOR, User.Role.KOORDINATOR}:
        return in_area
    return keluarga.none()


def scope_anggota(user: User, anggota: QuerySet[Anggota]) -> QuerySet[Anggota]:
    """Limit `anggota` to members of families `user` may see."""
    return anggota.filter(keluarga__in=scope_keluarga(user, Keluarga.objects.all()))


def access_keluarga(
    user: User, keluarga_id: int, *, for_update: bool = False, audit: bool = True
) -> Keluarga:
    """Return the family if `user` may see it (and change it, with `for_update`).

    A missing family and one outside the user's scope raise the same 404, so ids cannot be
    probed. A read is recorded in the audit log; a denied request records nothing.
    """
    related = Keluarga.objects.select_related("kelurahan__parent", "pengurus", "pendamping")
    visible = scope_keluarga(user, related)
    keluarga = get_object_or_404(visible, pk=keluarga_id)
    if for_update and not user.can_edit_kpm:
        raise PermissionDenied
    if audit:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=keluarga)
    return keluarga


def access_anggota(user: User, anggota_id: int, *, for_update: bool = False) -> Anggota:
    """Return the member if `user` may see their family (404 otherwise); not audited here:
    the caller records what it does with the member."""
    visible = scope_anggota(user, Anggota.objects.select_related("keluarga"))
    anggota = get_object_or_404(visible, pk=anggota_id)
    if for_update and not user.can_edit_kpm:
        raise PermissionDenied
    return anggota
