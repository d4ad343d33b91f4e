"""`manage.py impor_penyaluran PATH --user ADMIN [--terapkan]`: the bank/Pos distribution list
(payouts per tahap, issue 20) through the same steps as the upload page (`kpm.services`):
stored, checked whole — each error named by row and column, nothing recorded while one is
left — and previewed; with --terapkan applied in one transaction. Without it the checked list
waits on the page `/keluarga/penyaluran/unggah/<id>/` for a week.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from dinsos.errors import DomainError
from dinsos.models import User
from dinsos.spreadsheet import FileDitolak
from kpm import services
from kpm.importers import KolomTidakLengkap
from kpm.importers.penyaluran import penyaluran_pintu
from kpm.models import UnggahanPenyaluran

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
        try:
            penyaluran_pintu(path)
        except (FileDitolak, KolomTidakLengkap) as exc:
            raise CommandError(exc.message) from exc
        with path.open("rb") as handle:
            unggahan = services.penyaluran_unggah(
                berkas=File(handle, name=path.name), nama_file=path.name, oleh=user
            )
        hasil = services.penyaluran_periksa(unggahan_id=unggahan.pk) or unggahan
        self._kesalahan(hasil)
        if options["terapkan"]:
            try:
                services.penyaluran_terapkan_mulai(unggahan=hasil, oleh=user)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            hasil = services.penyaluran_terapkan(unggahan_id=hasil.pk) or hasil
            status = "dicatat"
        else:
            halaman = reverse("kpm:penyaluran-unggahan", args=[hasil.pk])
            status = f"akan dicatat (pratinjau; tambah --terapkan, atau terapkan di {halaman})"
        self.stdout.write(
            f"{hasil.baris_valid} baris {status}: {hasil.baru} baru, {hasil.diubah} diubah, "
            f"{hasil.tetap} tetap; {hasil.tersalur} tersalur, {hasil.gagal} gagal."
        )

    def _kesalahan(self, hasil: UnggahanPenyaluran) -> None:
        for error in hasil.kesalahan[:KESALAHAN_TAMPIL]:
            self.stderr.write(f"Baris {error['baris']}, kolom {error['kolom']}: {error['pesan']}")
        if hasil.status == UnggahanPenyaluran.Status.SIAP:
            return
        if hasil.jumlah_kesalahan:
            raise CommandError(
                f"{hasil.jumlah_kesalahan} kesalahan; tidak ada yang dicatat. Perbaiki file lalu "
                "ulangi."
            )
        raise CommandError(hasil.pesan_gagal or hasil.get_status_display())
