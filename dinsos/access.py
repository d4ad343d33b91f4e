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

from dinsos.models import User, Wilayah


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
