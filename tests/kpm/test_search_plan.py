"""Name search goes through the trigram index at an ordinary office's size (6.000 families).

With pg_trgm's default operator cost the planner scanned all ~24.000 members for every
search (55 ms per scan, two scans per query); migration kpm 0005 fixes the cost.
"""

import datetime

import pytest
from django.db import connection

from demo.keluarga import generate_keluarga
from dinsos.models import Wilayah
from kpm.models import Anggota

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "lookup", ["nama_cari__trigram_similar", "nama_cari__trigram_word_similar"]
)
def test_name_search_uses_the_trigram_index_at_office_size(kota_metro, admin, lookup):
    generate_keluarga(
        n=6000,
        seed=1872,
        kelurahan=list(Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN)),
        pendamping=[],
        today=datetime.date(2025, 6, 30),
        oleh=admin,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kpm_anggota")
    plan = Anggota.objects.filter(**{lookup: "siti aminh"}).values("keluarga_id").explain()
    assert "anggota_nama_trgm" in plan, plan
