from django.apps import AppConfig


class LaporanConfig(AppConfig):
    name = "laporan"
    verbose_name = "Laporan rakor bulanan"

    def ready(self) -> None:
        from dinsos import hooks
        from laporan import selectors

        hooks.registry.register(hooks.MENU, selectors.menu_items)
