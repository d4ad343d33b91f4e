import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from demo.keluarga import generate_keluarga
from dinsos.demo import DEMO_ACCOUNTS
from dinsos.errors import DomainError
from dinsos.formatting import mask_nik, mask_no_kk
from dinsos.identity import parse_nik, parse_no_kk
from dinsos.models import User, Wilayah
from dinsos.names import normalize_nama
from kpm import services
from kpm.models import Anggota, Keluarga, RiwayatStatus
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 1)
KECAMATAN_KOTA_METRO = {"187201", "187202", "187203", "187204", "187205"}


def _kelurahan() -> list[Wilayah]:
    return list(Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN))


def _generate(n: int, seed: int, pendamping: list[User] | None = None) -> None:
    generate_keluarga(
        n=n, seed=seed, kelurahan=_kelurahan(), pendamping=pendamping or [], today=TODAY
    )


def test_generator_inserts_families_with_valid_identifiers(kota_metro, admin):
    # when
    stats = generate_keluarga(n=20, seed=7, kelurahan=_kelurahan(), pendamping=[], today=TODAY)
    connection.check_constraints()  # the deferred foreign keys hold
    # then
    assert stats.keluarga == Keluarga.objects.count() == 20
    assert stats.anggota == Anggota.objects.count()
    assert 3 * 20 <= stats.anggota <= 5 * 20
    niks = list(Anggota.objects.values_list("nik", flat=True))
    assert len(set(niks)) == len(niks)
    for anggota in Anggota.objects.all():
        info = parse_nik(anggota.nik, today=TODAY)
        assert info.tanggal_lahir == anggota.tanggal_lahir
        assert info.jenis_kelamin == anggota.jenis_kelamin
        assert info.kode_wilayah in KECAMATAN_KOTA_METRO
        assert anggota.nama_cari == normalize_nama(anggota.nama)
    for keluarga in Keluarga.objects.select_related("pengurus", "kelurahan"):
        assert parse_no_kk(keluarga.no_kk) == keluarga.no_kk
        assert keluarga.no_kk[:6] == keluarga.kelurahan.kode_angka[:6]
        assert keluarga.pengurus is not None
        assert keluarga.pengurus.keluarga_id == keluarga.pk
        assert 2 <= keluarga.anggota.count() <= 7
        assert re.fullmatch(r"0(0[1-9]|1[0-5])", keluarga.rt)
        assert re.fullmatch(r"0(0[1-9]|1[0-5])", keluarga.rw)
        assert TODAY.replace(year=2015, month=1) <= keluarga.tanggal_terdaftar <= TODAY
        latest = RiwayatStatus.objects.filter(keluarga=keluarga).order_by("-created_at").first()
        assert latest is not None
        assert latest.ke == keluarga.status
    assert len(set(Keluarga.objects.values_list("no_kk", flat=True))) == 20


def test_generator_derives_components_as_the_refresh_does(kota_metro, admin):
    # given
    _generate(40, seed=3)
    # when
    updated = services.keluarga_komponen_refresh(on=TODAY)
    # then
    assert updated == 0
    with_sd = Keluarga.objects.filter(
        anggota__jenjang_sekolah=Anggota.Jenjang.SD,
        anggota__tanggal_lahir__gt=datetime.date(2026 - 13, 7, 1),
    ).distinct()
    assert with_sd.exists()
    assert all("anak_sd" in k.komponen for k in with_sd)


def test_same_seed_gives_the_same_families(kota_metro, admin):
    # given
    def run(seed: int) -> list[tuple[str, str, str]]:
        with transaction.atomic():
            _generate(15, seed=seed)
            rows = sorted(Anggota.objects.values_list("nik", "nama", "keluarga__no_kk"))
            transaction.set_rollback(True)
        return rows

    # when
    first, second, other = run(42), run(42), run(43)
    # then
    assert first == second
    assert len(first) > 30
    assert {nik for nik, _, _ in first} != {nik for nik, _, _ in other}


def test_a_second_run_continues_the_serials(kota_metro, admin):
    # given
    _generate(30, seed=5)
    # when
    _generate(30, seed=5)
    # then
    assert Keluarga.objects.count() == 60
    niks = list(Anggota.objects.values_list("nik", flat=True))
    assert len(set(niks)) == len(niks)
    assert not set(niks) & set(Keluarga.objects.values_list("no_kk", flat=True))


