"""The Django admin, open to the admin role only; every deletion in it is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from dinsos import services
from dinsos.models import AuditEvent, User


class AuditDeletionMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records every deletion from the admin as one AuditEvent with how many rows went.

    Django calls `log_deletions` before it deletes, from both the delete page and the
    "hapus yang dipilih" action, after its confirmation page has shown the count and every
    related row that goes with them (issue 15: a destructive action shows its count before it
    runs and is recorded with that count).
    """

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        user = request.user if isinstance(request.user, User) else None
        jumlah = queryset.count()
        services.audit_record(
            user=user,
            action=AuditEvent.Action.DELETE,
            object_type=queryset.model._meta.label_lower,
            object_repr=f"{jumlah} {queryset.model._meta.verbose_name_plural}",
            reason="Dihapus melalui admin",
            jumlah=jumlah,
        )
        return super().log_deletions(request, queryset)


class DinsosAdminSite(admin.AdminSite):
    site_header = "Administrasi Portal Dinsos"
    site_title = "Portal Dinsos"
    index_title = "Administrasi"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return isinstance(user, User) and user.is_active and user.role == User.Role.ADMIN

    def register(
        self,
        model_or_iterable: type[Model] | Any,
        admin_class: type[admin.ModelAdmin] | None = None,  # type: ignore[type-arg]
        **options: Any,
    ) -> None:
        """Every registered admin records its deletions (AuditDeletionMixin), whichever app
        registers it, so a new admin cannot forget it."""
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditDeletionMixin):
            base = type(base.__name__, (AuditDeletionMixin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)
