from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dtsen", "0006_penerapan"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshot",
            name="pembacaan",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
