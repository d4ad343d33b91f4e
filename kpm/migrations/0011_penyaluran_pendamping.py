"""Issue 20, RHK 1: a payout records the family's pendamping when the list was recorded.

Rows recorded before this migration take the family's pendamping of today (what RHK 1
counted them for until now), in one UPDATE.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def isi_pendamping(apps, schema_editor):
    Keluarga = apps.get_model("kpm", "Keluarga")
    Penyaluran = apps.get_model("kpm", "Penyaluran")
    pendamping = Keluarga.objects.filter(pk=OuterRef("keluarga_id")).values("pendamping_id")
    Penyaluran.objects.update(pendamping_id=Subquery(pendamping[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('kpm', '0010_penyaluran'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='penyaluran',
            name='pendamping',
            field=models.ForeignKey(blank=True, help_text='Pendamping keluarga saat daftar penyaluran dicatat (RHK 1).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(isi_pendamping, migrations.RunPython.noop),
    ]
