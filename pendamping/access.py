"""Who may see which pendamping and which field records: built on kpm's privacy choke point.

Cases, referrals, visits and scores are personal and sensitive (DOMAIN.md §10): a user sees a
record only when they may see its family (`kpm.access.scope_keluarga`), so a pendamping sees
the records of the families assigned to them, a koordinator those of their area.
"""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from dinsos import services as dinsos_services
from dinsos.access import di_kelurahan_scope, scope_kelurahan_ids, scope_wilayah
from dinsos.models import AuditEvent, User
from kpm.access import access_keluarga, keluarga_dibatasi_ids, scope_keluarga
from kpm.models import Keluarga, PermintaanPembatasan
from pendamping.models import (
    Arahan,
    ArahanPenerima,
    Kasus,
    KlienPmks,
    Kunjungan,
    LaporanBulanan,
    PembatasanKlien,
    Pendamping,
    Rujukan,
    SkorKepuasan,
    Sosialisasi,
)

R = User.Role
# Who records field work: the pendamping for their own families, office staff on their behalf.
PENCATAT = frozenset({R.ADMIN, R.OPERATOR, R.PENDAMPING})
# Who moves families between pendamping: office staff and the koordinator of the area.
PENGATUR_PENUGASAN = frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})


def can_record_layanan(user: User) -> bool:
    return user.role in PENCATAT


def can_manage_penugasan(user: User) -> bool:
    return user.role in PENGATUR_PENUGASAN


def scope_pendamping(user: User, pendamping: QuerySet[Pendamping]) -> QuerySet[Pendamping]:
    """Limit `pendamping` to what `user` may see.

    - admin: everyone;
    - operator, koordinator: workers with an area of duty inside their areas;
    - pendamping: only their own profile.
    """
    if user.role == R.ADMIN:
        return pendamping
    if user.role == R.PENDAMPING:
        return pendamping.filter(user=user)
    if user.role in {R.OPERATOR, R.KOORDINATOR}:
        in_area = Pendamping.wilayah.through.objects.filter(
            wilayah_id__in=scope_wilayah(user).values("pk")
        ).values("pendamping_id")
        return pendamping.filter(pk__in=in_area)
    return pendamping.none()


def access_pendamping(user: User, pendamping_id: int) -> Pendamping:
    """Return the worker if `user` may see them; a missing one and a hidden one are both 404."""
    visible = scope_pendamping(user, Pendamping.objects.select_related("user", "jenis"))
    return get_object_or_404(visible, pk=pendamping_id)


def access_keluarga_for_layanan(user: User, keluarga_id: int) -> Keluarga:
    """Return a family the user may record field work for (404 outside scope, 403 by role).

    Not audited here: the service records what is written.
    """
    keluarga = access_keluarga(user, keluarga_id, audit=False)
    if not can_record_layanan(user):
        raise PermissionDenied
    return keluarga


def access_keluarga_ids(user: User, keluarga_ids: Collection[int]) -> list[int]:
    """Return the ids if the user may see every one of those families, else 404 (no probing)."""
    wanted = set(keluarga_ids)
    visible = set(
        scope_keluarga(user, Keluarga.objects.filter(pk__in=wanted)).values_list("pk", flat=True)
    )
    if visible != wanted:
        raise Http404
    return sorted(visible)


# --- PMKS clients who are not KPM (issue 20) ------------------------------------------
def klien_dibatasi_ids() -> QuerySet[PembatasanKlien, int]:
    """Ids of the clients under a restriction request in force (a subquery)."""
    berlaku = PembatasanKlien.objects.filter(permintaan__status__in=PermintaanPembatasan.BERLAKU)
    return berlaku.values_list("klien_id", flat=True)


