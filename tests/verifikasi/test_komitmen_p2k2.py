"""P2K2 attendance as a commitment (DOMAIN.md §4): 3 consecutive alfa → a proposal, through
the p2k2 rule registered on the `pelanggaran_komitmen` hook (p2k2/pelanggaran.py).

These tests run with the non-default reading of issue 20 (D13) — izin and sakit neither count
nor end a run; hadir ends it; the default reading is in tests/p2k2/test_runtun_aturan.py.
"""

import datetime

import pytest

from dinsos.models import Pengaturan
from tests.p2k2.conftest import (  # noqa: F401  (kurikulum is a fixture)
    buat_kelompok,
    buat_keluarga,
    buat_pertemuan,
    catat,
    jeda_dilewati,
    kurikulum,
)
from verifikasi import services
from verifikasi.models import Usulan

pytestmark = pytest.mark.django_db

H, IZ, S, A = "hadir", "izin", "sakit", "alfa"
HISTORIES = {
    "Ani": [H, A, A, A, IZ],  # 3 alfa, still going
    "Budi": [A, A, IZ, A, H],  # alfa, alfa, (izin), alfa = 3, ended by hadir
    "Citra": [A, S, A, H, H],  # only 2
    "Dewi": [A, A, H, A, A],  # 2 and 2
    "Fajar": [H, H, H, H, H],
}


@pytest.fixture
def riwayat(kurikulum, kota_metro, pendamping_hadimulyo, jeda_dilewati):  # noqa: F811
    keluarga = {}
    for nama in HISTORIES:
        [keluarga[nama]] = buat_keluarga(
            pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 1, nama
        )
    kelompok = buat_kelompok(
        pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], list(keluarga.values())
    )
    pertemuan = [buat_pertemuan(kelompok, datetime.date(2025, m, 10)) for m in range(1, 6)]
    for index, p in enumerate(pertemuan):
        catat(p, {keluarga[nama]: marks[index] for nama, marks in HISTORIES.items()})
    return keluarga, pertemuan


def test_three_consecutive_alfa_are_proposed_with_the_meetings(riwayat):
    # given
    keluarga, pertemuan = riwayat
    # when
    hasil = services.usulan_evaluate(
        bulan_awal=datetime.date(2025, 1, 1), bulan_akhir=datetime.date(2025, 5, 1)
    )
    # then
    assert (hasil.ditemukan, hasil.baru) == (2, 2)
    by_family = {u.keluarga_id: u for u in Usulan.objects.all()}
    assert set(by_family) == {keluarga["Ani"].pk, keluarga["Budi"].pk}
    ani = by_family[keluarga["Ani"].pk]
    assert (ani.jenis, ani.kunci) == ("p2k2_alfa", f"pertemuan-{pertemuan[1].pk}")
    assert ani.ringkasan == (
        "Alfa P2K2 3 kali berturut-turut (batas 3): "
        "10 Februari 2025 (Melati, Gizi dan layanan kesehatan ibu hamil); "
        "10 Maret 2025 (Melati, Gizi dan layanan kesehatan ibu hamil); "
        "10 April 2025 (Melati, Gizi dan layanan kesehatan ibu hamil). "
        "Belum hadir lagi sejak itu."
    )
    assert [p["id"] for p in ani.alasan["pertemuan"]] == [p.pk for p in pertemuan[1:4]]
    budi = by_family[keluarga["Budi"].pk]
    assert [p["tanggal"] for p in budi.alasan["pertemuan"]] == [
        "2025-01-10", "2025-02-10", "2025-04-10",
    ]  # fmt: skip
    assert budi.alasan["is_berlangsung"] is False


def test_meetings_after_the_period_are_not_counted(riwayat):
    # given: the histories above
    # when: evaluated up to March, Ani has only 2 alfa (February, March)
    services.usulan_evaluate(
        bulan_awal=datetime.date(2025, 1, 1), bulan_akhir=datetime.date(2025, 3, 1)
    )
    # then
    assert list(Usulan.objects.values_list("keluarga_id", flat=True)) == []


def test_the_alfa_threshold_is_the_dated_p2k2_setting(riwayat):
    # given: from May the office proposes after 2 alfa
    keluarga, _ = riwayat
    Pengaturan.objects.create(
        kunci="p2k2_alfa_berturut", nilai=2, berlaku_mulai=datetime.date(2025, 5, 1)
    )
    # when
    services.usulan_evaluate(
        bulan_awal=datetime.date(2025, 1, 1), bulan_akhir=datetime.date(2025, 5, 1)
    )
    # then: Citra (2) and Dewi (2 + 2) join Ani and Budi
    names = sorted(Usulan.objects.values_list("keluarga__pengurus__nama", flat=True))
    assert names == ["Ani 1", "Budi 1", "Citra 1", "Dewi 1", "Dewi 1"]
    assert Usulan.objects.filter(keluarga=keluarga["Dewi"]).count() == 2


def test_re_running_the_evaluation_adds_nothing(riwayat):
    # given
    services.usulan_evaluate(
        bulan_awal=datetime.date(2025, 1, 1), bulan_akhir=datetime.date(2025, 5, 1)
    )
    # when
    again = services.usulan_evaluate(
        bulan_awal=datetime.date(2025, 1, 1), bulan_akhir=datetime.date(2025, 5, 1)
    )
    # then
    assert (again.ditemukan, again.baru, again.diperbarui, Usulan.objects.count()) == (2, 0, 0, 2)
