"""Data: the moved models' content types follow them from kpm to verifikasi (issue 13).

Renaming the `django_content_type` rows (instead of letting Django create new ones) keeps
their ids, so the permissions granted on them and the admin's log entries stay attached.
On a fresh database there is nothing to rename: Django creates the content types after
migrating. The audit log (dinsos.AuditEvent) is left as written: its old entries keep the
label `kpm.<model>` they were recorded under.
"""

from django.db import migrations

MODELS = ("komitmen", "unggahanepkh", "usulan", "graduasi", "kandidatsekolahrakyat")


def _rename(apps, schema_editor, *, old, new):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        moving = content_type.objects.filter(app_label=old, model=model).first()
        if moving is None:
            continue
        # A row under the new label can exist only if Django created it before this ran
        # (post_migrate on a partly migrated database); it holds nothing of value yet.
        content_type.objects.filter(app_label=new, model=model).delete()
        moving.app_label = new
        moving.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _rename(apps, schema_editor, old="kpm", new="verifikasi")


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, old="verifikasi", new="kpm")


class Migration(migrations.Migration):

    dependencies = [
        ("verifikasi", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
