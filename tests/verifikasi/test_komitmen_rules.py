"""The suspension rule of DOMAIN.md §4 on hand-built monthly histories.

Decisions these tests pin (also in verifikasi/selectors/komitmen.py):
- school attendance complies at ≥ 85% (84,9% does not), judged with the threshold in force
  on the month's first day;
- a family month is non-compliant when any member-component is tidak patuh;
- "tidak dapat diverifikasi" is not non-compliance and, like an unverified month, ends a run:
  3 consecutive calendar months, each verified non-compliant, make a proposal.
"""

import datetime

import pytest

from dinsos.errors import DomainError
from dinsos.models import Pengaturan
from kpm.models import Keluarga, RiwayatStatus
from tests.verifikasi.empat_mata import empat_mata_mati  # noqa: F401  (issue 20)
from tests.verifikasi.komitmen_helpers import TDV, TP, P, bulan, catat, keluarga_komitmen, riwayat
from verifikasi import services
from verifikasi.models import Usulan

pytestmark = pytest.mark.django_db

JAN, MAR, DES = bulan(2025, 1), bulan(2025, 3), bulan(2025, 12)


@pytest.fixture
def keluarga(kota_metro, pendamping_hadimulyo):
    return keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )


def _evaluate(awal=JAN, akhir=DES):
    return services.usulan_evaluate(bulan_awal=awal, bulan_akhir=akhir)


def _ringkasan():
    return list(Usulan.objects.order_by("pk").values_list("ringkasan", flat=True))


@pytest.mark.parametrize(
    ("persen", "jumlah_usulan"), [("84.9", 1), ("84.99", 1), ("85", 0), ("85.00", 0), ("100", 0)]
)
def test_school_attendance_below_85_percent_three_months_is_proposed(
    keluarga, pendamping_hadimulyo, persen, jumlah_usulan
):
    # given
    _, _, budi = keluarga
    for month in (1, 2, 3):
        catat(budi, "anak_sd", bulan(2025, month), pendamping_hadimulyo, persen=persen)
    # when
    _evaluate(JAN, MAR)
    # then
    assert Usulan.objects.count() == jumlah_usulan


def test_the_proposal_explains_months_members_and_figures(keluarga, pendamping_hadimulyo):
    # given
    k, siti, budi = keluarga
    catat(budi, "anak_sd", bulan(2025, 1), pendamping_hadimulyo, persen="84.9")
    catat(siti, "ibu_hamil", bulan(2025, 1), pendamping_hadimulyo, status=P)
    catat(budi, "anak_sd", bulan(2025, 2), pendamping_hadimulyo, persen="90")
    catat(
        siti, "ibu_hamil", bulan(2025, 2), pendamping_hadimulyo, status=TP,
        catatan="Tidak periksa kehamilan",
    )  # fmt: skip
    catat(budi, "anak_sd", bulan(2025, 3), pendamping_hadimulyo, persen="70.5")
    catat(siti, "ibu_hamil", bulan(2025, 3), pendamping_hadimulyo, status=TP)
    # when
    hasil = _evaluate(JAN, MAR)
    # then
    assert (hasil.ditemukan, hasil.baru, hasil.diperbarui) == (1, 1, 0)
    usulan = Usulan.objects.get()
    assert (usulan.keluarga_id, usulan.jenis, usulan.kunci, usulan.status, usulan.tindakan) == (
        k.pk, "komitmen", "2025-01", "diusulkan", "ditangguhkan",
    )  # fmt: skip
    assert usulan.ringkasan == (
        "Tidak patuh komitmen 3 bulan berturut-turut, Januari–Maret 2025 (batas 3 bulan). "
        "Januari 2025: Budi (Anak SD/sederajat) hadir 84,9% hari efektif sekolah, di bawah 85%. "
        "Februari 2025: Siti Aminah (Ibu hamil/nifas) tidak patuh: Tidak periksa kehamilan. "
        "Maret 2025: Siti Aminah (Ibu hamil/nifas) tidak patuh; "
        "Budi (Anak SD/sederajat) hadir 70,5% hari efektif sekolah, di bawah 85%. "
        "Masih berlangsung."
    )
    assert [m["bulan"] for m in usulan.alasan["bulan"]] == [
        "2025-01-01",
        "2025-02-01",
        "2025-03-01",
    ]
    assert usulan.alasan["bulan"][0]["pelanggaran"] == [
        {
            "anggota_id": budi.pk, "nama": "Budi", "komponen": "anak_sd", "persen": 84.9,
            "batas": 85, "catatan": "",
        }
    ]  # fmt: skip
    assert (usulan.alasan["jumlah_bulan"], usulan.alasan["batas_bulan"]) == (3, 3)


