"""Issue 21: lists ordered by the head's name walk (nama, id) instead of sorting an area, and
the area index carries the head so the families due a visit are counted from it alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kpm", "0013_keluarga_indeks_cakupan"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="keluarga",
            name="keluarga_kel_status_isi",
        ),
        migrations.AddIndex(
            model_name="anggota",
            index=models.Index(fields=["nama", "id"], name="anggota_nama_urut"),
        ),
        migrations.AddIndex(
            model_name="keluarga",
            index=models.Index(
                fields=["kelurahan", "status"],
                include=("id", "pendamping", "pengurus"),
                name="keluarga_kel_status_isi",
            ),
        ),
    ]
