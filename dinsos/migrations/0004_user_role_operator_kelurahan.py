from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dinsos", "0003_auditevent_search"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("admin", "Admin"),
                    ("operator", "Operator"),
                    ("koordinator", "Koordinator"),
                    ("pendamping", "Pendamping"),
                    ("operator_kelurahan", "Operator kelurahan/desa"),
                ],
                default="pendamping",
                max_length=20,
            ),
        ),
    ]
