"""Issue 21: a pair of DTSEN snapshots counted once: per kelurahan, and its people on demand."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dinsos", "0006_persetujuan"),
        ("dtsen", "0009_dtsenrecord_partisi"),
    ]

    operations = [
        migrations.CreateModel(
            name="PerbandinganDesil",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("batas_pkh", models.PositiveSmallIntegerField()),
                ("batas_pbijk", models.PositiveSmallIntegerField()),
                ("dihitung_pada", models.DateTimeField()),
                (
                    "baru",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="dtsen.snapshot",
                    ),
                ),
                (
                    "lama",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="dtsen.snapshot",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "perbandingan desil",
            },
        ),
        migrations.CreateModel(
            name="PerubahanDesilKelurahan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("masuk_pkh", models.PositiveIntegerField()),
                ("keluar_pkh", models.PositiveIntegerField()),
                ("masuk_pbijk", models.PositiveIntegerField()),
                ("keluar_pbijk", models.PositiveIntegerField()),
                ("muncul", models.PositiveIntegerField()),
                ("hilang", models.PositiveIntegerField()),
                (
                    "berubah",
                    models.PositiveIntegerField(help_text="Orang yang masuk daftar perubahan."),
                ),
                ("orang_disimpan", models.BooleanField(default=False)),
                (
                    "kecamatan",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="dinsos.wilayah",
                    ),
                ),
                (
                    "kelurahan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="dinsos.wilayah",
                    ),
                ),
                (
                    "perbandingan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="kelurahan",
                        to="dtsen.perbandingandesil",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "perubahan desil per kelurahan",
            },
        ),
        migrations.CreateModel(
            name="PerubahanDesilOrang",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("urutan", models.PositiveIntegerField()),
                ("lama_record_id", models.BigIntegerField(null=True)),
                ("baru_record_id", models.BigIntegerField(null=True)),
                (
                    "kelurahan",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="dinsos.wilayah",
                    ),
                ),
                (
                    "perbandingan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="dtsen.perbandingandesil",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "perubahan desil per orang",
            },
        ),
        migrations.AddConstraint(
            model_name="perbandingandesil",
            constraint=models.UniqueConstraint(
                fields=("baru", "lama", "batas_pkh", "batas_pbijk"), name="perbandingan_desil_unik"
            ),
        ),
        migrations.AddConstraint(
            model_name="perubahandesilkelurahan",
            constraint=models.UniqueConstraint(
                fields=("perbandingan", "kelurahan"), name="perubahan_desil_kelurahan_unik"
            ),
        ),
        migrations.AddConstraint(
            model_name="perubahandesilorang",
            constraint=models.UniqueConstraint(
                fields=("perbandingan", "kelurahan", "urutan"), name="perubahan_desil_orang_urut"
            ),
        ),
    ]
