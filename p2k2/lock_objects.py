"""Row locks of the P2K2 app, always taken in pk order so two requests never deadlock."""

from collections.abc import Collection

from p2k2.models import Kelompok


def kelompok_lock(kelompok_ids: Collection[int]) -> None:
    """Lock groups (size checks, moves, a meeting made offline) until the transaction ends."""
    list(Kelompok.objects.select_for_update().filter(pk__in=kelompok_ids).order_by("pk"))
