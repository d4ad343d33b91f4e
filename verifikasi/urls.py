"""URLs of verifikasi komitmen, graduasi and Sekolah Rakyat.

Mounted under /keluarga/ like kpm (dinsos/urls.py), so the paths of issue 13's move stay
the ones users bookmarked; only the names moved to the `verifikasi:` namespace.
"""

from django.urls import path

from dinsos.hooks import ItemMenu
from dinsos.navigation import ALL_ROLES, GRUP_KELUARGA, KANTOR
from verifikasi.views import graduasi, komitmen, sekolah_rakyat

app_name = "verifikasi"

urlpatterns = [
    # Verifikasi komitmen, usulan, graduasi, Sekolah Rakyat (DOMAIN.md §4, §5, §9)
    path("komitmen/", komitmen.komitmen_bulan, name="komitmen-bulan"),
    path("komitmen/impor/", komitmen.komitmen_impor, name="komitmen-impor"),
    path(
        "komitmen/impor/terapkan/",
        komitmen.komitmen_impor_terapkan,
        name="komitmen-impor-terapkan",
    ),
    path("komitmen/usulan/", komitmen.usulan_list, name="usulan-list"),
    path("komitmen/usulan/evaluasi/", komitmen.usulan_evaluasi, name="usulan-evaluasi"),
    path(
        "komitmen/usulan/<int:pk>/putuskan/",
        komitmen.usulan_putuskan,
        name="usulan-putuskan",
    ),
    path("graduasi/", graduasi.graduasi_list, name="graduasi-list"),
    # Issue 19: the rakor report's graduation and visit figures open these lists.
    path("graduasi/lulus/", graduasi.graduasi_lulus_list, name="graduasi-lulus-list"),
    path("<int:pk>/graduasi/", graduasi.graduasi_create, name="graduasi-create"),
    path(
        "graduasi/<int:pk>/putuskan/",
        graduasi.graduasi_putuskan,
        name="graduasi-putuskan",
    ),
    path("graduasi/<int:pk>/bukti/", graduasi.graduasi_bukti, name="graduasi-bukti"),
    # Issue 20 (D2): families graduated around the pipeline, completed by the office.
    path("graduasi/lengkapi/", graduasi.graduasi_lengkapi_list, name="graduasi-lengkapi-list"),
    path("graduasi/lengkapi/<int:pk>/", graduasi.graduasi_lengkapi, name="graduasi-lengkapi"),
    path("graduasi/<int:pk>/surat/", graduasi.graduasi_surat, name="graduasi-surat"),
    path("sekolah-rakyat/", sekolah_rakyat.sekolah_rakyat_list, name="sekolah-rakyat-list"),
    path(
        "sekolah-rakyat/kunjungan/",
        sekolah_rakyat.sekolah_rakyat_kunjungan_list,
        name="sekolah-rakyat-kunjungan-list",
    ),
    path(
        "sekolah-rakyat/<int:pk>/kunjungan/",
        sekolah_rakyat.sekolah_rakyat_kunjungan,
        name="sekolah-rakyat-kunjungan",
    ),
    path(
        "sekolah-rakyat/ekspor/",
        sekolah_rakyat.sekolah_rakyat_ekspor,
        name="sekolah-rakyat-ekspor",
    ),
]


def menu() -> list[ItemMenu]:
    """Verifikasi komitmen, usulan, graduasi and Sekolah Rakyat in the navigation."""
    return [
        ItemMenu(GRUP_KELUARGA, "Verifikasi komitmen", "verifikasi:komitmen-bulan", ALL_ROLES),
        ItemMenu(GRUP_KELUARGA, "Usulan penangguhan", "verifikasi:usulan-list", KANTOR),
        ItemMenu(GRUP_KELUARGA, "Graduasi", "verifikasi:graduasi-list", ALL_ROLES),
        ItemMenu(GRUP_KELUARGA, "Sekolah Rakyat", "verifikasi:sekolah-rakyat-list", ALL_ROLES),
    ]
