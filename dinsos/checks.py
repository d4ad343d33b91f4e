"""System checks of the portal's own production rules, run by `manage.py check --deploy`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that never deliver a mail: the password-reset link would land in the web log
# (console), on the server's disk (file) or nowhere (locmem, dummy), and whoever reads the
# log could take the account (issue 22, finding 7).
UNDELIVERED_MAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)


@register(Tags.security, deploy=True)
def check_mail_backend_delivers(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Error]:
    """Refuse a mail backend that writes mails to a log or file when DEBUG is off."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in UNDELIVERED_MAIL_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND {settings.EMAIL_BACKEND} tidak mengirim email: tautan lupa kata "
            "sandi akan tertulis di log atau berkas server.",
            hint="Set EMAIL_URL ke server SMTP, mis. "
            "smtp+tls://user:sandi@smtp.example.go.id:587 (lihat .env.example).",
            id="dinsos.E001",
        )
    ]
