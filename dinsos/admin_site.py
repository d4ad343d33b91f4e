"""The Django admin, open to the admin role only."""

from django.contrib import admin
from django.http import HttpRequest

from dinsos.models import User


class DinsosAdminSite(admin.AdminSite):
    site_header = "Administrasi Portal Dinsos"
    site_title = "Portal Dinsos"
    index_title = "Administrasi"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return isinstance(user, User) and user.is_active and user.role == User.Role.ADMIN
