from django.apps import AppConfig


class KpmConfig(AppConfig):
    name = "kpm"
    verbose_name = "KPM"
