"""Access helpers of the dtsen app; the snapshot helpers are re-exported here."""

from dtsen.access.snapshot import (
    access_kecamatan,
    access_penerapan,
    access_snapshot,
    access_snapshot_pembanding,
    scope_snapshot,
)

__all__ = [
    "access_kecamatan",
    "access_penerapan",
    "access_snapshot",
    "access_snapshot_pembanding",
    "scope_snapshot",
]
