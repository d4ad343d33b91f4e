"""Indicator arithmetic on hand-built data, with every expected value worked out by hand.

The world (all in 2025, Hadimulyo Barat unless said otherwise):
- Ani (A) gets K1, K2, K3 on 1 Jan and K4 on 10 Mar; K3 moves to Cici (C) on 20 Mar;
  K2 graduates on 15 Mar.
- Dodi (D) has K5 set directly on the family, without assignment history.
- Eka (E) has a login but no families; Fajar (F) is a PSM without a login (Iring Mulyo).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos.formatting import JAKARTA
from dinsos.models import AuditEvent, Pengaturan, User
from kpm import services as kpm_services
from kpm.models import Keluarga, RiwayatPerubahan, RiwayatStatus
from pendamping import selectors as pendamping_selectors
from pendamping import services
from pendamping.models import Kasus, Kunjungan, Pendamping, RekapAkses, Rujukan, SkorKepuasan
from pendamping.periode import Periode
from pendamping.selectors import indikator
from tests.conftest import make_user
from tests.pendamping import sumber
from tests.pendamping.conftest import buat_keluarga, buat_profil, tugaskan

pytestmark = pytest.mark.django_db
D = datetime.date


def saat(day: datetime.date, jam: int, menit: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(jam, menit), tzinfo=JAKARTA)


@dataclass
class Dunia:
    a: Pendamping
    c: Pendamping
    d: Pendamping
    e: Pendamping
    f: Pendamping
    k: list[Keluarga]


def _kasus(p: Pendamping, k: Keluarga, lapor: datetime.date, ditangani: datetime.date | None):
    status = Kasus.Status.DILAPORKAN if ditangani is None else Kasus.Status.DITANGANI
    assert p.user is not None
    Kasus.objects.create(
        keluarga=k,
        pendamping=p,
        tanggal_lapor=lapor,
        tanggal_ditangani=ditangani,
        status=status,
        kategori=Kasus.Kategori.KESEHATAN,
        deskripsi="Uji",
        dicatat_oleh=p.user,
    )


def _rujukan(p: Pendamping, k: Keluarga, kirim: datetime.date, status: str, selesai=None):
    assert p.user is not None
    Rujukan.objects.create(
        keluarga=k,
        pendamping=p,
        tujuan=Rujukan.Tujuan.PUSKESMAS,
        tanggal_kirim=kirim,
        status=status,
        tanggal_selesai=selesai,
        dicatat_oleh=p.user,
    )


def _kunjungan(p: Pendamping, k: Keluarga, tanggal: datetime.date, oleh: User) -> None:
    Kunjungan.objects.create(keluarga=k, pendamping=p, tanggal=tanggal, dicatat_oleh=oleh)


def _skor(p: Pendamping, k: Keluarga, skor: int, tanggal: datetime.date, oleh: User) -> None:
    SkorKepuasan.objects.create(
        keluarga=k, pendamping=p, skor=skor, tanggal=tanggal, dicatat_oleh=oleh
    )


def _audit(user: User, action: str, waktu: datetime.datetime, object_id: str = "") -> None:
    event = AuditEvent.objects.create(
        user=user,
        username=user.username,
        action=action,
        object_type="kpm.keluarga",
        object_id=object_id,
    )
    AuditEvent.objects.filter(pk=event.pk).update(created_at=waktu)


@pytest.fixture
def dunia(kota_metro, admin, pendamping_hadimulyo) -> Dunia:
    hadimulyo = kota_metro["Hadimulyo Barat"]
    a = buat_profil(pendamping_hadimulyo, nama="Ani")
    c = buat_profil(make_user("pendamping_c", User.Role.PENDAMPING, hadimulyo), nama="Cici")
    d = buat_profil(make_user("pendamping_d", User.Role.PENDAMPING, hadimulyo), nama="Dodi")
    e = buat_profil(make_user("pendamping_e", User.Role.PENDAMPING, hadimulyo), nama="Eka")
    f = buat_profil(
        None, nama="Fajar", jenis=Pendamping.Jenis.PSM, wilayah=[kota_metro["Iring Mulyo"]]
    )
    k = buat_keluarga(hadimulyo, 5)
    ua, uc, ud = a.user, c.user, d.user
    assert ua is not None
    assert uc is not None
    assert ud is not None
    tugaskan(k[0:3], ua, admin, D(2025, 1, 1))
    tugaskan([k[3]], ua, admin, D(2025, 3, 10))
    tugaskan([k[2]], uc, admin, D(2025, 3, 20))
    Keluarga.objects.filter(pk=k[4].pk).update(pendamping=ud, tanggal_terdaftar=D(2024, 6, 1))
    # Contacts: K2 in Feb; K1 twice and K3 (still Ani's) in Mar; K5 (Dodi, no history) in Mar.
    _kunjungan(a, k[1], D(2025, 2, 10), ua)
    _kunjungan(a, k[0], D(2025, 3, 5), ua)
    _kunjungan(a, k[0], D(2025, 3, 25), ua)
    _kunjungan(a, k[2], D(2025, 3, 15), ua)
    _kunjungan(d, k[4], D(2025, 3, 8), ud)
    # Cases: handled in Mar after 3, 18 and 1 days; one still open; Apr after 2 and 5 days.
    _kasus(a, k[0], D(2025, 3, 1), D(2025, 3, 4))
    _kasus(a, k[1], D(2025, 2, 20), D(2025, 3, 10))
    _kasus(a, k[0], D(2025, 3, 5), D(2025, 3, 6))
    _kasus(a, k[3], D(2025, 3, 25), None)
    _kasus(a, k[0], D(2025, 4, 1), D(2025, 4, 3))
    _kasus(a, k[0], D(2025, 4, 2), D(2025, 4, 7))
    # Referrals sent in Mar: one served, one not served, one still open.
    _rujukan(a, k[0], D(2025, 3, 2), Rujukan.Status.SELESAI, D(2025, 3, 9))
    _rujukan(a, k[0], D(2025, 3, 12), Rujukan.Status.TIDAK_DILAYANI, D(2025, 3, 20))
    _rujukan(a, k[3], D(2025, 3, 28), Rujukan.Status.DIKIRIM)
    # Scores taken by the office by phone: 4, 5, 3 in Mar; 2 in Feb. Ani's own 1 for her
    # family in Mar is kept but does not count (issue 20, D10).
    for skor in (4, 5, 3):
        _skor(a, k[0], skor, D(2025, 3, 18), admin)
    _skor(a, k[0], 1, D(2025, 3, 19), ua)
    _skor(a, k[1], 2, D(2025, 2, 14), admin)
    # Ani's account: an export in office hours, one at 19.30 WIB, one full-NIK view, and 201
    # different families viewed between 09.00 and 09.59 on 6 Mar (plus repeats of one).
    _audit(ua, AuditEvent.Action.EXPORT, saat(D(2025, 3, 3), 10))
    _audit(ua, AuditEvent.Action.EXPORT, saat(D(2025, 3, 4), 19, 30))
    _audit(ua, AuditEvent.Action.REVEAL_NIK, saat(D(2025, 3, 5), 11))
    for n in range(201):
        _audit(ua, AuditEvent.Action.VIEW, saat(D(2025, 3, 6), 9, n % 60), object_id=str(n))
    for _ in range(5):
        _audit(ua, AuditEvent.Action.VIEW, saat(D(2025, 3, 6), 9, 30), object_id="0")
    # K2 graduates on 15 Mar; Ani updated family data twice in Mar.
    kpm_services.keluarga_status_change(
        keluarga=k[1],
        ke=Keluarga.Status.GRADUASI,
        alasan="Mandiri",
        oleh=admin,
        lewat_graduasi=True,
    )
    RiwayatStatus.objects.filter(keluarga=k[1], ke=Keluarga.Status.GRADUASI).update(
        created_at=saat(D(2025, 3, 15), 10)
    )
    for _ in range(2):
        row = RiwayatPerubahan.objects.create(keluarga=k[0], perubahan={"rt": ["1", "2"]}, oleh=ua)
        RiwayatPerubahan.objects.filter(pk=row.pk).update(created_at=saat(D(2025, 3, 21), 9))
    return Dunia(a=a, c=c, d=d, e=e, f=f, k=k)


def _hitung(dunia: Dunia, periode: Periode, admin: User) -> dict[str, indikator.Indikator]:
    rows = indikator.perbandingan(
        user=admin, periode=periode, pengaturan=dinsos_selectors.pengaturan_semua()
    )
    return {row.pendamping.nama: row for row in rows}


def test_march_figures_of_ani(dunia, admin):
    # when
    ani = _hitung(dunia, Periode(2025, 3), admin)["Ani"]
    # then: K1, K2, K3, K4 were hers in March; K1 and K3 (before it moved) were visited
    assert (ani.didampingi, ani.terjangkau) == (4, 2)
    assert ani.cakupan_teks == "50,0% (2/4)"
    assert ani.respon_median == 3.0
    assert ani.respon_teks == "3 hari (3 kasus)"
    assert (ani.kasus_dilaporkan, ani.kasus_belum) == (3, 1)
    assert ani.rujukan_teks == "33,3% (1/3)"
    assert ani.kepuasan_teks == "4,00 (3 penilaian)"
    assert ani.data_teks == "2 ekspor, 1 buka NIK"
    assert ani.tanda_data == [
        "201 keluarga dilihat dalam satu jam (batas 200)",
        "1 ekspor di luar jam kerja (07.00–17.00 WIB)",
    ]
    assert (ani.graduasi, ani.pemutakhiran) == (1, 2)
    assert ani.keluarga_teks == "2 / 350"  # K1 and K4 today: K2 graduated, K3 moved
    # (50×30 + (100×(1−3/14))×20 + 33,33×20 + 75×15 + 0×15) / 100
    assert ani.skor == pytest.approx(48.630952, abs=1e-5)
    assert ani.skor_teks == "48,6"


def test_march_rhk_of_ani_says_what_is_not_recorded(dunia, admin):
    ani = _hitung(dunia, Periode(2025, 3), admin)["Ani"]
    assert [(r.nomor, r.nilai) for r in ani.rhk] == [
        (1, "belum tercatat"),
        (2, "Data P2K2 belum tersedia"),
        (3, "belum tercatat"),
        (4, "1"),
        (5, "2"),
        (6, "3"),
        (7, "belum tercatat"),
        (8, "belum tercatat"),
        (9, "belum tercatat"),
    ]


def test_february_of_ani(dunia, admin):
    ani = _hitung(dunia, Periode(2025, 2), admin)["Ani"]
    assert ani.cakupan_teks == "33,3% (1/3)"
    assert ani.respon_teks == "—"  # the February case was handled in March
    assert ani.rujukan_teks == "—"
    assert ani.kepuasan_teks == "2,00 (1 penilaian)"
    assert ani.tanda_data == []
    # (33,33×30 + 25×15 + 100×15) / 60: no referral or handled case, so their weights drop out
    assert ani.skor_teks == "47,9"


def test_even_number_of_cases_takes_the_mean_of_the_middle_two(dunia, admin):
    ani = _hitung(dunia, Periode(2025, 4), admin)["Ani"]
    assert ani.respon_teks == "3,5 hari (2 kasus)"


def test_empty_month_shows_dashes_not_zeros(dunia, admin):
    # when: June has assignments (K1, K4) but no record at all
    ani = _hitung(dunia, Periode(2025, 6), admin)["Ani"]
    # then
    assert ani.cakupan_teks == "0,0% (0/2)"
    assert [ani.respon_teks, ani.rujukan_teks, ani.kepuasan_teks] == ["—", "—", "—"]
    assert ani.data_teks == "0 ekspor, 0 buka NIK"
    assert ani.skor_teks == "33,3"  # (0×30 + 100×15) / 45


def test_year_figures_of_ani(dunia, admin):
    ani = _hitung(dunia, Periode(2025), admin)["Ani"]
    assert ani.cakupan_teks == "75,0% (3/4)"
    assert ani.respon_teks == "3 hari (5 kasus)"  # 3, 18, 1, 2, 5 days
    assert ani.kepuasan_teks == "3,50 (4 penilaian)"
    assert ani.graduasi_teks == "1 dari target 10"


def test_a_contact_counts_for_whoever_had_the_family_that_day(dunia, admin):
    # K3 was visited on 15 March while still Ani's; it moved to Cici on 20 March.
    cici = _hitung(dunia, Periode(2025, 3), admin)["Cici"]
    assert cici.cakupan_teks == "0,0% (0/1)"


def test_family_without_assignment_history_counts_for_its_current_pendamping(dunia, admin):
    dodi = _hitung(dunia, Periode(2025, 3), admin)["Dodi"]
    assert dodi.cakupan_teks == "100,0% (1/1)"


def test_pendamping_without_families_and_worker_without_login_show_dashes(dunia, admin):
    rows = _hitung(dunia, Periode(2025, 3), admin)
    eka, fajar = rows["Eka"], rows["Fajar"]
    assert [eka.keluarga_teks, eka.cakupan_teks, eka.respon_teks, eka.skor_teks] == [
        "0 / 350",
        "—",
        "—",
        "—",
    ]
    assert [fajar.keluarga_teks, fajar.data_teks, fajar.graduasi_teks, fajar.skor_teks] == [
        "—",
        "—",
        "—",
        "—",
    ]


def test_weights_come_from_the_settings_in_force(dunia, admin):
    # given: the office scores on coverage only
    for kunci in ("bobot_kecepatan_respon", "bobot_integrasi_rujukan", "bobot_kepuasan"):
        Pengaturan.objects.create(kunci=kunci, nilai=0, berlaku_mulai=D(2025, 1, 1))
    Pengaturan.objects.create(kunci="bobot_perlindungan_data", nilai=0, berlaku_mulai=D(2025, 1, 1))
    # when
    ani = _hitung(dunia, Periode(2025, 3), admin)["Ani"]
    # then
    assert ani.skor_teks == "50,0"


def test_koordinator_compares_only_the_pendamping_of_their_area(dunia, koordinator_metro_pusat):
    rows = indikator.perbandingan(
        user=koordinator_metro_pusat,
        periode=Periode(2025, 3),
        pengaturan=dinsos_selectors.pengaturan_semua(),
    )
    assert [r.pendamping.nama for r in rows] == ["Ani", "Cici", "Dodi", "Eka"]


def test_performance_page_figures_come_with_the_months_of_the_year(dunia):
    # when
    maret, seri = indikator.kinerja_pendamping(
        pendamping=dunia.a, periode=Periode(2025, 3), pengaturan=dinsos_selectors.pengaturan_semua()
    )
    # then
    assert maret.cakupan_teks == "50,0% (2/4)"
    assert [i.periode.bulan for i in seri] == list(range(1, 13))
    assert [i.cakupan_teks for i in seri[:4]] == [
        "0,0% (0/3)",
        "33,3% (1/3)",
        "50,0% (2/4)",
        "0,0% (0/2)",
    ]


def test_contact_and_rhk_sources_of_other_apps_count(dunia, admin):
    # given: April, Ani serves K1 and K4 and visited neither; K4 gives a score in person
    _skor(dunia.a, dunia.k[3], 5, D(2025, 4, 10), dunia.a.user)
    before = _hitung(dunia, Periode(2025, 4), admin)["Ani"]
    # when: another app registers scores as contacts and cases as RHK 3
    with (
        hooks.registry.override(
            hooks.KONTAK_PENDAMPING, [pendamping_selectors.kontak_kunjungan, sumber.kontak_skor]
        ),
        hooks.registry.override(hooks.RHK_PENDAMPING, {"komitmen": sumber.rhk_kasus}),
    ):
        after = _hitung(dunia, Periode(2025, 4), admin)["Ani"]
    # then
    assert before.cakupan_teks == "0,0% (0/2)"
    assert after.cakupan_teks == "50,0% (1/2)"
    assert (after.rhk[2].nilai, after.rhk[2].is_tercatat) == ("2", True)
    assert (before.rhk[2].nilai, before.rhk[2].is_tercatat) == ("belum tercatat", False)


def test_nightly_summary_of_the_audit_log_keeps_the_flag(dunia, admin):
    # given: the summary runs up to 10 March, then again up to the end of March
    assert services.rekap_akses_harian(sampai=D(2025, 3, 10)) == 1
    assert list(
        RekapAkses.objects.values_list("user__username", "tanggal", "lihat_per_jam_maks")
    ) == [("pendamping_a", D(2025, 3, 6), 201)]
    # when: the summary is up to date (nothing new) and March is computed from it
    assert services.rekap_akses_harian(sampai=D(2025, 3, 10)) == 0
    ani = _hitung(dunia, Periode(2025, 3), admin)["Ani"]
    # then: the same flag as when counted from the log itself
    assert ani.lihat_per_jam_maks == 201
    assert ani.tanda_data[0] == "201 keluarga dilihat dalam satu jam (batas 200)"


def test_views_after_the_last_summary_are_counted_from_the_log(dunia, admin):
    # given: the summary stops on 5 March, the day before the burst of views
    services.rekap_akses_harian(sampai=D(2025, 3, 5))
    # when
    ani = _hitung(dunia, Periode(2025, 3), admin)["Ani"]
    # then
    assert ani.lihat_per_jam_maks == 201
