"""Role and area scoping: the base of every `access_*` helper and every scoped read.

Rules (one condition per line, heavily tested):
- an admin sees every area;
- an operator and a koordinator see the kelurahan under their assigned areas;
- a pendamping is further limited to their own families by the app that knows assignments;
- a user with no area sees nothing.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
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


class _SamaSalahSatu(Func):
    """`expression = ANY(ARRAY(subquery))`, true when the value is one of the subquery's."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def di_kelurahan_scope(user: User, field: str = "kelurahan_id") -> Func:
    """A filter condition: `field` is one of the kelurahan the user may see.

    The same rows as `field__in=scope_kelurahan_ids(user)`, written `= ANY(ARRAY(…))` so
    PostgreSQL reads the user's kelurahan once, then the table once. As an IN (subquery)
    it joined the areas first and, guessing one kelurahan where there were 22, read the
    family table once per kelurahan (issue 21, province scale: an operator's count of
    85.000 families 0,32 s instead of 0,09 s, a page by pengurus name 1,1 s instead of 30 ms).
    """
    return _SamaSalahSatu(F(field), ArraySubquery(scope_kelurahan_ids(user)))


def access_persetujuan(user: User, persetujuan_id: int) -> Persetujuan:
    """A four-eyes proposal the user may decide (role and area, not their own) or withdraw
    (their own, still waiting); anything else is the same 404, so ids cannot be probed."""
    mine = Q(diajukan_oleh=user)
    decidable = Q(peran_penyetuju__contains=[user.role]) & ~mine
    if user.role != User.Role.ADMIN:
        decidable &= Q(wilayah__in=scope_wilayah(user))
    visible = Persetujuan.objects.filter(mine | decidable, status=Persetujuan.Status.DIAJUKAN)
    return get_object_or_404(visible.select_related("diajukan_oleh"), pk=persetujuan_id)
