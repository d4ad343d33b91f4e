"""Who may see and change which family: the one choke point for KPM personal data."""

import operator
from functools import reduce
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from dinsos import hooks
from dinsos import services as dinsos_services
from dinsos.access import di_kelurahan_scope
from dinsos.models import AuditEvent, User
from kpm.models import Anggota, Keluarga, PermintaanPembatasan, UnggahanPenyaluran

M = TypeVar("M", bound=Model)


# --- Restriction requests (UU 27/2022; DOMAIN.md §10) ----------------------------------
# Every scoped read of personal data leaves out a family under a restriction request in
# force (kpm.models.PermintaanPembatasan): lists, searches and exports of every app go
# through scope_keluarga / scope_anggota, or through exclude_dibatasi for rows that copy a
# NIK or No KK (DTSEN findings, proposals, complaints). The legal minimum is untouched:
# services that keep the aid going (status, components, payment) do not read through scope.
def keluarga_dibatasi_ids() -> QuerySet[PermintaanPembatasan, int]:
    """Ids of the families under a restriction in force (a subquery)."""
    berlaku = PermintaanPembatasan.objects.filter(
        status__in=PermintaanPembatasan.BERLAKU,
        keluarga__isnull=False,  # a NULL in `NOT IN (…)` would hide every family
    )
    return berlaku.values_list("keluarga_id", flat=True)


def exclude_dibatasi(
    rows: QuerySet[M],
    *,
    keluarga: str | None = "keluarga",
    nik: str | None = "nik",
    no_kk: str | None = "no_kk",
) -> QuerySet[M]:
    """Leave out rows about a restricted family: by its key, or by a copied NIK / No KK
    (pass None for a field the model does not have)."""
    ids = keluarga_dibatasi_ids()
    about = []
    if keluarga:
        about.append(Q(**{f"{keluarga}__in": ids}))
    if nik:
        about.append(Q(**{f"{nik}__in": Anggota.objects.filter(keluarga_id__in=ids).values("nik")}))
    if no_kk:
        about.append(Q(**{f"{no_kk}__in": Keluarga.objects.filter(pk__in=ids).values("no_kk")}))
    return rows.exclude(reduce(operator.or_, about)) if about else rows


def identitas_dibatasi() -> QuerySet[Any, str]:
    """Every NIK and No KK of the restricted families, for the export writer's last check
    (hooks.IDENTITAS_DIBATASI; a one-column queryset the writer unions)."""
    ids = keluarga_dibatasi_ids()
    nik = Anggota.objects.filter(keluarga_id__in=ids).values_list("nik", flat=True).order_by()
    no_kk = Keluarga.objects.filter(pk__in=ids).values_list("no_kk", flat=True).order_by()
    return nik.union(no_kk)


def scope_keluarga(
    user: User, keluarga: QuerySet[Keluarga], *, termasuk_dibatasi: bool = False
) -> QuerySet[Keluarga]:
    """Limit `keluarga` to what `user` may see.

    - admin: every family;
    - operator, koordinator: families in the kelurahan under their areas;
    - pendamping: only the families assigned to them (and still inside their areas).

    A restricted family is left out for every role, unless `termasuk_dibatasi` (only the
    data-subject export, which the person has a right to, asks for it).
    """
    if not termasuk_dibatasi:
        keluarga = keluarga.exclude(pk__in=keluarga_dibatasi_ids())
    if user.role == User.Role.ADMIN:
        return keluarga
    in_area = keluarga.filter(di_kelurahan_scope(user))
    if user.role == User.Role.PENDAMPING:
        return in_area.filter(pendamping=user)
    if user.role in {User.Role.OPERATOR, User.Role.KOORDINATOR}:
        return in_area
    return keluarga.none()


def scope_anggota(
    user: User, anggota: QuerySet[Anggota], *, termasuk_dibatasi: bool = False
) -> QuerySet[Anggota]:
    """Limit `anggota` to members of families `user` may see (restricted ones left out)."""
    visible = scope_keluarga(user, Keluarga.objects.all(), termasuk_dibatasi=termasuk_dibatasi)
    return anggota.filter(keluarga__in=visible)


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


