"""Pieces for the SQL statements the ORM cannot express well (CONVENTIONS 3.1).

Set-based upserts, window functions over runs of meetings and one aggregate over many tables
are written as SQL. Two rules keep them readable and safe to change, and
scripts/check_rules.py enforces both: table names come from the models (`db_table(Keluarga)`,
never a literal `kpm_keluarga`), and every value is a named parameter (`%(awal)s` with a
dict), never a positional `%s` whose value sits in a list somewhere else.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet

_PLACEHOLDER = re.compile(r"%%|%s")


def db_table(model: type[Model]) -> str:
    """The model's table name (`Model._meta.db_table`), quoted for SQL text."""
    return connection.ops.quote_name(model._meta.db_table)


def queryset_sql(qs: QuerySet[Any], *, prefix: str) -> tuple[str, dict[str, Any]]:
    """The queryset compiled to SQL for embedding in a statement with named parameters.

    Django compiles to positional placeholders; each becomes `%(<prefix>_<n>)s`, so the
    statement takes one dict. An escaped literal percent (`%%`) stays as it is.
    """
    text, values = qs.query.sql_with_params()
    remaining = iter(values)
    params: dict[str, Any] = {}

    def rename(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        name = f"{prefix}_{len(params)}"
        params[name] = next(remaining)
        return f"%({name})s"

    return _PLACEHOLDER.sub(rename, text), params


class SqlParts:
    """SQL text and its named parameters, kept together while the statement grows."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: dict[str, Any] = {}
        self._querysets = 0

    def add(self, text: str, **params: Any) -> None:
        for name, value in params.items():
            if self.params.get(name, value) != value:
                raise ValueError(f"SQL parameter {name!r} given two values")
            self.params[name] = value
        self.parts.append(text)

    def add_queryset(self, qs: QuerySet[Any]) -> None:
        self._querysets += 1
        text, params = queryset_sql(qs, prefix=f"qs{self._querysets}")
        self.add(text, **params)

    @property
    def text(self) -> str:
        return "\n".join(self.parts)
