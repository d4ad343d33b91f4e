from django.urls import path

from dtsen import views

app_name = "dtsen"

urlpatterns = [
    path("", views.snapshot_list, name="snapshot-list"),
    path("unggah/", views.snapshot_create, name="snapshot-create"),
    path("<int:pk>/", views.snapshot_detail, name="snapshot-detail"),
    path("<int:pk>/progres/", views.snapshot_progress, name="snapshot-progress"),
    path("<int:pk>/pemetaan/", views.snapshot_mapping, name="snapshot-mapping"),
    path("<int:pk>/terapkan/", views.snapshot_apply, name="snapshot-apply"),
    path("<int:pk>/batalkan/", views.snapshot_cancel, name="snapshot-cancel"),
    path("<int:pk>/proses-ulang/", views.snapshot_requeue, name="snapshot-requeue"),
    path("<int:pk>/laporan/", views.snapshot_report, name="snapshot-report"),
    path("perubahan-desil/", views.perubahan_desil, name="perubahan-desil"),
    path(
        "perubahan-desil/<int:lama_id>/<int:baru_id>/<int:kecamatan_id>/",
        views.perubahan_desil_kecamatan,
        name="perubahan-desil-kecamatan",
    ),
    path(
        "perubahan-desil/<int:lama_id>/<int:baru_id>/<int:kecamatan_id>/ekspor/",
        views.perubahan_desil_export,
        name="perubahan-desil-export",
    ),
]
