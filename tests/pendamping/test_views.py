"""Role/area matrix of every pendamping page, and the record forms."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from dinsos.formatting import NAMA_BULAN
from dinsos.models import AuditEvent
from dinsos.pengaturan import today
from pendamping.models import Kasus, Kunjungan, Rujukan, SkorKepuasan
from tests.pendamping.conftest import snapshot

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "operator",
    "koordinator_metro_pusat",
    "pendamping_hadimulyo",
    "pendamping_iringmulyo",
]
D = datetime.date


@pytest.fixture
def kasus_a(keluarga_a, profil_a):
    return Kasus.objects.create(
        keluarga=keluarga_a,
        pendamping=profil_a,
        tanggal_lapor=D(2025, 3, 1),
        kategori=Kasus.Kategori.PENDIDIKAN,
        deskripsi="Anak tidak sekolah sejak Februari.",
        dicatat_oleh=profil_a.user,
    )


@pytest.fixture
def rujukan_a(keluarga_a, profil_a):
    return Rujukan.objects.create(
        keluarga=keluarga_a,
        pendamping=profil_a,
        tujuan=Rujukan.Tujuan.DUKCAPIL,
        tanggal_kirim=D(2025, 3, 2),
        dicatat_oleh=profil_a.user,
    )


@pytest.fixture
def dunia(keluarga_a, keluarga_b, kasus_a, rujukan_a, profil_a, profil_b):
    """A's family with a case and a referral; B's family in another kecamatan."""
    return {
        "keluarga": keluarga_a.pk,
        "kasus": kasus_a.pk,
        "rujukan": rujukan_a.pk,
        "profil": profil_a.pk,
    }


def _url(name: str, dunia: dict[str, int], arg: str | None, query: str) -> str:
    url = reverse(name, args=[dunia[arg]] if arg else [])
    return f"{url}?{query.format(**dunia)}" if query else url


# --- Access matrix (GET) -----------------------------------------------------------
@pytest.mark.parametrize(
    ("url_name", "arg", "query", "expected"),
    [
        ("pendamping:pendamping-list", None, "", [200, 200, 200, 403, 403]),
        ("pendamping:pendamping-saya", None, "", [403, 403, 403, 200, 200]),
        ("pendamping:pendamping-detail", "profil", "", [200, 200, 200, 200, 404]),
        ("pendamping:pendamping-laporan-xlsx", "profil", "", [200, 200, 200, 200, 404]),
        ("pendamping:perbandingan", None, "", [200, 200, 200, 403, 403]),
        ("pendamping:perbandingan-xlsx", None, "", [200, 200, 200, 403, 403]),
        ("pendamping:penugasan", None, "", [200, 200, 200, 403, 403]),
        ("pendamping:kasus-list", None, "", [200, 200, 200, 200, 200]),
        ("pendamping:kasus-create", None, "keluarga={keluarga}", [200, 200, 403, 200, 404]),
        ("pendamping:kasus-detail", "kasus", "", [200, 200, 200, 200, 404]),
        ("pendamping:rujukan-list", None, "", [200, 200, 200, 200, 200]),
        ("pendamping:rujukan-create", None, "keluarga={keluarga}", [200, 200, 403, 200, 404]),
        ("pendamping:rujukan-detail", "rujukan", "", [200, 200, 200, 200, 404]),
        ("pendamping:kunjungan-list", None, "", [200, 200, 200, 200, 200]),
        ("pendamping:kunjungan-create", None, "keluarga={keluarga}", [200, 200, 403, 200, 404]),
        ("pendamping:skor-list", None, "", [200, 200, 200, 200, 200]),
        ("pendamping:skor-create", None, "keluarga={keluarga}", [200, 200, 403, 200, 404]),
        ("pendamping:perubahan-list", None, "", [200, 200, 200, 200, 200]),
    ],
)
def test_pages_by_persona(client, request, dunia, url_name, arg, query, expected):
    for persona, status in zip(PERSONAS, expected, strict=True):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(_url(url_name, dunia, arg, query))
        assert response.status_code == status, persona


def test_koordinator_does_not_see_cases_outside_their_area(
    client, koordinator_metro_pusat, keluarga_b, profil_b
):
    kasus_b = Kasus.objects.create(
        keluarga=keluarga_b,
        pendamping=profil_b,
        tanggal_lapor=D(2025, 3, 1),
        kategori=Kasus.Kategori.KESEHATAN,
        deskripsi="x",
        dicatat_oleh=profil_b.user,
    )
    client.force_login(koordinator_metro_pusat)
    assert client.get(reverse("pendamping:kasus-detail", args=[kasus_b.pk])).status_code == 404
    listed = client.get(reverse("pendamping:kasus-list")).context["page"].object_list
    assert list(listed) == []


def test_lists_show_a_pendamping_only_their_own_families_records(
    client, dunia, pendamping_iringmulyo, pendamping_hadimulyo, kasus_a
):
    client.force_login(pendamping_iringmulyo)
    assert list(client.get(reverse("pendamping:kasus-list")).context["page"]) == []
    client.force_login(pendamping_hadimulyo)
    assert list(client.get(reverse("pendamping:kasus-list")).context["page"]) == [kasus_a]


def test_viewing_a_case_is_audited_and_a_denied_view_is_not(
    client, dunia, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given
    client.force_login(pendamping_iringmulyo)
    before = AuditEvent.objects.count()
    # when: B guesses A's case id
    denied = client.get(reverse("pendamping:kasus-detail", args=[dunia["kasus"]]))
    # then
    assert denied.status_code == 404
    assert AuditEvent.objects.count() == before
    # when: A opens it
    client.force_login(pendamping_hadimulyo)
    client.get(reverse("pendamping:kasus-detail", args=[dunia["kasus"]]))
    # then
    event = AuditEvent.objects.latest("pk")
    assert (event.username, event.action, event.object_type, event.object_id) == (
        "pendamping_a",
        "view",
        "pendamping.kasus",
        str(dunia["kasus"]),
    )


# --- Denied writes change nothing and record nothing ----------------------------------
@pytest.mark.parametrize(
    ("persona", "url_name", "arg", "data", "status"),
    [
        ("pendamping_iringmulyo", "pendamping:kasus-create", None, "kasus", 404),
        ("koordinator_metro_pusat", "pendamping:kasus-create", None, "kasus", 403),
        ("pendamping_iringmulyo", "pendamping:kunjungan-create", None, "kunjungan", 404),
        ("pendamping_iringmulyo", "pendamping:skor-create", None, "skor", 404),
        ("pendamping_iringmulyo", "pendamping:rujukan-create", None, "rujukan", 404),
        ("pendamping_iringmulyo", "pendamping:kasus-status", "kasus", "status", 404),
        ("koordinator_metro_pusat", "pendamping:kasus-status", "kasus", "status", 403),
        ("pendamping_iringmulyo", "pendamping:rujukan-hasil", "rujukan", "hasil", 404),
        ("koordinator_metro_pusat", "pendamping:rujukan-hasil", "rujukan", "hasil", 403),
        ("pendamping_hadimulyo", "pendamping:penugasan", None, "penugasan", 403),
        ("koordinator_metro_pusat", "pendamping:penugasan", None, "penugasan_b", 404),
    ],
)
def test_denied_writes_change_nothing(
    client, request, dunia, keluarga_b, profil_a, persona, url_name, arg, data, status
):
    # given
    payloads = {
        "kasus": {
            "keluarga": dunia["keluarga"],
            "tanggal_lapor": "2025-03-01",
            "kategori": "kesehatan",
            "deskripsi": "Tebakan",
        },
        "kunjungan": {"keluarga": dunia["keluarga"], "tanggal": "2025-03-01", "jenis": "kunjungan"},
        "skor": {"keluarga": dunia["keluarga"], "tanggal": "2025-03-01", "skor": "5"},
        "rujukan": {"keluarga": dunia["keluarga"], "tujuan": "bpjs", "tanggal_kirim": "2025-03-01"},
        "status": {"ke": "ditangani", "tanggal_ditangani": "2025-03-02"},
        "hasil": {"status": "selesai", "tanggal_selesai": "2025-03-03"},
        "penugasan": {"ke": profil_a.pk, "tanggal_mulai": "2025-03-01", "cakupan": "semua"},
        "penugasan_b": {
            "ke": profil_a.pk,
            "tanggal_mulai": "2025-03-01",
            "cakupan": "terpilih",
            "keluarga": [keluarga_b.pk],
        },
    }
    client.force_login(request.getfixturevalue(persona))
    url = reverse(url_name, args=[dunia[arg]] if arg else [])
    if data == "penugasan_b":
        url += f"?dari={profil_a.user.pk}"
    before = snapshot()
    # when
    response = client.post(url, payloads[data])
    # then
    assert response.status_code == status
    assert snapshot() == before


# --- Recording ----------------------------------------------------------------------
def test_pendamping_records_a_case_for_their_family(client, dunia, pendamping_hadimulyo, profil_a):
    client.force_login(pendamping_hadimulyo)
    response = client.post(
        reverse("pendamping:kasus-create"),
        {
            "keluarga": dunia["keluarga"],
            "tanggal_lapor": "2025-05-02",
            "kategori": "adminduk",
            "deskripsi": "  Akta kelahiran anak belum ada.  ",
        },
    )
    kasus = Kasus.objects.latest("pk")
    assert response["Location"] == reverse("pendamping:kasus-detail", args=[kasus.pk])
    assert (kasus.pendamping, kasus.status, kasus.deskripsi, kasus.dicatat_oleh) == (
        profil_a,
        "dilaporkan",
        "Akta kelahiran anak belum ada.",
        pendamping_hadimulyo,
    )
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_type) == ("create", "pendamping.kasus")


def test_operator_records_on_behalf_of_the_familys_pendamping(client, dunia, operator, profil_a):
    client.force_login(operator)
    url = reverse("pendamping:kunjungan-create") + f"?keluarga={dunia['keluarga']}"
    client.post(url, {"tanggal": "2025-05-02", "jenis": "verifikasi"})
    kunjungan = Kunjungan.objects.get()
    assert (kunjungan.pendamping, kunjungan.dicatat_oleh, kunjungan.jenis) == (
        profil_a,
        operator,
        "verifikasi",
    )


def test_a_future_date_is_refused(client, dunia, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    besok = today() + datetime.timedelta(days=1)
    response = client.post(
        reverse("pendamping:skor-create"),
        {"keluarga": dunia["keluarga"], "tanggal": besok.isoformat(), "skor": "4"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["tanggal"] == [
        "Tanggal penilaian tidak boleh setelah hari ini."
    ]
    assert SkorKepuasan.objects.count() == 0


def test_handling_a_case_sets_the_date_once_and_checks_it(client, dunia, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    url = reverse("pendamping:kasus-status", args=[dunia["kasus"]])
    # when: a handled date before the report
    early = client.post(url, {"ke": "ditangani", "tanggal_ditangani": "2025-02-27"})
    # then
    assert early.status_code == 400
    assert early.context["status_form"].errors["tanggal_ditangani"] == [
        "Tanggal ditangani tidak boleh sebelum tanggal dilaporkan (1 Maret 2025)."
    ]
    # when: handled on 4 March, then closed
    client.post(
        url, {"ke": "ditangani", "tanggal_ditangani": "2025-03-04", "tindakan": "Ke sekolah"}
    )
    client.post(url, {"ke": "selesai", "tindakan": ""})
    # then
    kasus = Kasus.objects.get(pk=dunia["kasus"])
    assert (kasus.status, kasus.tanggal_ditangani, kasus.tindakan) == (
        "selesai",
        D(2025, 3, 4),
        "Ke sekolah",
    )


def test_referral_to_another_service_needs_its_name(client, dunia, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    response = client.post(
        reverse("pendamping:rujukan-create"),
        {"keluarga": dunia["keluarga"], "tujuan": "lainnya", "tanggal_kirim": "2025-03-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["tujuan_lain"] == ["Tuliskan layanan tujuan rujukan."]


def test_referral_outcome_is_recorded_once(client, dunia, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    url = reverse("pendamping:rujukan-hasil", args=[dunia["rujukan"]])
    client.post(url, {"status": "selesai", "tanggal_selesai": "2025-03-05", "hasil": "Akta terbit"})
    again = client.post(url, {"status": "tidak_dilayani", "tanggal_selesai": "2025-03-06"})
    assert again.status_code == 400
    assert again.context["hasil_form"].non_field_errors() == []
    assert again.context["hasil_form"].errors["status"] == [
        "Hasil rujukan ini sudah dicatat (selesai dilayani)."
    ]
    rujukan = Rujukan.objects.get(pk=dunia["rujukan"])
    assert (rujukan.status, rujukan.tanggal_selesai, rujukan.hasil) == (
        "selesai",
        D(2025, 3, 5),
        "Akta terbit",
    )


def test_family_page_shows_the_pendampingan_panel(client, dunia, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("kpm:keluarga-detail", args=[dunia["keluarga"]]))
    content = response.content.decode()
    assert "Pendamping sekarang:" in content
    assert "<strong>Ani Pendamping</strong> (Pendamping PKH)" in content
    assert f'href="/pendamping/kasus/baru/?keluarga={dunia["keluarga"]}"' in content


def test_pendamping_list_highlights_overloaded_pendamping(client, operator, keluarga_a, profil_a):
    from dinsos.models import Pengaturan

    Pengaturan.objects.create(
        kunci="pendamping_batas_keluarga", nilai=0, berlaku_mulai=D(2020, 1, 1)
    )
    client.force_login(operator)
    response = client.get(reverse("pendamping:pendamping-list"))
    (row,) = response.context["page"].object_list
    assert (row.jumlah_keluarga, row.batas, row.is_melebihi) == (1, 0, True)
    assert 'class="beban-lebih"' in response.content.decode()


def test_my_performance_without_a_profile_says_so(client, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("pendamping:pendamping-saya"))
    assert response.status_code == 200
    assert (
        "Akun Anda belum terhubung ke data pendamping, jadi kinerja belum dapat dihitung."
        in response.content.decode()
    )


def test_my_performance_shows_my_own_page(client, pendamping_hadimulyo, profil_a):
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("pendamping:pendamping-saya"))
    assert response.context["pendamping"] == profil_a


def _sheet_rows(content: bytes, sheet: str) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook[sheet].iter_rows(values_only=True))


def test_comparison_table_exports_to_xlsx(client, koordinator_metro_pusat, dunia):
    # given: one visit to A's only family in March 2025
    Kunjungan.objects.create(
        keluarga_id=dunia["keluarga"],
        pendamping_id=dunia["profil"],
        tanggal=D(2025, 3, 3),
        dicatat_oleh=koordinator_metro_pusat,
    )
    client.force_login(koordinator_metro_pusat)
    # when
    response = client.get(reverse("pendamping:perbandingan-xlsx"), {"tahun": 2025, "bulan": 3})
    # then
    assert response["Content-Disposition"] == (
        'attachment; filename="perbandingan-pendamping-2025-3.xlsx"'
    )
    rows = _sheet_rows(response.content, "Perbandingan")
    assert rows[0][0] == "Perbandingan kinerja pendamping — Maret 2025"
    assert rows[2][:6] == (
        "Nama",
        "Jenis",
        "Keluarga (sekarang / batas)",
        "Keluarga didampingi (periode)",
        "Keluarga terjangkau",
        "Cakupan layanan",
    )
    # score (100×30 + 0×20 + 100×15) / 65: one family visited, its referral still open
    assert rows[3:] == [
        (
            "Ani Pendamping", "Pendamping PKH", "1 / 350", 1, 1, 1, "—", 0, 1, 0, 0, "—", 0,
            0, 0, "tidak ada", 0, 0, 69.2,
        )
    ]  # fmt: skip


def test_monthly_report_exports_figures_months_and_rhk(client, pendamping_hadimulyo, dunia):
    client.force_login(pendamping_hadimulyo)
    url = reverse("pendamping:pendamping-laporan-xlsx", args=[dunia["profil"]])
    response = client.get(url, {"tahun": 2025, "bulan": 3})
    workbook_rows = _sheet_rows(response.content, "RHK")
    assert workbook_rows[0] == ("RHK 1–9 Ani Pendamping — Maret 2025",)
    assert workbook_rows[3:6] == [
        (1, "Penyaluran bantuan", "belum tercatat"),
        (2, "P2K2 dilaksanakan", "Data P2K2 belum tersedia"),
        (3, "Verifikasi komitmen", "belum tercatat"),
    ]
    months = _sheet_rows(response.content, "Per bulan")
    assert [row[0] for row in months[3:]] == [f"{bulan} 2025" for bulan in NAMA_BULAN]


@pytest.mark.parametrize(
    "model", ["pendamping", "penugasan", "kasus", "rujukan", "kunjungan", "skorkepuasan"]
)
def test_admin_lists_and_searches_the_records(client, admin, dunia, model):
    client.force_login(admin)
    response = client.get(reverse(f"admin:pendamping_{model}_changelist"), {"q": "1872"})
    assert response.status_code == 200


def test_admin_profile_save_gives_the_account_the_duty_areas(
    client, admin, kota_metro, pendamping_iringmulyo
):
    client.force_login(admin)
    imopuro = kota_metro["Imopuro"]
    client.post(
        reverse("admin:pendamping_pendamping_add"),
        {
            "user": pendamping_iringmulyo.pk,
            "nama": "Budi",
            "jenis": "pkh",
            "nik": "",
            "telepon": "",
            "wilayah": [imopuro.pk],
            "mulai": "2025-01-02",
        },
    )
    assert list(pendamping_iringmulyo.wilayah.all()) == [imopuro]


def test_performance_page_draws_a_bar_per_month(client, pendamping_hadimulyo, dunia):
    # given: A's only family (assigned 1 Jan 2025) visited in March
    Kunjungan.objects.create(
        keluarga_id=dunia["keluarga"],
        pendamping_id=dunia["profil"],
        tanggal=D(2025, 3, 3),
        dicatat_oleh=pendamping_hadimulyo,
    )
    client.force_login(pendamping_hadimulyo)
    # when
    url = reverse("pendamping:pendamping-detail", args=[dunia["profil"]])
    content = client.get(url, {"tahun": 2025, "bulan": 3}).content.decode()
    # then: the coverage chart has a full-height bar in the third slot (SVG needs dots)
    assert '<rect class="grafik-batang" x="55.0" y="0.0" width="20.0" height="100.0">' in content
    assert "<title>Maret: 100,0%</title>" in content
    assert "<title>Februari: 0,0%</title>" in content
