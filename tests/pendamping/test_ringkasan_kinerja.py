"""Issue 21: the performance pages read a summary that the writes keep up to date."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dinsos.formatting import JAKARTA
from dinsos.models import User
from dinsos.pengaturan import today
from kpm.models import Keluarga
from pendamping import services
from pendamping.models import Pendamping, RingkasanKinerja
from pendamping.periode import Periode
from pendamping.selectors import indikator

pytestmark = pytest.mark.django_db
D = datetime.date


def _cakupan(client, profil: Pendamping, params: dict[str, int]) -> str:
    response = client.get(reverse("pendamping:pendamping-detail", args=[profil.pk]), params)
    assert response.status_code == 200
    return response.context["i"].cakupan_teks


def test_a_recorded_visit_shows_on_the_performance_page_at_once(
    client, admin: User, profil_a: Pendamping, keluarga_a: Keluarga
):
    # given the page was viewed (the summary holds the month without a visit)
    client.force_login(admin)
    params = {"tahun": 2025, "bulan": 3}
    assert _cakupan(client, profil_a, params) == "0,0% (0/1)"
    assert RingkasanKinerja.objects.filter(pendamping=profil_a, tahun=2025, bulan=3).exists()
    # when the pendamping records a visit in that month
    assert profil_a.user is not None
    services.kunjungan_catat(
        keluarga=keluarga_a,
        data={"tanggal": D(2025, 3, 10), "jenis": "kunjungan", "catatan": ""},
        oleh=profil_a.user,
    )
    # then the next view shows it (the write marked the row out of date)
    assert _cakupan(client, profil_a, params) == "100,0% (1/1)"


def test_summary_matches_the_live_statement(
    client, admin: User, profil_a: Pendamping, keluarga_a: Keluarga
):
    assert profil_a.user is not None
    services.kunjungan_catat(
        keluarga=keluarga_a,
        data={"tanggal": D(2025, 5, 2), "jenis": "kunjungan", "catatan": ""},
        oleh=profil_a.user,
    )
    client.force_login(admin)
    response = client.get(reverse("pendamping:perbandingan"), {"tahun": 2025})
    (ringkas,) = [r for r in response.context["rows"] if r.pendamping == profil_a]
    (live,) = [
        r
        for r in indikator.perbandingan(
            user=admin, periode=Periode(2025), pengaturan=ringkas.pengaturan
        )
        if r.pendamping == profil_a
    ]
    assert (ringkas.cakupan_teks, ringkas.skor_teks) == (live.cakupan_teks, live.skor_teks)


def test_running_period_is_computed_again_once_older_than_the_setting(
    client, admin: User, profil_a: Pendamping, keluarga_a: Keluarga
):
    # given a summary row of the running year computed an hour ago with a wrong figure
    hari_ini = timezone.localdate()
    services.ringkasan_kinerja_segarkan(
        pendamping_ids=[profil_a.pk], periodes=[Periode(hari_ini.year)]
    )
    baris = RingkasanKinerja.objects.get(pendamping=profil_a, tahun=hari_ini.year, bulan=0)
    baris.nilai = {**baris.nilai, "didampingi": 99}
    baris.dihitung_pada = timezone.now() - datetime.timedelta(hours=1)
    baris.save()
    # when the beat task runs
    services.ringkasan_kinerja_berkala()
    # then the row holds the statement's figure again, computed just now
    baris.refresh_from_db()
    assert baris.nilai["didampingi"] == 1
    assert baris.dihitung_pada > timezone.now() - datetime.timedelta(minutes=1)


def test_closed_period_row_is_kept_until_a_write_marks_it(
    admin: User, profil_a: Pendamping, keluarga_a: Keluarga
):
    services.ringkasan_kinerja_segarkan(pendamping_ids=[profil_a.pk], periodes=[Periode(2025, 3)])
    baris = RingkasanKinerja.objects.get(pendamping=profil_a, tahun=2025, bulan=3)
    dihitung = baris.dihitung_pada
    # an unrelated later view leaves a closed month alone
    assert (
        services.ringkasan_kinerja_segarkan(
            pendamping_ids=[profil_a.pk], periodes=[Periode(2025, 3)]
        )
        == 0
    )
    # a case reported in that month marks it (and the year) out of date
    assert profil_a.user is not None
    services.kasus_catat(
        keluarga=keluarga_a,
        data={
            "tanggal_lapor": D(2025, 3, 4),
            "kategori": "kesehatan",
            "deskripsi": "Sakit",
        },
        oleh=profil_a.user,
    )
    baris.refresh_from_db()
    assert baris.is_basi
    services.ringkasan_kinerja_segarkan(pendamping_ids=[profil_a.pk], periodes=[Periode(2025, 3)])
    baris.refresh_from_db()
    assert (baris.is_basi, baris.nilai["kasus_dilaporkan"]) == (False, 1)
    assert baris.dihitung_pada > dihitung


def test_pages_say_when_the_summary_was_computed(client, admin: User, profil_a: Pendamping):
    client.force_login(admin)
    for url in (
        reverse("pendamping:pendamping-detail", args=[profil_a.pk]),
        reverse("pendamping:perbandingan"),
    ):
        html = client.get(url).content.decode()
        assert 'data-testid="diperbarui"' in html
        assert "Angka dari ringkasan, diperbarui" in html
        assert re.search(r"diperbarui\s+\d{2}\.\d{2} WIB", html)


def test_koordinator_beranda_names_the_lowest_scores_from_the_summary(
    client, koordinator_metro_pusat: User, profil_a: Pendamping, keluarga_a: Keluarga
):
    """Issue 21: the Beranda line reads the same stored rows as the comparison table it
    links to (not a month's aggregate of the whole area on every view) and says when."""
    assert profil_a.user is not None
    hari = today()
    services.kunjungan_catat(
        keluarga=keluarga_a,
        data={"tanggal": hari, "jenis": "kunjungan", "catatan": ""},
        oleh=profil_a.user,
    )
    bulan = Periode(hari.year, hari.month)
    services.ringkasan_kinerja_segarkan(pendamping_ids=[profil_a.pk], periodes=[bulan])
    # given the month's row was computed at 10 minutes ago (still fresh: 15 minutes)
    dihitung = timezone.now() - datetime.timedelta(minutes=10)
    RingkasanKinerja.objects.filter(
        pendamping=profil_a, tahun=bulan.tahun, bulan=bulan.bulan
    ).update(dihitung_pada=dihitung)
    client.force_login(koordinator_metro_pusat)
    # when
    items = client.get(reverse("home")).context["worklist"]
    (line,) = [i for i in items if i.judul == f"Kinerja pendamping {bulan.label}"]
    # then: the score the comparison table shows, and the summary's time
    table = client.get(reverse("pendamping:perbandingan"), bulan.params).context["rows"]
    (row,) = [r for r in table if r.pendamping == profil_a]
    assert row.skor is not None
    assert f"{profil_a.nama} ({row.skor_teks})" in line.keterangan
    jam = dihitung.astimezone(JAKARTA).strftime("%H.%M")
    assert line.keterangan.endswith(f"Angka dari ringkasan, diperbarui {jam} WIB.")


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_while_the_summary_is_computed_keeps_its_mark(
    monkeypatch, profil_a: Pendamping, keluarga_a: Keluarga
):
    """A case reported (and its mark committed) after the computation read the records must
    not be lost when the computation stores its older figures: the row stays out of date and
    the next computation counts the case."""
    import threading

    from django.db import connection

    from pendamping.services import ringkasan as modul

    services.ringkasan_kinerja_segarkan(pendamping_ids=[profil_a.pk], periodes=[Periode(2025, 3)])
    RingkasanKinerja.objects.filter(pendamping=profil_a).update(is_basi=True)  # a first mark
    asli = modul.nilai_list
    assert profil_a.user is not None

    def lapor_kasus() -> None:  # another request, on its own connection and transaction
        services.kasus_catat(
            keluarga=keluarga_a,
            data={"tanggal_lapor": D(2025, 3, 4), "kategori": "kesehatan", "deskripsi": "Sakit"},
            oleh=profil_a.user,
        )
        connection.close()

    def dihitung_lalu_ada_tulisan(*args, **kwargs):
        nilai = asli(*args, **kwargs)  # the figures without the case
        thread = threading.Thread(target=lapor_kasus)
        thread.start()
        thread.join()
        return nilai

    monkeypatch.setattr(modul, "nilai_list", dihitung_lalu_ada_tulisan)
    services.ringkasan_kinerja_segarkan(pendamping_ids=[profil_a.pk], periodes=[Periode(2025, 3)])
    baris = RingkasanKinerja.objects.get(pendamping=profil_a, tahun=2025, bulan=3)
    assert (baris.is_basi, baris.nilai["kasus_dilaporkan"]) == (True, 0)

    monkeypatch.setattr(modul, "nilai_list", asli)
    services.ringkasan_kinerja_segarkan(pendamping_ids=[profil_a.pk], periodes=[Periode(2025, 3)])
    baris.refresh_from_db()
    assert (baris.is_basi, baris.nilai["kasus_dilaporkan"]) == (False, 1)
