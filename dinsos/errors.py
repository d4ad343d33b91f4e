"""Errors that carry an Indonesian message the user can act on."""

from dataclasses import dataclass


class DomainError(Exception):
    """A business rule refused the change; `message` is shown to the user as is.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class RowError:
    """One problem in one row of an imported file, located for the user."""

    row: int  # 1-based row number as Excel shows it
    column: str  # the header as written in the file
    message: str  # Indonesian, names the problem and how to fix it
    is_warning: bool = False
