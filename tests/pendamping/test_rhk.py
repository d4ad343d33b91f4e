"""RHK 7, 8 and 9 computed from the records, and satisfaction scores by channel (issue 20)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.urls import reverse

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError
from dinsos.models import User
from dinsos.pengaturan import today
from kpm.models import Keluarga
from pendamping import services
from pendamping.models import LaporanBulanan, Pendamping, SkorKepuasan
from pendamping.periode import Periode
from pendamping.selectors import indikator
from pendamping.selectors.rhk import SUMBER_RHK

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sumber_rhk() -> Iterator[None]:
    with hooks.registry.override(hooks.RHK_PENDAMPING, dict(SUMBER_RHK)):
        yield


def _bulan_lalu(n: int) -> datetime.date:
    day = today().replace(day=1)
    for _ in range(n):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


def _periode(day: datetime.date) -> Periode:
    return Periode(day.year, day.month)


def _rhk(profil: Pendamping, periode: Periode) -> dict[int, tuple[str, bool]]:
    (row,) = indikator.indikator_list(
        Pendamping.objects.filter(pk=profil.pk),
        periode=periode,
        pengaturan=dinsos_selectors.pengaturan_semua(),
    )
    return {item.nomor: (item.nilai, item.is_tercatat) for item in row.rhk}


def _laporan(profil: Pendamping, bulan: datetime.date, narasi: str = "Kunjungan rumah") -> None:
    assert profil.user is not None
    services.laporan_bulanan_kirim(
        pendamping=profil,
        bulan=bulan,
        data={"narasi": narasi, "jumlah_kunjungan": 12, "jumlah_p2k2": 3, "jumlah_kasus": 1},
        oleh=profil.user,
    )


def test_rhk_7_counts_the_months_reported_and_the_late_ones(profil_a):
    # given: this month's report (on time) and the one of two months ago (after day 5)
    ini, dulu = today().replace(day=1), _bulan_lalu(2)
    _laporan(profil_a, ini)
    _laporan(profil_a, dulu)
    # when: the late report is corrected
    _laporan(profil_a, dulu, narasi="Kunjungan rumah dan P2K2")
    # then
    assert _rhk(profil_a, _periode(ini))[7] == ("1 laporan", True)
    assert _rhk(profil_a, _periode(dulu))[7] == ("1 laporan (1 terlambat)", True)
    assert _rhk(profil_a, _periode(_bulan_lalu(3)))[7] == ("0 laporan", True)
    lama = LaporanBulanan.objects.get(bulan=dulu)
    assert (lama.narasi, lama.is_terlambat) == ("Kunjungan rumah dan P2K2", True)


def test_rhk_7_refuses_a_future_month_and_another_pendamping(profil_a, profil_b):
    assert profil_b.user is not None
    bulan_depan = (today().replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    with pytest.raises(DomainError, match="bulan yang sudah berjalan"):
        _laporan(profil_a, bulan_depan)
    with pytest.raises(DomainError, match="pendamping yang bersangkutan"):
        services.laporan_bulanan_kirim(
            pendamping=profil_a, bulan=today(), data={"narasi": "x"}, oleh=profil_b.user
        )
    assert LaporanBulanan.objects.count() == 0


def test_rhk_8_counts_the_directives_each_recipient_acknowledged(
    profil_a, profil_b, koordinator_metro_pusat
):
    # given: one directive to A and B today
    arahan = services.arahan_buat(
        data={"judul": "Percepat verifikasi", "isi": "Selesaikan bulan ini.", "tanggal": today()},
        penerima=[profil_a, profil_b],
        oleh=koordinator_metro_pusat,
    )
    penerima_a = arahan.penerima.get(pendamping=profil_a)
    # when: B may not acknowledge for A; A acknowledges (twice: the first time stays)
    assert profil_a.user is not None
    assert profil_b.user is not None
    with pytest.raises(DomainError, match="Hanya pendamping penerima"):
        services.arahan_konfirmasi(penerima=penerima_a, tanggapan="", oleh=profil_b.user)
    services.arahan_konfirmasi(penerima=penerima_a, tanggapan="Siap", oleh=profil_a.user)
    pertama = penerima_a.diterima_pada
    services.arahan_konfirmasi(penerima=penerima_a, tanggapan="Sudah", oleh=profil_a.user)
    # then
    periode = _periode(today())
    assert _rhk(profil_a, periode)[8] == ("1 dari 1 arahan dikonfirmasi", True)
    assert _rhk(profil_b, periode)[8] == ("0 dari 1 arahan dikonfirmasi", True)
    assert _rhk(profil_a, _periode(_bulan_lalu(1)))[8] == ("tidak ada arahan", True)
    penerima_a.refresh_from_db()
    assert (penerima_a.diterima_pada, penerima_a.tanggapan) == (pertama, "Sudah")


def test_rhk_8_only_a_koordinator_gives_directives(profil_a, profil_b):
    assert profil_b.user is not None
    with pytest.raises(DomainError, match="oleh koordinator"):
        services.arahan_buat(
            data={"judul": "x", "isi": "y", "tanggal": today()},
            penerima=[profil_a],
            oleh=profil_b.user,
        )


def test_rhk_9_counts_sosialisasi_held_in_the_period(profil_a, kota_metro):
    # given
    assert profil_a.user is not None
    for topik in ("PKH 2025", "Sekolah Rakyat"):
        services.sosialisasi_catat(
            pendamping=profil_a,
            data={
                "tanggal": today(),
                "tempat": "Balai kelurahan",
                "kelurahan": kota_metro["Hadimulyo Barat"],
                "topik": topik,
                "jumlah_peserta": 25,
                "peserta": "Siti\n\nAminah\n",
            },
            oleh=profil_a.user,
        )
    # then
    assert _rhk(profil_a, _periode(today()))[9] == ("2 sosialisasi", True)
    assert _rhk(profil_a, _periode(_bulan_lalu(1)))[9] == ("0 sosialisasi", True)


def test_sosialisasi_refuses_fewer_participants_than_names(profil_a):
    assert profil_a.user is not None
    with pytest.raises(DomainError, match=r"Jumlah peserta \(1\) lebih kecil"):
        services.sosialisasi_catat(
            pendamping=profil_a,
            data={
                "tanggal": today(),
                "tempat": "Balai",
                "topik": "PKH",
                "jumlah_peserta": 1,
                "peserta": "Siti\nAminah",
            },
            oleh=profil_a.user,
        )


def test_rhk_without_sources_says_not_recorded(profil_a):
    with hooks.registry.override(hooks.RHK_PENDAMPING, {}):
        rhk = _rhk(profil_a, _periode(today()))
    assert [rhk[n] for n in (1, 7, 8, 9)] == [("belum tercatat", False)] * 4


def test_a_score_the_familys_own_pendamping_enters_does_not_count(
    profil_a, keluarga_a: Keluarga, operator: User, pendamping_hadimulyo: User
):
    # given: the pendamping scores their own family 5; the office by phone scores it 3
    sendiri = services.skor_catat(
        keluarga=keluarga_a,
        data={"skor": 5, "tanggal": today()},
        oleh=pendamping_hadimulyo,
    )
    telepon = services.skor_catat(
        keluarga=keluarga_a, data={"skor": 3, "tanggal": today()}, oleh=operator
    )
    # when
    (ani,) = indikator.indikator_list(
        Pendamping.objects.filter(pk=profil_a.pk),
        periode=_periode(today()),
        pengaturan=dinsos_selectors.pengaturan_semua(),
    )
    # then: both kept, only the phone score counts
    assert (sendiri.kanal, telepon.kanal) == (
        SkorKepuasan.Kanal.PENDAMPING,
        SkorKepuasan.Kanal.TELEPON,
    )
    assert SkorKepuasan.objects.count() == 2
    assert ani.kepuasan_teks == "3,00 (1 penilaian)"


def test_a_score_taken_by_another_worker_on_a_visit_is_about_the_familys_pendamping(
    profil_a, profil_b, keluarga_a: Keluarga
):
    assert profil_b.user is not None
    skor = services.skor_catat(
        keluarga=keluarga_a, data={"skor": 4, "tanggal": today()}, oleh=profil_b.user
    )
    assert (skor.kanal, skor.pendamping_id) == (SkorKepuasan.Kanal.KUNJUNGAN, profil_a.pk)


def test_the_score_list_shows_a_self_entered_score_as_not_counted(
    client, keluarga_a: Keluarga, operator: User, pendamping_hadimulyo: User
):
    # given
    services.skor_catat(
        keluarga=keluarga_a, data={"skor": 5, "tanggal": today()}, oleh=pendamping_hadimulyo
    )
    services.skor_catat(keluarga=keluarga_a, data={"skor": 3, "tanggal": today()}, oleh=operator)
    client.force_login(operator)
    # when
    response = client.get(reverse("pendamping:skor-list"))
    # then
    rows = [(s.skor, s.kanal, s.is_dihitung) for s in response.context["page"]]
    assert sorted(rows) == [(3, "telepon", True), (5, "pendamping", False)]
    html = response.content.decode()
    assert html.count('data-testid="tidak-dihitung"') == 1
    assert "Telepon oleh petugas kantor" in html


def test_the_score_list_filters_the_scores_the_indicator_counts(
    client, keluarga_a: Keluarga, operator: User, pendamping_hadimulyo: User
):
    # given
    services.skor_catat(
        keluarga=keluarga_a, data={"skor": 5, "tanggal": today()}, oleh=pendamping_hadimulyo
    )
    services.skor_catat(keluarga=keluarga_a, data={"skor": 3, "tanggal": today()}, oleh=operator)
    client.force_login(operator)
    url = reverse("pendamping:skor-list")
    # when
    dihitung = client.get(url, {"status": "dihitung"}).context["page"]
    tidak = client.get(url, {"status": "tidak_dihitung"}).context["page"]
    # then
    assert [s.skor for s in dihitung] == [3]
    assert [s.skor for s in tidak] == [5]
