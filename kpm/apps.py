from django.apps import AppConfig


class KpmConfig(AppConfig):
    name = "kpm"
    verbose_name = "KPM"

    def ready(self) -> None:
        from dinsos import hooks
        from kpm import urls
        from kpm.selectors import beranda

        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
