from django.urls import path

from dinsos.hooks import ItemMenu
from dinsos.navigation import ALL_ROLES, GRUP_KELUARGA, KANTOR
from kpm import views, views_komitmen

app_name = "kpm"

urlpatterns = [
    path("", views.keluarga_list, name="keluarga-list"),
    path("baru/", views.keluarga_create, name="keluarga-create"),
    path("<int:pk>/", views.keluarga_detail, name="keluarga-detail"),
    path("<int:pk>/ubah/", views.keluarga_update, name="keluarga-update"),
    path("<int:pk>/status/", views.keluarga_status, name="keluarga-status"),
    path("<int:pk>/anggota/baru/", views.anggota_create, name="anggota-create"),
    path("anggota/<int:pk>/ubah/", views.anggota_update, name="anggota-update"),
    path("anggota/<int:pk>/nik/", views.anggota_nik_reveal, name="anggota-nik-reveal"),
    path("<int:pk>/akses/", views.keluarga_akses, name="keluarga-akses"),
    path("anggota/<int:pk>/data-pribadi/", views.anggota_data_subjek, name="anggota-data-subjek"),
    # Verifikasi komitmen, usulan, graduasi, Sekolah Rakyat (DOMAIN.md §4, §5, §9)
    path("komitmen/", views_komitmen.komitmen_bulan, name="komitmen-bulan"),
    path("komitmen/impor/", views_komitmen.komitmen_impor, name="komitmen-impor"),
    path(
        "komitmen/impor/terapkan/",
        views_komitmen.komitmen_impor_terapkan,
        name="komitmen-impor-terapkan",
    ),
    path("komitmen/usulan/", views_komitmen.usulan_list, name="usulan-list"),
    path("komitmen/usulan/evaluasi/", views_komitmen.usulan_evaluasi, name="usulan-evaluasi"),
    path(
        "komitmen/usulan/<int:pk>/putuskan/",
        views_komitmen.usulan_putuskan,
        name="usulan-putuskan",
    ),
    path("graduasi/", views_komitmen.graduasi_list, name="graduasi-list"),
    path("<int:pk>/graduasi/", views_komitmen.graduasi_create, name="graduasi-create"),
    path(
        "graduasi/<int:pk>/putuskan/",
        views_komitmen.graduasi_putuskan,
        name="graduasi-putuskan",
    ),
    path("graduasi/<int:pk>/bukti/", views_komitmen.graduasi_bukti, name="graduasi-bukti"),
    path("graduasi/<int:pk>/surat/", views_komitmen.graduasi_surat, name="graduasi-surat"),
    path("sekolah-rakyat/", views_komitmen.sekolah_rakyat_list, name="sekolah-rakyat-list"),
    path(
        "sekolah-rakyat/<int:pk>/kunjungan/",
        views_komitmen.sekolah_rakyat_kunjungan,
        name="sekolah-rakyat-kunjungan",
    ),
    path(
        "sekolah-rakyat/ekspor/",
        views_komitmen.sekolah_rakyat_ekspor,
        name="sekolah-rakyat-ekspor",
    ),
]


def menu() -> list[ItemMenu]:
    """The registry's pages in the navigation."""
    return [ItemMenu(GRUP_KELUARGA, "Daftar keluarga", "kpm:keluarga-list", ALL_ROLES)]


def menu_komitmen() -> list[ItemMenu]:
    """Verifikasi komitmen, usulan, graduasi and Sekolah Rakyat in the navigation."""
    return [
        ItemMenu(GRUP_KELUARGA, "Verifikasi komitmen", "kpm:komitmen-bulan", ALL_ROLES),
        ItemMenu(GRUP_KELUARGA, "Usulan penangguhan", "kpm:usulan-list", KANTOR),
        ItemMenu(GRUP_KELUARGA, "Graduasi", "kpm:graduasi-list", ALL_ROLES),
        ItemMenu(GRUP_KELUARGA, "Sekolah Rakyat", "kpm:sekolah-rakyat-list", ALL_ROLES),
    ]
