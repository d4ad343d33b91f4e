"""Field checks of probable matches teach the office (issue #23): the answer is kept as a
labelled pair, a page shows each band's precision, and `refit_pencocokan` re-fits the weights
only from enough pairs."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dinsos.formatting import bulan_tahun
from dinsos.kecocokan import BOBOT_AWAL
from dinsos.models import Pengaturan
from dinsos.pengaturan import today
from dinsos.selectors import pengaturan_get
from dtsen import services
from dtsen.models import PasanganBerlabel, Rekonsiliasi, Temuan
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, jalankan, keluarga, terapkan

pytestmark = pytest.mark.django_db
LAHIR = datetime.date(1985, 3, 7)
SITI = Orang(41, "Siti Aminah", jk="P", lahir=LAHIR, kk=41)


@pytest.fixture
def cocok(muat, admin, tmp_path, kota_metro, pendamping_hadimulyo) -> Temuan:
    """One very probable match: the member's NIK has one digit mistyped."""
    terapkan(muat, admin, tmp_path, [dtsen_row(SITI)])
    keluarga(
        SITI.but(nik_serial=47),
        kelurahan=kota_metro["Hadimulyo Barat"],
        pendamping=pendamping_hadimulyo,
    )
    jalankan(Rekonsiliasi.Jenis.KPM_DTSEN, kota_metro["Kota Metro"], admin)
    return Temuan.objects.get(kategori="kemungkinan_cocok")


def _post_check(client, temuan, **extra):
    data = {"tahap": "diverifikasi", "catatan": "Dicek ke rumah, KTP dilihat.", **extra}
    return client.post(reverse("dtsen:temuan-follow-up", args=[temuan.pk]), data)


