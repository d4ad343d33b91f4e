"""`manage.py impor_penyaluran PATH --user ADMIN [--terapkan]`: the bank/Pos distribution list
(payouts per tahap, issue 20) previewed, and with --terapkan applied, through
`kpm.services` — the counts first, nothing written while a row has an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dinsos.errors import DomainError
from dinsos.models import User
from kpm import services
from kpm.importers import KolomTidakLengkap

KESALAHAN_TAMPIL = 20


class Command(BaseCommand):
    help = "Mengimpor daftar penyaluran bank/Pos (XLSX/CSV) dan, dengan --terapkan, mencatatnya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", required=True, help="Nama pengguna admin/operator")
        parser.add_argument("--terapkan", action="store_true", help="Catat bila tanpa kesalahan")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"File tidak ditemukan: {path}")
        user = User.objects.filter(
            username=options["user"], role__in=(User.Role.ADMIN, User.Role.OPERATOR)
        ).first()
        if user is None:
            raise CommandError(f"Tidak ada admin/operator bernama {options['user']}.")
        content = path.read_bytes()
        try:
            if options["terapkan"]:
                hasil = services.penyaluran_terapkan(content, nama_file=path.name, user=user)
            else:
                hasil = services.penyaluran_pratinjau(content)
        except (DomainError, KolomTidakLengkap) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        for error in hasil.errors[:KESALAHAN_TAMPIL]:
            self.stderr.write(f"Baris {error.row}, kolom {error.column}: {error.message}")
        if hasil.errors:
            raise CommandError(
                f"{len(hasil.errors)} kesalahan; tidak ada yang dicatat. Perbaiki file lalu ulangi."
            )
        status = "dicatat" if options["terapkan"] else "akan dicatat (pratinjau; tambah --terapkan)"
        self.stdout.write(
            f"{len(hasil.baris)} baris {status}: {hasil.baru} baru, {hasil.diubah} diubah, "
            f"{hasil.tetap} tetap; {hasil.tersalur} tersalur, {hasil.gagal} gagal."
        )
