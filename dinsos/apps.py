from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DinsosConfig(AppConfig):
    name = "dinsos"
    default = True
    verbose_name = "Inti portal"

    def ready(self) -> None:
        from dinsos import (
            beranda,
            checks,  # noqa: F401  (registers the deploy checks)
            hooks,  # registers the hooks' system check
            navigation,
        )

        hooks.registry.register(hooks.MENU, navigation.menu_inti)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
        hooks.registry.register(hooks.BERANDA, beranda.persetujuan_items)


class DinsosAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "dinsos.admin_site.DinsosAdminSite"
