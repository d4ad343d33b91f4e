from django.contrib.postgres.operations import CreateCollation
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("p2k2", "0005_pertemuan_satu_per_materi")]

    operations = [
        CreateCollation("alami", provider="icu", locale="und-u-kn-true"),
        migrations.AlterField(
            model_name="kelompok",
            name="nama",
            field=models.CharField(db_collation="alami", max_length=60),
        ),
    ]
