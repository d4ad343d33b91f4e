from django.urls import path

from dinsos.hooks import ItemMenu
from dinsos.models import User
from dinsos.navigation import ALL_ROLES, GRUP_DTSEN, GRUP_LAPORAN, KANTOR
from dtsen.views import rekonsiliasi as views_rekonsiliasi
from dtsen.views import snapshot as views

app_name = "dtsen"

urlpatterns = [
    path("", views.snapshot_list, name="snapshot-list"),
    path("unggah/", views.snapshot_create, name="snapshot-create"),
    path("<int:pk>/", views.snapshot_detail, name="snapshot-detail"),
    path("<int:pk>/progres/", views.snapshot_progress, name="snapshot-progress"),
    path("<int:pk>/pemetaan/", views.snapshot_mapping, name="snapshot-mapping"),
    path("<int:pk>/terapkan/", views.snapshot_apply, name="snapshot-apply"),
    path("<int:pk>/kembalikan/", views.snapshot_undo, name="snapshot-undo"),
    path("penerapan/<int:pk>/setujui/", views.penerapan_approve, name="penerapan-approve"),
    path("penerapan/<int:pk>/tolak/", views.penerapan_reject, name="penerapan-reject"),
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
    # Reconciliation (issue #7)
    path("rekonsiliasi/", views_rekonsiliasi.rekonsiliasi_list, name="rekonsiliasi-list"),
    path("rekonsiliasi/mulai/", views_rekonsiliasi.rekonsiliasi_create, name="rekonsiliasi-create"),
    path(
        "rekonsiliasi/<int:pk>/",
        views_rekonsiliasi.rekonsiliasi_detail,
        name="rekonsiliasi-detail",
    ),
    path(
        "rekonsiliasi/<int:pk>/progres/",
        views_rekonsiliasi.rekonsiliasi_progress,
        name="rekonsiliasi-progress",
    ),
    path(
        "rekonsiliasi/<int:pk>/batalkan/",
        views_rekonsiliasi.rekonsiliasi_cancel,
        name="rekonsiliasi-cancel",
    ),
    path("temuan/", views_rekonsiliasi.temuan_list, name="temuan-list"),
    path("temuan/tugaskan/", views_rekonsiliasi.temuan_assign_bulk, name="temuan-assign-bulk"),
    path("temuan/ringkasan/", views_rekonsiliasi.temuan_summary, name="temuan-summary"),
    path("temuan/kecocokan/", views_rekonsiliasi.kecocokan_presisi, name="kecocokan-presisi"),
    path("temuan/<int:pk>/", views_rekonsiliasi.temuan_detail, name="temuan-detail"),
    path("temuan/<int:pk>/tugaskan/", views_rekonsiliasi.temuan_assign, name="temuan-assign"),
    path(
        "temuan/<int:pk>/tindak-lanjut/",
        views_rekonsiliasi.temuan_follow_up,
        name="temuan-follow-up",
    ),
    path(
        "temuan/<int:pk>/bukti/<int:riwayat_pk>/",
        views_rekonsiliasi.temuan_bukti,
        name="temuan-bukti",
    ),
    path("temuan/siks-ng/", views_rekonsiliasi.siks_list, name="siks-list"),
    path("temuan/siks-ng/unduh/<int:pk>/", views_rekonsiliasi.siks_download, name="siks-download"),
    path("temuan/siks-ng/<str:jenis>/", views_rekonsiliasi.siks_export, name="siks-export"),
]


R = User.Role


def menu() -> list[ItemMenu]:
    """Imports, reconciliation and findings in the navigation."""
    g = GRUP_DTSEN
    return [
        ItemMenu(g, "Temuan", "dtsen:temuan-list", ALL_ROLES),
        ItemMenu(g, "Rekonsiliasi", "dtsen:rekonsiliasi-list", KANTOR),
        ItemMenu(g, "Impor DTSEN dan PBI-JK", "dtsen:snapshot-list", frozenset({R.ADMIN})),
        ItemMenu(g, "Ekspor SIKS-NG", "dtsen:siks-list", frozenset({R.ADMIN, R.OPERATOR})),
        ItemMenu(GRUP_LAPORAN, "Ringkasan temuan", "dtsen:temuan-summary", KANTOR),
        ItemMenu(GRUP_LAPORAN, "Presisi kemungkinan cocok", "dtsen:kecocokan-presisi", KANTOR),
        ItemMenu(GRUP_LAPORAN, "Perubahan desil", "dtsen:perubahan-desil", KANTOR),
    ]
