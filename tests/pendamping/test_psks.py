"""Issue 20 (D11): the whole PSKS workforce, PMKS clients who are not KPM, and two-way
referrals that become overdue.

- a Rehsos worker (with a login) registers a client, records a case for them, and the case
  counts in their indicators;
- cases, referrals and visits hold exactly one of a family and a client (database check);
- a referral without the receiving institution's answer is "terlambat" after the setting's
  days, on the list and on the Beranda; an answer with its letter ends that;
- the admin edits a worker kind (name, ceiling) and the pages follow.
"""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from dinsos import selectors as dinsos_selectors
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import DEFAULTS, today
from kpm.models import Keluarga
from pendamping import selectors, services
from pendamping.models import JenisPsks, Kasus, KategoriPmks, KlienPmks, Pendamping, Rujukan
from pendamping.periode import Periode
from tests.pendamping.conftest import buat_profil

pytestmark = pytest.mark.django_db

NIK_KLIEN = "1872014501500001"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rehsos(pendamping_hadimulyo: User) -> Pendamping:
    """A pendamping Rehsos with a login, on duty in Hadimulyo Barat."""
    return buat_profil(pendamping_hadimulyo, nama="Rina Rehsos", jenis=Pendamping.Jenis.REHSOS)


def _daftar_klien(client, **extra) -> object:
    data = {
        "nama": "Mbah Sarno",
        "nik": NIK_KLIEN,
        "jenis_kelamin": "L",
        "tanggal_lahir": "1950-01-05",
        "kategori": KategoriPmks.objects.get(kode="lansia_terlantar").pk,
        "kelurahan": extra.pop("kelurahan"),
        "alamat": "Jl. Kenanga 3",
        **extra,
    }
    return client.post(reverse("pendamping:klien-create"), data)


# --- The kinds ---------------------------------------------------------------------------
def test_the_seven_kinds_are_seeded_and_workers_keep_their_kind(pendamping_hadimulyo):
    # given / when: the migration seeded the kinds; a profile names one by its code
    profil = buat_profil(pendamping_hadimulyo, nama="Tono", jenis=Pendamping.Jenis.TKSK)
    # then
    assert list(JenisPsks.objects.values_list("kode", "nama")) == [
        ("asn", "ASN"),
        ("pkh", "Pendamping PKH"),
        ("rehsos", "Pendamping Rehsos"),
        ("tksk", "TKSK"),
        ("psm", "PSM"),
        ("karang_taruna", "Karang Taruna"),
        ("lks", "LKS"),
    ]
    assert Pendamping.objects.filter(jenis="tksk").get() == profil
    assert str(profil) == "Tono (TKSK)"


def test_admin_edits_a_kind_and_the_pages_follow(client, admin, operator, kota_metro):
    # given: a Karang Taruna worker; the kind has no ceiling of its own (setting: 350)
    buat_profil(None, nama="Dodi", jenis="karang_taruna", wilayah=[kota_metro["Iring Mulyo"]])
    jenis = JenisPsks.objects.get(kode="karang_taruna")
    client.force_login(admin)
    # when: the admin renames it and sets a ceiling of 40
    response = client.post(
        reverse("admin:pendamping_jenispsks_change", args=[jenis.pk]),
        {
            "nama": "Karang Taruna Kelurahan",
            "batas_beban": "40",
            "is_aktif": "on",
            "urutan": "6",
        },
    )
    # then: saved; the list shows the new name and the ceiling the kind now sets
    assert response.status_code == 302
    client.force_login(operator)
    page = client.get(reverse("pendamping:pendamping-list"), {"jenis": "karang_taruna"})
    (row,) = page.context["page"].object_list
    assert (row.nama, row.get_jenis_display(), row.batas) == ("Dodi", "Karang Taruna Kelurahan", 40)
    assert ("karang_taruna", "Karang Taruna Kelurahan") in page.context["form"].fields[
        "jenis"
    ].choices


def test_an_unknown_kind_is_refused(pendamping_hadimulyo):
    with pytest.raises(Exception, match="Jenis PSKS tidak dikenal"):
        buat_profil(pendamping_hadimulyo, jenis="dukun")


# --- Clients ----------------------------------------------------------------------------
def test_rehsos_worker_registers_a_client_who_lands_in_their_own_list(
    client, kota_metro, rehsos, pendamping_iringmulyo
):
    # given
    client.force_login(rehsos.user)
    # when
    response = _daftar_klien(client, kelurahan=kota_metro["Hadimulyo Barat"].pk)
    # then: registered as theirs, audited, NIK shown masked
    klien = KlienPmks.objects.get()
    assert response.status_code == 302
    assert (klien.pendamping, klien.dicatat_oleh) == (rehsos, rehsos.user)
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CREATE, object_type="pendamping.klienpmks"
        ).count()
        == 1
    )
    detail = client.get(reverse("pendamping:klien-detail", args=[klien.pk]))
    html = detail.content.decode()
    assert NIK_KLIEN not in html
    assert klien.nik_tersamar in html
    assert "Lanjut usia terlantar" in html
    # and another pendamping neither lists nor opens them
    client.force_login(pendamping_iringmulyo)
    assert client.get(reverse("pendamping:klien-list")).context["page"].paginator.count == 0
    assert client.get(reverse("pendamping:klien-detail", args=[klien.pk])).status_code == 404


