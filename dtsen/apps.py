from django.apps import AppConfig


class DtsenConfig(AppConfig):
    name = "dtsen"
    verbose_name = "DTSEN dan PBI-JK"

    def ready(self) -> None:
        from dinsos import hooks
        from dtsen import selectors, urls
        from dtsen.selectors import beranda
        from dtsen.selectors import rekonsiliasi as selectors_rekonsiliasi

        hooks.registry.register(hooks.PANEL_KELUARGA, selectors_rekonsiliasi.keluarga_panel)
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
