from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("p2k2", "0004_pertemuan_ganda_terpisah")]

    operations = [
        migrations.AddConstraint(
            model_name="pertemuan",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_terpisah", False)),
                fields=("kelompok", "tanggal", "sesi"),
                name="pertemuan_satu_per_materi",
                nulls_distinct=False,
                violation_error_message=(
                    "Kelompok ini sudah punya pertemuan dengan materi yang sama pada tanggal itu."
                ),
            ),
        ),
    ]
