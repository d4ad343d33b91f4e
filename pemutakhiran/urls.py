from django.urls import path

from pemutakhiran import views

app_name = "pemutakhiran"

urlpatterns = [
    path("", views.usulan_list, name="usulan-list"),
    path("baru/", views.usulan_create, name="usulan-create"),
    path("kiriman/", views.batch_list, name="batch-list"),
    path("kiriman/ekspor/", views.batch_ekspor, name="batch-ekspor"),
    path("kiriman/<int:pk>/unduh/", views.batch_unduh, name="batch-unduh"),
    path("rekap/", views.rekap, name="rekap"),
    path("<int:pk>/", views.usulan_detail, name="usulan-detail"),
    path("<int:pk>/ajukan/", views.usulan_ajukan, name="usulan-ajukan"),
    path("<int:pk>/verifikasi/", views.usulan_verifikasi, name="usulan-verifikasi"),
    path("<int:pk>/tugaskan/", views.usulan_tugaskan, name="usulan-tugaskan"),
    path("<int:pk>/hasil-lapangan/", views.usulan_hasil_lapangan, name="usulan-hasil-lapangan"),
    path("<int:pk>/setujui/", views.usulan_setujui, name="usulan-setujui"),
    path("<int:pk>/tolak/", views.usulan_tolak, name="usulan-tolak"),
    path("<int:pk>/bukti/<int:bukti_pk>/", views.bukti_detail, name="bukti-detail"),
]