def test_pendamping_get_the_families_of_their_kelurahan_in_turn(
    kota_metro, admin, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given
    kedua = make_user("pendamping_c", User.Role.PENDAMPING, kota_metro["Hadimulyo Barat"])
    # when
    _generate(300, seed=9, pendamping=[pendamping_hadimulyo, pendamping_iringmulyo, kedua])
    # then
    hadimulyo = Keluarga.objects.filter(kelurahan=kota_metro["Hadimulyo Barat"])
    a = hadimulyo.filter(pendamping=pendamping_hadimulyo).count()
    c = hadimulyo.filter(pendamping=kedua).count()
    assert a + c == hadimulyo.count() > 2
    assert abs(a - c) <= 1
    iring = Keluarga.objects.filter(kelurahan=kota_metro["Iring Mulyo"])
    assert set(iring.values_list("pendamping", flat=True)) == {pendamping_iringmulyo.pk}
    elsewhere = Keluarga.objects.exclude(
        kelurahan__in=[kota_metro["Hadimulyo Barat"], kota_metro["Iring Mulyo"]]
    )
    assert set(elsewhere.values_list("pendamping", flat=True)) == {None}


def test_generator_needs_an_admin_for_the_status_history(kota_metro):
    # when
    with pytest.raises(DomainError) as error:
        _generate(5, seed=1)
    # then
    assert error.value.message == "Data demo butuh satu akun admin untuk riwayat status."
    assert Keluarga.objects.count() == 0


def test_seed_demo_creates_accounts_and_families():
    # given
    out = io.StringIO()
    # when
    call_command("seed_demo", "--keluarga", "200", stdout=out)
    # then
    demo = User.objects.filter(username__in=[username for username, *_ in DEMO_ACCOUNTS])
    assert sorted(demo.values_list("username", "role")) == [
        ("admin", "admin"),
        ("koordinator", "koordinator"),
        ("operator", "operator"),
        ("operator_kelurahan", "operator_kelurahan"),
        ("pendamping", "pendamping"),
        ("pendamping2", "pendamping"),
    ]
    assert Keluarga.objects.count() == 200
    hadimulyo = Keluarga.objects.filter(kelurahan__nama="Hadimulyo Barat")
    assert set(hadimulyo.values_list("pendamping__username", flat=True)) == {"pendamping"}
    iring = Keluarga.objects.filter(kelurahan__nama="Iring Mulyo")
    assert set(iring.values_list("pendamping__username", flat=True)) == {"pendamping2"}
    anggota = Anggota.objects.count()
    assert f"Keluarga demo: 200 keluarga, {anggota} anggota" in out.getvalue()


def test_seed_demo_twice_keeps_the_first_families():
    # given
    call_command("seed_demo", "--keluarga", "10", stdout=io.StringIO())
    niks = set(Anggota.objects.values_list("nik", flat=True))
    # when
    call_command("seed_demo", "--keluarga", "10", stdout=io.StringIO())
    # then
    assert Keluarga.objects.count() == 10
    assert set(Anggota.objects.values_list("nik", flat=True)) == niks


def test_seed_demo_if_empty_adds_nothing_to_a_database_in_use(operator):
    # given
    out = io.StringIO()
    # when
    call_command("seed_demo", "--if-empty", "--keluarga", "10", stdout=out)
    # then
    assert list(User.objects.values_list("username", flat=True)) == ["operator"]
    assert Keluarga.objects.count() == 0
    assert out.getvalue() == "Basis data sudah berisi pengguna; data demo dilewati.\n"


def test_masked_identifiers_differ_between_people(kota_metro, admin):
    # given: a list page shows each pengurus by masked NIK and each family by masked No KK
    _generate(40, seed=11)
    # when
    nik = [mask_nik(n) for n in Keluarga.objects.values_list("pengurus__nik", flat=True)]
    no_kk = [mask_no_kk(n) for n in Keluarga.objects.values_list("no_kk", flat=True)]
    # then: real serials are not all 0001, so the last two digits tell people apart
    assert len(set(nik)) >= 30
    assert len(set(no_kk)) >= 30
    assert max(nik.count(m) for m in nik) <= 3
