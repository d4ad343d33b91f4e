"""`manage.py refit_pencocokan [--sejak YYYY-MM-DD] [--berlaku-mulai YYYY-MM-DD] [--coba]`:
re-fit the probable-match weights from field-checked pairs and store them as a new dated
version of the `pencocokan_bobot` setting, printing precision per band before and after."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dinsos import kecocokan
from dinsos.kecocokan import PITA_LABEL, Presisi
from dinsos.pengaturan import today
from dtsen.services.refit import pencocokan_refit


def _tanggal(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _persen(p: Presisi) -> str:
    return "—" if p.persen is None else f"{p.persen:.1f}% ({p.benar}/{p.diusulkan})"


class Command(BaseCommand):
    help = "Menghitung ulang bobot 'kemungkinan cocok' dari hasil cek lapangan (pasangan berlabel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sejak", type=_tanggal, help="Hanya pasangan yang dicek sejak")
        parser.add_argument(
            "--berlaku-mulai", type=_tanggal, help="Tanggal berlaku bobot baru (default hari ini)"
        )
        parser.add_argument("--coba", action="store_true", help="Tampilkan saja, jangan simpan")

    def handle(self, *args: Any, **options: Any) -> None:
        berlaku = options["berlaku_mulai"] or today()
        hasil = pencocokan_refit(
            sejak=options["sejak"], berlaku_mulai=berlaku, simpan=not options["coba"]
        )
        out = self.stdout
        out.write(f"Pasangan berlabel: {hasil.jumlah} ({hasil.sama} sama, {hasil.bukan} bukan)")
        if hasil.baru is None:
            out.write(
                f"Belum cukup untuk menghitung ulang: perlu paling sedikit "
                f"{kecocokan.MIN_PASANGAN_REFIT} pasangan, masing-masing jawaban "
                f"{kecocokan.MIN_PER_LABEL_REFIT}. Bobot tidak diubah."
            )
            return
        out.write("Presisi per pita pada pasangan berlabel (sebelum → sesudah):")
        for lama, baru in zip(hasil.sebelum, hasil.sesudah, strict=True):
            out.write(f"  {PITA_LABEL[lama.pita]:<15} {_persen(lama)} → {_persen(baru)}")
        out.write("Bobot yang berubah (poin):")
        for sinyal, levels in hasil.baru.bobot.items():
            for level, nilai in levels.items():
                sebelum = float(hasil.lama.bobot[sinyal][level])
                if nilai != sebelum:
                    out.write(f"  {sinyal}.{level}: {sebelum:g} → {nilai:g}")
        if hasil.pengaturan is None:
            out.write("Mode coba: bobot tidak disimpan.")
        else:
            out.write(f"Bobot baru disimpan sebagai pencocokan_bobot berlaku mulai {berlaku}.")
