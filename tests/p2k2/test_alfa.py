"""The warning rule of DOMAIN.md §4: 3 consecutive unexcused absences (alfa) from P2K2.

These tests run with the setting `runtun_jeda_berketerangan_memutus` = False (issue 20, D13:
izin and sakit neither count towards a streak nor end it; only hadir ends it). The default
reading (an excused absence ends the run) is tested in test_runtun_aturan.py.
"""

import datetime

import pytest
from django.urls import reverse

from dinsos.models import AuditEvent, Pengaturan
from p2k2 import selectors
from p2k2.selectors import pelanggaran, rekap
from tests.p2k2.conftest import buat_kelompok, buat_keluarga, buat_pertemuan, catat

pytestmark = pytest.mark.django_db
D = datetime.date

H, IZ, S, A = "hadir", "izin", "sakit", "alfa"
HISTORIES = {
    "Ani": [H, A, A, A, IZ],  # 3 alfa in a row, still going (izin does not end it)
    "Budi": [A, A, IZ, A, H],  # alfa, alfa, (izin), alfa = 3, ended by hadir
    "Citra": [A, S, A, H, H],  # only 2
    "Dewi": [A, A, H, A, A],  # 2 and 2: hadir in between
    "Eka": [A, A, A, A, A],  # 5, still going
    "Fajar": [H, H, H, H, H],
}


@pytest.fixture
def riwayat(kurikulum, kota_metro, pendamping_hadimulyo, jeda_dilewati):
    """Six families, five monthly meetings, marks as in HISTORIES."""
    keluarga = {}
    for nama in HISTORIES:
        [keluarga[nama]] = buat_keluarga(
            pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 1, nama
        )
    kelompok = buat_kelompok(
        pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], list(keluarga.values())
    )
    pertemuan = [buat_pertemuan(kelompok, datetime.date(2025, bulan, 10)) for bulan in range(1, 6)]
    for index, p in enumerate(pertemuan):
        catat(p, {keluarga[nama]: marks[index] for nama, marks in HISTORIES.items()})
    return keluarga, pertemuan


def _ringkas(runs):
    return [
        (
            r.keluarga.pengurus.nama,
            r.jumlah,
            [p.tanggal.month for p in r.pertemuan],
            r.is_berlangsung,
        )
        for r in runs
    ]


def test_runs_of_three_or_more_alfa_with_the_meetings_behind_them(riwayat, pendamping_hadimulyo):
    # when
    runs = rekap.runtun_alfa_rekap(user=pendamping_hadimulyo)
    # then: ongoing runs first (latest first), then runs already ended by a hadir
    assert _ringkas(runs) == [
        ("Eka 1", 5, [1, 2, 3, 4, 5], True),
        ("Ani 1", 3, [2, 3, 4], True),
        ("Budi 1", 3, [1, 2, 4], False),
    ]
    assert (runs[1].dari, runs[1].sampai) == (
        datetime.date(2025, 2, 10),
        datetime.date(2025, 4, 10),
    )


def test_the_threshold_is_a_setting(riwayat, pendamping_hadimulyo):
    Pengaturan.objects.create(
        kunci="p2k2_alfa_berturut", nilai=4, berlaku_mulai=datetime.date(2024, 1, 1)
    )
    assert _ringkas(rekap.runtun_alfa_rekap(user=pendamping_hadimulyo)) == [
        ("Eka 1", 5, [1, 2, 3, 4, 5], True)
    ]


def test_another_pendamping_sees_no_flags(riwayat, pendamping_iringmulyo, koordinator_metro_pusat):
    assert rekap.runtun_alfa_rekap(user=pendamping_iringmulyo) == []
    assert len(rekap.runtun_alfa_rekap(user=koordinator_metro_pusat)) == 3


def test_current_streak_on_the_family_panel(riwayat, pendamping_hadimulyo):
    keluarga, _ = riwayat
    streaks = {
        nama: selectors.runtun_alfa_berlangsung(keluarga_id=k.pk) for nama, k in keluarga.items()
    }
    assert streaks == {"Ani": 3, "Budi": 0, "Citra": 0, "Dewi": 2, "Eka": 5, "Fajar": 0}


def test_family_page_shows_the_p2k2_panel_with_the_warning(client, riwayat, pendamping_hadimulyo):
    keluarga, _ = riwayat
    client.force_login(pendamping_hadimulyo)
    page = client.get(reverse("kpm:keluarga-detail", args=[keluarga["Ani"].pk])).content.decode()
    assert "3 kali alfa berturut-turut (batas 3): calon penangguhan." in page
    assert "Kelompok:" in page
    assert "Melati" in page


def test_the_recap_page_lists_flags_and_audits_the_view(client, riwayat, operator):
    client.force_login(operator)
    response = client.get(reverse("p2k2:rekap-alfa"))
    assert _ringkas(response.context["runs"]) == _ringkas(rekap.runtun_alfa_rekap(user=operator))
    event = AuditEvent.objects.get(object_type="p2k2.alfaberturut")
    assert (event.action, event.jumlah) == ("view", 3)


def _nama(keluarga, runs):
    names = {k.pk: nama for nama, k in keluarga.items()}
    return [(names[r.keluarga_id], r.jumlah, r.is_berlangsung) for r in runs]


def test_one_query_answers_up_to_a_day_and_for_runs_ending_since_a_day(riwayat):
    keluarga, _ = riwayat
    # up to 10 March only Eka has 3 alfa in a row (Ani's run has not reached 3 yet)
    assert _nama(keluarga, selectors.runtun_alfa_list(batas=3, sampai=D(2025, 3, 10))) == [
        ("Eka", 3, True)
    ]
    # runs whose last alfa is in May: Ani's and Budi's ended in April
    assert _nama(keluarga, selectors.runtun_alfa_list(batas=3, berakhir_sejak=D(2025, 5, 1))) == [
        ("Eka", 5, True)
    ]


def test_the_komitmen_rule_reads_the_runs_the_recap_shows(riwayat, admin):
    keluarga, pertemuan = riwayat
    names = {k.pk: nama for nama, k in keluarga.items()}
    # when
    rows = pelanggaran.pelanggaran_alfa(D(2025, 1, 1), D(2025, 12, 31))
    # then: the same three runs as the recap page, and the proposal names their meetings
    assert [(names[r["keluarga_id"]], r["rincian"]["jumlah"]) for r in rows] == [
        ("Eka", 5),
        ("Ani", 3),
        ("Budi", 3),
    ]
    assert _ringkas(rekap.runtun_alfa_rekap(user=admin)) == [
        ("Eka 1", 5, [1, 2, 3, 4, 5], True),
        ("Ani 1", 3, [2, 3, 4], True),
        ("Budi 1", 3, [1, 2, 4], False),
    ]
    assert rows[2]["kunci"] == f"pertemuan-{pertemuan[0].pk}"
    sesi = "Gizi dan layanan kesehatan ibu hamil"  # the meetings' default session
    assert rows[2]["rincian"]["ringkasan"] == (
        "Alfa P2K2 3 kali berturut-turut (batas 3): "
        f"10 Januari 2025 (Melati, {sesi}); 10 Februari 2025 (Melati, {sesi}); "
        f"10 April 2025 (Melati, {sesi})."
    )
