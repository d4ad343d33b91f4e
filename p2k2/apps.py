from django.apps import AppConfig


class P2k2Config(AppConfig):
    name = "p2k2"
    verbose_name = "P2K2"

    def ready(self) -> None:
        from dinsos import hooks
        from p2k2 import selectors, urls
        from p2k2.selectors import beranda, pelanggaran

        # The family page's "Kehadiran P2K2" panel, attendance as a contact (hadir at a
        # meeting), RHK 2 meetings held, and the alfa rule that proposes a suspension.
        hooks.registry.register(hooks.PANEL_KELUARGA, selectors.keluarga_panel)
        hooks.registry.register(hooks.KONTAK_PENDAMPING, selectors.kontak_p2k2)
        hooks.registry.register(hooks.RHK_PENDAMPING, selectors.rhk_p2k2, key="p2k2")
        hooks.registry.register(hooks.PELANGGARAN_KOMITMEN, pelanggaran.pelanggaran_alfa)
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
