from django.apps import AppConfig


class KpmConfig(AppConfig):
    name = "kpm"
    verbose_name = "KPM"

    def ready(self) -> None:
        from dinsos import hooks
        from kpm import beranda, selectors_komitmen, urls

        # Verifikasi komitmen: its monthly rule, the family page's panel, RHK 3
        # verifications recorded, and its records in a data-subject export.
        hooks.registry.register(hooks.PELANGGARAN_KOMITMEN, selectors_komitmen.pelanggaran_komitmen)
        hooks.registry.register(hooks.PANEL_KELUARGA, selectors_komitmen.keluarga_panel)
        hooks.registry.register(
            hooks.RHK_PENDAMPING, selectors_komitmen.rhk_komitmen, key="komitmen"
        )
        hooks.registry.register(hooks.DATA_SUBJEK, selectors_komitmen.data_subjek)
        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.MENU, urls.menu_komitmen)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_komitmen)
