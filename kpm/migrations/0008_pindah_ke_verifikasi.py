"""Komitmen, UnggahanEpkh, Usulan, Graduasi and KandidatSekolahRakyat moved to the verifikasi
app (issue 13). Only Django's state changes: the tables keep their names (`kpm_…`, set as
`Meta.db_table` in verifikasi.models) and every row stays where it is.

verifikasi/migrations/0001_initial.py takes the models into its state right after this one.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("kpm", "0007_perubahan_desil"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Graduasi"),
                migrations.DeleteModel(name="KandidatSekolahRakyat"),
                migrations.DeleteModel(name="Komitmen"),
                migrations.DeleteModel(name="UnggahanEpkh"),
                migrations.DeleteModel(name="Usulan"),
            ],
            database_operations=[],
        ),
    ]
