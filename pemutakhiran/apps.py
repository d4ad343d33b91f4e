from django.apps import AppConfig


class PemutakhiranConfig(AppConfig):
    name = "pemutakhiran"
    verbose_name = "Pemutakhiran DTSEN"

    def ready(self) -> None:
        from dinsos import hooks
        from dinsos.models import Persetujuan
        from pemutakhiran import selectors, services

        hooks.registry.register(hooks.BERANDA, selectors.beranda_items)
        hooks.registry.register(hooks.MENU, selectors.menu_items)
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.PANEL_KELUARGA, selectors.keluarga_panel)
        hooks.registry.register(hooks.PANEL_TEMUAN, selectors.temuan_panel)
        hooks.registry.register(hooks.SNAPSHOT_DITERAPKAN, services.snapshot_diterapkan)
        # Issue 20: an approved PBI-JK deactivation/reactivation decision (four eyes).
        hooks.registry.register(
            hooks.EKSEKUTOR_PERSETUJUAN,
            services.persetujuan_pbijk,
            key=Persetujuan.Jenis.PBIJK,
        )
