"""Shared vocabulary of the access-matrix test (tests/test_access_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# anonim: not signed in; pendamping_a: Hadimulyo Barat (Metro Pusat); pendamping_b: Iring
# Mulyo (Metro Timur); koordinator: kecamatan Metro Pusat; operator and admin: Kota Metro;
# operator_kelurahan: the operator kelurahan/desa of Hadimulyo Barat (issue 17).
PERSONAS = (
    "anonim",
    "admin",
    "operator",
    "koordinator",
    "pendamping_a",
    "pendamping_b",
    "operator_kelurahan",
)
# The operator kelurahan/desa opens only the pages marked for it (dinsos.http.
# allow_operator_kelurahan); every other page refuses the role before looking at any id, so
# it gets 403 wherever a rule does not name it, even where other personas get 404.
DITOLAK_PERAN = {"operator_kelurahan": 403}

Status = int | tuple[int, ...]


@dataclass
class World:
    """The objects the rules' URLs point at; apps add their own attributes in `build`."""

    users: dict[str, Any]
    kota_metro: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["extra"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def __setattr__(self, name: str, value: Any) -> None:
        if name in {"users", "kota_metro", "extra"}:
            object.__setattr__(self, name, value)
        else:
            self.extra[name] = value


@dataclass(frozen=True)
class Rule:
    """Expected status per persona for one URL name (GET unless `method` says otherwise)."""

    statuses: dict[str, Status]
    kwargs: Callable[[World], dict[str, Any]] | None = None
    method: str = "get"

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.statuses)
        assert not missing, f"aturan tanpa status untuk {sorted(missing)}"


def ok_for(*personas: str, ok: Status = 200, deny: Status = 403) -> dict[str, Status]:
    """Statuses for signed-in personas: `ok` for the named ones, `deny` for the rest (403
    for an unnamed operator kelurahan/desa: DITOLAK_PERAN)."""
    return {
        p: (ok if p in personas else DITOLAK_PERAN.get(p, deny)) for p in PERSONAS if p != "anonim"
    }