def test_a_bad_or_duplicate_nik_is_refused_in_indonesian(client, kota_metro, rehsos):
    client.force_login(rehsos.user)
    kelurahan = kota_metro["Hadimulyo Barat"].pk
    _daftar_klien(client, kelurahan=kelurahan)
    # when
    duplikat = _daftar_klien(client, kelurahan=kelurahan, nama="Orang Lain")
    pendek = _daftar_klien(client, kelurahan=kelurahan, nik="12345")
    # then
    assert duplikat.status_code == 400
    assert duplikat.context["form"].errors["nik"] == ["NIK ini sudah terdaftar sebagai klien PMKS."]
    assert pendek.status_code == 400
    assert pendek.context["form"].errors["nik"]
    assert KlienPmks.objects.count() == 1


def test_viewing_a_client_is_audited(client, kota_metro, rehsos, koordinator_metro_pusat):
    klien = services.klien_create(
        data={
            "nama": "Ani Jalanan",
            "jenis_kelamin": "P",
            "kelurahan": kota_metro["Hadimulyo Barat"],
            "kategori": KategoriPmks.objects.get(kode="anak_jalanan"),
        },
        oleh=rehsos.user,
    )
    client.force_login(koordinator_metro_pusat)
    client.get(reverse("pendamping:klien-detail", args=[klien.pk]))
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW,
            object_type="pendamping.klienpmks",
            object_id=str(klien.pk),
        ).count()
        == 1
    )


@pytest.mark.parametrize("n", [1, 20])
def test_client_list_query_count_is_flat(
    n, client, kota_metro, rehsos, operator, django_assert_num_queries
):
    kategori = KategoriPmks.objects.get(kode="gelandangan")
    for i in range(n):
        services.klien_create(
            data={
                "nama": f"Klien {i}",
                "jenis_kelamin": "L",
                "kelurahan": kota_metro["Hadimulyo Barat"],
                "kategori": kategori,
            },
            oleh=rehsos.user,
        )
    client.force_login(operator)
    # request overhead (4), categories of the filter, count, page
    with django_assert_num_queries(7):
        response = client.get(reverse("pendamping:klien-list"))
    assert len(response.context["page"].object_list) == n


# --- A case for a client counts in the worker's indicators ------------------------------
def test_rehsos_records_a_case_for_a_non_kpm_client_and_it_counts(client, kota_metro, rehsos):
    # given: a client of the Rehsos worker, no KPM family at all
    client.force_login(rehsos.user)
    _daftar_klien(client, kelurahan=kota_metro["Hadimulyo Barat"].pk)
    klien = KlienPmks.objects.get()
    hari = today()
    # when: a case is reported and handled the same day
    response = client.post(
        f"{reverse('pendamping:kasus-create')}?klien={klien.pk}",
        {"tanggal_lapor": hari.isoformat(), "kategori": "lainnya", "deskripsi": "Tinggal sendiri."},
    )
    kasus = Kasus.objects.get()
    client.post(
        reverse("pendamping:kasus-status", args=[kasus.pk]),
        {"ke": "ditangani", "tanggal_ditangani": hari.isoformat(), "tindakan": "Dikunjungi."},
    )
    # then: the case is the client's, and the worker's month shows it
    assert response.status_code == 302
    assert (kasus.klien, kasus.keluarga, kasus.pendamping) == (klien, None, rehsos)
    hasil, _ = selectors.kinerja_pendamping(
        pendamping=rehsos,
        periode=Periode(hari.year, hari.month),
        pengaturan=dinsos_selectors.pengaturan_semua(),
    )
    assert (hasil.kasus_dilaporkan, hasil.kasus_ditangani, hasil.respon_median) == (1, 1, 0)
    assert (hasil.klien_dilayani, hasil.klien_terjangkau, hasil.cakupan_teks) == (
        1,
        1,
        "100,0% (1/1)",
    )
    assert hasil.skor is not None
    # and the case list names the client
    page = client.get(reverse("pendamping:kasus-list"))
    assert "Mbah Sarno" in page.content.decode()


