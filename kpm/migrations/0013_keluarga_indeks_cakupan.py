"""Issue 21: area scoping reads the area's family ids (and pendamping) from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kpm", "0012_pembatasan_tanpa_keluarga"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="keluarga",
            name="keluarga_kel_status",
        ),
        migrations.AddIndex(
            model_name="keluarga",
            index=models.Index(
                fields=["kelurahan", "status"],
                include=("id", "pendamping"),
                name="keluarga_kel_status_isi",
            ),
        ),
    ]
