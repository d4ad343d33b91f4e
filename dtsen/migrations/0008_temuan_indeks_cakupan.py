"""Issue 21: the per-kelurahan findings index carries the columns the scoped counts read,
so the findings list count, the Beranda line and the summary are index-only scans."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dtsen", "0007_snapshot_pembacaan"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="temuan",
            name="temuan_kelurahan",
        ),
        migrations.AddIndex(
            model_name="temuan",
            index=models.Index(
                fields=["kelurahan", "closed_at", "kategori"],
                include=(
                    "pendamping",
                    "tahap",
                    "kecamatan",
                    "jenis",
                    "keluarga",
                    "nik",
                    "no_kk",
                ),
                name="temuan_kelurahan_isi",
            ),
        ),
    ]
