from django.urls import path

from dinsos.hooks import ItemMenu
from dinsos.models import User
from dinsos.navigation import ALL_ROLES, GRUP_LAPORAN, GRUP_PENDAMPINGAN, KANTOR
from pendamping.views import catatan as views_catatan
from pendamping.views import pendamping as views
from pendamping.views import psks as views_psks
from pendamping.views import rhk as views_rhk

app_name = "pendamping"

urlpatterns = [
    path("", views.pendamping_list, name="pendamping-list"),
    path("saya/", views.pendamping_saya, name="pendamping-saya"),
    path("<int:pk>/", views.pendamping_detail, name="pendamping-detail"),
    path("<int:pk>/laporan.xlsx", views.pendamping_laporan_xlsx, name="pendamping-laporan-xlsx"),
    path("perbandingan/", views.perbandingan, name="perbandingan"),
    path("perbandingan.xlsx", views.perbandingan_xlsx, name="perbandingan-xlsx"),
    path("penugasan/", views.penugasan, name="penugasan"),
    path("kasus/", views_catatan.kasus_list, name="kasus-list"),
    path("kasus/baru/", views_catatan.kasus_create, name="kasus-create"),
    path("kasus/<int:pk>/", views_catatan.kasus_detail, name="kasus-detail"),
    path("kasus/<int:pk>/status/", views_catatan.kasus_status, name="kasus-status"),
    path("rujukan/", views_catatan.rujukan_list, name="rujukan-list"),
    path("rujukan/baru/", views_catatan.rujukan_create, name="rujukan-create"),
    path("rujukan/<int:pk>/", views_catatan.rujukan_detail, name="rujukan-detail"),
    path("rujukan/<int:pk>/hasil/", views_catatan.rujukan_hasil, name="rujukan-hasil"),
    path("rujukan/<int:pk>/jawaban/", views_catatan.rujukan_dokumen, name="rujukan-dokumen"),
    path("kunjungan/", views_catatan.kunjungan_list, name="kunjungan-list"),
    path("kunjungan/baru/", views_catatan.kunjungan_create, name="kunjungan-create"),
    path(
        "kunjungan/jatuh-tempo/", views_catatan.kunjungan_jatuh_tempo, name="kunjungan-jatuh-tempo"
    ),
    path("keluarga/cari/", views_catatan.keluarga_cari, name="keluarga-cari"),
    path("kepuasan/", views_catatan.skor_list, name="skor-list"),
    path("kepuasan/baru/", views_catatan.skor_create, name="skor-create"),
    path("pemutakhiran/", views_catatan.perubahan_list, name="perubahan-list"),
    # Issue 20: PMKS clients who are not KPM.
    path("klien/", views_psks.klien_list, name="klien-list"),
    path("klien.xlsx", views_psks.klien_xlsx, name="klien-xlsx"),
    path("klien/baru/", views_psks.klien_create, name="klien-create"),
    path("klien/<int:pk>/", views_psks.klien_detail, name="klien-detail"),
    path("klien/<int:pk>/ubah/", views_psks.klien_update, name="klien-update"),
    path("klien/<int:pk>/pembatasan/", views_psks.klien_pembatasan, name="klien-pembatasan"),
    # Issue 20, RHK 7, 8 and 9: monthly reports, directives, sosialisasi.
    path("laporan-bulanan/", views_rhk.laporan_bulanan_list, name="laporan-bulanan-list"),
    path("laporan-bulanan/kirim/", views_rhk.laporan_bulanan_kirim, name="laporan-bulanan-kirim"),
    path("arahan/", views_rhk.arahan_list, name="arahan-list"),
    path("arahan/baru/", views_rhk.arahan_create, name="arahan-create"),
    path("arahan/<int:pk>/", views_rhk.arahan_detail, name="arahan-detail"),
    path("arahan/<int:pk>/konfirmasi/", views_rhk.arahan_konfirmasi, name="arahan-konfirmasi"),
    path("sosialisasi/", views_rhk.sosialisasi_list, name="sosialisasi-list"),
    path("sosialisasi/baru/", views_rhk.sosialisasi_create, name="sosialisasi-create"),
    path("sosialisasi/<int:pk>/foto/", views_rhk.sosialisasi_foto, name="sosialisasi-foto"),
    path("evaluasi/", views_psks.evaluasi, name="evaluasi"),
    path("evaluasi.xlsx", views_psks.evaluasi_xlsx, name="evaluasi-xlsx"),
]


def menu() -> list[ItemMenu]:
    """The workforce and field records in the navigation."""
    g, hanya_pendamping = GRUP_PENDAMPINGAN, frozenset({User.Role.PENDAMPING})
    rhk_peran = KANTOR | hanya_pendamping
    return [
        ItemMenu(g, "Kinerja saya", "pendamping:pendamping-saya", hanya_pendamping),
        ItemMenu(g, "Daftar pendamping", "pendamping:pendamping-list", KANTOR),
        ItemMenu(g, "Penugasan keluarga", "pendamping:penugasan", KANTOR),
        ItemMenu(g, "Kasus", "pendamping:kasus-list", ALL_ROLES),
        ItemMenu(g, "Rujukan", "pendamping:rujukan-list", ALL_ROLES),
        ItemMenu(g, "Kunjungan rumah", "pendamping:kunjungan-list", ALL_ROLES),
        ItemMenu(g, "Skor kepuasan", "pendamping:skor-list", ALL_ROLES),
        ItemMenu(g, "Klien PMKS", "pendamping:klien-list", ALL_ROLES),
        ItemMenu(g, "Pemutakhiran data", "pendamping:perubahan-list", ALL_ROLES),
        # Issue 20, RHK 7, 8 and 9.
        ItemMenu(g, "Laporan bulanan", "pendamping:laporan-bulanan-list", rhk_peran),
        ItemMenu(g, "Arahan koordinator", "pendamping:arahan-list", rhk_peran),
        ItemMenu(g, "Sosialisasi", "pendamping:sosialisasi-list", rhk_peran),
        ItemMenu(GRUP_LAPORAN, "Kinerja pendamping", "pendamping:perbandingan", KANTOR),
        ItemMenu(
            GRUP_LAPORAN,
            "Evaluasi PSKS",
            "pendamping:evaluasi",
            frozenset({User.Role.ADMIN, User.Role.KOORDINATOR}),
        ),
    ]
