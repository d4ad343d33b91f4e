from django.urls import path

from dinsos.hooks import ItemMenu
from dinsos.navigation import ALL_ROLES, GRUP_LAPORAN, GRUP_P2K2
from p2k2 import views

app_name = "p2k2"

urlpatterns = [
    path("", views.kelompok_list, name="kelompok-list"),
    path("kelompok/baru/", views.kelompok_create, name="kelompok-create"),
    path("kelompok/<int:pk>/", views.kelompok_detail, name="kelompok-detail"),
    path("kelompok/<int:pk>/ubah/", views.kelompok_update, name="kelompok-update"),
    path("kelompok/<int:pk>/anggota/tambah/", views.anggota_tambah, name="anggota-tambah"),
    path("kelompok/<int:pk>/anggota/pindah/", views.anggota_pindah, name="anggota-pindah"),
    path("kelompok/<int:pk>/anggota/keluar/", views.anggota_keluar, name="anggota-keluar"),
    path("kelompok/<int:pk>/pertemuan/baru/", views.pertemuan_create, name="pertemuan-create"),
    path("kelompok/<int:pk>/catat/", views.kehadiran_baru, name="kehadiran-baru"),
    path("kelompok/<int:pk>/sinkron/", views.kehadiran_sinkron, name="kehadiran-sinkron"),
    path("pertemuan/", views.pertemuan_list, name="pertemuan-list"),
    path("pertemuan/<int:pk>/", views.pertemuan_detail, name="pertemuan-detail"),
    path("pertemuan/<int:pk>/ubah/", views.pertemuan_update, name="pertemuan-update"),
    path("pertemuan/<int:pk>/kehadiran/", views.kehadiran, name="kehadiran"),
    path("pertemuan/<int:pk>/foto/", views.pertemuan_foto, name="pertemuan-foto"),
    path("pertemuan/<int:pk>/daftar-hadir/", views.daftar_hadir, name="daftar-hadir"),
    path("pertemuan/<int:pk>/siks-ng/", views.siks_ng, name="siks-ng"),
    path("konflik/<int:pk>/selesaikan/", views.konflik_resolve, name="konflik-resolve"),
    path("rekap/", views.rekap_kehadiran, name="rekap"),
    path("rekap/alfa/", views.rekap_alfa, name="rekap-alfa"),
    path("rekap/kurikulum/", views.rekap_kurikulum, name="rekap-kurikulum"),
    path("sw.js", views.service_worker, name="service-worker"),
    # Issue 20 (D10): the family's own satisfaction answer from the sheet's QR (no login).
    path("penilaian/<str:token>/", views.kepuasan_isi, name="kepuasan-isi"),
]


def menu() -> list[ItemMenu]:
    """P2K2 groups and recaps in the navigation."""
    return [
        ItemMenu(GRUP_P2K2, "Kelompok dan pertemuan", "p2k2:kelompok-list", ALL_ROLES),
        ItemMenu(GRUP_P2K2, "Kemajuan kurikulum", "p2k2:rekap-kurikulum", ALL_ROLES),
        ItemMenu(GRUP_P2K2, "Alfa berturut-turut", "p2k2:rekap-alfa", ALL_ROLES),
        ItemMenu(GRUP_LAPORAN, "Rekap kehadiran P2K2", "p2k2:rekap", ALL_ROLES),
    ]
