"""Exact findings of each reconciliation kind on hand-built sources (rules: the docstring of
dtsen/services/rekonsiliasi.py)."""

from __future__ import annotations

import datetime

import pytest

from dinsos.errors import DomainError
from dinsos.models import Pengaturan
from dtsen import services
from dtsen.models import Jenis, Rekonsiliasi, Snapshot, Temuan, TemuanHasil
from kpm.models import Keluarga
from tests.dtsen.conftest import IRINGMULYO_BPS, make_no_kk
from tests.dtsen.rekonsiliasi_data import (
    Orang,
    dtsen_row,
    jalankan,
    keluarga,
    pbijk_row,
    terapkan,
    terbuka,
)

pytestmark = pytest.mark.django_db
J = Rekonsiliasi.Jenis
MARET = datetime.date(2025, 3, 31)

# KPM against DTSEN: one family per situation (Hadimulyo Barat unless said otherwise).
A1 = Orang(1, "Budi Santoso", kk=1)
A2 = Orang(2, "Siti Aminah", jk="P", lahir=datetime.date(1985, 2, 3), kk=1)
B1 = Orang(3, "Joko Susilo", kk=2)  # desil 7: above the PKH cut-off
C1 = Orang(4, "Paijo", kk=3)  # not in DTSEN at all
D1 = Orang(5, "Wahyu", kk=4)  # in DTSEN without desil
E1 = Orang(6, "Sumarni", jk="P", kk=5, nik_serial=61)  # one digit of the NIK mistyped in KPM
E1_DTSEN = E1.but(nik_serial=16)
G1 = Orang(7, "Sri Wahyuni", jk="P", kk=7)  # DTSEN writes "Hj. SRI WAHYUNI, S.Pd."
G2 = Orang(8, "Tukiran", lahir=datetime.date(1990, 3, 4), kk=7)  # DTSEN: 3 April, perempuan
H1 = Orang(9, "Ngadiman", kk=8)  # DTSEN lists him in family I's KK
I1 = Orang(10, "Marjuki", kk=9)
J1 = Orang(11, "Suparni", jk="P", kk=10)  # Iring Mulyo (Metro Timur), not in DTSEN
Z1 = Orang(12, "Sarno", kk=11)  # graduated family: not compared


def _dtsen_rows(desil_a: int) -> list[list[object]]:
    return [
        dtsen_row(A1, desil=desil_a),
        dtsen_row(A2, desil=desil_a),
        dtsen_row(B1, desil=7),
        dtsen_row(D1, desil=None),
        dtsen_row(E1_DTSEN, desil=2),
        dtsen_row(G1.but(nama="Hj. SRI WAHYUNI, S.Pd."), desil=3),
        dtsen_row(G2.but(lahir=datetime.date(1990, 4, 3), jk="P"), nik=G2.nik, desil=3),
        dtsen_row(H1.but(kk=9), desil=3),
        dtsen_row(I1, desil=3),
    ]


@pytest.fixture
def dunia_kpm(muat, admin, tmp_path, kota_metro):
    terapkan(muat, admin, tmp_path, _dtsen_rows(desil_a=2), tanggal=MARET)
    terapkan(muat, admin, tmp_path, _dtsen_rows(desil_a=3))
    hadimulyo = kota_metro["Hadimulyo Barat"]
    for members in ([A1, A2], [B1], [C1], [D1], [E1], [G1, G2], [H1], [I1]):
        keluarga(*members, kelurahan=hadimulyo)
    keluarga(J1, kelurahan=kota_metro["Iring Mulyo"])
    keluarga(Z1, kelurahan=hadimulyo, status=Keluarga.Status.GRADUASI)
    return kota_metro


def _ringkas(t: Temuan) -> tuple[object, ...]:
    keys = {
        "data_berbeda": ("kolom",),
        "desil_berubah": ("desil_lama", "desil_baru"),
        "desil_di_atas_pkh": ("desil", "batas"),
        "kpm_tanpa_desil": ("desil", "ada_di_dtsen"),
        "kemungkinan_cocok": ("nik_lain", "skor"),
        "kk_anggota_berbeda": ("hanya_kpm", "hanya_dtsen"),
        "nik_dua_kk": ("no_kk_kpm", "no_kk_dtsen"),
    }.get(t.kategori, ())
    return (t.kategori, t.nik or t.no_kk, *(t.rincian[k] for k in keys))


