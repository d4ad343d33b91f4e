from django.apps import AppConfig


class VerifikasiConfig(AppConfig):
    name = "verifikasi"
    verbose_name = "Verifikasi komitmen"

    def ready(self) -> None:
        from dinsos import hooks
        from dinsos.models import Persetujuan
        from verifikasi import selectors, services, urls

        # Its monthly rule, the family page's panel, RHK 3 verifications recorded (read by
        # pendamping), and its records in a data-subject export.
        hooks.registry.register(hooks.PELANGGARAN_KOMITMEN, selectors.pelanggaran_komitmen)
        hooks.registry.register(hooks.PANEL_KELUARGA, selectors.keluarga_panel)
        hooks.registry.register(hooks.RHK_PENDAMPING, selectors.rhk_komitmen, key="komitmen")
        hooks.registry.register(hooks.DATA_SUBJEK, selectors.data_subjek)
        hooks.registry.register(hooks.MENU, urls.menu)
        hooks.registry.register(hooks.BERANDA, selectors.beranda_komitmen)
        hooks.registry.register(hooks.BERANDA, selectors.beranda_graduasi_tanpa_proses)
        # Issue 21: a snapshot applied or undone changes desil and DTSEN children, so the
        # Sekolah Rakyat candidate summaries are computed again on their next read.
        hooks.registry.register(
            hooks.SNAPSHOT_DITERAPKAN, services.sekolah_rakyat_snapshot_diterapkan
        )
        # Issue 20: what an approved four-eyes proposal of this app carries out.
        J = Persetujuan.Jenis
        for jenis, executor in (
            (J.PENANGGUHAN_KOMITMEN, services.persetujuan_penangguhan),
            (J.GRADUASI, services.persetujuan_graduasi),
            (J.GRADUASI_PAKSA, services.persetujuan_graduasi),
            (J.SEKOLAH_RAKYAT, services.persetujuan_sekolah_rakyat),
        ):
            hooks.registry.register(hooks.EKSEKUTOR_PERSETUJUAN, executor, key=jenis)
