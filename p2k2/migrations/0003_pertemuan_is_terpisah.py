from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("p2k2", "0002_kurikulum_awal")]

    operations = [
        migrations.AddField(
            model_name="pertemuan",
            name="is_terpisah",
            field=models.BooleanField(
                default=False,
                help_text="Dikonfirmasi sebagai pertemuan kedua pada tanggal dan materi yang sama.",
                verbose_name="pertemuan terpisah",
            ),
        ),
    ]