def test_kpm_against_dtsen_finds_each_category_exactly(dunia_kpm, operator):
    # when
    run = jalankan(J.KPM_DTSEN, dunia_kpm["Kota Metro"], operator)
    # then
    assert run.status == Rekonsiliasi.Status.SELESAI
    assert [_ringkas(t) for t in terbuka()] == [
        ("data_berbeda", G2.nik, ["tanggal_lahir", "jenis_kelamin"]),
        ("data_berbeda", H1.nik, ["no_kk"]),
        ("desil_berubah", make_no_kk(1), 2, 3),
        ("desil_di_atas_pkh", make_no_kk(2), 7, 4),
        ("kemungkinan_cocok", E1.nik, E1_DTSEN.nik, 1.0),
        ("kk_anggota_berbeda", make_no_kk(5), [E1.nik], [E1_DTSEN.nik]),
        ("kk_anggota_berbeda", make_no_kk(9), [], [H1.nik]),
        ("kpm_tanpa_desil", make_no_kk(3), None, False),
        ("kpm_tanpa_desil", make_no_kk(4), None, True),
        ("kpm_tanpa_desil", make_no_kk(10), None, False),
        ("kpm_tidak_di_dtsen", C1.nik),
        ("kpm_tidak_di_dtsen", J1.nik),
        ("kpm_tidak_di_dtsen", E1.nik),
        ("nik_dua_kk", H1.nik, make_no_kk(8), make_no_kk(9)),
    ]
    assert run.jumlah == {
        "data_berbeda": 2,
        "desil_berubah": 1,
        "desil_di_atas_pkh": 1,
        "kemungkinan_cocok": 1,
        "kk_anggota_berbeda": 2,
        "kpm_tanpa_desil": 3,
        "kpm_tidak_di_dtsen": 3,
        "nik_dua_kk": 1,
    }
    metro_pusat, metro_timur = dunia_kpm["Metro Pusat"].pk, dunia_kpm["Metro Timur"].pk
    assert run.jumlah_kecamatan[str(metro_timur)] == {"kpm_tanpa_desil": 1, "kpm_tidak_di_dtsen": 1}
    assert sum(run.jumlah_kecamatan[str(metro_pusat)].values()) == 12
    assert (run.jumlah_baru, run.jumlah_tetap, run.jumlah_ditutup) == (14, 0, 0)
    assert TemuanHasil.objects.count() == 0  # staging rows are gone after the merge


def test_data_disagreement_keeps_both_values_and_the_member_links(dunia_kpm, operator):
    # when
    jalankan(J.KPM_DTSEN, dunia_kpm["Kota Metro"], operator)
    # then
    temuan = Temuan.objects.get(kategori="data_berbeda", nik=G2.nik)
    assert temuan.rincian == {
        "kolom": ["tanggal_lahir", "jenis_kelamin"],
        "sumber": "kpm",
        "pembanding": "dtsen",
        "nilai": {"tanggal_lahir": ["1990-03-04", "1990-04-03"], "jenis_kelamin": ["L", "P"]},
    }
    assert (temuan.anggota.nik, temuan.keluarga.no_kk, temuan.kelurahan.nama) == (
        G2.nik,
        make_no_kk(7),
        "Hadimulyo Barat",
    )
    assert temuan.tahap == Temuan.Tahap.BELUM_DIPERIKSA


def test_desil_change_is_not_reported_on_a_first_snapshot(
    muat, admin, operator, tmp_path, kota_metro
):
    # given: only one DTSEN snapshot was ever applied
    terapkan(muat, admin, tmp_path, [dtsen_row(A1, desil=7)])
    keluarga(A1, kelurahan=kota_metro["Hadimulyo Barat"])
    # when
    run = jalankan(J.KPM_DTSEN, kota_metro["Kota Metro"], operator)
    # then
    assert run.snapshot_dtsen_lama is None
    assert [_ringkas(t) for t in terbuka()] == [("desil_di_atas_pkh", make_no_kk(1), 7, 4)]