def scope_klien(
    user: User, klien: QuerySet[KlienPmks], *, termasuk_dibatasi: bool = False
) -> QuerySet[KlienPmks]:
    """Limit `klien` to what `user` may see, as families are scoped:

    - admin: every client;
    - operator, koordinator: clients living in the kelurahan under their areas;
    - pendamping (any PSKS worker with a login): only the clients they handle, still inside
      their areas.

    A client under a restriction request in force (UU 27/2022) is left out for every role,
    as a restricted family is, unless `termasuk_dibatasi` (the request register only).
    """
    if not termasuk_dibatasi:
        klien = klien.exclude(pk__in=klien_dibatasi_ids())
    if user.role == R.ADMIN:
        return klien
    in_area = klien.filter(kelurahan_id__in=scope_kelurahan_ids(user))
    if user.role == R.PENDAMPING:
        return in_area.filter(pendamping__user=user)
    if user.role in {R.OPERATOR, R.KOORDINATOR}:
        return in_area
    return klien.none()


def can_register_klien(user: User) -> bool:
    return user.role in PENCATAT


def access_klien(user: User, klien_id: int, *, for_update: bool = False) -> KlienPmks:
    """Return the client if `user` may see them (404 otherwise; 403 to change them without
    the right role). A read is recorded in the audit log; a denied request records nothing."""
    visible = scope_klien(
        user, KlienPmks.objects.select_related("kategori", "kelurahan__parent", "pendamping")
    )
    klien = get_object_or_404(visible, pk=klien_id)
    if for_update and not can_register_klien(user):
        raise PermissionDenied
    if not for_update:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=klien)
    return klien


def can_catat_pembatasan(user: User) -> bool:
    """Who records a restriction request: as for families (kpm.selectors.PENCATAT)."""
    return user.role in {R.ADMIN, R.OPERATOR}


def access_klien_for_pembatasan(user: User, klien_id: int) -> KlienPmks:
    """A client (visible, not restricted yet) for whom `user` may record a restriction
    request (admin, operator; 404 outside scope, 403 by role). Not audited here: the
    service records the request."""
    if not can_catat_pembatasan(user):
        raise PermissionDenied
    return access_klien(user, klien_id, for_update=True)


def access_klien_for_layanan(user: User, klien_id: int) -> KlienPmks:
    """Return a client the user may record field work for (404 outside scope, 403 by role).

    Not audited here: the service records what is written.
    """
    return access_klien(user, klien_id, for_update=True)


def _subjek_visible(user: User) -> Q:
    """Records of the families and of the PMKS clients `user` may see.

    The same families as `scope_keluarga`, said on the record's own family row (joined)
    rather than as `keluarga_id IN (every family the user may see)`: not restricted
    (`keluarga_id NOT IN` the few restricted), in the user's kelurahan, and a pendamping's
    own. The IN form hashed every family of the area before reading a record (issue 21: an
    operator's 986 referrals at province scale waited 117 ms for 100.000 family ids)."""
    keluarga = Q(keluarga__isnull=False) & ~Q(keluarga_id__in=keluarga_dibatasi_ids())
    if user.role == User.Role.PENDAMPING:
        keluarga &= Q(di_kelurahan_scope(user, "keluarga__kelurahan_id"), keluarga__pendamping=user)
    elif user.role in {User.Role.OPERATOR, User.Role.KOORDINATOR}:
        keluarga &= Q(di_kelurahan_scope(user, "keluarga__kelurahan_id"))
    elif user.role != User.Role.ADMIN:
        keluarga = Q(pk__in=[])
    return keluarga | Q(klien__in=scope_klien(user, KlienPmks.objects.all()))


def scope_kasus(user: User, kasus: QuerySet[Kasus]) -> QuerySet[Kasus]:
    """Cases of the families and PMKS clients `user` may see."""
    return kasus.filter(_subjek_visible(user))


def scope_rujukan(user: User, rujukan: QuerySet[Rujukan]) -> QuerySet[Rujukan]:
    """Referrals of the families and PMKS clients `user` may see."""
    return rujukan.filter(_subjek_visible(user))


