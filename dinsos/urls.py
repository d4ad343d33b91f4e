"""Root URL configuration."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dinsos import views
from dinsos.forms import LoginForm, PasswordResetForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("wilayah/", views.wilayah_list, name="wilayah-list"),
    path("audit/", views.audit_list, name="audit-list"),
    # Issue 20: the four-eyes queue of every app's decisions.
    path("persetujuan/", views.persetujuan_list, name="persetujuan-list"),
    path(
        "persetujuan/<int:persetujuan_id>/putuskan/",
        views.persetujuan_putuskan,
        name="persetujuan-putuskan",
    ),
    path("keluarga/", include("kpm.urls")),
    # Same /keluarga/ prefix as before issue 13 moved these pages out of kpm: bookmarks work.
    path("keluarga/", include("verifikasi.urls")),
    path("dtsen/", include("dtsen.urls")),
    path("pendamping/", include("pendamping.urls")),
    path("p2k2/", include("p2k2.urls")),
    path("pemutakhiran/", include("pemutakhiran.urls")),
    path("laporan/", include("laporan.urls")),
    # /pengaduan/… for the office and the public /status-pengaduan/ (login not required).
    path("", include("pengaduan.urls")),
    path(
        "akun/masuk/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/verifikasi/", views.otp_verify, name="otp-verify"),
    path("akun/verifikasi/pasang/", views.otp_setup, name="otp-setup"),
    path(
        "akun/lupa-sandi/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "akun/lupa-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "akun/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "akun/reset/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "akun/kata-sandi/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "akun/kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Issue 20: the record of processing activities (UU 27/2022), built from the models.
    path("pemrosesan/", views.pemrosesan_list, name="pemrosesan-list"),
    path("pemrosesan/xlsx/", views.pemrosesan_xlsx, name="pemrosesan-xlsx"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
