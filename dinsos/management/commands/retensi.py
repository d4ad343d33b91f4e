import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dinsos import services


class Command(BaseCommand):
    help = "Menghapus baris riwayat yang melewati masa retensi (settings.DINSOS_RETENSI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Hanya hitung, jangan hapus.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        removed = services.retensi_hapus(dry_run=dry_run)
        self.stdout.write(json.dumps({"dry_run": dry_run, "dihapus": removed}))
