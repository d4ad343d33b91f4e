"""Findings across re-runs: unchanged data keeps the follow-up, changed data reopens it, an
anomaly that disappeared closes itself (and stays in history), and a cancelled run changes
nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from dinsos.errors import DomainError
from dinsos.raw_sql import db_table
from dtsen import services
from dtsen.access.temuan import access_temuan
from dtsen.models import Rekonsiliasi, Temuan, TemuanHasil, TemuanRiwayat
from dtsen.selectors.rekonsiliasi import rekonsiliasi_list
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, jalankan, keluarga, terapkan

pytestmark = pytest.mark.django_db
J = Rekonsiliasi.Jenis
T = Temuan.Tahap
S1, S2, S3 = datetime.date(2025, 3, 31), datetime.date(2025, 6, 30), datetime.date(2025, 9, 30)

A1 = Orang(1, "Budi Santoso", kk=1)
C1 = Orang(4, "Paijo", kk=3)
G2 = Orang(8, "Tukiran", lahir=datetime.date(1990, 3, 4), kk=7)


def _g2_di_dtsen(lahir: datetime.date) -> list[object]:
    return dtsen_row(G2.but(lahir=lahir), nik=G2.nik)


@pytest.fixture
def awal(muat, admin, tmp_path, kota_metro, pendamping_hadimulyo):
    """DTSEN without C1 and with G2 born on the wrong day; the families' pendamping is A."""
    terapkan(
        muat, admin, tmp_path, [dtsen_row(A1), _g2_di_dtsen(datetime.date(1990, 4, 3))], tanggal=S1
    )
    for o in (A1, C1, G2):
        keluarga(o, kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo)
    return kota_metro["Kota Metro"]


def _decide(temuan: Temuan, operator, pendamping) -> None:
    services.temuan_assign(temuan=temuan, pendamping=pendamping, assigned_by=operator)
    services.temuan_follow_up(
        temuan=temuan, user=pendamping, tahap=T.DIVERIFIKASI, catatan="KTP dan KK dicek di rumah."
    )
    services.temuan_follow_up(
        temuan=temuan,
        user=operator,
        tahap=T.DIPUTUSKAN,
        keputusan=Temuan.Keputusan.PERBAIKI_DATA,
        catatan="Usulkan perbaikan tanggal lahir di SIKS-NG.",
    )


def _trail(temuan: Temuan) -> list[tuple[str, str]]:
    return list(
        TemuanRiwayat.objects.filter(temuan=temuan)
        .order_by("created_at", "id")
        .values_list("aksi", "catatan")
    )


def test_unchanged_data_keeps_the_follow_up(awal, operator, pendamping_hadimulyo):
    # given: a first run, and a decision on G2's birth date
    run1 = jalankan(J.KPM_DTSEN, awal, operator)
    temuan = Temuan.objects.get(kategori="data_berbeda", nik=G2.nik)
    _decide(temuan, operator, pendamping_hadimulyo)
    # when: the same sources are compared again
    run2 = jalankan(J.KPM_DTSEN, awal, operator)
    # then: the same finding, its decision and pendamping kept, seen by both runs
    temuan.refresh_from_db()
    assert (temuan.tahap, temuan.keputusan, temuan.pendamping) == (
        T.DIPUTUSKAN,
        Temuan.Keputusan.PERBAIKI_DATA,
        pendamping_hadimulyo,
    )
    assert (temuan.first_seen_run, temuan.closed_at) == (run1, None)
    assert access_temuan(operator, temuan.pk, audit=False).run_terakhir_id == run2.pk
    assert (run2.jumlah_baru, run2.jumlah_tetap, run2.jumlah_dibuka_lagi, run2.jumlah_ditutup) == (
        0,
        3,
        0,
        0,
    )
    assert Temuan.objects.count() == 3


