from django.urls import path

from pengaduan import views

app_name = "pengaduan"

# Included at the root: the office's pages under /pengaduan/, the public page beside them.
urlpatterns = [
    path("pengaduan/", views.pengaduan_list, name="pengaduan-list"),
    path("pengaduan/baru/", views.pengaduan_create, name="pengaduan-create"),
    path("pengaduan/rekap/", views.rekap, name="rekap"),
    path("pengaduan/rekap/xlsx/", views.rekap_xlsx, name="rekap-xlsx"),
    path("pengaduan/<int:pk>/", views.pengaduan_detail, name="pengaduan-detail"),
    path("pengaduan/<int:pk>/catatan/", views.pengaduan_catatan, name="pengaduan-catatan"),
    path("pengaduan/<int:pk>/tanggapan/", views.pengaduan_tanggapan, name="pengaduan-tanggapan"),
    path("pengaduan/<int:pk>/tutup/", views.pengaduan_tutup, name="pengaduan-tutup"),
    path("pengaduan/<int:pk>/alihkan/", views.pengaduan_alihkan, name="pengaduan-alihkan"),
    path(
        "pengaduan/<int:pk>/tindak-lanjut/",
        views.pengaduan_tindak_lanjut,
        name="pengaduan-tindak-lanjut",
    ),
    path("pengaduan/<int:pk>/surat/", views.pengaduan_surat, name="pengaduan-surat"),
    path("pengaduan/<int:pk>/lampiran/", views.lampiran_create, name="lampiran-create"),
    path(
        "pengaduan/<int:pk>/lampiran/<int:lampiran_pk>/",
        views.lampiran_detail,
        name="lampiran-detail",
    ),
    path("status-pengaduan/", views.status_publik, name="status-publik"),
]
