"""Role and area scoping: the base of every `access_*` helper and every scoped read.

Rules (one condition per line, heavily tested):
- an admin sees every area;
- an operator and a koordinator see the kelurahan under their assigned areas;
- a pendamping is further limited to their own families by the app that knows assignments;
- a user with no area sees nothing.
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Exact, StartsWith
from django.shortcuts import get_object_or_404

from dinsos.models import Persetujuan, User, Wilayah


def scope_wilayah(user: User) -> QuerySet[Wilayah]:
    """Return the areas (at every level) that lie inside the user's assigned areas.

    Built as one subquery (no query of its own), so a page can scope several reads without
    fetching the user's areas each time.
    """
    areas = Wilayah.objects.all()
    if user.role == User.Role.ADMIN:
        return areas
    assigned = (
        User.wilayah.through.objects.filter(user_id=user.pk)
        .annotate(prefix=Concat(F("wilayah__kode"), Value(".")))
        .filter(
            Q(Exact(OuterRef("kode"), F("wilayah__kode")))
            | Q(StartsWith(OuterRef("kode"), F("prefix")))
        )
    )
    return areas.filter(Exists(assigned))


def scope_kelurahan_ids(user: User) -> QuerySet[Wilayah, int]:
    """Return the ids of the kelurahan/desa the user may see, as a subquery."""
    return (
        scope_wilayah(user).filter(tingkat=Wilayah.Tingkat.KELURAHAN).values_list("pk", flat=True)
    )


def access_persetujuan(user: User, persetujuan_id: int) -> Persetujuan:
    """A four-eyes proposal the user may decide (role and area, not their own) or withdraw
    (their own, still waiting); anything else is the same 404, so ids cannot be probed."""
    mine = Q(diajukan_oleh=user)
    decidable = Q(peran_penyetuju__contains=[user.role]) & ~mine
    if user.role != User.Role.ADMIN:
        decidable &= Q(wilayah__in=scope_wilayah(user))
    visible = Persetujuan.objects.filter(mine | decidable, status=Persetujuan.Status.DIAJUKAN)
    return get_object_or_404(visible.select_related("diajukan_oleh"), pk=persetujuan_id)
