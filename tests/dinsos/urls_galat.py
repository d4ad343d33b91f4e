"""The portal's URLs plus one view that fails, for the error-page test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from dinsos.urls import urlpatterns as portal


def gagal(request: HttpRequest, nilai: str) -> HttpResponse:
    raise ValueError(f"NIK {nilai} tidak cocok dengan {request.POST.get('nik', '')}")


urlpatterns = [*portal, path("uji-galat/<str:nilai>/", gagal)]
