"""The month view (pendamping record a month's compliance) and the office's proposals page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dinsos.models import AuditEvent
from kpm.models import Keluarga, RiwayatStatus
from tests.conftest import make_user
from tests.verifikasi.empat_mata import empat_mata_mati  # noqa: F401  (issue 20)
from tests.verifikasi.komitmen_helpers import TP, bulan, catat, keluarga_komitmen, riwayat
from verifikasi import services
from verifikasi.models import Komitmen, Usulan

pytestmark = pytest.mark.django_db

MARET = "2025-03"
URL = reverse("verifikasi:komitmen-bulan")


@pytest.fixture
def keluarga_a(kota_metro, pendamping_hadimulyo):
    return keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )


@pytest.fixture
def keluarga_b(kota_metro, pendamping_iringmulyo):
    return keluarga_komitmen(
        kelurahan=kota_metro["Iring Mulyo"], pendamping=pendamping_iringmulyo, ibu="Rina",
        anak="Citra", anak_lahir=datetime.date(2014, 6, 2),
    )  # fmt: skip


def _rows(response):
    return [
        (g.keluarga.pengurus.nama, [(b.baris.nama, b.baris.komponen) for b in g.baris])
        for g in response.context["kelompok"]
    ]


# --- Month view -------------------------------------------------------------------------
def test_pendamping_sees_each_member_component_of_own_families(
    client, keluarga_a, keluarga_b, pendamping_hadimulyo
):
    # given
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.get(URL, {"bulan": MARET})
    # then
    assert response.status_code == 200
    assert _rows(response) == [("Siti Aminah", [("Siti Aminah", "ibu_hamil"), ("Budi", "anak_sd")])]
    petunjuk = [b.baris.petunjuk for g in response.context["kelompok"] for b in g.baris]
    assert petunjuk == [
        "4× periksa kehamilan (1× bulan 0–3, 1× bulan 4–6, 2× bulan 7–9), bersalin di "
        "fasilitas kesehatan, ≥ 3× periksa nifas (minggu 1, 4, 6)",
        "Hadir ≥ 85% hari efektif sekolah",
    ]


def test_one_save_records_the_month_with_percent_deciding_school_status(
    client, keluarga_a, pendamping_hadimulyo
):
    # given
    _, siti, budi = keluarga_a
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.post(
        f"{URL}?bulan={MARET}",
        {
            f"s-{siti.pk}-ibu_hamil": "tidak_patuh",
            f"c-{siti.pk}-ibu_hamil": "Tidak periksa kehamilan",
            f"s-{budi.pk}-anak_sd": "patuh",  # the percentage wins
            f"p-{budi.pk}-anak_sd": "84,9",
        },
        follow=True,
    )
    # then
    assert [str(m) for m in response.context["messages"]] == [
        "2 catatan komitmen Maret 2025 disimpan."
    ]
    assert response.redirect_chain == [(f"{URL}?bulan={MARET}", 302)]
    rows = list(
        Komitmen.objects.order_by("komponen").values_list(
            "anggota__nama", "komponen", "bulan", "status", "persen_kehadiran", "catatan",
            "sumber", "recorded_by",
        )
    )  # fmt: skip
    assert rows == [
        ("Budi", "anak_sd", datetime.date(2025, 3, 1), "tidak_patuh", Decimal("84.90"), "",
         "manual", pendamping_hadimulyo.pk),
        ("Siti Aminah", "ibu_hamil", datetime.date(2025, 3, 1), "tidak_patuh", None,
         "Tidak periksa kehamilan", "manual", pendamping_hadimulyo.pk),
    ]  # fmt: skip
    # the page shows what was saved
    budi_row = response.context["kelompok"][0].baris[1]
    assert (budi_row.status.value(), budi_row.persen.value()) == ("tidak_patuh", Decimal("84.90"))


def test_unverifiable_needs_a_note_and_nothing_is_saved_without_it(
    client, keluarga_a, pendamping_hadimulyo
):
    # given
    _, siti, budi = keluarga_a
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.post(
        f"{URL}?bulan={MARET}",
        {f"s-{siti.pk}-ibu_hamil": "tidak_diverifikasi", f"s-{budi.pk}-anak_sd": "patuh"},
    )
    # then
    assert response.status_code == 400
    assert response.context["form"].errors == {
        f"c-{siti.pk}-ibu_hamil": ["Tulis catatan mengapa tidak dapat diverifikasi."]
    }
    assert Komitmen.objects.count() == 0


def test_saving_again_rewrites_only_changed_rows(client, keluarga_a, pendamping_hadimulyo):
    # given: January imported from e-PKH, the mother recorded by hand
    _, siti, budi = keluarga_a
    services.komitmen_record(
        entri=[services.EntriKomitmen(anggota_id=budi.pk, komponen="anak_sd",
                                      persen_kehadiran=Decimal("90"))],
        bulan=bulan(2025, 1), oleh=pendamping_hadimulyo, sumber="epkh",
    )  # fmt: skip
    catat(siti, "ibu_hamil", bulan(2025, 1), pendamping_hadimulyo, status="patuh")
    client.force_login(pendamping_hadimulyo)
    page = client.get(URL, {"bulan": "2025-01"})
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    # when: the page is saved as shown, then with one change
    client.post(f"{URL}?bulan=2025-01", data)
    unchanged = list(Komitmen.objects.order_by("komponen").values_list("sumber", flat=True))
    data[f"s-{siti.pk}-ibu_hamil"] = "tidak_patuh"
    response = client.post(f"{URL}?bulan=2025-01", data, follow=True)
    # then
    assert unchanged == ["epkh", "manual"]
    assert [str(m) for m in response.context["messages"]][-1] == (
        "1 catatan komitmen Januari 2025 disimpan."
    )
    assert Komitmen.objects.get(anggota=siti).status == "tidak_patuh"
    assert Komitmen.objects.get(anggota=budi).sumber == "epkh"


def test_a_month_not_started_is_not_saved(client, keluarga_a, pendamping_hadimulyo):
    _, siti, _ = keluarga_a
    client.force_login(pendamping_hadimulyo)
    response = client.post(f"{URL}?bulan=2099-01", {f"s-{siti.pk}-ibu_hamil": "patuh"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Pilih bulan yang sudah dimulai."]
    assert Komitmen.objects.count() == 0


def test_pendamping_cannot_see_or_record_another_pendamping_family(
    client, keluarga_a, keluarga_b, pendamping_iringmulyo
):
    # given
    k_a, siti, _ = keluarga_a
    client.force_login(pendamping_iringmulyo)
    # when: B opens A's family, then posts a mark for A's member
    opened = client.get(URL, {"bulan": MARET, "keluarga": k_a.pk})
    posted = client.post(
        f"{URL}?bulan={MARET}&keluarga={k_a.pk}", {f"s-{siti.pk}-ibu_hamil": "tidak_patuh"}
    )
    posted_own_page = client.post(f"{URL}?bulan={MARET}", {f"s-{siti.pk}-ibu_hamil": "patuh"})
    # then: 404 like a missing family; on B's own page A's member is not a field
    assert (opened.status_code, posted.status_code) == (404, 404)
    assert posted_own_page.status_code == 302
    assert Komitmen.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="verifikasi.komitmen").count() == 0


@pytest.mark.parametrize(
    ("_case", "persona", "families"),
    [
        ("admin all", "admin", ["Rina", "Siti Aminah"]),
        ("operator all of Kota Metro", "operator", ["Rina", "Siti Aminah"]),
        ("koordinator Metro Pusat only", "koordinator_metro_pusat", ["Siti Aminah"]),
        ("pendamping A own", "pendamping_hadimulyo", ["Siti Aminah"]),
        ("pendamping B own", "pendamping_iringmulyo", ["Rina"]),
    ],
)
def test_month_view_by_role_and_area(
    client, request, keluarga_a, keluarga_b, _case, persona, families
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL, {"bulan": MARET})
    assert [name for name, _ in _rows(response)] == families


def test_koordinator_reads_but_cannot_record(client, keluarga_a, koordinator_metro_pusat):
    # given
    _, siti, _ = keluarga_a
    client.force_login(koordinator_metro_pusat)
    # when
    response = client.post(f"{URL}?bulan={MARET}", {f"s-{siti.pk}-ibu_hamil": "patuh"})
    # then
    assert response.status_code == 403
    assert Komitmen.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("n", [1, 12])
def test_month_view_query_count_is_flat(
    n, client, kota_metro, pendamping_hadimulyo, django_assert_num_queries
):
    # given
    for i in range(n):
        _, siti, _ = keluarga_komitmen(
            kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo,
            ibu=f"Ibu {i}", anak=f"Anak {i}",
        )  # fmt: skip
        catat(siti, "ibu_hamil", bulan(2025, 3), pendamping_hadimulyo, status="patuh")
    client.force_login(pendamping_hadimulyo)
    # when / then: user, count, threshold, families, records, members, and the session save
    # (savepoint, update, release)
    with django_assert_num_queries(9):
        response = client.get(URL, {"bulan": MARET})
    assert len(response.context["kelompok"]) == n


# --- Office: proposals and flags ------------------------------------------------------------
@pytest.fixture
def usulan(keluarga_a, keluarga_b, pendamping_hadimulyo, pendamping_iringmulyo):
    """One open proposal for A's family (Metro Pusat) and one for B's (Metro Timur)."""
    riwayat(keluarga_a[1], "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP])
    riwayat(keluarga_b[1], "ibu_hamil", pendamping_iringmulyo, [TP, TP, TP])
    services.usulan_evaluate(bulan_awal=bulan(2025, 1), bulan_akhir=bulan(2025, 3))
    return {u.keluarga_id: u for u in Usulan.objects.all()}


def test_office_runs_the_evaluation_and_reads_the_counts(client, keluarga_a, operator):
    # given
    riwayat(keluarga_a[1], "ibu_hamil", operator, [TP, TP, TP])
    client.force_login(operator)
    # when
    response = client.post(
        reverse("verifikasi:usulan-evaluasi"),
        {"bulan_awal": "2025-01", "bulan_akhir": "2025-12"},
        follow=True,
    )
    # then
    assert [str(m) for m in response.context["messages"]] == [
        "Evaluasi Januari–Desember 2025: 1 pelanggaran ditemukan, 1 usulan baru, "
        "0 usulan diperbarui."
    ]
    assert [u.ringkasan[:40] for u in response.context["page"]] == [
        "Tidak patuh komitmen 3 bulan berturut-tu"
    ]


def test_an_operator_of_one_kecamatan_evaluates_only_that_kecamatan(
    client, keluarga_a, keluarga_b, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given: both families broke the rule; the operator works for Metro Pusat (A's) only
    riwayat(keluarga_a[1], "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP])
    riwayat(keluarga_b[1], "ibu_hamil", pendamping_iringmulyo, [TP, TP, TP])
    operator_pusat = make_user("operator_pusat", "operator", kota_metro["Metro Pusat"])
    client.force_login(operator_pusat)
    # when
    response = client.post(
        reverse("verifikasi:usulan-evaluasi"),
        {"bulan_awal": "2025-01", "bulan_akhir": "2025-12"},
        follow=True,
    )
    # then: Metro Timur's family gets no proposal from this operator
    assert [str(m) for m in response.context["messages"]] == [
        "Evaluasi Januari–Desember 2025: 1 pelanggaran ditemukan, 1 usulan baru, "
        "0 usulan diperbarui."
    ]
    assert list(Usulan.objects.values_list("keluarga_id", flat=True)) == [keluarga_a[0].pk]


def test_accepting_from_the_list_suspends_the_family(client, usulan, keluarga_a, operator):
    # given
    k = keluarga_a[0]
    proposal = usulan[k.pk]
    client.force_login(operator)
    # when
    response = client.post(
        reverse("verifikasi:usulan-putuskan", args=[proposal.pk]),
        {"keputusan": "terima", "catatan": ""},
        follow=True,
    )
    # then
    assert [str(m) for m in response.context["messages"]] == [
        f"Usulan #{proposal.pk} diterima: keluarga ditangguhkan."
    ]
    k.refresh_from_db()
    assert k.status == Keluarga.Status.DITANGGUHKAN
    assert RiwayatStatus.objects.get(keluarga=k, ke="ditangguhkan").alasan == (
        f"Usulan #{proposal.pk} diterima: {proposal.ringkasan}"
    )


def test_rejecting_without_a_reason_is_refused(client, usulan, keluarga_a, operator):
    proposal = usulan[keluarga_a[0].pk]
    client.force_login(operator)
    response = client.post(
        reverse("verifikasi:usulan-putuskan", args=[proposal.pk]),
        {"keputusan": "tolak", "catatan": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"catatan": ["Tulis alasan penolakan usulan."]}
    proposal.refresh_from_db()
    assert proposal.status == "diusulkan"


def test_koordinator_sees_proposals_of_own_area_and_cannot_decide(
    client, usulan, keluarga_a, keluarga_b, koordinator_metro_pusat
):
    # given
    client.force_login(koordinator_metro_pusat)
    # when
    listed = client.get(reverse("verifikasi:usulan-list"))
    decided = client.post(
        reverse("verifikasi:usulan-putuskan", args=[usulan[keluarga_a[0].pk].pk]),
        {"keputusan": "terima"},
    )
    # then
    assert [u.keluarga_id for u in listed.context["page"]] == [keluarga_a[0].pk]
    assert decided.status_code == 403
    assert Usulan.objects.filter(status="diusulkan").count() == 2


def test_an_operator_of_another_area_gets_404(client, usulan, keluarga_b, kota_metro):
    # given: an operator for Metro Pusat only
    operator_pusat = make_user("operator_pusat", "operator", kota_metro["Metro Pusat"])
    client.force_login(operator_pusat)
    # when
    response = client.post(
        reverse("verifikasi:usulan-putuskan", args=[usulan[keluarga_b[0].pk].pk]),
        {"keputusan": "terima"},
    )
    # then
    assert response.status_code == 404
    assert Usulan.objects.filter(status="diusulkan").count() == 2


def test_flags_of_a_month_with_the_figures(client, keluarga_a, pendamping_hadimulyo, operator):
    # given
    _, siti, budi = keluarga_a
    catat(budi, "anak_sd", bulan(2025, 3), pendamping_hadimulyo, persen="84.9")
    catat(siti, "ibu_hamil", bulan(2025, 3), pendamping_hadimulyo, status=TP, catatan="Tidak ANC")
    catat(budi, "anak_sd", bulan(2025, 2), pendamping_hadimulyo, persen="85")
    client.force_login(operator)
    # when
    response = client.get(reverse("verifikasi:usulan-list"), {"tampil": "tanda", "bulan": MARET})
    # then
    flags = [(t.anggota.nama, t.komponen, t.persen_kehadiran) for t in response.context["page"]]
    assert flags == [("Siti Aminah", "ibu_hamil", None), ("Budi", "anak_sd", Decimal("84.90"))]
    assert "Hadir 84,90% (&lt; 85%)" in response.content.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_proposals_page_query_count_is_flat(
    n, client, kota_metro, pendamping_hadimulyo, operator, django_assert_num_queries
):
    # given
    for i in range(n):
        _, siti, _ = keluarga_komitmen(
            kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo,
            ibu=f"Ibu {i}",
        )  # fmt: skip
        riwayat(siti, "ibu_hamil", pendamping_hadimulyo, [TP, TP, TP])
    services.usulan_evaluate(bulan_awal=bulan(2025, 1), bulan_akhir=bulan(2025, 3))
    client.force_login(operator)
    # when / then: user, count, threshold, page, the kecamatan filter's choices (issue 19),
    # and the session save (3)
    with django_assert_num_queries(8):
        response = client.get(reverse("verifikasi:usulan-list"))
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 10])
def test_flags_page_query_count_is_flat(
    n, client, kota_metro, pendamping_hadimulyo, operator, django_assert_num_queries
):
    # given
    for i in range(n):
        _, siti, budi = keluarga_komitmen(
            kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo,
            ibu=f"Ibu {i}", anak=f"Anak {i}",
        )  # fmt: skip
        catat(siti, "ibu_hamil", bulan(2025, 3), pendamping_hadimulyo, status=TP)
        catat(budi, "anak_sd", bulan(2025, 3), pendamping_hadimulyo, persen="80")
    client.force_login(operator)
    # when / then: user, thresholds (2), count, page, the kecamatan filter's choices (issue
    # 19), and the session save (3)
    with django_assert_num_queries(9):
        response = client.get(
            reverse("verifikasi:usulan-list"), {"tampil": "tanda", "bulan": MARET}
        )
    assert len(response.context["page"]) == 2 * n
