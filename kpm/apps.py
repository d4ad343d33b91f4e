from django.apps import AppConfig


class KpmConfig(AppConfig):
    name = "kpm"
    verbose_name = "KPM"

    def ready(self) -> None:
        from dinsos import hooks
        from dinsos.models import Persetujuan
        from kpm import access, selectors, services, urls
        from kpm.selectors import beranda, penyaluran

        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
        # Issue 20: restriction requests (UU 27/2022): the admin's deadline line, and the
        # identifiers the export writer never writes.
        hooks.registry.register(hooks.BERANDA, selectors.pembatasan_beranda)
        hooks.registry.register(hooks.IDENTITAS_DIBATASI, access.identitas_dibatasi)
        # Issue 20: RHK 1 per pendamping from the payouts per tahap (bank/Pos lists).
        hooks.registry.register(hooks.RHK_PENDAMPING, penyaluran.rhk_penyaluran, key="penyaluran")
        hooks.registry.register(
            hooks.RHK_PENDAMPING, penyaluran.rhk_penyaluran_gagal, key="penyaluran_gagal"
        )
        # Issue 20: an approved four-eyes status change (ditangguhkan/dibatalkan).
        hooks.registry.register(
            hooks.EKSEKUTOR_PERSETUJUAN,
            services.persetujuan_status_keluarga,
            key=Persetujuan.Jenis.STATUS_KELUARGA,
        )
