from django.apps import AppConfig


class PengaduanConfig(AppConfig):
    name = "pengaduan"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from dinsos import hooks
        from pengaduan import selectors

        hooks.registry.register(hooks.BERANDA, selectors.beranda_items)
        hooks.registry.register(hooks.MENU, selectors.menu_items)
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.PANEL_KELUARGA, selectors.keluarga_panel)