@pytest.mark.parametrize(
    ("statuses", "jumlah_usulan"),
    [
        ([TP, TP], 0),  # 2 months: not yet
        ([TP, TP, TP], 1),
        ([TP, TP, P, TP, TP], 0),  # a patuh month breaks the run
        ([TP, TP, TDV, TP], 0),  # tidak dapat diverifikasi ends the run…
        ([TDV, TDV, TDV], 0),  # …and is not non-compliance
        ([TP, TP, "", TP], 0),  # a month nobody verified ends it too
        ([TP, TP, TP, P, TP, TP, TP], 2),  # two separate runs, two proposals
    ],
)
def test_consecutive_months_rule(keluarga, pendamping_hadimulyo, statuses, jumlah_usulan):
    # given
    _, siti, _ = keluarga
    riwayat(siti, "ibu_hamil", pendamping_hadimulyo, statuses)
    # when
    _evaluate()
    # then
    assert Usulan.objects.count() == jumlah_usulan


def test_different_members_in_consecutive_months_make_a_family_run(keluarga, pendamping_hadimulyo):
    # given: Budi in January and March, Siti in February
    _, siti, budi = keluarga
    catat(budi, "anak_sd", bulan(2025, 1), pendamping_hadimulyo, status=TP)
    catat(siti, "ibu_hamil", bulan(2025, 2), pendamping_hadimulyo, status=TP)
    catat(budi, "anak_sd", bulan(2025, 3), pendamping_hadimulyo, status=TP)
    catat(budi, "anak_sd", bulan(2025, 4), pendamping_hadimulyo, status=P)
    # when
    _evaluate(JAN, bulan(2025, 4))
    # then: the run ended in March, before April (no "masih berlangsung")
    assert _ringkasan() == [
        "Tidak patuh komitmen 3 bulan berturut-turut, Januari–Maret 2025 (batas 3 bulan). "
        "Januari 2025: Budi (Anak SD/sederajat) tidak patuh. "
        "Februari 2025: Siti Aminah (Ibu hamil/nifas) tidak patuh. "
        "Maret 2025: Budi (Anak SD/sederajat) tidak patuh."
    ]


def test_a_dated_threshold_changes_the_result_from_its_month_on(keluarga, pendamping_hadimulyo):
    # given: 82% every month; from March the office sets the threshold to 80%
    _, _, budi = keluarga
    for month in (1, 2, 3, 4):
        catat(budi, "anak_sd", bulan(2025, month), pendamping_hadimulyo, persen="82")
    Pengaturan.objects.create(
        kunci="komitmen_pendidikan_persen_min", nilai=80, berlaku_mulai=datetime.date(2025, 3, 1)
    )
    # when
    _evaluate(JAN, bulan(2025, 4))
    # then: January and February stay non-compliant (85%), March and April comply (80%)
    assert Usulan.objects.count() == 0
    # when: the change starts in April instead
    Pengaturan.objects.update(berlaku_mulai=datetime.date(2025, 4, 1))
    _evaluate(JAN, bulan(2025, 4))
    # then: January–March are below 85%
    usulan = Usulan.objects.get()
    assert [m["bulan"] for m in usulan.alasan["bulan"]] == [
        "2025-01-01",
        "2025-02-01",
        "2025-03-01",
    ]


def test_a_dated_number_of_months_applies_to_evaluations_ending_after_it(
    keluarga, pendamping_hadimulyo
):
    # given: 2 non-compliant months; from June the office proposes after 2 months
    _, siti, _ = keluarga
    riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP])
    Pengaturan.objects.create(
        kunci="komitmen_bulan_berturut", nilai=2, berlaku_mulai=datetime.date(2025, 6, 1)
    )
    # when: evaluated for January–May, before the change
    _evaluate(JAN, bulan(2025, 5))
    # then
    assert Usulan.objects.count() == 0
    # when: evaluated up to June
    _evaluate(JAN, bulan(2025, 6))
    # then
    assert _ringkasan() == [
        "Tidak patuh komitmen 2 bulan berturut-turut, Januari–Februari 2025 (batas 2 bulan). "
        "Januari 2025: Siti Aminah (Ibu hamil/nifas) tidak patuh. "
        "Februari 2025: Siti Aminah (Ibu hamil/nifas) tidak patuh."
    ]


def test_only_runs_touching_the_period_are_proposed(keluarga, pendamping_hadimulyo):
    # given: a run in January–March 2025
    _, siti, _ = keluarga
    riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP])
    # when: the office evaluates April–June
    hasil = _evaluate(bulan(2025, 4), bulan(2025, 6))
    # then
    assert (hasil.ditemukan, Usulan.objects.count()) == (0, 0)


