import pytest
from django.core.management import call_command

from dinsos.bulan import awal_bulan
from dinsos.demo import DEMO_ACCOUNTS
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from laporan.models import LaporanBulanan

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_region_and_one_account_per_role():
    call_command("seed_demo")
    assert Wilayah.objects.count() == 28
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"admin", "operator", "koordinator", "pendamping", "operator_kelurahan"}
    koordinator = User.objects.get(username="koordinator")
    assert [w.nama for w in koordinator.wilayah.all()] == ["Metro Pusat"]


def test_seed_demo_if_empty_leaves_an_existing_database_alone(operator):
    call_command("seed_demo", "--if-empty")
    assert User.objects.count() == 1


def test_seed_demo_twice_does_not_duplicate():
    call_command("seed_demo", "--keluarga", "20")
    first = User.objects.count()
    call_command("seed_demo", "--keluarga", "20")
    assert User.objects.count() == first
    demo_usernames = {username for username, *_ in DEMO_ACCOUNTS}
    assert demo_usernames <= set(User.objects.values_list("username", flat=True))


def test_seed_demo_leaves_last_months_rakor_reports_stored_once():
    # when: seeded twice
    call_command("seed_demo", "--keluarga", "20")
    call_command("seed_demo", "--keluarga", "20")
    # then: one finished report of last month for the city, with its files (and one for the
    # koordinator's kecamatan, issue 21)
    assert sorted(LaporanBulanan.objects.values_list("wilayah__kode", flat=True)) == [
        "18.72",
        "18.72.01",
    ]
    laporan = LaporanBulanan.objects.get(wilayah__kode="18.72")
    assert laporan.bulan == awal_bulan(today(), geser=-1)
    assert laporan.wilayah.kode == "18.72"
    assert laporan.is_selesai
    assert laporan.berkas_pdf.read(4) == b"%PDF"
    kpm = next(b for b in laporan.data["bagian"] if b["kunci"] == "kpm")
    terdaftar = next(a for a in kpm["angka"] if a["label"] == "Keluarga terdaftar")
    assert terdaftar["nilai"] > 0
