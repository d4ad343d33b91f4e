from django.apps import AppConfig


class P2k2Config(AppConfig):
    name = "p2k2"
    verbose_name = "P2K2"
