"""Sekolah Rakyat candidates (DOMAIN.md §9): desil 1–2 (desil 3 reserve only while the intake's
quota is not filled, §3), KPM members and DTSEN children outside KPM, age windows on a
reference date (settings), home visit with parental consent, XLSX export."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dinsos.models import AuditEvent, Pengaturan
from dtsen.models import DtsenRecord, Snapshot
from dtsen.models import Jenis as JenisSnapshot
from dtsen.services import partisi
from kpm.models import Anggota
from tests.factories import AnggotaFactory, keluarga_with_pengurus
from tests.verifikasi.empat_mata import empat_mata_mati  # noqa: F401  (issue 20)
from verifikasi.models import KandidatSekolahRakyat, KuotaSekolahRakyat

pytestmark = pytest.mark.django_db

ACUAN = datetime.date(2026, 7, 1)
LIST = reverse("verifikasi:sekolah-rakyat-list")
# Age on 1 July 2026 by birth date: the day before a birthday still counts the lower age.
ANAK = {
    "Umur 6": datetime.date(2020, 1, 1),
    "Umur 7": datetime.date(2019, 7, 1),
    "Umur 12": datetime.date(2013, 7, 2),
    "Umur 13": datetime.date(2013, 7, 1),
    "Umur 15": datetime.date(2010, 7, 2),
    "Umur 16": datetime.date(2010, 7, 1),
    "Umur 18": datetime.date(2007, 7, 2),
    "Umur 19": datetime.date(2007, 7, 1),
}


def anak(keluarga, nama, lahir, jenis_kelamin="L"):
    return AnggotaFactory(
        keluarga=keluarga, nama=nama, tanggal_lahir=lahir, jenis_kelamin=jenis_kelamin,
        hubungan=Anggota.Hubungan.ANAK,
    )  # fmt: skip


def keluarga_desil(kota_metro, pendamping, desil, kelurahan="Hadimulyo Barat"):
    return keluarga_with_pengurus(
        kelurahan=kota_metro[kelurahan], pendamping=pendamping, desil=desil,
        desil_per=datetime.date(2026, 4, 1), pengurus_tanggal_lahir=datetime.date(1985, 2, 3),
    )  # fmt: skip


def kuota(jenjang, kursi, tahun=2026):
    return KuotaSekolahRakyat.objects.create(
        tahun_ajaran=tahun, jenjang=jenjang, jumlah_kursi=kursi
    )


def _kandidat(response):
    return [(a.nama, a.jenjang_sr, a.umur, a.is_cadangan) for a in response.context["page"]]


def test_age_windows_on_the_reference_date(client, kota_metro, pendamping_hadimulyo, operator):
    # given
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 1)
    for nama, lahir in ANAK.items():
        anak(keluarga, nama, lahir)
    client.force_login(operator)
    # when
    response = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    # then
    assert sorted(_kandidat(response), key=lambda r: r[2]) == [
        ("Umur 7", "sd", 7, False),
        ("Umur 12", "sd", 12, False),
        ("Umur 13", "smp", 13, False),
        ("Umur 15", "smp", 15, False),
        ("Umur 16", "sma", 16, False),
        ("Umur 18", "sma", 18, False),
    ]
    assert "SD 7–12 th (belum terverifikasi)" in response.content.decode()


def test_desil_1_and_2_are_candidates_and_desil_3_the_reserve(
    client, kota_metro, pendamping_hadimulyo, operator
):
    # given: a 14-year-old in families of each desil; 5 SMP seats, 2 taken by desil 1–2
    for desil in (1, 2, 3, 4, None):
        keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, desil)
        anak(keluarga, f"Desil {desil}", datetime.date(2012, 1, 1))
    kuota("smp", 5)
    client.force_login(operator)
    # when
    semua = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    cadangan = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat(), "golongan": "cadangan"})
    # then: main candidates first, the reserve after
    assert _kandidat(semua) == [
        ("Desil 1", "smp", 14, False),
        ("Desil 2", "smp", 14, False),
        ("Desil 3", "smp", 14, True),
    ]
    assert _kandidat(cadangan) == [("Desil 3", "smp", 14, True)]
    smp = next(k for k in semua.context["kuota"] if k.jenjang == "smp")
    assert (smp.kursi, smp.utama, smp.sisa) == (5, 2, 3)
    assert "Ditampilkan untuk 3 kursi tersisa" in semua.content.decode()


def test_desil_3_hidden_when_desil_1_2_fill_the_quota(
    client, kota_metro, pendamping_hadimulyo, operator
):
    # given: 2 SMP seats, filled by a desil 1 and a desil 2 child; an SD seat left open
    for desil in (1, 2, 3):
        keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, desil)
        anak(keluarga, f"SMP desil {desil}", datetime.date(2012, 1, 1))
        anak(keluarga, f"SD desil {desil}", datetime.date(2016, 1, 1))
    kuota("smp", 2)
    kuota("sd", 3)
    client.force_login(operator)
    # when
    response = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    cadangan = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat(), "golongan": "cadangan"})
    # then: the SMP reserve is not listed at all; the SD one is, for the one seat left
    assert sorted(_kandidat(response)) == [
        ("SD desil 1", "sd", 10, False),
        ("SD desil 2", "sd", 10, False),
        ("SD desil 3", "sd", 10, True),
        ("SMP desil 1", "smp", 14, False),
        ("SMP desil 2", "smp", 14, False),
    ]
    assert _kandidat(cadangan) == [("SD desil 3", "sd", 10, True)]
    html = response.content.decode()
    assert "Tidak ditampilkan: kuota sudah terisi desil 1–2" in html
    assert "Ditampilkan untuk 1 kursi tersisa" in html
    assert [r.cadangan for r in response.context["ringkas"]] == [1]


def test_without_a_quota_the_reserve_is_not_listed(
    client, kota_metro, pendamping_hadimulyo, operator
):
    anak(keluarga_desil(kota_metro, pendamping_hadimulyo, 3), "Desil 3", datetime.date(2012, 1, 1))
    client.force_login(operator)
    response = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    assert _kandidat(response) == []
    assert "Tidak ditampilkan sampai admin mengisi kuota" in response.content.decode()


def test_admin_edits_the_quota_and_the_reserve_follows(
    client, kota_metro, pendamping_hadimulyo, admin
):
    # given: 1 SMP seat taken by a desil 1 child, so the desil 3 child is hidden
    anak(keluarga_desil(kota_metro, pendamping_hadimulyo, 1), "Desil 1", datetime.date(2012, 1, 1))
    anak(keluarga_desil(kota_metro, pendamping_hadimulyo, 3), "Desil 3", datetime.date(2012, 1, 1))
    row = kuota("smp", 1)
    client.force_login(admin)
    assert [
        a.nama for a in client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()}).context["page"]
    ] == ["Desil 1"]
    # when: the admin raises the quota to 2 seats in the admin site
    response = client.post(
        reverse("admin:verifikasi_kuotasekolahrakyat_change", args=[row.pk]),
        {"tahun_ajaran": 2026, "jenjang": "smp", "jumlah_kursi": 2, "keterangan": "Surat 12/2026"},
    )
    # then
    assert response.status_code == 302
    listed = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    assert _kandidat(listed) == [("Desil 1", "smp", 14, False), ("Desil 3", "smp", 14, True)]
    assert "Ditampilkan untuk 1 kursi tersisa" in listed.content.decode()


def _dtsen_aktif(kota_metro, oleh, rows, *, status=Snapshot.Status.DITERAPKAN, sha="1"):
    wilayah = kota_metro["Hadimulyo Barat"]
    snapshot = Snapshot.objects.create(
        jenis=JenisSnapshot.DTSEN, file=ContentFile(b"x", name="dtsen.csv"),
        nama_file="dtsen.csv", sha256=sha.ljust(64, "0"), tanggal_data=datetime.date(2026, 4, 1),
        wilayah=wilayah, status=status, created_by=oleh, applied_by=oleh,
        applied_at=timezone.now(),
    )  # fmt: skip
    partisi.siapkan(snapshot.pk)  # records written past the loader need their partition
    DtsenRecord.objects.bulk_create(
        DtsenRecord(
            snapshot=snapshot,
            baris=i + 2,
            nik=nik,
            no_kk="1872012001150009",
            nama=nama,
            tanggal_lahir=lahir,
            kelurahan=wilayah,
            desil_nasional=desil,
        )
        for i, (nik, nama, lahir, desil) in enumerate(rows)
    )


def test_dtsen_children_outside_kpm_are_listed_and_fill_the_quota(
    client, kota_metro, pendamping_hadimulyo, operator, admin
):
    # given: a KPM desil 1 child, and in the active DTSEN snapshot a desil 2 child outside
    # KPM, the same KPM child again, a desil 4 child and an adult; an older snapshot's child
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 1)
    kpm_child = anak(keluarga, "Anak KPM", datetime.date(2012, 1, 1))
    anak(
        keluarga_desil(kota_metro, pendamping_hadimulyo, 3),
        "Cadangan KPM",
        datetime.date(2012, 1, 1),
    )
    _dtsen_aktif(
        kota_metro, admin,
        [
            ("1872014101120001", "Sari DTSEN", datetime.date(2012, 1, 1), 2),
            (kpm_child.nik, "Anak KPM", datetime.date(2012, 1, 1), 1),
            ("1872014101120002", "Desil empat", datetime.date(2012, 1, 1), 4),
            ("1872014101800003", "Dewasa", datetime.date(1980, 1, 1), 1),
        ],
    )  # fmt: skip
    _dtsen_aktif(
        kota_metro, admin, [("1872014101120009", "Riwayat", datetime.date(2012, 1, 1), 1)],
        status=Snapshot.Status.RIWAYAT, sha="2",
    )  # fmt: skip
    kuota("smp", 2)
    client.force_login(operator)
    # when
    response = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    # then: the non-KPM child is listed, masked; with the KPM child they fill both seats,
    # so the desil 3 KPM child is not listed
    assert [
        (d.nama, d.jenjang_sr, d.umur, d.desil, d.is_cadangan)
        for d in response.context["page_dtsen"]
    ] == [("Sari DTSEN", "smp", 14, 2, False)]
    assert _kandidat(response) == [("Anak KPM", "smp", 14, False)]
    smp = next(k for k in response.context["kuota"] if k.jenjang == "smp")
    assert (smp.kursi, smp.utama, smp.sisa) == (2, 2, 0)
    html = response.content.decode()
    assert "1 kandidat bukan KPM (dari DTSEN)" in html
    assert "Bukan KPM (dari DTSEN)" in html
    assert "Perlu didaftarkan dulu" in html
    assert "1872014101120001" not in html
    # a pendamping serves only the KPM families assigned to them
    client.force_login(pendamping_hadimulyo)
    assert len(client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()}).context["page_dtsen"]) == 0


def test_windows_are_dated_settings(client, kota_metro, pendamping_hadimulyo, operator):
    # given: the office narrows SMA to 16–17 from January 2026
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 2)
    anak(keluarga, "Umur 17", datetime.date(2009, 1, 1))
    anak(keluarga, "Umur 18", datetime.date(2008, 1, 1))
    Pengaturan.objects.create(
        kunci="sekolah_rakyat_usia_sma_maks", nilai=17, berlaku_mulai=datetime.date(2026, 1, 1)
    )
    client.force_login(operator)
    # when
    response = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    # then
    assert _kandidat(response) == [("Umur 17", "sma", 17, False)]


def test_candidates_per_kelurahan_and_pendamping(
    client, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo, operator
):
    # given
    for desil in (1, 2, 3):
        anak(
            keluarga_desil(kota_metro, pendamping_hadimulyo, desil), "A", datetime.date(2012, 1, 1)
        )
    anak(
        keluarga_desil(kota_metro, pendamping_iringmulyo, 1, "Iring Mulyo"),
        "B", datetime.date(2012, 1, 1),
    )  # fmt: skip
    kuota("smp", 10)
    client.force_login(operator)
    # when
    response = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    by_area = client.get(
        LIST, {"tanggal_acuan": ACUAN.isoformat(), "kelurahan": kota_metro["Iring Mulyo"].pk}
    )
    # then
    assert [
        (r.kelurahan, r.pendamping, r.utama, r.cadangan, r.dikonfirmasi)
        for r in response.context["ringkas"]
    ] == [("Hadimulyo Barat", "Pendamping_A", 2, 1, 0), ("Iring Mulyo", "Pendamping_B", 1, 0, 0)]
    assert [a.nama for a in by_area.context["page"]] == ["B"]


def test_pendamping_records_home_visit_with_parental_consent(
    client, kota_metro, pendamping_hadimulyo
):
    # given
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 1)
    rafi = anak(keluarga, "Rafi", datetime.date(2012, 9, 9))
    url = (
        reverse("verifikasi:sekolah-rakyat-kunjungan", args=[rafi.pk])
        + f"?acuan={ACUAN.isoformat()}"
    )
    client.force_login(pendamping_hadimulyo)
    form = {"tanggal_kunjungan": "2026-05-04", "status": "dikonfirmasi", "catatan": "Ibu setuju"}
    # when: confirmed without ticking the consent
    refused = client.post(url, form)
    # then
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "is_persetujuan_ortu": ["Centang persetujuan orang tua/wali untuk mengonfirmasi kandidat."]
    }
    assert KandidatSekolahRakyat.objects.count() == 0
    # when
    response = client.post(url, {**form, "is_persetujuan_ortu": "on"}, follow=True)
    # then
    assert [str(m) for m in response.context["messages"]] == ["Kunjungan rumah Rafi dicatat."]
    row = KandidatSekolahRakyat.objects.get()
    assert (
        row.tahun_ajaran, row.jenjang, row.umur, row.desil, row.is_cadangan,
        row.tanggal_kunjungan, row.is_persetujuan_ortu, row.status, row.dicatat_oleh,
    ) == (
        2026, "smp", 13, 1, False, datetime.date(2026, 5, 4), True, "dikonfirmasi",
        pendamping_hadimulyo,
    )  # fmt: skip
    [listed] = response.context["page"]
    assert (listed.sr_status_label, listed.sr_tanggal_kunjungan) == (
        "Dikonfirmasi, orang tua setuju", datetime.date(2026, 5, 4),
    )  # fmt: skip
    # when: a second visit replaces the first
    client.post(url, {"tanggal_kunjungan": "2026-05-11", "status": "tidak_setuju"})
    row.refresh_from_db()
    assert (KandidatSekolahRakyat.objects.count(), row.status, row.is_persetujuan_ortu) == (
        1, "tidak_setuju", False,
    )  # fmt: skip


def test_visit_in_the_future_is_refused(client, kota_metro, pendamping_hadimulyo):
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 2)
    rafi = anak(keluarga, "Rafi", datetime.date(2012, 9, 9))
    client.force_login(pendamping_hadimulyo)
    response = client.post(
        reverse("verifikasi:sekolah-rakyat-kunjungan", args=[rafi.pk])
        + f"?acuan={ACUAN.isoformat()}",
        {"tanggal_kunjungan": "2099-01-01", "status": "tidak_ditemui"},
    )
    assert response.context["form"].errors == {
        "tanggal_kunjungan": ["Tanggal kunjungan belum terjadi."]
    }


@pytest.mark.parametrize(
    ("_case", "persona", "desil", "status"),
    [
        ("not a candidate (desil 4)", "pendamping_hadimulyo", 4, 404),
        ("another pendamping's child", "pendamping_iringmulyo", 1, 404),
        ("koordinator reads only", "koordinator_metro_pusat", 1, 403),
    ],
)
def test_visit_page_refusals(
    client, request, kota_metro, pendamping_hadimulyo, _case, persona, desil, status
):
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, desil)
    rafi = anak(keluarga, "Rafi", datetime.date(2012, 9, 9))
    client.force_login(request.getfixturevalue(persona))
    url = (
        reverse("verifikasi:sekolah-rakyat-kunjungan", args=[rafi.pk])
        + f"?acuan={ACUAN.isoformat()}"
    )
    response = client.post(url, {"tanggal_kunjungan": "2026-05-04", "status": "tidak_ditemui"})
    assert response.status_code == status
    assert KandidatSekolahRakyat.objects.count() == 0


def test_export_keeps_identifiers_as_text_and_escapes_formulas(
    client, kota_metro, pendamping_hadimulyo, operator
):
    # given
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 1)
    keluarga.alamat = "@SUM(1+1)"
    keluarga.rt = "007"
    keluarga.save(update_fields=["alamat", "rt"])
    child = anak(keluarga, '=HYPERLINK("http://x","klik")', datetime.date(2012, 9, 9))
    client.force_login(operator)
    # when
    response = client.get(
        reverse("verifikasi:sekolah-rakyat-ekspor"), {"tanggal_acuan": ACUAN.isoformat()}
    )
    # then
    assert response["Content-Disposition"] == (
        'attachment; filename="kandidat-sekolah-rakyat-20260701.xlsx"'
    )
    assert response.streaming  # issue 21: written while sent, never whole in memory
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Kandidat Sekolah Rakyat — umur per 1 Juli 2026"
    assert rows[1][:4] == ("NIK", "NAMA ANAK", "JENIS KELAMIN", "TGL LAHIR")
    assert rows[2][:8] == (
        child.nik, '\'=HYPERLINK("http://x","klik")', "Laki-laki", "9 September 2012", 13, "SMP",
        "Utama", 1,
    )  # fmt: skip
    assert rows[2][9:14] == (keluarga.no_kk, keluarga.pengurus.nama, "'@SUM(1+1)", "007", "002")
    assert rows[2][17:] == ("Belum dikunjungi", None, "Tidak")
    nik_cell = sheet.cell(row=3, column=1)
    assert (nik_cell.data_type, nik_cell.number_format) == ("s", "@")
    event = AuditEvent.objects.get(action="export")
    assert (event.username, event.object_type, event.jumlah) == (
        "operator", "verifikasi.kandidatsekolahrakyat", 1,
    )  # fmt: skip


def test_pendamping_cannot_export_and_nothing_is_recorded(client, kota_metro, pendamping_hadimulyo):
    anak(keluarga_desil(kota_metro, pendamping_hadimulyo, 1), "Rafi", datetime.date(2012, 9, 9))
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("verifikasi:sekolah-rakyat-ekspor"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="export").count() == 0


@pytest.mark.parametrize("n", [1, 10])
def test_candidate_list_query_count_is_flat(
    n, client, kota_metro, pendamping_hadimulyo, operator, django_assert_num_queries
):
    # given
    for i in range(n):
        keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 1 + i % 3)
        anak(keluarga, f"Anak {i}", datetime.date(2012, 1, 1))
    kuota("smp", 20)
    client.force_login(operator)
    # when / then: the first view computes the summary (issue 21) with a fixed number of
    # statements: the summary row, its lock, old rows deleted, KPM and DTSEN candidates
    # inserted (the active DTSEN snapshots' ids read first, so that only their partitions
    # are), statistics, desil 1–2 per level, the row marked fresh (inside a savepoint pair
    # and the get-or-create's)
    with django_assert_num_queries(27):
        response = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    assert len(response.context["page"]) == n
    # later views read it: user, pendamping choices, settings, the summary, seats, per
    # kelurahan and pendamping (which also gives the count), the page's rows, their members
    # with family, pengurus and visit, DTSEN count, kelurahan choices
    with django_assert_num_queries(10):
        response = client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})
    assert len(response.context["page"]) == n
