"""Issue 21: the P2K2 recaps read summaries that the writes keep true in their transaction."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse

from dinsos.models import Pengaturan
from p2k2 import services
from p2k2.models import (
    Kehadiran,
    KonflikKehadiran,
    Pertemuan,
    RingkasanKelompok,
    RingkasanKelompokBulan,
    RingkasanRuntunAlfa,
)
from p2k2.models.ringkasan import BULAN_SETAHUN
from p2k2.selectors import alfa
from p2k2.services import ringkasan
from tests.p2k2.conftest import buat_kelompok, buat_keluarga, buat_pertemuan, catat, sesi

pytestmark = pytest.mark.django_db
D = datetime.date
H, IZ, S, A = "hadir", "izin", "sakit", "alfa"


def _total(client, tahun: int = 2025) -> tuple[int, int, int]:
    rekap = client.get(reverse("p2k2:rekap"), {"tahun": tahun}).context["rekap"]
    return rekap.total.pertemuan, rekap.total.hadir, rekap.total.alfa


def test_a_submit_shows_on_the_recaps_at_once(client, kelompok_a, keluarga_a, operator):
    # given the office looked at the recap and the group list before the meeting
    client.force_login(operator)
    assert _total(client) == (0, 0, 0)
    pertemuan = buat_pertemuan(kelompok_a, D(2025, 3, 10))
    # when the pendamping submits the attendance
    catat(pertemuan, dict(zip(keluarga_a, [H, H, H, A, A], strict=True)))
    # then the next views count it, and say the figures come from the summary
    assert _total(client) == (1, 3, 2)
    page = client.get(reverse("p2k2:kelompok-list"))
    [kelompok] = page.context["page"].object_list
    assert (kelompok.jumlah_anggota, kelompok.jumlah_pertemuan, kelompok.sesi_belum) == (5, 1, 28)
    assert kelompok.pertemuan_terakhir == D(2025, 3, 10)
    html = page.content.decode()
    assert re.search(
        r"Angka dari ringkasan, diperbarui\s+(\d{1,2} \w+ \d{4}\s+)?\d{2}\.\d{2} WIB", html
    )
    assert "Pertemuan dan kehadiran yang dicatat di portal langsung terhitung" in html


def test_a_correction_from_the_phone_moves_the_figures(client, pertemuan_a, keluarga_a, operator):
    # given
    catat(pertemuan_a, dict.fromkeys(keluarga_a, H))
    client.force_login(operator)
    assert _total(client) == (1, 5, 0)
    # when one mark is corrected from the version the phone held
    services.kehadiran_submit(
        pertemuan=pertemuan_a,
        kiriman_id=uuid.uuid4(),
        tanda=[services.Tanda(keluarga_a[0].pk, A, "", 1)],
        oleh=pertemuan_a.kelompok.pendamping,
    )
    # then
    assert _total(client) == (1, 4, 1)


@pytest.fixture
def riwayat(kurikulum, kota_metro, pendamping_hadimulyo, operator):
    """Two groups written through every service that moves a figure: submits, the phone's
    offline sync, a resolved conflict, a meeting moved to another month with another
    session, families moved and removed."""
    hadimulyo = kota_metro["Hadimulyo Barat"]
    keluarga = buat_keluarga(pendamping_hadimulyo, hadimulyo, 6, "Ringkas")
    melati = buat_kelompok(pendamping_hadimulyo, hadimulyo, keluarga[:4])
    mawar = buat_kelompok(pendamping_hadimulyo, hadimulyo, keluarga[4:], "Mawar")
    marks = [[H, A, A, IZ], [A, A, H, S], [A, S, A, A], [H, A, A, A]]
    materi = [("Kesehatan dan Gizi", 1), ("Kesehatan dan Gizi", 2), ("Kesehatan dan Gizi", 3)]
    materi.append(("Perlindungan Anak", 2))
    for bulan, (row, (modul, urutan)) in enumerate(zip(marks, materi, strict=True), start=1):
        pertemuan = buat_pertemuan(melati, D(2025, bulan, 10), sesi(modul, urutan))
        catat(pertemuan, dict(zip(keluarga[:4], row, strict=True)))
    # the phone's offline path: the meeting made on the phone, then its marks
    services.kehadiran_sync(
        kelompok=mawar,
        pertemuan=None,
        pertemuan_client_id=uuid.uuid4(),
        pertemuan_data={"sesi": sesi("Perlindungan Anak", 1), "tanggal": D(2025, 2, 3)},
        kiriman_id=uuid.uuid4(),
        tanda=[services.Tanda(k.pk, A, "", 0) for k in keluarga[4:]],
        oleh=pendamping_hadimulyo,
    )
    # two devices disagree; the office applies the second answer
    mei = buat_pertemuan(melati, D(2025, 5, 10))
    catat(mei, {keluarga[0]: A})
    catat(mei, {keluarga[0]: H}, oleh=operator)
    services.konflik_resolve(
        konflik=KonflikKehadiran.objects.get(),
        pilihan=KonflikKehadiran.Pilihan.KIRIMAN,
        oleh=pendamping_hadimulyo,
    )
    # the March meeting was really held on 2 June, on another session
    maret = Pertemuan.objects.get(kelompok=melati, tanggal=D(2025, 3, 10))
    services.pertemuan_update(
        pertemuan=maret,
        data={"tanggal": D(2025, 6, 2), "sesi": sesi("Pengasuhan dan Pendidikan Anak", 2)},
        oleh=pendamping_hadimulyo,
    )
    # a family moves to Mawar, another leaves Melati
    services.keanggotaan_pindah(
        ke=mawar, keluarga_ids=[keluarga[3].pk], oleh=pendamping_hadimulyo, tanggal=D(2025, 7, 1)
    )
    services.keanggotaan_akhiri(
        kelompok=melati, keluarga_ids=[keluarga[2].pk], oleh=pendamping_hadimulyo
    )
    # planned only: counts nowhere
    buat_pertemuan(mawar, D(2025, 8, 5))
    return melati, mawar


def _isi() -> dict[str, list[tuple[object, ...]]]:
    return {
        "kelompok": list(
            RingkasanKelompok.objects.values_list(
                "kelompok_id",
                "jumlah_anggota",
                "mulai",
                "pertemuan_terlaksana",
                "pertemuan_terakhir",
                "sesi_terlaksana",
            )
        ),
        "bulan": list(
            RingkasanKelompokBulan.objects.values_list(
                "kelompok_id",
                "tahun",
                "bulan",
                "terlaksana",
                "tercatat",
                "hadir",
                "izin",
                "sakit",
                "alfa",
            )
        ),
        "runtun": sorted(
            RingkasanRuntunAlfa.objects.values_list(
                "keluarga_id",
                "is_jeda_memutus",
                "pertemuan_ids",
                "dari",
                "sampai",
                "jumlah",
                "is_berlangsung",
            )
        ),
    }


def test_the_rows_kept_by_the_writes_equal_a_rebuild_from_the_records(riwayat):
    # given the rows the services kept along the way
    kept = _isi()
    # when everything is computed again from the records
    RingkasanKelompok.objects.all().delete()
    RingkasanKelompokBulan.objects.all().delete()
    RingkasanRuntunAlfa.objects.all().delete()
    hasil = ringkasan.ringkasan_bangun_ulang()
    # then nothing differs
    assert _isi() == kept
    assert hasil == {"kelompok": 2, "keluarga": 6, "runtun": len(kept["runtun"])}


def test_the_month_rows_equal_a_fresh_count_of_the_marks(riwayat):
    held = Kehadiran.objects.filter(pertemuan__status=Pertemuan.Status.TERLAKSANA)
    fresh = {
        (r["kelompok"], r["tahun"], r["bulan"]): (
            r["pertemuan"],
            r["hadir"],
            r["izin"],
            r["sakit"],
            r["alfa"],
        )
        for r in held.values(
            kelompok=F("pertemuan__kelompok_id"),
            tahun=ExtractYear("pertemuan__tanggal"),
            bulan=ExtractMonth("pertemuan__tanggal"),
        )
        .annotate(
            pertemuan=Count("pertemuan_id", distinct=True),
            **{s: Count("pk", filter=Q(status=s)) for s in (H, IZ, S, A)},
        )
        .order_by()
    }
    stored = {
        (r.kelompok_id, r.tahun, r.bulan): (r.tercatat, r.hadir, r.izin, r.sakit, r.alfa)
        for r in RingkasanKelompokBulan.objects.exclude(bulan=BULAN_SETAHUN)
    }
    assert stored == fresh
    # and each year row is its months added up
    setahun: dict[tuple[int, int], list[int]] = {}
    for (kelompok_id, tahun, _), counts in fresh.items():
        total = setahun.setdefault((kelompok_id, tahun), [0] * 5)
        setahun[(kelompok_id, tahun)] = [a + b for a, b in zip(total, counts, strict=True)]
    assert {
        (r.kelompok_id, r.tahun): [r.tercatat, r.hadir, r.izin, r.sakit, r.alfa]
        for r in RingkasanKelompokBulan.objects.filter(bulan=BULAN_SETAHUN)
    } == setahun
    # June holds the moved March meeting; March is gone; August was only planned
    melati, mawar = riwayat
    assert sorted(
        RingkasanKelompokBulan.objects.filter(kelompok=melati).values_list("bulan", flat=True)
    ) == [BULAN_SETAHUN, 1, 2, 4, 5, 6]
    assert not RingkasanKelompokBulan.objects.filter(kelompok=mawar, bulan=8).exists()
    anggota = RingkasanKelompok.objects.values_list("kelompok_id", "jumlah_anggota")
    assert sorted(anggota) == [(melati.pk, 2), (mawar.pk, 3)]


def _stored(memutus: bool) -> list[tuple[object, ...]]:
    return sorted(
        (r.keluarga_id, r.pertemuan_ids, r.dari, r.sampai, r.is_berlangsung)
        for r in RingkasanRuntunAlfa.objects.filter(is_jeda_memutus=memutus)
    )


def _live() -> list[tuple[object, ...]]:
    return sorted(
        (r.keluarga_id, r.pertemuan_ids, r.dari, r.sampai, r.is_berlangsung)
        for r in alfa.runtun_alfa_list(batas=1)
    )


def test_stored_runs_equal_the_live_rule_under_both_readings_of_d13(riwayat):
    # the default reading: an excused absence ends a run
    assert _stored(True) == _live()
    # the other reading (issue 20, D13): izin and sakit are skipped
    Pengaturan.objects.create(
        kunci=alfa.KUNCI_JEDA, nilai=False, berlaku_mulai=datetime.date(2000, 1, 1)
    )
    assert _stored(False) == _live()
    assert _stored(False) != _stored(True)  # the fixture tells the readings apart


def test_the_recap_uses_the_reading_in_force_today(client, riwayat, operator):
    client.force_login(operator)
    url = reverse("p2k2:rekap-alfa")
    before = [(r.keluarga.pk, r.jumlah, r.is_berlangsung) for r in client.get(url).context["runs"]]
    Pengaturan.objects.create(
        kunci=alfa.KUNCI_JEDA, nilai=False, berlaku_mulai=datetime.date(2000, 1, 1)
    )
    after = [(r.keluarga.pk, r.jumlah, r.is_berlangsung) for r in client.get(url).context["runs"]]
    # then the run of alfa, alfa, alfa, sakit is still going once sakit no longer ends it
    assert [run[1:] for run in before] == [(3, False)]
    assert [run[1:] for run in after] == [(3, True)]
    assert after == [
        (r.keluarga_id, r.jumlah, r.is_berlangsung) for r in alfa.runtun_alfa_list(batas=3)
    ]


def test_a_date_changed_in_the_admin_moves_the_meeting_to_its_new_month(
    client, pertemuan_a, keluarga_a, admin
):
    # given a March meeting with its marks
    catat(pertemuan_a, dict.fromkeys(keluarga_a, A))
    client.force_login(admin)
    url = reverse("admin:p2k2_pertemuan_change", args=[pertemuan_a.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    # when the office corrects its date to 2 April in the admin
    data.update(tanggal="2025-04-02", jam_mulai="09:00", jam_selesai="10:30")
    response = client.post(url, {k: v for k, v in data.items() if v is not False})
    # then the recap counts it in April
    assert response.status_code == 302
    bulan = client.get(reverse("p2k2:rekap"), {"tahun": 2025}).context["rekap"].bulan
    assert [(a.label, a.pertemuan, a.alfa) for a in bulan[2:4]] == [
        ("Maret", 0, 0),
        ("April", 1, 5),
    ]


def test_retiring_a_module_counts_the_sessions_anew_before_the_nightly_rebuild(
    client, pertemuan_a, keluarga_a, kurikulum, operator
):
    # given a group that held one session of Kesehatan dan Gizi (28 of 29 still to go)
    catat(pertemuan_a, dict.fromkeys(keluarga_a, H))
    client.force_login(operator)
    [kelompok] = client.get(reverse("p2k2:kelompok-list")).context["page"].object_list
    assert (kelompok.sesi_dilaksanakan, kelompok.sesi_belum) == (1, 28)
    # when the admin retires that module (its summary row was counted with it)
    kurikulum["Kesehatan dan Gizi"].is_aktif = False
    kurikulum["Kesehatan dan Gizi"].save(update_fields=["is_aktif", "updated_at"])
    # then both pages count against the curriculum in force, straight away
    [kelompok] = client.get(reverse("p2k2:kelompok-list")).context["page"].object_list
    assert (kelompok.sesi_dilaksanakan, kelompok.sesi_belum) == (0, 26)
    [kemajuan] = client.get(reverse("p2k2:rekap-kurikulum")).context["kemajuan"]
    assert (kemajuan.sesi_dilaksanakan, len(kemajuan.sesi_belum)) == (0, 26)
