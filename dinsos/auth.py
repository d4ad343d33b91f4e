"""Authentication backend: the admin role holds every model permission."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from dinsos.models import User


def _is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return isinstance(user, User) and user.is_active and user.role == User.Role.ADMIN


class RoleBackend(ModelBackend):
    """Model permissions follow `User.role`, so roles are not duplicated as Django groups."""

    def has_perm(
        self, user_obj: AbstractBaseUser | AnonymousUser, perm: str, obj: Model | None = None
    ) -> bool:
        if _is_admin(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)  # type: ignore[arg-type]  # stubs: User only

    def has_module_perms(self, user_obj: AbstractBaseUser | AnonymousUser, app_label: str) -> bool:
        if _is_admin(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)  # type: ignore[arg-type]  # same
