"""Role and area scoping: the base of every `access_*` helper and every scoped read.

Rules (one condition per line, heavily tested):
- an admin sees every area;
- an operator and a koordinator see the kelurahan under their assigned areas;
- a pendamping is further limited to their own families by the app that knows assignments;
- a user with no area sees nothing.
"""

from django.db.models import Q, QuerySet

from dinsos.models import User, Wilayah


def scope_wilayah(user: User) -> QuerySet[Wilayah]:
    """Return the areas (at every level) that lie inside the user's assigned areas."""
    areas = Wilayah.objects.all()
    if user.role == User.Role.ADMIN:
        return areas
    codes = list(user.wilayah.values_list("kode", flat=True))
    if not codes:
        return areas.none()
    inside = Q()
    for kode in codes:
        inside |= Q(kode=kode) | Q(kode__startswith=f"{kode}.")
    return areas.filter(inside)


def scope_kelurahan_ids(user: User) -> QuerySet[Wilayah, int]:
    """Return the ids of the kelurahan/desa the user may see, as a subquery."""
    return (
        scope_wilayah(user).filter(tingkat=Wilayah.Tingkat.KELURAHAN).values_list("pk", flat=True)
    )
