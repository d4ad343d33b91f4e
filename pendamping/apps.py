from django.apps import AppConfig


class PendampingConfig(AppConfig):
    name = "pendamping"
    verbose_name = "Pendamping"

    def ready(self) -> None:
        from dinsos import hooks
        from pendamping import selectors, urls
        from pendamping.selectors import beranda

        hooks.registry.register(hooks.PANEL_KELUARGA, selectors.keluarga_panel)
        hooks.registry.register(hooks.KONTAK_PENDAMPING, selectors.kontak_kunjungan)
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
