"""Probable matches end to end (issue #23): each kind of variant between a KPM member and
their DTSEN record is found by a real reconciliation run, with its explanation on the
finding's page; strangers are not proposed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dtsen.models import Rekonsiliasi, Temuan
from dtsen.selectors.rekonsiliasi import temuan_detail
from tests.dtsen.conftest import make_nik
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, jalankan, keluarga, terapkan

pytestmark = pytest.mark.django_db
J = Rekonsiliasi.Jenis
LAHIR = datetime.date(1985, 3, 7)


def _o(n: int, nama: str, jk: str = "P", **kw: object) -> Orang:
    kw.setdefault("kk", n)
    return Orang(n, nama, jk=jk, lahir=LAHIR, **kw)  # type: ignore[arg-type]


# (KPM record, DTSEN record, DTSEN NIK when not the record's own, the explanation expected).
# Every KPM NIK is off from the DTSEN one, so each member is first "not found by NIK".
VARIAN = {
    "nik_satu_digit": (
        _o(71, "Sumarni"),
        _o(71, "Sumarni", nik_serial=79),
        None,
        "NIK beda 1 digit",
    ),
    "nik_tukar": (
        _o(72, "Suparni", nik_serial=127),
        _o(72, "Suparni", nik_serial=172),
        None,
        "NIK: dua digit bersebelahan tertukar",
    ),
    "nik_tanpa_40": (
        _o(73, "Sulastri"),
        _o(73, "Sulastri"),
        make_nik(LAHIR, "1", 73),  # the women's +40 on the day left out in DTSEN
        "NIK: tambahan 40 pada tanggal (perempuan) tidak ada",
    ),
    "nik_sementara": (
        _o(74, "Tuminah", nik_serial=5231),
        _o(74, "Tuminah"),
        None,
        "NIK: kode wilayah dan tanggal lahir sama, nomor urut beda",
    ),
    "lahir_tukar": (
        _o(75, "Kartini", nik_serial=76),
        _o(75, "Kartini").but(lahir=datetime.date(1985, 7, 3)),
        make_nik(LAHIR, "2", 75),
        "tanggal lahir tertukar hari/bulan",
    ),
    "lahir_isian": (
        _o(77, "Lestari", nik_serial=78),
        _o(77, "Lestari").but(lahir=datetime.date(1985, 1, 1)),
        make_nik(LAHIR, "2", 77),
        "tanggal lahir isian (01-01/31-12/01-07), tahun sama",
    ),
    "lahir_satu_digit": (
        _o(80, "Rahayu", nik_serial=81),
        _o(80, "Rahayu").but(lahir=datetime.date(1985, 3, 8)),
        make_nik(LAHIR, "2", 80),
        "tanggal lahir beda 1 digit",
    ),
    "nama_varian": (
        _o(82, "Muhammad Rizki", jk="L", nik_serial=83),
        _o(82, "M. Rizki", jk="L"),
        None,
        "nama: varian Muhammad",
    ),
    "nama_urutan": (
        _o(84, "Aminah Siti", nik_serial=85),
        _o(84, "Siti Aminah"),
        None,
        "nama: urutan kata berbeda",
    ),
    "nama_sebagian": (
        _o(86, "Fatimah", nik_serial=87),
        _o(86, "Siti Fatimah"),
        None,
        "nama: satu bagian tidak ada",
    ),
    "nama_bin": (
        _o(88, "Yusuf bin Ahmad", jk="L", nik_serial=89),
        _o(88, "Yusuf", jk="L"),
        None,
        "nama: gelar atau bin/binti diabaikan",
    ),
    "nama_ketik": (
        _o(90, "Sumiani", nik_serial=91),
        _o(90, "Sumiati"),
        None,
        "nama: beda sedikit (salah ketik)",
    ),
    "kk_baru": (  # the family has a new KK in DTSEN; the spouse is found there by NIK
        _o(92, "Ngadiman", jk="L", nik_serial=93),
        _o(92, "Ngadiman", jk="L").but(kk=192),
        None,
        "anggota lain KK ini cocok dengan NIK-nya",
    ),
}
PASANGAN_KK_BARU = _o(94, "Painem", kk=92)


@pytest.fixture
def dunia_varian(muat, admin, tmp_path, kota_metro):
    rows = [dtsen_row(d, nik=nik) for _, d, nik, _ in VARIAN.values()]
    rows.append(dtsen_row(PASANGAN_KK_BARU.but(kk=192)))
    terapkan(muat, admin, tmp_path, rows)
    hadimulyo = kota_metro["Hadimulyo Barat"]
    for kind, (kpm, _, _, _) in VARIAN.items():
        if kind == "kk_baru":
            keluarga(kpm, PASANGAN_KK_BARU, kelurahan=hadimulyo)
        else:
            keluarga(kpm, kelurahan=hadimulyo)
    return jalankan(J.KPM_DTSEN, kota_metro["Kota Metro"], admin)


@pytest.mark.parametrize("kind", list(VARIAN))
def test_each_variant_kind_is_proposed_with_its_explanation(kind, dunia_varian, admin):
    # given
    kpm, dtsen, nik, alasan = VARIAN[kind]
    # when
    temuan = Temuan.objects.get(kategori="kemungkinan_cocok", nik=kpm.nik)
    # then
    rincian = {b.label: b.nilai for b in temuan_detail(temuan=temuan, user=admin).rincian.baris}
    assert temuan.rincian["nik_lain"] == (nik or dtsen.nik)
    assert temuan.rincian["pita"] in {"sangat_mungkin", "mungkin"}
    assert alasan in rincian["Alasan"].split("; ")


def test_the_finding_page_explains_the_match_in_indonesian(dunia_varian, client, operator):
    # given
    kpm = VARIAN["lahir_tukar"][0]
    temuan = Temuan.objects.get(kategori="kemungkinan_cocok", nik=kpm.nik)
    client.force_login(operator)
    # when
    response = client.get(reverse("dtsen:temuan-detail", args=[temuan.pk]))
    # then
    html = response.content.decode()
    # name 7 + day/month swapped 4.5 + NIK one digit 4 + sex 0.5 + kelurahan 1 + same KK 4
    assert "Sangat mungkin (skor 21,0)" in html
    assert "tanggal lahir tertukar hari/bulan; NIK beda 1 digit; No KK sama" in html
    assert "Hasil cek: orang yang sama?" in html


def test_a_stranger_differing_in_name_birth_date_and_nik_region_is_not_proposed(
    muat, admin, tmp_path, kota_metro
):
    # given: the only DTSEN person sharing anything with the member is her KK (a lodger)
    member = _o(95, "Siti Aminah", nik_serial=96)
    stranger = Orang(95, "Joko Susilo", jk="L", lahir=datetime.date(1962, 11, 23), kk=95)
    terapkan(
        muat, admin, tmp_path, [dtsen_row(stranger, nik=make_nik(stranger.lahir, "1", 5, "187102"))]
    )
    keluarga(member, kelurahan=kota_metro["Hadimulyo Barat"])
    # when
    run = jalankan(J.KPM_DTSEN, kota_metro["Kota Metro"], admin)
    # then
    assert run.jumlah.get("kemungkinan_cocok", 0) == 0
    assert run.jumlah["kpm_tidak_di_dtsen"] == 1
