"""Logging filters: the last line of defence that keeps identifiers out of log files."""

import logging
import re

# DOMAIN.md §8: NIK and No KK are 16 digits. Any 16-digit run in a log line is masked,
# keeping the 4-digit region prefix and the last 2 digits like `mask_nik`.
_IDENTIFIER = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{2})(?!\d)")


def contains_identifier(text: str) -> bool:
    """True when `text` holds a 16-digit run (a NIK or No KK)."""
    return _IDENTIFIER.search(text) is not None


def redact(text: str) -> str:
    """Mask every 16-digit number in `text`."""
    return _IDENTIFIER.sub(r"\1**********\2", text)


class RedactIdentifiersFilter(logging.Filter):
    """Rewrite a record's message so that no full NIK or No KK reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
