from django.apps import AppConfig


class DtsenConfig(AppConfig):
    name = "dtsen"
    verbose_name = "DTSEN dan PBI-JK"

    def ready(self) -> None:
        from dinsos import hooks
        from dinsos.models import Persetujuan
        from dtsen import selectors, urls
        from dtsen.selectors import beranda
        from dtsen.selectors import rekonsiliasi as selectors_rekonsiliasi
        from dtsen.selectors import sekolah_rakyat as selectors_sekolah_rakyat
        from dtsen.services import penerapan

        hooks.registry.register(hooks.PANEL_KELUARGA, selectors_rekonsiliasi.keluarga_panel)
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
        # Issue 20: the second-admin approval of a large desil removal, from the shared queue.
        hooks.registry.register(
            hooks.EKSEKUTOR_PERSETUJUAN,
            penerapan.persetujuan_penerapan,
            key=Persetujuan.Jenis.DTSEN_HAPUS_DESIL,
        )
        # Issue 20, D5: Sekolah Rakyat candidates from DTSEN who are not KPM (verifikasi is
        # below dtsen in the layers and reads them through this hook).
        hooks.registry.register(hooks.ANAK_DTSEN, selectors_sekolah_rakyat.anak_dtsen_bukan_kpm)