# --- The probable match: the scored rule (dinsos/kecocokan.py; more in test_pencocokan*.py) ---
def test_probable_match_needs_a_proposed_band(muat, admin, operator, tmp_path, kota_metro):
    # given: three members whose NIK is not in DTSEN, each with a look-alike there
    siti = Orang(21, "Siti Aminan", jk="P", lahir=datetime.date(1985, 2, 3), kk=21)
    budi = Orang(22, "Budi Susanto", kk=22)
    joko = Orang(23, "Joko Susilo", lahir=datetime.date(1975, 1, 1), kk=23)
    terapkan(
        muat,
        admin,
        tmp_path,
        [
            dtsen_row(siti.but(nik_serial=12, nama="Siti Aminah")),  # typo, NIK 21 → 12
            dtsen_row(budi.but(nik_serial=13, nama="Budi Santoso")),  # another name
            dtsen_row(joko.but(nik_serial=14, lahir=datetime.date(1975, 1, 2), kk=24)),
        ],
    )
    for o in (siti, budi, joko):
        keluarga(o, kelurahan=kota_metro["Hadimulyo Barat"])
    # when: the default thresholds (sangat mungkin ≥ 16, mungkin ≥ 12)
    run = jalankan(J.KPM_DTSEN, kota_metro["Kota Metro"], operator)
    # then: Siti (name typo, NIK digits swapped, same KK) is very probable; Budi (another
    # name in the same KK) and Joko (other KK, birth date and NIK off) are only weak
    cocok = Temuan.objects.filter(kategori="kemungkinan_cocok", closed_at__isnull=True)
    assert [(t.nik, t.rincian["nik_lain"], t.skor, t.rincian["pita"]) for t in cocok] == [
        (siti.nik, siti.but(nik_serial=12).nik, 19.5, "sangat_mungkin")
    ]
    assert run.aturan["ambang"] == {"sangat_mungkin": 16.0, "mungkin": 12.0, "lemah": 7.0}
    # when: the office proposes weak matches too, from a date on
    Pengaturan.objects.create(
        kunci="pencocokan_pita_usulan",
        nilai=["sangat_mungkin", "mungkin", "lemah"],
        berlaku_mulai=datetime.date(2020, 1, 1),
    )
    jalankan(J.KPM_DTSEN, kota_metro["Kota Metro"], operator)
    # then
    assert [(t.nik, t.skor, t.rincian["pita"]) for t in cocok.order_by("nik")] == [
        (joko.nik, 7.5, "lemah"),
        (budi.nik, 9.5, "lemah"),
        (siti.nik, 19.5, "sangat_mungkin"),
    ]


def test_probable_match_takes_the_best_candidate_not_already_a_kpm_member(
    muat, admin, operator, tmp_path, kota_metro
):
    # given: two look-alikes born the same day; the identical one is already a KPM member
    member = Orang(31, "Sri Wahyuningsih", jk="P", kk=31)
    twin = Orang(32, "Sri Wahyuni", jk="P", kk=32)  # a registered KPM member herself
    other = Orang(33, "Sri Wahyuni", jk="P", kk=33)
    terapkan(
        muat,
        admin,
        tmp_path,
        [dtsen_row(twin), dtsen_row(other.but(nama="Sri Wahyuningsi"))],
    )
    keluarga(member, kelurahan=kota_metro["Hadimulyo Barat"])
    keluarga(twin, kelurahan=kota_metro["Hadimulyo Barat"])
    # when
    jalankan(J.KPM_DTSEN, kota_metro["Kota Metro"], operator)
    # then: matched with the other person, never with the member's own NIK
    temuan = Temuan.objects.get(kategori="kemungkinan_cocok")
    assert (temuan.nik, temuan.rincian["nik_lain"], temuan.rincian["nama_lain"], temuan.skor) == (
        member.nik,
        other.nik,
        "Sri Wahyuningsi",
        13.5,  # name sounds alike 5, birth date 5, NIK 1 digit 4, sex 0.5, kelurahan 1, KK -2
    )


