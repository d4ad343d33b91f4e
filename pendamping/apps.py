from django.apps import AppConfig


class PendampingConfig(AppConfig):
    name = "pendamping"
    verbose_name = "Pendamping"

    def ready(self) -> None:
        from dinsos import hooks
        from pendamping import selectors, urls
        from pendamping.selectors import beranda, rhk
        from pendamping.services import ringkasan

        hooks.registry.register(hooks.PANEL_KELUARGA, selectors.keluarga_panel)
        hooks.registry.register(hooks.KONTAK_PENDAMPING, selectors.kontak_kunjungan)
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, beranda.beranda_items)
        # Issue 20: RHK 1, 7, 8 and 9 from recorded data, compiled into the indicator statement.
        for key, source in rhk.SUMBER_RHK.items():
            hooks.registry.register(hooks.RHK_PENDAMPING, source, key=key)
        # Issue 21: kpm's writes that the summary counts (payout lists) mark it out of date.
        hooks.registry.register(hooks.RINGKASAN_BASI, ringkasan.ringkasan_kinerja_basi_rentang)
        # Issue 20 (UU 27/2022): PMKS clients' restriction requests in kpm's register, and
        # their NIKs never exported while restricted.
        hooks.registry.register(hooks.PEMBATASAN_TERLIHAT, selectors.pembatasan_klien_terlihat)
        hooks.registry.register(hooks.PEMBATASAN_SUBJEK, selectors.pembatasan_klien_subjek)
        hooks.registry.register(hooks.IDENTITAS_DIBATASI, selectors.klien_identitas_dibatasi)
