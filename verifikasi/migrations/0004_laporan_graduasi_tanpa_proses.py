"""Issue 20 (D2): list the families that reached calon graduasi/graduasi around the pipeline.

Before this issue an operator could move a family straight from aktif to graduasi on the
family page, leaving no graduasi record (no kind, no evidence, not counted toward the
pendamping's target). This migration only REPORTS them into GraduasiTanpaProses, the
"Lengkapi graduasi" worklist; no family, status or history is changed or deleted. Backwards
it does nothing (the worklist table goes with the previous migration).
"""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def laporkan(apps, schema_editor):
    Keluarga = apps.get_model("kpm", "Keluarga")
    Graduasi = apps.get_model("verifikasi", "Graduasi")
    GraduasiTanpaProses = apps.get_model("verifikasi", "GraduasiTanpaProses")
    # calon graduasi needs an open proposal; graduasi an accepted one
    punya_catatan = Graduasi.objects.filter(keluarga_id=OuterRef("pk")).filter(
        Q(status="diusulkan", keluarga__status="calon_graduasi")
        | Q(status="diterima", keluarga__status="graduasi")
    )
    rows = (
        Keluarga.objects.filter(status__in=["calon_graduasi", "graduasi"])
        .filter(~Exists(punya_catatan))
        .values_list("pk", "status")
    )
    GraduasiTanpaProses.objects.bulk_create(
        [GraduasiTanpaProses(keluarga_id=pk, status_ditemukan=status) for pk, status in rows],
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("verifikasi", "0003_graduasitanpaproses"),
    ]

    operations = [migrations.RunPython(laporkan, migrations.RunPython.noop)]