def test_evaluation_is_idempotent_and_never_reopens_a_decided_proposal(
    keluarga, pendamping_hadimulyo, operator
):
    # given
    _, siti, _ = keluarga
    riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP])
    first = _evaluate(JAN, MAR)
    # when: the same period again
    again = _evaluate(JAN, MAR)
    # then
    assert (first.baru, again.baru, again.diperbarui, Usulan.objects.count()) == (1, 0, 0, 1)
    # when: the run goes on in April and the office evaluates up to April
    catat(siti, "ibu_hamil", bulan(2025, 4), pendamping_hadimulyo, status=TP)
    longer = _evaluate(JAN, bulan(2025, 4))
    # then: the open proposal explains the longer run
    usulan = Usulan.objects.get()
    assert (longer.baru, longer.diperbarui, usulan.alasan["jumlah_bulan"]) == (0, 1, 4)
    # when: the office rejects it, the run goes on in May and is evaluated again
    services.usulan_decide(usulan=usulan, is_diterima=False, catatan="Sedang sakit", oleh=operator)
    catat(siti, "ibu_hamil", bulan(2025, 5), pendamping_hadimulyo, status=TP)
    after = _evaluate(JAN, bulan(2025, 5))
    # then: the decided proposal is not reopened nor rewritten
    usulan.refresh_from_db()
    assert (after.baru, after.diperbarui) == (0, 0)
    assert (usulan.status, usulan.alasan["jumlah_bulan"], Usulan.objects.count()) == (
        "ditolak", 4, 1,
    )  # fmt: skip


def test_families_no_longer_aktif_are_not_proposed(kota_metro, pendamping_hadimulyo):
    # given
    for status in ("ditangguhkan", "calon_graduasi", "graduasi", "dibatalkan"):
        _, siti, _ = keluarga_komitmen(
            kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo, status=status
        )
        riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP])
    # when
    hasil = _evaluate()
    # then
    assert (hasil.ditemukan, hasil.baru, Usulan.objects.count()) == (4, 0, 0)


def test_accepting_a_proposal_suspends_the_family_with_the_explanation_in_history(
    keluarga, pendamping_hadimulyo, operator
):
    # given
    k, siti, _ = keluarga
    riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP])
    _evaluate(JAN, MAR)
    usulan = Usulan.objects.get()
    # when
    services.usulan_decide(usulan=usulan, is_diterima=True, catatan="Sesuai rapat", oleh=operator)
    # then
    k.refresh_from_db()
    usulan.refresh_from_db()
    assert k.status == Keluarga.Status.DITANGGUHKAN
    assert (usulan.status, usulan.diputuskan_oleh, usulan.catatan_keputusan) == (
        "diterima", operator, "Sesuai rapat",
    )  # fmt: skip
    history = RiwayatStatus.objects.filter(keluarga=k).order_by("-pk").first()
    assert (history.dari, history.ke, history.oleh) == ("aktif", "ditangguhkan", operator)
    assert history.alasan == (
        f"Usulan #{usulan.pk} diterima: Tidak patuh komitmen 3 bulan berturut-turut, "
        "Januari–Maret 2025 (batas 3 bulan). Januari 2025: Siti Aminah (Ibu hamil/nifas) "
        "tidak patuh. Februari 2025: Siti Aminah (Ibu hamil/nifas) tidak patuh. Maret 2025: "
        "Siti Aminah (Ibu hamil/nifas) tidak patuh. Masih berlangsung. Catatan: Sesuai rapat"
    )
    # when: decided twice (a double click)
    with pytest.raises(DomainError) as error:
        services.usulan_decide(usulan=usulan, is_diterima=True, catatan="", oleh=operator)
    # then
    assert error.value.message == "Usulan ini sudah diterima."
    assert RiwayatStatus.objects.filter(keluarga=k, ke="ditangguhkan").count() == 1


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(
    keluarga, pendamping_hadimulyo, operator
):
    # given
    k, siti, _ = keluarga
    riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP])
    _evaluate(JAN, MAR)
    usulan = Usulan.objects.get()
    # when
    with pytest.raises(DomainError) as error:
        services.usulan_decide(usulan=usulan, is_diterima=False, catatan="  ", oleh=operator)
    # then
    assert error.value.message == "Tulis alasan penolakan usulan."
    usulan.refresh_from_db()
    k.refresh_from_db()
    assert (usulan.status, k.status) == ("diusulkan", "aktif")
