from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dinsos import services
from dinsos.errors import DomainError

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "data" / "wilayah_1872_kota_metro.csv"


class Command(BaseCommand):
    help = "Memuat wilayah (kode Kemendagri dan BPS) dari CSV; default Kota Metro (18.72)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_CSV)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"File tidak ditemukan: {path}")
        try:
            result = services.wilayah_load_csv(path=path)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Wilayah dimuat: {result.created} baru, {result.updated} diperbarui.")
