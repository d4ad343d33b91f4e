import pytest
from django.core.management import call_command

from dinsos import services
from dinsos.errors import DomainError
from dinsos.management.commands.load_wilayah import DEFAULT_CSV
from dinsos.models import Wilayah

pytestmark = pytest.mark.django_db


def test_kota_metro_loads_with_both_code_systems():
    # when
    result = services.wilayah_load_csv(path=DEFAULT_CSV)
    # then
    assert (result.created, result.updated) == (28, 0)
    counts = {t: Wilayah.objects.filter(tingkat=t).count() for t in Wilayah.Tingkat.values}
    assert counts == {"provinsi": 0, "kabkota": 1, "kecamatan": 5, "kelurahan": 22}
    # DOMAIN.md §8: the two systems number differently; both are stored.
    pusat = Wilayah.objects.get(kode="18.72.01")
    assert (pusat.nama, pusat.kode_bps) == ("Metro Pusat", "1872022")
    imopuro = Wilayah.objects.get(nama="Imopuro")
    assert imopuro.parent == pusat
    assert imopuro.is_kelurahan is True
    assert imopuro.kode_angka == "1872011003"


def test_loading_twice_changes_nothing():
    services.wilayah_load_csv(path=DEFAULT_CSV)
    result = services.wilayah_load_csv(path=DEFAULT_CSV)
    assert (result.created, result.updated) == (0, 0)
    assert Wilayah.objects.count() == 28


def test_renamed_area_is_updated_in_place(tmp_path):
    services.wilayah_load_csv(path=DEFAULT_CSV)
    changed = DEFAULT_CSV.read_text().replace(",Imopuro,", ",Imopuro Baru,")
    path = tmp_path / "wilayah.csv"
    path.write_text(changed)
    result = services.wilayah_load_csv(path=path)
    assert (result.created, result.updated) == (0, 1)
    assert Wilayah.objects.get(kode="18.72.01.1003").nama == "Imopuro Baru"


def test_unknown_parent_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text(
        "kode_kemendagri,kode_bps,nama,tingkat,kode_induk\n"
        "18.72,1872,Kota Metro,kota,\n"
        "18.72.09.1001,,Entah,kelurahan,18.72.09\n"
    )
    with pytest.raises(DomainError) as error:
        services.wilayah_load_csv(path=path)
    assert error.value.message == "Wilayah 18.72.09.1001: induk 18.72.09 tidak ditemukan."
    assert Wilayah.objects.count() == 0


def test_unknown_level_names_the_row(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text(
        "kode_kemendagri,kode_bps,nama,tingkat,kode_induk\n18.72,1872,Kota Metro,kampung,\n"
    )
    with pytest.raises(DomainError) as error:
        services.wilayah_load_csv(path=path)
    assert error.value.message == "Baris 2, kolom tingkat: 'kampung' tidak dikenal."


def test_command_loads_the_default_region(capsys):
    call_command("load_wilayah")
    assert "28 baru" in capsys.readouterr().out
