"""Who may see which reconciliation run and which finding (404 for the rest, like missing ids)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids, scope_wilayah
from dinsos.models import AuditEvent, User
from dtsen.access.snapshot import _ancestor_codes
from dtsen.models import EksporSiks, Rekonsiliasi, Temuan, TemuanRiwayat
from kpm.access import exclude_dibatasi

R = User.Role
# The office decides; a pendamping records what they found on the ground.
PEMUTUS = frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})


def scope_rekonsiliasi(user: User, runs: QuerySet[Rekonsiliasi]) -> QuerySet[Rekonsiliasi]:
    """Limit `runs` to those the user may follow.

    - admin: every run;
    - operator, koordinator: runs of an area that contains, or lies inside, their areas;
    - pendamping: none (they see their findings, not the runs).
    """
    if user.role == R.ADMIN:
        return runs
    if user.role not in {R.OPERATOR, R.KOORDINATOR}:
        return runs.none()
    covering = Q(wilayah__kode__in=_ancestor_codes(user))
    inside = Q(wilayah__in=scope_wilayah(user))
    return runs.filter(covering | inside)


def scope_temuan(user: User, temuan: QuerySet[Temuan]) -> QuerySet[Temuan]:
    """Limit `temuan` to the findings the user may see.

    - admin: every finding;
    - operator, koordinator: findings in the kelurahan under their areas;
    - pendamping: findings assigned to them or about their families, inside their areas.
    """
    temuan = exclude_dibatasi(temuan)  # UU 27/2022 restriction requests (kpm.access)
    if user.role == R.ADMIN:
        return temuan
    in_area = temuan.filter(kelurahan_id__in=scope_kelurahan_ids(user))
    if user.role == R.PENDAMPING:
        return in_area.filter(Q(pendamping=user) | Q(keluarga__pendamping=user))
    if user.role in {R.OPERATOR, R.KOORDINATOR}:
        return in_area
    return temuan.none()


def access_rekonsiliasi(
    user: User, rekonsiliasi_id: int, *, for_update: bool = False
) -> Rekonsiliasi:
    """A run the user may follow (and start or cancel, with `for_update`); else 404/403."""
    visible = scope_rekonsiliasi(
        user,
        Rekonsiliasi.objects.select_related(
            "wilayah", "snapshot_dtsen", "snapshot_dtsen_lama", "snapshot_pbijk", "started_by"
        ),
    )
    run = get_object_or_404(visible, pk=rekonsiliasi_id)
    if for_update and user.role not in {R.ADMIN, R.OPERATOR}:
        raise PermissionDenied
    return run


def access_temuan(
    user: User, temuan_id: int, *, for_assign: bool = False, audit: bool = True
) -> Temuan:
    """A finding the user may see; missing and out-of-scope ids raise the same 404.

    With `for_assign`, only the office (admin, operator, koordinator) passes. A read is
    recorded in the audit log; a denied request records nothing.
    """
    related = Temuan.objects.select_related(
        "kelurahan", "kecamatan", "pendamping", "keluarga__pendamping", "anggota", "sebelumnya"
    ).annotate(run_terakhir_id=run_terakhir())
    temuan = get_object_or_404(scope_temuan(user, related), pk=temuan_id)
    if for_assign and user.role not in PEMUTUS:
        raise PermissionDenied
    if audit:
        dinsos_services.audit_record(user=user, action=AuditEvent.Action.VIEW, obj=temuan)
    return temuan


def run_terakhir() -> Subquery:
    """The latest finished run of a finding's kind and area: the last run that saw it while
    it is open (dtsen/services/gabung.py does not rewrite unchanged open findings)."""
    return Subquery(
        Rekonsiliasi.objects.filter(
            jenis=OuterRef("jenis"),
            wilayah=OuterRef("wilayah"),
            status=Rekonsiliasi.Status.SELESAI,
        )
        .order_by("-finished_at", "-id")
        .values("pk")[:1]
    )


def access_bukti(user: User, temuan_id: int, riwayat_id: int) -> TemuanRiwayat:
    """An evidence file of a finding the user may see (404 otherwise); recorded as a view."""
    temuan = access_temuan(user, temuan_id, audit=False)
    riwayat = get_object_or_404(
        TemuanRiwayat.objects.exclude(bukti=""), pk=riwayat_id, temuan=temuan
    )
    dinsos_services.audit_record(
        user=user, action=AuditEvent.Action.VIEW, obj=temuan, reason="Bukti tindak lanjut"
    )
    return riwayat


def access_ekspor(user: User, ekspor_id: int) -> EksporSiks:
    """An export the user made, or any export for an admin (404 otherwise)."""
    exports = EksporSiks.objects.all()
    if user.role != R.ADMIN:
        exports = exports.filter(dibuat_oleh=user)
    return get_object_or_404(exports, pk=ekspor_id)
