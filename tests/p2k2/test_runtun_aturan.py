"""Issue 20 (D13): one reading of "berturut-turut" for P2K2 alfa runs and komitmen runs.

Default (setting `runtun_jeda_berketerangan_memutus` = True): an excused gap — izin/sakit at a
meeting, a month "tidak dapat diverifikasi" — ends a run, as hadir/patuh does. With the setting
False, the gap is skipped in both rules. Both pages state the reading in force.
"""

import datetime

import pytest
from django.urls import reverse

from dinsos.models import Pengaturan
from p2k2 import selectors
from p2k2.selectors import rekap
from tests.p2k2.conftest import buat_kelompok, buat_keluarga, buat_pertemuan, catat
from tests.verifikasi.komitmen_helpers import TDV, TP, bulan, keluarga_komitmen, riwayat
from verifikasi import services as verifikasi_services
from verifikasi.models import Usulan

pytestmark = pytest.mark.django_db

H, IZ, S, A = "hadir", "izin", "sakit", "alfa"
HISTORIES = {
    "Ani": [H, A, A, A, IZ],  # 3 alfa, then izin: the run ended by the excuse
    "Budi": [A, A, IZ, A, H],  # 2, izin, 1: no run of 3
    "Citra": [A, S, A, A, A],  # 1, sakit, 3 still going
    "Eka": [A, A, A, A, A],  # 5, still going
}


@pytest.fixture
def riwayat_p2k2(kurikulum, kota_metro, pendamping_hadimulyo):
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
    return keluarga


def _runs(user):
    return sorted(
        (r.keluarga.pengurus.nama.split()[0], r.jumlah, r.is_berlangsung)
        for r in rekap.runtun_alfa_rekap(user=user)
    )


def test_by_default_an_excused_absence_ends_an_alfa_run(riwayat_p2k2, pendamping_hadimulyo):
    # when / then: Budi's alfa, alfa, izin, alfa is no run of 3; Ani's run was ended by izin
    assert _runs(pendamping_hadimulyo) == [
        ("Ani", 3, False),
        ("Citra", 3, True),
        ("Eka", 5, True),
    ]
    keluarga = riwayat_p2k2
    assert selectors.runtun_alfa_berlangsung(keluarga_id=keluarga["Ani"].pk) == 0


def test_the_office_can_skip_excused_absences_instead(riwayat_p2k2, pendamping_hadimulyo):
    # given: the other reading, from a date on
    Pengaturan.objects.create(
        kunci="runtun_jeda_berketerangan_memutus",
        nilai=False,
        berlaku_mulai=datetime.date(2000, 1, 1),
    )
    # then: izin and sakit neither count nor end a run
    assert _runs(pendamping_hadimulyo) == [
        ("Ani", 3, True),
        ("Budi", 3, False),
        ("Citra", 4, True),
        ("Eka", 5, True),
    ]


def test_the_alfa_page_states_the_reading_in_force(client, riwayat_p2k2, operator):
    client.force_login(operator)
    page = client.get(reverse("p2k2:rekap-alfa")).content.decode()
    assert "<strong>memutus</strong> runtun" in page
    Pengaturan.objects.create(
        kunci="runtun_jeda_berketerangan_memutus",
        nilai=False,
        berlaku_mulai=datetime.date(2000, 1, 1),
    )
    page = client.get(reverse("p2k2:rekap-alfa")).content.decode()
    assert "<strong>dilewati</strong>" in page


@pytest.fixture
def komitmen_bercelah(kota_metro, pendamping_hadimulyo):
    """Non-compliant in January, not verifiable in February, non-compliant March and April."""
    keluarga, ibu, _ = keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    riwayat(ibu, "ibu_hamil", pendamping_hadimulyo, [TP, TDV, TP, TP])
    return keluarga


def _evaluasi():
    return verifikasi_services.usulan_evaluate(
        bulan_awal=bulan(2025, 1), bulan_akhir=bulan(2025, 4)
    )


def test_by_default_a_month_not_verifiable_ends_a_komitmen_run(komitmen_bercelah):
    # when: January, (February), March, April — runs of 1 and 2
    _evaluasi()
    # then: no proposal
    assert not Usulan.objects.filter(
        keluarga=komitmen_bercelah, jenis=Usulan.Jenis.KOMITMEN
    ).exists()


def test_skipping_gaps_joins_the_komitmen_run_like_the_alfa_run(komitmen_bercelah):
    # given
    Pengaturan.objects.create(
        kunci="runtun_jeda_berketerangan_memutus",
        nilai=False,
        berlaku_mulai=datetime.date(2000, 1, 1),
    )
    # when
    _evaluasi()
    # then: three verified non-compliant months in a row — a proposal naming them
    usulan = Usulan.objects.get(keluarga=komitmen_bercelah, jenis=Usulan.Jenis.KOMITMEN)
    assert usulan.alasan["jumlah_bulan"] == 3
    assert [b["bulan"][:7] for b in usulan.alasan["bulan"]] == ["2025-01", "2025-03", "2025-04"]


def test_the_proposals_page_states_the_same_reading(client, operator):
    client.force_login(operator)
    page = client.get(reverse("verifikasi:usulan-list")).content.decode()
    assert "<strong>memutus</strong> runtun" in page
    assert "sama untuk alfa P2K2 dan komitmen bulanan" in page
