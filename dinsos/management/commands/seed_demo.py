from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from dinsos import services
from dinsos.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from dinsos.models import User, Wilayah


class Command(BaseCommand):
    help = "Mengisi data demo: wilayah Kota Metro dan satu akun per peran."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Lewati bila sudah ada pengguna."
        )

    @transaction.atomic
    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if if_empty and User.objects.exists():
            self.stdout.write("Basis data sudah berisi pengguna; data demo dilewati.")
            return
        if not Wilayah.objects.exists():
            call_command("load_wilayah", stdout=self.stdout)
        areas = {w.kode: w for w in Wilayah.objects.filter(berlaku_sampai__isnull=True)}
        existing = set(User.objects.values_list("username", flat=True))
        for username, nama, role, kode in DEMO_ACCOUNTS:
            if username in existing:
                continue
            services.user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=User.Role(role),
                nama=nama,
                wilayah=[areas[kode]],
            )
        self.stdout.write(f"Akun demo siap (kata sandi: {DEMO_PASSWORD}).")