def test_the_ground_check_of_a_probable_match_must_say_same_person_or_not(
    client, cocok, pendamping_hadimulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    # when: no answer
    response = _post_check(client, cocok)
    # then
    assert response.status_code == 400
    assert "Pilih hasil cek lapangan: sama orang atau bukan." in response.content.decode()
    assert PasanganBerlabel.objects.count() == 0
    cocok.refresh_from_db()
    assert cocok.tahap == Temuan.Tahap.BELUM_DIPERIKSA
    # when: "bukan", then corrected to "sama"
    _post_check(client, cocok, is_sama="0")
    response = _post_check(client, cocok, is_sama="1")
    # then: one labelled pair, the last answer, with the levels the finding was scored on
    assert response.status_code == 302
    label = PasanganBerlabel.objects.get()
    assert (label.temuan_id, label.is_sama, label.pita, label.skor) == (
        cocok.pk,
        True,
        "sangat_mungkin",
        21.5,
    )
    assert label.sinyal == {
        "nama": "sama",
        "lahir": "sama",
        "nik": "satu_digit",
        "jk": "sama",
        "kelurahan": "sama",
        "kk": "sama",
    }
    assert label.diperiksa_oleh == pendamping_hadimulyo


def test_other_categories_ask_no_same_person_question(client, cocok, operator):
    # given
    other = Temuan.objects.get(kategori="kpm_tidak_di_dtsen")
    client.force_login(operator)
    # when
    page = client.get(reverse("dtsen:temuan-detail", args=[other.pk])).content.decode()
    response = _post_check(client, other)
    # then
    assert "Hasil cek: orang yang sama?" not in page
    assert response.status_code == 302
    assert PasanganBerlabel.objects.count() == 0


def _labelled(temuan: Temuan, n_sama: int, n_bukan: int, **sinyal: str) -> None:
    """n copies of the finding, field-checked with these answers (set-up data)."""
    base = {**temuan.rincian["sinyal"], **sinyal}
    copies = Temuan.objects.bulk_create(
        Temuan(
            jenis=temuan.jenis,
            wilayah_id=temuan.wilayah_id,
            kategori=temuan.kategori,
            kunci=f"{temuan.kunci}|{i}|{sorted(sinyal.items())}",
            sidik=f"{i:04d}{len(sinyal)}{n_sama:04d}{n_bukan:04d}{hash(str(sinyal)) % 10**6:06d}"[
                :32
            ],
            nik=temuan.nik,
            kelurahan_id=temuan.kelurahan_id,
            kecamatan_id=temuan.kecamatan_id,
            rincian=temuan.rincian,
            first_seen_run_id=temuan.first_seen_run_id,
            last_seen_run_id=temuan.last_seen_run_id,
        )
        for i in range(n_sama + n_bukan)
    )
    PasanganBerlabel.objects.bulk_create(
        PasanganBerlabel(
            temuan=t,
            skor=temuan.skor,
            pita=temuan.rincian["pita"],
            sinyal=base,
            is_sama=i < n_sama,
            diperiksa_oleh_id=temuan.first_seen_run.started_by_id,
            diperiksa_at=timezone.now(),
        )
        for i, t in enumerate(copies)
    )


def test_precision_page_shows_each_band_from_the_field_checks(client, cocok, operator):
    # given: 4 very probable matches checked this month, 3 of them the same person
    _labelled(cocok, 3, 1)
    client.force_login(operator)
    # when
    response = client.get(reverse("dtsen:kecocokan-presisi"))
    # then
    presisi = response.context["p"]
    bulan, sel = presisi.baris[0]  # newest month first
    assert bulan == bulan_tahun(today())
    assert [(c.dicek, c.sama) for c in sel] == [(4, 3), (0, 0), (0, 0)]
    assert [(c.dicek, c.sama) for c in presisi.total] == [(4, 3), (0, 0), (0, 0)]
    assert "75,0%" in response.content.decode()
    assert presisi.ambang == [
        ("Sangat mungkin", 16.0, True),
        ("Mungkin", 12.0, True),
        ("Lemah", 7.0, False),
    ]


def test_pendamping_cannot_open_the_precision_page(client, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    assert client.get(reverse("dtsen:kecocokan-presisi")).status_code == 403


def _refit(*args: str) -> str:
    out = io.StringIO()
    call_command("refit_pencocokan", *args, stdout=out)
    return out.getvalue()


def test_refit_leaves_the_weights_alone_without_enough_labelled_pairs(cocok):
    # given: 150 checked pairs (fewer than 200)
    _labelled(cocok, 100, 50)
    # when
    output = _refit()
    # then
    assert output.splitlines() == [
        "Pasangan berlabel: 150 (100 sama, 50 bukan)",
        "Belum cukup untuk menghitung ulang: perlu paling sedikit 200 pasangan, masing-masing "
        "jawaban 30. Bobot tidak diubah.",
    ]
    assert not Pengaturan.objects.filter(kunci="pencocokan_bobot").exists()


def test_refit_learns_from_enough_pairs_and_stores_a_dated_version(cocok):
    # given: the field says a different KK means a different person more often than assumed
    _labelled(cocok, 150, 10)
    _labelled(cocok, 10, 80, kk="beda", kelurahan="beda")
    # when
    output = _refit("--berlaku-mulai", "2026-01-01")
    # then
    lines = output.splitlines()
    assert lines[0] == "Pasangan berlabel: 250 (160 sama, 90 bukan)"
    assert lines[1] == "Presisi per pita pada pasangan berlabel (sebelum → sesudah):"
    assert lines[2:5] == [
        "  Sangat mungkin  93.8% (150/160) → 93.8% (150/160)",
        "  Mungkin         — → —",
        "  Lemah           11.1% (10/90) → —",  # another KK and kelurahan: no longer proposed
    ]
    assert "  kk.beda: -2 → -5.76" in lines
    assert lines[-1] == "Bobot baru disimpan sebagai pencocokan_bobot berlaku mulai 2026-01-01."
    bobot = pengaturan_get("pencocokan_bobot", on=datetime.date(2026, 1, 1))
    assert bobot["kk"]["beda"] == -5.76
    assert bobot["kk"]["serumah"] == BOBOT_AWAL["kk"]["serumah"]  # nobody reached it
    assert pengaturan_get("pencocokan_bobot", on=datetime.date(2025, 12, 31)) == BOBOT_AWAL


def test_refit_try_mode_prints_but_stores_nothing(cocok):
    _labelled(cocok, 150, 10)
    _labelled(cocok, 10, 80, kk="beda", kelurahan="beda")
    output = _refit("--coba")
    assert output.splitlines()[-1] == "Mode coba: bobot tidak disimpan."
    assert not Pengaturan.objects.filter(kunci="pencocokan_bobot").exists()


def test_service_records_the_label_on_the_finding(cocok, operator):
    services.temuan_follow_up(
        temuan=cocok, user=operator, tahap=Temuan.Tahap.DIVERIFIKASI, catatan="ok", is_sama=False
    )
    assert PasanganBerlabel.objects.get().is_sama is False