def test_probable_match_prefers_a_nik_one_digit_away_over_a_better_name(
    muat, admin, operator, tmp_path, kota_metro
):
    # given: the KPM member's NIK and name both carry a typing error; a stranger born the
    # same day has exactly the registered name
    benar = Orang(41, "Siti Aminah", jk="P", lahir=datetime.date(1985, 2, 3), kk=41)
    kpm = benar.but(nik_serial=47, nama="Siti Aminan")  # serial 0041 → 0047: one digit
    asing = Orang(5308, "Siti Aminan", jk="P", lahir=benar.lahir, kk=42)  # 4 digits away
    terapkan(muat, admin, tmp_path, [dtsen_row(benar), dtsen_row(asing)])
    keluarga(kpm, kelurahan=kota_metro["Hadimulyo Barat"])
    # when
    jalankan(J.KPM_DTSEN, kota_metro["Kota Metro"], operator)
    # then: the NIK one digit away wins over the identical name
    temuan = Temuan.objects.get(kategori="kemungkinan_cocok")
    assert (temuan.rincian["nik_lain"], temuan.rincian["nik_beda"], temuan.skor) == (
        benar.nik,
        1,
        18.5,
    )


# --- PBI-JK against DTSEN ------------------------------------------------------------------
def test_pbijk_against_dtsen_finds_deactivation_and_proposal_candidates(
    muat, admin, operator, tmp_path, kota_metro
):
    # given
    p1 = Orang(41, "Budi Santoso", kk=41)  # desil 3, covered: nothing to report
    p2 = Orang(42, "Joko Susilo", kk=42)  # desil 7 → deactivation
    p3 = Orang(43, "Wahyu", kk=43)  # no desil → deactivation
    p4 = Orang(44, "Tukiran", kk=44)  # on the list, not in DTSEN → deactivation
    p5 = Orang(45, "Paijo", kk=45)  # desil 1, not on the list → proposal
    p6 = Orang(46, "Siti Aminah", jk="P", kk=46)  # desil 3, nonaktif on the list → proposal
    p7 = Orang(47, "Sumarni", jk="P", kk=47)  # desil 6, not on the list: not eligible
    p8 = Orang(48, "Sri Wahyuni", jk="P", kk=48)  # the list spells her name differently
    p9 = Orang(49, "Sarno", kk=49)  # nonaktif on the list and not in DTSEN: already off
    p10 = Orang(50, "Marjuki", kk=50)  # desil 2 in Iring Mulyo, not on the list → proposal
    terapkan(
        muat,
        admin,
        tmp_path,
        [
            dtsen_row(p1, desil=3),
            dtsen_row(p2, desil=7),
            dtsen_row(p3, desil=None),
            dtsen_row(p5, desil=1),
            dtsen_row(p6, desil=3),
            dtsen_row(p7, desil=6),
            dtsen_row(p8, desil=2),
            dtsen_row(p10, desil=2, kode=IRINGMULYO_BPS),
        ],
    )
    terapkan(
        muat,
        admin,
        tmp_path,
        [
            pbijk_row(p1),
            pbijk_row(p2),
            pbijk_row(p3),
            pbijk_row(p4),
            pbijk_row(p6, status="NON AKTIF"),
            pbijk_row(p8.but(nama="Sri Wahyuningsih")),
            pbijk_row(p9, status="Tidak Aktif"),
        ],
        jenis=Jenis.PBIJK,
    )
    # when
    run = jalankan(J.PBIJK_DTSEN, kota_metro["Kota Metro"], operator)
    # then
    found = [
        (t.kategori, t.nik, t.rincian.get("desil"), t.rincian.get("status_pbijk"))
        for t in terbuka()
    ]
    assert found == [
        ("data_berbeda", p8.nik, None, None),
        ("dtsen_belum_pbijk", p5.nik, 1, "tidak_terdaftar"),
        ("dtsen_belum_pbijk", p10.nik, 2, "tidak_terdaftar"),
        ("dtsen_belum_pbijk", p6.nik, 3, "nonaktif"),
        ("pbijk_desil_tidak_layak", p2.nik, 7, None),
        ("pbijk_desil_tidak_layak", p3.nik, None, None),
        ("pbijk_tidak_di_dtsen", p4.nik, None, None),
    ]
    assert Temuan.objects.get(kategori="data_berbeda").rincian["nilai"] == {
        "nama": ["SRI WAHYUNINGSIH", "Sri Wahyuni"]
    }
    assert Temuan.objects.get(nik=p10.nik).kecamatan == kota_metro["Metro Timur"]
    assert run.jumlah == {
        "data_berbeda": 1,
        "dtsen_belum_pbijk": 3,
        "pbijk_desil_tidak_layak": 2,
        "pbijk_tidak_di_dtsen": 1,
    }


