"""Mark meetings recorded twice (same group, date and materi) before the rule existed.

Nothing is deleted or merged: the oldest of each set stays the meeting, every later one is
marked `is_terpisah` (a confirmed separate meeting), so the unique constraint of the next
migration can be added. The ids are written out so the office can look at them in the admin
and delete or merge what really was entered twice (the recap counts each as held).
"""

import sys

from django.db import migrations
from django.db.models import Count, Min


def tandai_ganda(apps, schema_editor):
    Pertemuan = apps.get_model("p2k2", "Pertemuan")
    kunci = ("kelompok_id", "tanggal", "sesi_id")
    ganda = (
        Pertemuan.objects.filter(is_terpisah=False)
        .values(*kunci)
        .annotate(n=Count("id"), pertama=Min("id"))
        .filter(n__gt=1)
    )
    ditandai = []
    for g in ganda:
        ids = list(
            Pertemuan.objects.filter(
                kelompok_id=g["kelompok_id"], tanggal=g["tanggal"], sesi_id=g["sesi_id"]
            )
            .filter(is_terpisah=False)
            .exclude(id=g["pertama"])
            .values_list("id", flat=True)
        )
        Pertemuan.objects.filter(id__in=ids).update(is_terpisah=True)
        ditandai += ids
    if ditandai:
        sys.stdout.write(
            f"\n  p2k2: {len(ditandai)} pertemuan ganda (kelompok, tanggal dan materi sama) "
            f"ditandai sebagai pertemuan terpisah; periksa di admin, id: "
            f"{', '.join(str(i) for i in sorted(ditandai))}\n"
        )


class Migration(migrations.Migration):
    dependencies = [("p2k2", "0003_pertemuan_is_terpisah")]

    # Reverse: nothing to undo; the field itself goes when 0003 is reversed.
    operations = [migrations.RunPython(tandai_ganda, migrations.RunPython.noop)]
