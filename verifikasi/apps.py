from django.apps import AppConfig


class VerifikasiConfig(AppConfig):
    name = "verifikasi"
    verbose_name = "Verifikasi komitmen"

    def ready(self) -> None:
        from dinsos import hooks
        from verifikasi import selectors, urls

        # Its monthly rule, the family page's panel, RHK 3 verifications recorded (read by
        # pendamping), and its records in a data-subject export.
        hooks.registry.register(hooks.PELANGGARAN_KOMITMEN, selectors.pelanggaran_komitmen)
        hooks.registry.register(hooks.PANEL_KELUARGA, selectors.keluarga_panel)
        hooks.registry.register(hooks.RHK_PENDAMPING, selectors.rhk_komitmen, key="komitmen")
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, selectors.beranda_komitmen)