def access_anggota(
    user: User, anggota_id: int, *, for_update: bool = False, termasuk_dibatasi: bool = False
) -> Anggota:
    """Return the member if `user` may see their family (404 otherwise); not audited here:
    the caller records what it does with the member. `termasuk_dibatasi` is for the
    data-subject export only (a restricted person keeps the right to their data)."""
    related = Anggota.objects.select_related("keluarga")
    visible = scope_anggota(user, related, termasuk_dibatasi=termasuk_dibatasi)
    anggota = get_object_or_404(visible, pk=anggota_id)
    if for_update and not user.can_edit_kpm:
        raise PermissionDenied
    return anggota


def scope_pembatasan(
    user: User, permintaan: QuerySet[PermintaanPembatasan]
) -> QuerySet[PermintaanPembatasan]:
    """Requests about families in `user`'s areas (restricted ones included: the register
    is where they show), and about other people the apps above let `user` see (hook
    `pembatasan_terlihat`: PMKS clients). Admin, operator and koordinator only."""
    if user.role not in {User.Role.ADMIN, User.Role.OPERATOR, User.Role.KOORDINATOR}:
        return permintaan.none()
    keluarga = scope_keluarga(user, Keluarga.objects.all(), termasuk_dibatasi=True)
    visible = Q(keluarga__in=keluarga)
    for terlihat in hooks.registry.providers(hooks.PEMBATASAN_TERLIHAT):
        visible |= Q(keluarga__isnull=True, pk__in=terlihat(user=user))
    return permintaan.filter(visible)


def access_pembatasan(
    user: User, pembatasan_id: int, *, for_update: bool = False
) -> PermintaanPembatasan:
    """A restriction request `user` may see (`scope_pembatasan`: admin, operator,
    koordinator; 404 otherwise); deciding or lifting it (`for_update`) is the admin's.
    The read is audited: the page names the person."""
    if user.role not in {User.Role.ADMIN, User.Role.OPERATOR, User.Role.KOORDINATOR}:
        raise PermissionDenied
    visible = scope_pembatasan(user, PermintaanPembatasan.objects.all()).select_related(
        "keluarga__kelurahan", "keluarga__pengurus", "anggota", "dicatat_oleh", "diputuskan_oleh"
    )
    permintaan = get_object_or_404(visible, pk=pembatasan_id)
    if for_update and user.role != User.Role.ADMIN:
        raise PermissionDenied
    dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=permintaan)
    return permintaan


# --- Payout lists uploaded in the browser (issue 20, RHK 1) --------------------------------
PENGUNGGAH_PENYALURAN = frozenset({User.Role.ADMIN, User.Role.OPERATOR})


def can_unggah_penyaluran(user: User) -> bool:
    return user.role in PENGUNGGAH_PENYALURAN


def scope_unggahan_penyaluran(
    user: User, unggahan: QuerySet[UnggahanPenyaluran]
) -> QuerySet[UnggahanPenyaluran]:
    """Uploaded payout lists `user` may see: an admin every one, an operator their own (the
    checked rows point at families of their areas only); nobody else."""
    if user.role == User.Role.ADMIN:
        return unggahan
    if user.role == User.Role.OPERATOR:
        return unggahan.filter(diunggah_oleh=user)
    return unggahan.none()


def access_unggahan_penyaluran(user: User, unggahan_id: int) -> UnggahanPenyaluran:
    """An uploaded payout list `user` may see and act on (403 by role, 404 otherwise). Not
    audited here: the page shows counts and masked errors, the services audit each step."""
    if not can_unggah_penyaluran(user):
        raise PermissionDenied
    visible = scope_unggahan_penyaluran(user, UnggahanPenyaluran.objects.all())
    return get_object_or_404(
        visible.select_related("diunggah_oleh", "diterapkan_oleh"), pk=unggahan_id
    )