# --- KPM against PBI-JK ----------------------------------------------------------------------
def test_kpm_members_without_pbijk_carry_their_removal_date(
    muat, admin, operator, tmp_path, kota_metro
):
    # given: three monthly PBI-JK lists
    k1 = Orang(51, "Budi Santoso", kk=51)  # covered throughout
    k2 = Orang(52, "Siti Aminah", jk="P", kk=51)  # nonaktif since the January list
    k3 = Orang(53, "Joko Susilo", kk=53)  # never on a list
    k4 = Orang(54, "Wahyu", kk=54)  # the list has another birth date
    k5 = Orang(55, "Tukiran", kk=55)  # dropped from the February list
    rows = {
        datetime.date(2024, 12, 31): [pbijk_row(k1), pbijk_row(k2), pbijk_row(k5)],
        datetime.date(2025, 1, 31): [
            pbijk_row(k1),
            pbijk_row(k2, status="NONAKTIF"),
            pbijk_row(k5),
        ],
        datetime.date(2025, 2, 28): [
            pbijk_row(k1),
            pbijk_row(k2, status="NONAKTIF"),
            pbijk_row(k4.but(lahir=datetime.date(1980, 5, 18)), nik=k4.nik),
        ],
    }
    for tanggal, list_rows in rows.items():
        terapkan(muat, admin, tmp_path, list_rows, jenis=Jenis.PBIJK, tanggal=tanggal)
    for members in ([k1, k2], [k3], [k4], [k5]):
        keluarga(*members, kelurahan=kota_metro["Hadimulyo Barat"])
    # when
    run = jalankan(J.KPM_PBIJK, kota_metro["Kota Metro"], operator)
    # then
    assert run.snapshot_pbijk == Snapshot.objects.get(tanggal_data=datetime.date(2025, 2, 28))
    found = [
        (
            t.kategori,
            t.nik,
            t.rincian.get("status_pbijk"),
            t.rincian.get("aktif_terakhir"),
            t.rincian.get("nonaktif_sejak"),
        )
        for t in terbuka()
    ]
    assert found == [
        ("data_berbeda", k4.nik, None, None, None),
        ("kpm_tanpa_pbijk", k3.nik, "tidak_terdaftar", None, None),
        ("kpm_tanpa_pbijk", k5.nik, "tidak_terdaftar", "2025-01-31", "2025-02-28"),
        ("kpm_tanpa_pbijk", k2.nik, "nonaktif", "2024-12-31", "2025-01-31"),
    ]
    assert Temuan.objects.get(kategori="data_berbeda").rincian["kolom"] == ["tanggal_lahir"]


# --- Starting a run -------------------------------------------------------------------------
def test_a_run_needs_the_applied_snapshots_it_compares(operator, kota_metro):
    with pytest.raises(DomainError) as error:
        jalankan(J.KPM_PBIJK, kota_metro["Kota Metro"], operator)
    assert error.value.message == (
        "Belum ada snapshot PBI-JK yang aktif untuk Kota Metro. Impor dan terapkan dulu filenya."
    )
    assert Rekonsiliasi.objects.count() == 0


def test_only_one_run_of_a_kind_per_area_at_a_time(dunia_kpm, operator):
    first = services.rekonsiliasi_create(
        jenis=J.KPM_DTSEN, wilayah=dunia_kpm["Kota Metro"], started_by=operator
    )
    with pytest.raises(DomainError) as error:
        services.rekonsiliasi_create(
            jenis=J.KPM_DTSEN, wilayah=dunia_kpm["Kota Metro"], started_by=operator
        )
    assert error.value.message == (
        f"Rekonsiliasi KPM dengan DTSEN untuk Kota Metro masih berjalan (#{first.pk}). "
        "Tunggu sampai selesai atau batalkan dulu."
    )
