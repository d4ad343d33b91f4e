from django.apps import AppConfig


class PendampingConfig(AppConfig):
    name = "pendamping"
    verbose_name = "Pendamping"