def scope_kunjungan(user: User, kunjungan: QuerySet[Kunjungan]) -> QuerySet[Kunjungan]:
    """Visits of the families and PMKS clients `user` may see."""
    return kunjungan.filter(_subjek_visible(user))


def scope_skor(user: User, skor: QuerySet[SkorKepuasan]) -> QuerySet[SkorKepuasan]:
    """Satisfaction scores of the families `user` may see."""
    return skor.filter(keluarga__in=scope_keluarga(user, Keluarga.objects.all()))


def access_kasus(user: User, kasus_id: int, *, for_update: bool = False) -> Kasus:
    """Return the case if `user` may see its family (404 otherwise; 403 to change it without
    the right role). A read is recorded in the audit log; a denied request records nothing."""
    visible = scope_kasus(
        user,
        Kasus.objects.select_related(
            "keluarga__pengurus", "keluarga__kelurahan", "klien__kelurahan"
        ),
    )
    kasus = get_object_or_404(visible.select_related("pendamping", "dicatat_oleh"), pk=kasus_id)
    if for_update and not can_record_layanan(user):
        raise PermissionDenied
    if not for_update:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=kasus)
    return kasus


def access_rujukan(user: User, rujukan_id: int, *, for_update: bool = False) -> Rujukan:
    """Return the referral if `user` may see its family (404 otherwise; 403 to change it
    without the right role). A read is recorded in the audit log."""
    visible = scope_rujukan(
        user,
        Rujukan.objects.select_related(
            "keluarga__pengurus", "keluarga__kelurahan", "klien__kelurahan"
        ),
    )
    rujukan = get_object_or_404(
        visible.select_related("pendamping", "dicatat_oleh", "kasus"), pk=rujukan_id
    )
    if for_update and not can_record_layanan(user):
        raise PermissionDenied
    if not for_update:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=rujukan)
    return rujukan


# --- RHK 7/8 pages (issue 20): monthly reports and directives --------------------------------
def scope_laporan_bulanan(
    user: User, laporan: QuerySet[LaporanBulanan]
) -> QuerySet[LaporanBulanan]:
    """Monthly reports of the pendamping `user` may see (a pendamping: their own)."""
    return laporan.filter(pendamping__in=scope_pendamping(user, Pendamping.objects.all()))


def scope_arahan(user: User, arahan: QuerySet[Arahan]) -> QuerySet[Arahan]:
    """Directives with at least one recipient `user` may see (a pendamping: the ones given to
    them); admin sees every directive."""
    if user.role == R.ADMIN:
        return arahan
    penerima = ArahanPenerima.objects.filter(
        pendamping__in=scope_pendamping(user, Pendamping.objects.all())
    ).values("arahan_id")
    return arahan.filter(pk__in=penerima)


def access_arahan(user: User, arahan_id: int) -> Arahan:
    """Return the directive if `user` may see it; a missing one and a hidden one are both 404."""
    visible = scope_arahan(user, Arahan.objects.select_related("dibuat_oleh"))
    return get_object_or_404(visible, pk=arahan_id)


def access_arahan_penerima(user: User, arahan_id: int) -> ArahanPenerima:
    """The signed-in pendamping's own copy of a directive (404 if it was not given to them)."""
    return get_object_or_404(
        ArahanPenerima.objects.select_related("arahan", "pendamping"),
        arahan_id=arahan_id,
        pendamping__user=user,
    )


def scope_sosialisasi(user: User, sosialisasi: QuerySet[Sosialisasi]) -> QuerySet[Sosialisasi]:
    """RHK 9 activities of the pendamping `user` may see (a pendamping: their own)."""
    return sosialisasi.filter(pendamping__in=scope_pendamping(user, Pendamping.objects.all()))


def access_sosialisasi(user: User, sosialisasi_id: int) -> Sosialisasi:
    """Return the activity if `user` may see it; a missing one and a hidden one are both 404."""
    visible = scope_sosialisasi(user, Sosialisasi.objects.select_related("pendamping"))
    return get_object_or_404(visible, pk=sosialisasi_id)