def test_a_record_holds_exactly_one_of_family_and_client(kota_metro, profil_a, keluarga_a):
    klien = KlienPmks.objects.create(
        nama="X",
        jenis_kelamin="L",
        kelurahan=kota_metro["Hadimulyo Barat"],
        kategori=KategoriPmks.objects.get(kode="pengemis"),
        dicatat_oleh=profil_a.user,
    )
    common = {
        "pendamping": profil_a,
        "tanggal_lapor": datetime.date(2025, 3, 1),
        "kategori": "lainnya",
        "deskripsi": "x",
        "dicatat_oleh": profil_a.user,
    }
    for subjek in ({"keluarga": keluarga_a, "klien": klien}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Kasus.objects.create(**common, **subjek)


def test_a_visit_for_a_client_is_recorded_and_listed(client, kota_metro, rehsos):
    client.force_login(rehsos.user)
    _daftar_klien(client, kelurahan=kota_metro["Hadimulyo Barat"].pk)
    klien = KlienPmks.objects.get()
    response = client.post(
        f"{reverse('pendamping:kunjungan-create')}?klien={klien.pk}",
        {"tanggal": today().isoformat(), "jenis": "kunjungan"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert [k.klien_id for k in page.context["page"].object_list] == [klien.pk]


# --- Two-way referrals ----------------------------------------------------------------
def _rujukan(keluarga: Keluarga, user: User, hari_lalu: int) -> Rujukan:
    return services.rujukan_kirim(
        keluarga=keluarga,
        data={"tujuan": "puskesmas", "tanggal_kirim": today() - datetime.timedelta(hari_lalu)},
        oleh=user,
    )


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_unanswered_referral_becomes_overdue(client, pendamping_hadimulyo, keluarga_a):
    # given: the setting gives 14 days; one referral sent 15 days ago, one 14 days ago
    lama = _rujukan(keluarga_a, pendamping_hadimulyo, 15)
    _rujukan(keluarga_a, pendamping_hadimulyo, 14)
    client.force_login(pendamping_hadimulyo)
    # when
    daftar = client.get(reverse("pendamping:rujukan-list"))
    terlambat = client.get(reverse("pendamping:rujukan-list"), {"terlambat": "on"})
    beranda = client.get(reverse("home"))
    # then
    assert [r.is_terlambat for r in daftar.context["page"].object_list] == [False, True]
    assert [r.pk for r in terlambat.context["page"].object_list] == [lama.pk]
    assert daftar.content.decode().count('data-testid="terlambat"') == 1
    item = next(i for i in beranda.context["worklist"] if i.judul == "Rujukan terlambat dijawab")
    assert (item.jumlah, item.tingkat) == (1, "bahaya")


def test_the_answer_with_its_letter_ends_the_wait(client, pendamping_hadimulyo, keluarga_a):
    # given: an overdue referral
    rujukan = _rujukan(keluarga_a, pendamping_hadimulyo, 20)
    client.force_login(pendamping_hadimulyo)
    surat = io.BytesIO(_png())
    surat.name = "surat.png"
    # when: the receiving institution's answer is recorded with its letter
    response = client.post(
        reverse("pendamping:rujukan-hasil", args=[rujukan.pk]),
        {
            "status": "selesai",
            "tanggal_selesai": today().isoformat(),
            "hasil": "Sudah diperiksa dokter.",
            "dokumen": surat,
        },
    )
    # then: answered, no longer overdue, and the letter is served inertly
    rujukan.refresh_from_db()
    assert response.status_code == 302
    assert (rujukan.status, rujukan.hasil, rujukan.tipe_dokumen) == (
        "selesai",
        "Sudah diperiksa dokter.",
        "image/png",
    )
    assert selectors.rujukan_terlambat(user=pendamping_hadimulyo).count() == 0
    letter = client.get(reverse("pendamping:rujukan-dokumen", args=[rujukan.pk]))
    assert (letter.status_code, letter["Content-Type"]) == (200, "image/png")
    assert letter["Content-Security-Policy"] == "sandbox"


def test_the_overdue_days_are_a_dated_office_setting():
    definisi = DEFAULTS["rujukan_jawaban_batas_hari"]
    assert definisi.default == 14
    assert definisi.keterangan.startswith("Pilihan kantor")


# --- The yearly evaluation -------------------------------------------------------------------
def test_yearly_evaluation_sums_per_kind_and_exports(client, kota_metro, rehsos, admin, operator):
    # given: the Rehsos worker's client with one case this year
    klien = services.klien_create(
        data={
            "nama": "Mbah Sarno",
            "jenis_kelamin": "L",
            "kelurahan": kota_metro["Hadimulyo Barat"],
            "kategori": KategoriPmks.objects.get(kode="lansia_terlantar"),
        },
        oleh=rehsos.user,
    )
    services.kasus_catat(
        klien=klien,
        data={"tanggal_lapor": today(), "kategori": "lainnya", "deskripsi": "x"},
        oleh=rehsos.user,
    )
    client.force_login(admin)
    # when
    page = client.get(reverse("pendamping:evaluasi"), {"tahun": today().year})
    xlsx = client.get(reverse("pendamping:evaluasi-xlsx"), {"tahun": today().year})
    # then: the kind's row sums its worker's figures
    (rehsos_row,) = [j for j in page.context["per_jenis"] if j.jenis.kode == "rehsos"]
    assert (len(rehsos_row.baris), rehsos_row.dilayani, rehsos_row.kasus_dilaporkan) == (1, 1, 1)
    assert rehsos_row.terjangkau == 1
    assert f"Evaluasi PSKS {today().year}" in page.content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Per jenis"]
    assert sheet["A1"].value == f"Evaluasi PSKS {today().year} — per jenis"
    assert [c.value for c in sheet[4]][:4] == ["Pendamping Rehsos", 1, 1, 1]
    # and the operator may not open it
    client.force_login(operator)
    assert client.get(reverse("pendamping:evaluasi")).status_code == 403
