from django.urls import path

from dinsos.hooks import ItemMenu
from dinsos.navigation import ALL_ROLES, GRUP_ADMIN, GRUP_KELUARGA, KANTOR
from kpm.views import keluarga as views
from kpm.views import pembatasan as views_pembatasan
from kpm.views import penyaluran as views_penyaluran

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
    # Issue 20: payouts per tahap from the bank/Pos lists (RHK 1).
    path("penyaluran/", views_penyaluran.penyaluran_list, name="penyaluran-list"),
    path("penyaluran/unggah/", views_penyaluran.unggahan_create, name="penyaluran-unggah"),
    path(
        "penyaluran/unggah/<int:pk>/",
        views_penyaluran.unggahan_detail,
        name="penyaluran-unggahan",
    ),
    path(
        "penyaluran/unggah/<int:pk>/kemajuan/",
        views_penyaluran.unggahan_progress,
        name="penyaluran-unggahan-progress",
    ),
    path(
        "penyaluran/unggah/<int:pk>/terapkan/",
        views_penyaluran.unggahan_terapkan,
        name="penyaluran-unggahan-terapkan",
    ),
    path(
        "penyaluran/unggah/<int:pk>/batal/",
        views_penyaluran.unggahan_batal,
        name="penyaluran-unggahan-batal",
    ),
    # Issue 20: restriction and objection requests (UU 27/2022).
    path("pembatasan/", views_pembatasan.pembatasan_list, name="pembatasan-list"),
    path("pembatasan/baru/", views_pembatasan.pembatasan_create, name="pembatasan-create"),
    path("pembatasan/<int:pk>/", views_pembatasan.pembatasan_detail, name="pembatasan-detail"),
    path(
        "pembatasan/<int:pk>/putuskan/",
        views_pembatasan.pembatasan_putuskan,
        name="pembatasan-putuskan",
    ),
    path("pembatasan/<int:pk>/cabut/", views_pembatasan.pembatasan_cabut, name="pembatasan-cabut"),
]


def menu() -> list[ItemMenu]:
    """The registry's pages in the navigation."""
    return [
        ItemMenu(GRUP_KELUARGA, "Daftar keluarga", "kpm:keluarga-list", ALL_ROLES),
        ItemMenu(GRUP_KELUARGA, "Penyaluran bantuan", "kpm:penyaluran-list", KANTOR),
        ItemMenu(GRUP_ADMIN, "Pembatasan data pribadi", "kpm:pembatasan-list", KANTOR),
    ]
