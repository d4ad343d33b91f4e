"""Issue 20: the Bansos section counts the payouts per tahap of the report's year."""

from __future__ import annotations

import pytest

from kpm.models import Penyaluran
from laporan import selectors
from tests.laporan.dunia import JUNI, bangun

pytestmark = pytest.mark.django_db


def _salur(keluarga, tahun, tahap, status, nominal=750_000):
    Penyaluran.objects.create(
        keluarga=keluarga,
        tahun=tahun,
        tahap=tahap,
        nominal=nominal,
        status=status,
        alasan_gagal="Rekening tidak aktif" if status == "gagal" else "",
    )


def test_the_bansos_section_shows_payouts_per_tahap(kota_metro, operator, pendamping_hadimulyo):
    # given
    dunia = bangun(kota_metro, operator, pendamping_hadimulyo)
    a, b = dunia.keluarga["a"], dunia.keluarga["b"]
    _salur(a, 2025, 1, "tersalur")
    _salur(b, 2025, 1, "tersalur", nominal=600_000)
    _salur(a, 2025, 2, "gagal")
    _salur(b, 2024, 4, "tersalur")  # another year
    # when
    data = selectors.laporan_susun(wilayah=dunia.kota, bulan=JUNI)
    # then
    bansos = next(s for s in data["bagian"] if s["kunci"] == "bansos")
    angka = {x["label"]: x["nilai"] for x in bansos["angka"]}
    assert angka["Penyaluran tersalur tahun 2025"] == 2
    assert angka["Penyaluran gagal tahun 2025"] == 1
    assert angka["Nominal tersalur tahun 2025"] == 1_350_000
    (tabel,) = [t for t in bansos["tabel"] if t["judul"] == "Penyaluran per tahap tahun 2025"]
    assert tabel["baris"] == [["Tahap 1", 2, 0, 1_350_000], ["Tahap 2", 0, 1, 0]]
    assert not any("Belum ada data penyaluran" in c for c in bansos["catatan"])


def test_an_area_without_payouts_says_so(kota_metro, operator, pendamping_hadimulyo):
    dunia = bangun(kota_metro, operator, pendamping_hadimulyo)
    _salur(dunia.keluarga["a"], 2025, 1, "tersalur")
    # when: a kecamatan without that family
    data = selectors.laporan_susun(wilayah=dunia.metro_timur, bulan=JUNI)
    # then
    bansos = next(s for s in data["bagian"] if s["kunci"] == "bansos")
    assert "Belum ada data penyaluran" in " ".join(bansos["catatan"])
