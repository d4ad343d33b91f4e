"""`manage.py import_dtsen PATH --jenis dtsen|pbijk [--peta "HEADER=field"] [--apply] [--json]`:
the portal's import run synchronously (same services, no Celery) for scripts.

The file passes the upload page's door checks first (dtsen.importers.pintu); `--peta` maps a
header the alias table does not know, for this run only (the portal's mapping is remembered).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dinsos.errors import DomainError
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dinsos.spreadsheet import FileDitolak, batas_dari_settings
from dtsen import services
from dtsen.importers import CHECKERS, pintu
from dtsen.importers.columns import ABAIKAN
from dtsen.models import Jenis, MasalahBaris, Snapshot

FIRST_ERRORS = 20


class Command(BaseCommand):
    help = "Mengimpor file DTSEN atau PBI-JK (XLSX/CSV) dan, dengan --apply, menerapkannya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--jenis", choices=[j.value for j in Jenis], required=True)
        parser.add_argument("--tanggal", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--wilayah", help="Kode Kemendagri kab/kota, mis. 18.72")
        parser.add_argument("--user", help="Nama pengguna admin pengunggah")
        parser.add_argument("--apply", action="store_true", help="Terapkan bila berhasil dimuat")
        parser.add_argument(
            "--abaikan-kolom-lain",
            action="store_true",
            help="Abaikan kolom yang tidak dikenal (di portal, admin memetakannya)",
        )
        parser.add_argument(
            "--peta",
            action="append",
            default=[],
            metavar="HEADER=field",
            help="Petakan kolom berjudul HEADER ke field (kosongkan field untuk mengabaikan); "
            "boleh berulang",
        )
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"File tidak ditemukan: {path}")
        user = self._user(options["user"])
        wilayah = self._wilayah(options["wilayah"])
        jenis = Jenis(options["jenis"])
        peta = self._peta(options["peta"], jenis)
        try:
            pintu.unggahan_periksa(path=path, jenis=jenis, batas=batas_dari_settings())
        except FileDitolak as exc:
            raise CommandError(exc.message) from exc
        try:
            with path.open("rb") as handle:
                snapshot = services.snapshot_create(
                    jenis=jenis,
                    tanggal_data=options["tanggal"] or today(),
                    wilayah=wilayah,
                    file=File(handle, name=path.name),
                    nama_file=path.name,
                    created_by=user,
                )
            services.snapshot_load_rows(
                snapshot_id=snapshot.pk,
                abaikan_kolom_tak_dikenal=options["abaikan_kolom_lain"],
                peta=peta,
            )
            snapshot.refresh_from_db()
            changed = None
            if options["apply"] and snapshot.status == Snapshot.Status.SIAP_DITINJAU:
                changed = services.snapshot_apply(snapshot=snapshot, applied_by=user)
                snapshot.refresh_from_db()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self._report(snapshot, changed, as_json=options["json"])
        if snapshot.status in {Snapshot.Status.GAGAL, Snapshot.Status.PERLU_PEMETAAN}:
            raise CommandError(snapshot.pesan_gagal or "Ada kolom yang belum dikenal.")

    def _peta(self, pairs: list[str], jenis: Jenis) -> dict[str, str]:
        fields = CHECKERS[jenis].TABEL.fields
        peta: dict[str, str] = {}
        for pair in pairs:
            header, sep, field = pair.partition("=")
            header, field = header.strip(), field.strip()
            if not sep or not header:
                raise CommandError(f'--peta harus berbentuk "JUDUL KOLOM=field": {pair!r}')
            if field not in fields and field != ABAIKAN:
                pilihan = ", ".join(sorted(fields))
                raise CommandError(f"Field '{field}' tidak dikenal; pilihan: {pilihan}.")
            peta[header] = field
        return peta

    def _user(self, username: str | None) -> User:
        admins = User.objects.filter(role=User.Role.ADMIN, is_active=True)
        user = admins.filter(username=username).first() if username else admins.first()
        if user is None:
            raise CommandError("Tidak ada pengguna admin (pakai --user NAMA).")
        return user

    def _wilayah(self, kode: str | None) -> Wilayah:
        areas = Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KABUPATEN_KOTA, berlaku_sampai__isnull=True
        )
        if kode:
            areas = areas.filter(kode=kode)
        if areas.count() != 1:
            raise CommandError("Sebutkan kab/kota dengan --wilayah (kode Kemendagri, mis. 18.72).")
        return areas.get()

    def _report(self, snapshot: Snapshot, changed: int | None, *, as_json: bool) -> None:
        errors = list(
            MasalahBaris.objects.filter(snapshot=snapshot)
            .order_by("baris", "is_peringatan", "id")
            .values("baris", "kolom", "pesan", "is_peringatan")[:FIRST_ERRORS]
        )
        summary = {
            "snapshot": snapshot.pk,
            "status": snapshot.status,
            "pesan": snapshot.pesan_gagal,
            "kolom_tak_dikenal": snapshot.kolom_tak_dikenal,
            "pembacaan": snapshot.pembacaan,
            "baris_dibaca": snapshot.baris_dibaca,
            "baris_valid": snapshot.baris_valid,
            "baris_ditolak": snapshot.baris_ditolak,
            "baris_peringatan": snapshot.baris_peringatan,
            "keluarga_diperbarui": changed,
            "masalah_pertama": errors,
        }
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"Snapshot #{snapshot.pk}: {snapshot.get_status_display()}. "
            f"{snapshot.baris_dibaca} baris dibaca, {snapshot.baris_valid} valid, "
            f"{snapshot.baris_ditolak} ditolak, {snapshot.baris_peringatan} dengan peringatan."
        )
        if snapshot.kolom_tak_dikenal:
            self.stdout.write(f"Kolom belum dikenal: {', '.join(snapshot.kolom_tak_dikenal)}")
        pembacaan = snapshot.pembacaan
        if pembacaan:
            wilayah = pembacaan["wilayah"]
            self.stdout.write(
                f"Dibaca sebagai {pembacaan['format']}; kode wilayah: {wilayah['sistem']}."
            )
            if pembacaan["kolom_diabaikan"]:
                diabaikan = ", ".join(pembacaan["kolom_diabaikan"])
                self.stdout.write(f"Kolom diabaikan: {diabaikan}")
            if pembacaan["ringkasan_jumlah"]:
                baris = ", ".join(str(n) for n, _ in pembacaan["ringkasan_baris"])
                self.stdout.write(f"Baris ringkasan dilewati: {baris}")
            ganda = pembacaan.get("ganda_mungkin", {})
            if ganda.get("blok_dilewati"):
                self.stdout.write(
                    f"Pemeriksaan orang ganda dilewati: {ganda['blok_dilewati']} kelompok "
                    f"({ganda['baris_dilewati']} baris) berisi lebih dari {ganda['blok_maks']} "
                    "orang dengan tanggal lahir, kelurahan dan bunyi nama belakang yang sama."
                )
        if changed is not None:
            self.stdout.write(f"Diterapkan: desil {changed} keluarga diperbarui.")
        for error in errors:
            jenis = "peringatan" if error["is_peringatan"] else "ditolak"
            self.stdout.write(
                f"  baris {error['baris']}, {error['kolom']} ({jenis}): {error['pesan']}"
            )
