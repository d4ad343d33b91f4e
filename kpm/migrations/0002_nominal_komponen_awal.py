"""Seed the amounts table with DOMAIN.md §2 (yearly amounts; admins add later years)."""

from django.db import migrations

# DOMAIN.md §2: Rp per year; per tahap is a quarter of it.
NOMINAL_2025 = {
    "ibu_hamil": 3_000_000,
    "anak_usia_dini": 3_000_000,
    "anak_sd": 900_000,
    "anak_smp": 1_500_000,
    "anak_sma": 2_000_000,
    "disabilitas_berat": 2_400_000,
    "lansia": 2_400_000,
    "korban_ham": 10_800_000,
}


def seed(apps, schema_editor):
    NominalKomponen = apps.get_model("kpm", "NominalKomponen")
    NominalKomponen.objects.bulk_create(
        [NominalKomponen(tahun=2025, komponen=k, nominal_tahunan=n) for k, n in NOMINAL_2025.items()],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("kpm", "NominalKomponen").objects.filter(tahun=2025).delete()


class Migration(migrations.Migration):
    dependencies = [("kpm", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
