"""`manage.py reconcile --jenis kpm-dtsen|pbijk-dtsen|kpm-pbijk [--json]`: the portal's
reconciliation run synchronously (same services, no Celery), printing its counts."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dinsos.errors import DomainError
from dinsos.models import User, Wilayah
from dtsen import services
from dtsen.models import Kategori, Rekonsiliasi


class Command(BaseCommand):
    help = "Menjalankan rekonsiliasi (KPM/PBI-JK dengan DTSEN, KPM dengan PBI-JK) dan jumlahnya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jenis", choices=[j.value for j in Rekonsiliasi.Jenis], required=True)
        parser.add_argument("--wilayah", help="Kode Kemendagri kab/kota, mis. 18.72")
        parser.add_argument("--user", help="Nama pengguna yang dicatat sebagai pemulai")
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        wilayah = self._wilayah(options["wilayah"])
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Pengguna {options['user']} tidak ditemukan.")
        try:
            run = services.rekonsiliasi_create(
                jenis=Rekonsiliasi.Jenis(options["jenis"]),
                wilayah=wilayah,
                started_by=user,
                mode=Rekonsiliasi.Mode.TUNGGAL,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        services.rekonsiliasi_run(rekonsiliasi_id=run.pk)
        run.refresh_from_db()
        self._report(run, as_json=options["json"])
        if run.status != Rekonsiliasi.Status.SELESAI:
            raise CommandError(run.pesan_gagal or f"Rekonsiliasi {run.get_status_display()}.")

    def _wilayah(self, kode: str | None) -> Wilayah:
        areas = Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KABUPATEN_KOTA, berlaku_sampai__isnull=True
        )
        if kode:
            areas = areas.filter(kode=kode)
        if areas.count() != 1:
            raise CommandError("Sebutkan kab/kota dengan --wilayah (kode Kemendagri, mis. 18.72).")
        return areas.get()

    def _report(self, run: Rekonsiliasi, *, as_json: bool) -> None:
        jumlah = {k.value: run.jumlah.get(k.value, 0) for k in Kategori if k.value in run.jumlah}
        summary = {
            "rekonsiliasi": run.pk,
            "jenis": run.jenis,
            "status": run.status,
            "jumlah": jumlah,
            "total": sum(jumlah.values()),
            "baru": run.jumlah_baru,
            "tetap": run.jumlah_tetap,
            "dibuka_lagi": run.jumlah_dibuka_lagi,
            "ditutup": run.jumlah_ditutup,
            # Steps and the merge; "gabung: …" are parts of the merge, counted once.
            "detik": round(
                sum(v for k, v in run.durasi.items() if not k.startswith("gabung: ")), 2
            ),
        }
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"Rekonsiliasi #{run.pk} ({run.get_jenis_display()}): {run.get_status_display()}. "
            f"{summary['total']} temuan: {run.jumlah_baru} baru, {run.jumlah_tetap} tetap, "
            f"{run.jumlah_dibuka_lagi} dibuka kembali, {run.jumlah_ditutup} ditutup."
        )
        for k in Kategori:
            if k.value in jumlah:
                self.stdout.write(f"  {k.label}: {jumlah[k.value]}")