def _versions() -> dict[int, tuple[object, ...]]:
    """Each finding's row version (xmin changes on any UPDATE) and shown values."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, xmin::text, updated_at, last_seen_run_id FROM {db_table(Temuan)}"  # noqa: S608
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def test_a_rerun_of_unchanged_data_writes_no_finding(awal, operator, pendamping_hadimulyo, client):
    # given: a first run, one finding decided, one closed by the second run
    run1 = jalankan(J.KPM_DTSEN, awal, operator)
    _decide(Temuan.objects.get(kategori="data_berbeda", nik=G2.nik), operator, pendamping_hadimulyo)
    run2 = jalankan(J.KPM_DTSEN, awal, operator)
    before = _versions()
    # when: the same sources are compared a third time
    run3 = jalankan(J.KPM_DTSEN, awal, operator)
    # then: not one finding row was written, and every count says "unchanged"
    assert _versions() == before
    assert (run3.jumlah_baru, run3.jumlah_dibuka_lagi, run3.jumlah_ditutup) == (0, 0, 0)
    assert run3.jumlah_tetap == run2.jumlah_tetap == 3
    # and the pages still say the open findings were seen by the latest run
    temuan = Temuan.objects.get(kategori="data_berbeda", nik=G2.nik)
    assert temuan.last_seen_run == run1  # as written by run 1
    client.force_login(operator)
    page = client.get(f"/dtsen/temuan/{temuan.pk}/").content.decode()
    assert f"pertama #{run1.pk}, terakhir #{run3.pk}" in page
    runs = rekonsiliasi_list(user=operator, dengan_temuan_terbuka=True)
    assert list(runs) == [run3]


def test_changed_data_reopens_the_finding(
    awal, muat, admin, operator, tmp_path, pendamping_hadimulyo
):
    # given: decided on G2's birth date (DTSEN said 3 April)
    jalankan(J.KPM_DTSEN, awal, operator)
    lama = Temuan.objects.get(kategori="data_berbeda", nik=G2.nik)
    _decide(lama, operator, pendamping_hadimulyo)
    # when: the next DTSEN snapshot still disagrees, with another date
    terapkan(
        muat, admin, tmp_path, [dtsen_row(A1), _g2_di_dtsen(datetime.date(1990, 3, 5))], tanggal=S2
    )
    run2 = jalankan(J.KPM_DTSEN, awal, operator)
    # then: a new finding to check again, linked to the old one, with the same pendamping
    baru = Temuan.objects.get(kategori="data_berbeda", nik=G2.nik, closed_at__isnull=True)
    lama.refresh_from_db()
    assert baru.pk != lama.pk
    assert (baru.tahap, baru.keputusan, baru.pendamping, baru.sebelumnya) == (
        T.BELUM_DIPERIKSA,
        "",
        pendamping_hadimulyo,
        lama,
    )
    assert baru.rincian["nilai"] == {"tanggal_lahir": ["1990-03-04", "1990-03-05"]}
    assert (lama.alasan_tutup, lama.closed_run, lama.keputusan) == (
        Temuan.AlasanTutup.DATA_BERUBAH,
        run2,
        Temuan.Keputusan.PERBAIKI_DATA,
    )
    assert _trail(baru) == [
        ("dibuka_lagi", f"Data berubah sejak temuan #{lama.pk}; diperiksa ulang.")
    ]
    assert _trail(lama)[-1] == ("ditutup", "Data berubah; diganti temuan baru.")
    assert (run2.jumlah_baru, run2.jumlah_tetap, run2.jumlah_dibuka_lagi, run2.jumlah_ditutup) == (
        0,
        2,
        1,
        1,
    )


def test_a_disappeared_anomaly_closes_and_reopens_if_it_comes_back(
    awal, muat, admin, operator, tmp_path, pendamping_hadimulyo
):
    # given: C1 is not in DTSEN; the pendamping already checked it on the ground
    jalankan(J.KPM_DTSEN, awal, operator)
    hilang = Temuan.objects.get(kategori="kpm_tidak_di_dtsen", nik=C1.nik)
    services.temuan_follow_up(
        temuan=hilang, user=pendamping_hadimulyo, tahap=T.DIVERIFIKASI, catatan="Belum terdata."
    )
    g2 = _g2_di_dtsen(datetime.date(1990, 4, 3))
    # when: the next snapshot has C1
    terapkan(muat, admin, tmp_path, [dtsen_row(A1), dtsen_row(C1), g2], tanggal=S2)
    run2 = jalankan(J.KPM_DTSEN, awal, operator)
    # then: the finding closes itself and stays in history
    hilang.refresh_from_db()
    assert (hilang.alasan_tutup, hilang.closed_run, hilang.tahap) == (
        Temuan.AlasanTutup.ANOMALI_HILANG,
        run2,
        T.DIVERIFIKASI,
    )
    assert _trail(hilang)[-1] == (
        "ditutup",
        f"Anomali tidak ditemukan lagi pada rekonsiliasi #{run2.pk}.",
    )
    assert run2.jumlah_ditutup == 2  # C1 not in DTSEN, and family 3 without desil
    # when: C1 is missing again from the snapshot after that
    lain = dtsen_row(Orang(99, "Warga Lain", kk=99))  # not a KPM member
    terapkan(muat, admin, tmp_path, [dtsen_row(A1), g2, lain], tanggal=S3)
    run3 = jalankan(J.KPM_DTSEN, awal, operator)
    # then: the same finding reopens, to be checked from the start
    hilang.refresh_from_db()
    assert (hilang.closed_at, hilang.alasan_tutup, hilang.tahap, hilang.last_seen_run) == (
        None,
        "",
        T.BELUM_DIPERIKSA,
        run3,
    )
    assert _trail(hilang)[-1] == (
        "dibuka_lagi",
        f"Anomali muncul lagi pada rekonsiliasi #{run3.pk}.",
    )
    assert (run3.jumlah_baru, run3.jumlah_dibuka_lagi) == (0, 2)


# --- Cancellation -------------------------------------------------------------------------
def test_a_waiting_run_cancelled_never_starts(awal, operator):
    # given
    run = services.rekonsiliasi_create(jenis=J.KPM_DTSEN, wilayah=awal, started_by=operator)
    # when
    services.rekonsiliasi_cancel(rekonsiliasi=run, user=operator)
    result = services.rekonsiliasi_run(rekonsiliasi_id=run.pk)
    # then
    run.refresh_from_db()
    assert (result, run.status, run.langkah_selesai) == (None, "dibatalkan", 0)
    assert Temuan.objects.count() == 0
    with pytest.raises(DomainError) as error:
        services.rekonsiliasi_cancel(rekonsiliasi=run, user=operator)
    assert error.value.message == "Rekonsiliasi ini sudah tidak berjalan."


def test_a_chunk_that_sees_the_cancel_flag_writes_nothing_and_the_merge_discards_the_run(
    awal, operator, pendamping_hadimulyo, kota_metro
):
    # given: findings with a decision from an earlier run, and a new run under way
    jalankan(J.KPM_DTSEN, awal, operator)
    temuan = Temuan.objects.get(kategori="data_berbeda", nik=G2.nik)
    _decide(temuan, operator, pendamping_hadimulyo)
    c1_temuan = Temuan.objects.get(kategori="kpm_tidak_di_dtsen")
    run = services.rekonsiliasi_create(
        jenis=J.KPM_DTSEN, wilayah=awal, started_by=operator, mode=Rekonsiliasi.Mode.CHORD
    )
    Rekonsiliasi.objects.filter(pk=run.pk).update(status="berjalan", langkah_total=36)
    # when: the operator cancels, then the kecamatan chunks and the merge run
    services.rekonsiliasi_cancel(rekonsiliasi=run, user=operator)
    kelurahan = [kota_metro["Hadimulyo Barat"].pk]
    services.rekonsiliasi_chunk(rekonsiliasi_id=run.pk, kelurahan=kelurahan, label="Metro Pusat: ")
    services.rekonsiliasi_merge(rekonsiliasi_id=run.pk)
    # then: nothing computed, nothing closed, the decision intact
    run.refresh_from_db()
    assert (run.status, run.langkah_selesai, TemuanHasil.objects.count()) == ("dibatalkan", 0, 0)
    assert Temuan.objects.filter(closed_at__isnull=False).count() == 0
    temuan.refresh_from_db()
    c1_temuan.refresh_from_db()
    assert (temuan.tahap, temuan.last_seen_run_id) == (T.DIPUTUSKAN, c1_temuan.last_seen_run_id)
