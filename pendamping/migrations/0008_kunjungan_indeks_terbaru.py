"""Issue 21: the visit list pages by walking (tanggal, id) newest first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pendamping", "0007_pembatasan_klien"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="kunjungan",
            index=models.Index(fields=["-tanggal", "-id"], name="kunjungan_terbaru"),
        ),
    ]
