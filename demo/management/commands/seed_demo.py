import importlib
import time
from typing import Any

from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from demo import contoh as demo_contoh
from demo import graduasi as demo_graduasi
from demo import komitmen as demo_komitmen
from demo import laporan as demo_laporan
from demo import p2k2 as p2k2_demo
from demo import pemutakhiran as demo_pemutakhiran
from demo import pendamping as pendamping_demo
from demo import pengaduan as demo_pengaduan
from demo.keluarga import generate_keluarga
from demo.rhk import generate_rhk_demo
from dinsos import services
from dinsos.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_KEY, DEMO_TOTP_USERS
from dinsos.formatting import angka
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.models import Keluarga

KELUARGA_DEFAULT = 6000  # ~24.000 anggota: a mid-sized office (ARCHITECTURE.md "Scale")
SEED = 1872  # fixed: every fresh demo shows the same families


class Command(BaseCommand):
    help = "Mengisi data demo: wilayah Kota Metro, satu akun per peran dan keluarga KPM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Lewati bila sudah ada pengguna."
        )
        parser.add_argument(
            "--keluarga",
            type=int,
            default=KELUARGA_DEFAULT,
            help=f"Jumlah keluarga demo bila registri masih kosong (bawaan {KELUARGA_DEFAULT}).",
        )

    @transaction.atomic
    def handle(self, *args: Any, if_empty: bool, keluarga: int, **options: Any) -> None:
        if if_empty and User.objects.exists():
            self.stdout.write("Basis data sudah berisi pengguna; data demo dilewati.")
            return
        if not Wilayah.objects.exists():
            call_command("load_wilayah", stdout=self.stdout)
        # The PSKS kinds and PMKS categories are seeded by a data migration; a test database
        # flushed by a transactional test has lost them, so put them back (idempotent).
        importlib.import_module("pendamping.migrations.0005_psks_seed").seed(django_apps, None)
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
        for user in User.objects.filter(username__in=DEMO_TOTP_USERS):
            services.otp_device_install(user=user, key_hex=DEMO_TOTP_KEY)
        self.stdout.write(f"Akun demo siap (kata sandi: {DEMO_PASSWORD}).")
        if keluarga > 0 and not Keluarga.objects.exists():
            self._seed_keluarga(keluarga)
        pendamping_demo.generate(today=today(), tulis=self.stdout.write)  # no-op once any exist
        # Issue 20 (D2): the graduated families' pipeline trail (no-op once every one has it).
        if graduasi := demo_graduasi.generate_graduasi():
            self.stdout.write(f"Graduasi demo: {angka(graduasi)} usulan diputuskan.")
        p2k2_demo.generate_p2k2(today=today(), tulis=self.stdout.write)  # no-op once a group exists
        demo_komitmen.generate_komitmen(today=today(), tulis=self.stdout.write)  # no-op once any
        demo_pengaduan.generate_pengaduan(today=today(), tulis=self.stdout.write)  # no-op once any
        demo_pemutakhiran.generate_usulan(today=today(), tulis=self.stdout.write)  # no-op once any
        # Issue 21: a year of RHK 1/7/8/9 records (payouts, monthly reports, directives,
        # sosialisasi), then one example of each object a page opens by id (each a no-op
        # once it exists).
        generate_rhk_demo(today=today(), tulis=self.stdout.write)
        demo_contoh.generate(today=today(), tulis=self.stdout.write)
        # Issues 19/21: last month's rakor reports of the city and of Metro Pusat, stored as
        # the beat would (an area's once).
        demo_laporan.generate_laporan(tulis=self.stdout.write)
        # Issue 21: the generators write hundreds of thousands of rows by COPY; without fresh
        # planner statistics the first pages planned on empty-table estimates (/pendamping/saya/
        # 4,2 s before ANALYZE, 0,8 s after, measured by the kinerja bench).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _seed_keluarga(self, n: int) -> None:
        started = time.monotonic()
        demo_usernames = [username for username, *_ in DEMO_ACCOUNTS]
        users = User.objects.filter(username__in=demo_usernames).order_by("pk")
        kelurahan = Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KELURAHAN,
            berlaku_sampai__isnull=True,
            kode__startswith="18.72.",
        )
        stats = generate_keluarga(
            n=n,
            seed=SEED,
            kelurahan=list(kelurahan),
            pendamping=list(users.filter(role=User.Role.PENDAMPING)),
            today=today(),
            oleh=users.filter(role=User.Role.ADMIN).first(),
        )
        self.stdout.write(
            f"Keluarga demo: {angka(stats.keluarga)} keluarga, {angka(stats.anggota)} anggota, "
            f"{angka(stats.riwayat_status)} riwayat status "
            f"dalam {time.monotonic() - started:.1f} detik."
        )
