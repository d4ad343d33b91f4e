from django.urls import path

from laporan import views

app_name = "laporan"

urlpatterns = [
    path("", views.laporan_list, name="laporan-list"),
    path("buat/", views.laporan_create, name="laporan-create"),
    path("<int:pk>/", views.laporan_detail, name="laporan-detail"),
    path("<int:pk>/progres/", views.laporan_progres, name="laporan-progress"),
    path("<int:pk>/pdf/", views.laporan_pdf, name="laporan-pdf"),
    path("<int:pk>/xlsx/", views.laporan_xlsx, name="laporan-xlsx"),
]
