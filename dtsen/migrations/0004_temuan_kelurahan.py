"""Findings are scoped by kelurahan: one index (kelurahan, kategori, closed_at) counts and
lists a user's open findings from the index alone, and replaces the plain foreign-key index.

Built CONCURRENTLY (the findings table holds hundreds of thousands of rows after a PBI-JK
run): the new index exists before the old one is dropped, so scoped pages never lose theirs.
"""

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dinsos", "0002_pengaturan"),
        ("dtsen", "0003_nama_baku"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="temuan",
            index=models.Index(
                fields=["kelurahan", "kategori", "closed_at"], name="temuan_kelurahan"
            ),
        ),
        migrations.AlterField(
            model_name="temuan",
            name="kelurahan",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="dinsos.wilayah",
            ),
        ),
    ]
